/* SPDX-License-Identifier: GPL-2.0 */
/*
 * latency --details: the latency collector's details records
 * (VNS_CMD_EVENT_GET, one VNS_A_LAT_EVENT per slow packet), read over
 * netlink while the command runs, and printed as text or NDJSON.
 */
#ifndef _VNS_CLI_DETAILS_H
#define _VNS_CLI_DETAILS_H

#include <stdbool.h>

#include "vns/types.h"
#include "flow.h"

struct nlattr;
struct vns_nl;
struct vns_ticker;

#define VNS_EV_HOPS		32	/* hops a record may have */

struct vns_ev_hop {
	u8 stage;			/* enum vns_stage */
	char dev[16];			/* "": none */
	u32 cpu;
	u64 offset_ns;			/* since the first hop */
	u64 delta_ns;			/* since the previous hop */
};

struct vns_event {
	u64 ts_ns;			/* CLOCK_MONOTONIC, the first hop */
	u32 cpu;
	u8 dir;				/* VNS_DIR_RX or VNS_DIR_TX */
	struct vns_flow_info flow;
	u32 ip_id;
	u32 l4;
	u64 total_ns;
	unsigned int why;		/* VNS_LAT_WHY_* */
	bool has_slow;			/* false: no stage took any time */
	u8 slow_from;			/* enum vns_stage */
	u8 slow_to;
	u64 slow_ns;
	u32 pid;
	char comm[17];			/* "-": none */
	unsigned int nr_hops;
	u32 hops_dropped;		/* the module's, and past VNS_EV_HOPS */
	struct vns_ev_hop hop[VNS_EV_HOPS];
};

/*
 * Read a VNS_A_LAT_EVENT nest into @e.  Attributes this version does not
 * know are skipped; a record without its time, direction or flow, or with
 * a malformed attribute, is -EBADMSG.
 */
int vns_event_parse(struct vns_event *e, struct nlattr *nest);

/*
 * The record: in text a line with the time (@mono_to_real_ns added to
 * ts_ns gives CLOCK_REALTIME; 0: the monotonic time in seconds), the flow,
 * the end-to-end time and the slowest stage, then a line per hop; in JSON
 * (print.h) its members "ts_ns", "cpu", "dir", "flow", ..., "hops"
 */
void vns_event_print(const struct vns_event *e, long long mono_to_real_ns);

/*
 * Print the records as the module hands them over, dumping again every
 * 100 ms, until a signal or @duration seconds (0: none), then once more
 * to drain; then the summary.  0 or the exit status.
 */
int vns_details_run(struct vns_nl *nl, double duration, bool json,
		    struct vns_ticker *t);

#endif /* _VNS_CLI_DETAILS_H */

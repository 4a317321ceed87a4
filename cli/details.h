/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The latency collector's details records, as the events file
 * (/proc/vnetscope/events) has them: one line of key=value words per slow
 * packet.  Parsing a line, and printing a record as text or JSON.
 */
#ifndef _VNS_CLI_DETAILS_H
#define _VNS_CLI_DETAILS_H

#include <stdbool.h>
#include <stdio.h>

#include "vns/types.h"

struct json_object;

#define VNS_EV_HOPS		32	/* hops a record may have */
#define VNS_EV_NAME_MAX		32	/* a stage name, with the NUL */
#define VNS_EV_WHY_TOTAL	1	/* end to end >= threshold */
#define VNS_EV_WHY_STAGE	2	/* one stage >= stage threshold */

struct vns_ev_hop {
	char stage[VNS_EV_NAME_MAX];
	char dev[16];			/* "": none */
	u32 cpu;
	u64 offset_ns;			/* since the first hop */
	u64 delta_ns;			/* since the previous hop */
};

struct vns_event {
	u64 ts_ns;			/* CLOCK_MONOTONIC, the first hop */
	u32 cpu;
	u8 dir;				/* VNS_DIR_RX or VNS_DIR_TX */
	u8 family;			/* VNS_AF_INET or VNS_AF_INET6 */
	u8 proto;
	u8 src[16];
	u8 dst[16];
	bool has_ports;
	bool has_icmp;
	u16 sport;
	u16 dport;
	u8 icmp_type;
	u8 icmp_code;
	u32 ip_id;
	u32 l4;
	u64 total_us;
	unsigned int why;		/* VNS_EV_WHY_* */
	bool has_slow;			/* false: "slow=-" */
	char slow_from[VNS_EV_NAME_MAX];
	char slow_to[VNS_EV_NAME_MAX];
	u64 slow_us;
	u32 pid;
	char comm[17];
	unsigned int nr_hops;
	struct vns_ev_hop hop[VNS_EV_HOPS];
};

/*
 * Parse one line of the events file (with or without its '\n') into @e.
 * Keys this version does not know are skipped; a missing key, a bad value
 * or a word that is not key=value is an error.  Returns 0, or -1 with a
 * one-line message in @err.
 */
int vns_event_parse(const char *line, struct vns_event *e, char *err,
		    size_t errlen);

/*
 * The record as text: a line with the time (@mono_to_real_ns added to
 * ts_ns gives CLOCK_REALTIME; 0: the monotonic time in seconds), the flow,
 * the end-to-end time and the slowest stage, then a line per hop.
 */
void vns_event_print(FILE *out, const struct vns_event *e,
		     long long mono_to_real_ns);

/* {"ts_ns":...,"cpu":...,"dir":...,"flow":{...},...,"hops":[...]} */
struct json_object *vns_event_json(const struct vns_event *e);

#endif /* _VNS_CLI_DETAILS_H */

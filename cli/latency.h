/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope latency: the latency collector's dump (VNS_CMD_LATENCY_GET)
 * read into plain structures, the growth between two reads, text and JSON;
 * the options of the command (--details: details.h).
 */
#ifndef _VNS_CLI_LATENCY_H
#define _VNS_CLI_LATENCY_H

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"
#include "coll.h"

struct nlattr;
struct vns_collector;

/* One record of the latency dump: a pair of stages, or end to end */
struct vns_stage_lat {
	u8 kind;			/* enum vns_latency_kind */
	u8 from;			/* enum vns_stage (PAIR) */
	u8 to;
	u8 dir;				/* enum vns_dir (TOTAL) */
	bool max_bound;			/* delta: hist.max is an upper bound */
	struct vns_hist hist;		/* microseconds */
};

/* The collector's counters a report ends with, in this order */
enum vns_stage_sum {
	VNS_LSUM_TRACKED,
	VNS_LSUM_COMPLETED,
	VNS_LSUM_INCOMPLETE,
	VNS_LSUM_LOST,
	VNS_LSUM_BUSY,
	VNS_LSUM_N
};

struct vns_stage_lats {
	struct vns_stage_lat *v;	/* in the kernel's order */
	size_t n;
	bool has[VNS_LSUM_N];		/* false: the module did not send it */
	u64 sum[VNS_LSUM_N];
};

/*
 * Parse a VNS_A_LATENCY nest and append it (a kind this version does not
 * know is skipped).  Returns 0, -EBADMSG or -ENOMEM.
 */
int vns_stage_lats_add(struct vns_stage_lats *l, struct nlattr *nest);

/* Take the counters from the status of collector @c (NULL: none) */
void vns_stage_lats_counters(struct vns_stage_lats *l,
			     const struct vns_collector *c);

/* A copy of @src; 0 or -ENOMEM */
int vns_stage_lats_dup(struct vns_stage_lats *dst,
		       const struct vns_stage_lats *src);
void vns_stage_lats_free(struct vns_stage_lats *l);

/*
 * @cur becomes its growth since @prev: each histogram (vns_hist_delta(),
 * matched by its pair or direction) and the counters.  A counter or
 * histogram that went down (a reset) counts from 0 again.
 */
void vns_stage_lats_delta(struct vns_stage_lats *cur,
			  const struct vns_stage_lats *prev);

/* "QDISC_ENQ", or "STAGE_<n>" for a stage this version does not know */
const char *vns_stage_str(unsigned int stage, char *buf, size_t len);

/*
 * For each pair, then each direction, with a count: a line with the count,
 * percentiles and maximum, then the histogram; then the counters.  JSON
 * (print.h): "stages":[...],"totals":[...],"tracked":N,...
 */
void vns_stage_lats_print(const struct vns_stage_lats *l);

/* The options of latency */
struct vns_latency_args {
	struct vns_read_opts read;	/* filter, settings, --details,
					 * --json, --no-enable, --interval
					 */
	double duration;		/* --details: seconds; 0: until a signal */
};

/* Parse them: -1 to go on, or the exit status (--help, usage error) */
int vns_latency_parse(struct vns_latency_args *a, int argc, char **argv);

#endif /* _VNS_CLI_LATENCY_H */

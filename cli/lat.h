/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The latency collectors' dumps: softirqs (VNS_CMD_SOFTIRQ_GET), timers
 * (VNS_CMD_TIMER_GET), irqoff (VNS_CMD_IRQOFF_GET) and the per-stage
 * packet latency (VNS_CMD_LATENCY_GET), read into plain structures; deltas
 * between two reads, ranking, text and JSON.
 */
#ifndef _VNS_CLI_LAT_H
#define _VNS_CLI_LAT_H

#include <stdio.h>

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"

struct json_object;
struct nlattr;
struct vns_collector;

/* ------------------------------------------------------------- softirqs */

struct vns_sirq_vec {
	unsigned int present;		/* 1 << VNS_SIRQ_A_* */
	u8 vec;
	char name[VNS_NAME_MAX];
	u64 count;
	u64 total_ns;
	u64 max_ns;
	u64 raised;
	u64 wait_total_ns;
	u64 wait_max_ns;
	bool max_bound;			/* delta: max_ns is an upper bound */
	bool wait_max_bound;
	struct vns_hist hist;		/* if present & VNS_SIRQ_A_HIST */
	struct vns_hist wait_hist;	/* if present & VNS_SIRQ_A_WAIT_HIST */
};

struct vns_sirq_cpu {
	u32 cpu;
	unsigned int ksirqd;		/* 1 << VNS_KSIRQD_A_*, 0: none sent */
	u32 pid;
	u64 runtime_ns;
	struct vns_sirq_vec vec[VNS_NR_SOFTIRQS];	/* present: sent */
};

struct vns_softirqs {
	struct vns_sirq_cpu *cpus;	/* by CPU number */
	size_t n;
};

/* Add one message of the dump (its top-level attributes).  0 or -errno. */
int vns_softirqs_add(struct vns_softirqs *s, struct nlattr **tb);
/* Order the CPUs by number */
void vns_softirqs_sort(struct vns_softirqs *s);
void vns_softirqs_free(struct vns_softirqs *s);

/* "NET_RX", ... for vector @vec, as the kernel names them */
const char *vns_sirq_name(unsigned int vec);

/*
 * @cur becomes its growth since @prev, per CPU and vector: counts, times,
 * histograms.  A counter that went down (a reset) counts from 0 again.
 */
void vns_softirqs_delta(struct vns_softirqs *cur,
			const struct vns_softirqs *prev);

/* The sum of vector @vec over @s's CPUs (@cpu: only that one, or -1) */
void vns_sirq_total(const struct vns_softirqs *s, long long cpu,
		    unsigned int vec, struct vns_sirq_vec *sum);

/* The tables (and with @hist, the histograms) for CPU @cpu or all (-1) */
void vns_softirqs_print(FILE *out, const struct vns_softirqs *s,
			long long cpu, bool hist);
/* {"cpus":[...]} */
struct json_object *vns_softirqs_json(const struct vns_softirqs *s,
				      long long cpu);

/* --------------------------------------------------------------- timers */

struct vns_timer {
	unsigned int present;		/* 1 << VNS_TIMER_A_* */
	char *func;
	u8 kind;			/* enum vns_timer_kind */
	u64 count;
	u64 total_ns;
	u64 max_ns;
	u32 max_cpu;
	u64 max_age_ns;
	bool max_bound;			/* delta: max_ns is an upper bound */
	struct vns_hist hist;
};

struct vns_timers {
	struct vns_timer *v;
	size_t n;
};

enum vns_timer_sort {
	VNS_SORT_MAX,
	VNS_SORT_TOTAL,
	VNS_SORT_COUNT,
};

int vns_timers_add(struct vns_timers *t, struct nlattr *nest);
void vns_timers_free(struct vns_timers *t);

/*
 * @cur becomes its growth since @prev (same function and kind); entries
 * that did not run are left out.
 */
void vns_timers_delta(struct vns_timers *cur, const struct vns_timers *prev);

/*
 * The entries of @t to list: max >= @min_us microseconds, ranked by @sort
 * (ties: name, kind), at most @top (0: all).  *@out to free().  0 or
 * -ENOMEM.
 */
int vns_timers_rank(const struct vns_timers *t, enum vns_timer_sort sort,
		    u64 min_us, u64 top, const struct vns_timer ***out,
		    size_t *n);

void vns_timers_print(FILE *out, const struct vns_timer *const *v, size_t n,
		      bool hist);
struct json_object *vns_timers_json(const struct vns_timer *const *v,
				    size_t n);

/* --------------------------------------------------------------- irqoff */

struct vns_irqoff_sum {
	unsigned int present;		/* 1 << VNS_IRQSUM_A_* */
	u8 kind;			/* enum vns_irqoff_kind */
	u32 cpu;
	u64 events;
	struct vns_hist hist;
};

struct vns_irqoff_event {
	unsigned int present;		/* 1 << VNS_IRQOFF_A_* */
	u8 kind;
	u32 cpu;
	u64 latency_ns;
	u64 age_ns;
	u32 pid;
	char *comm;
	char **stack;			/* innermost first */
	size_t nstack;
};

struct vns_irqoff {
	struct vns_irqoff_sum *sums;
	size_t nsums;
	struct vns_irqoff_event *events;	/* worst first per CPU */
	size_t nevents;
};

/* Which summaries and events to show */
struct vns_irqoff_sel {
	long long cpu;			/* -1: all */
	u64 threshold_ns;		/* events at least this long */
};

int vns_irqoff_add(struct vns_irqoff *q, struct nlattr **tb);
void vns_irqoff_free(struct vns_irqoff *q);

void vns_irqoff_print(FILE *out, const struct vns_irqoff *q,
		      const struct vns_irqoff_sel *sel);
struct json_object *vns_irqoff_json(const struct vns_irqoff *q,
				    const struct vns_irqoff_sel *sel);

/* -------------------------------------------------------------- latency */

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
 * percentiles and maximum, then the histogram; then the counters
 */
void vns_stage_lats_print(FILE *out, const struct vns_stage_lats *l);
/* {"stages":[...],"totals":[...],"tracked":N,...} */
struct json_object *vns_stage_lats_json(const struct vns_stage_lats *l);

#endif /* _VNS_CLI_LAT_H */

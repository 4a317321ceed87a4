/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope timers: the timers collector's dump (VNS_CMD_TIMER_GET) read
 * into plain structures, the growth between two reads, ranking, text and
 * JSON.
 */
#ifndef _VNS_CLI_TIMERS_H
#define _VNS_CLI_TIMERS_H

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"
#include "coll.h"

struct nlattr;

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

/*
 * The table (and with @hist, the histograms) of @v, @n of them; in JSON
 * (print.h) "timers":[...]
 */
void vns_timers_print(const struct vns_timer *const *v, size_t n, bool hist);

/* A copy of @src whose entries own their names.  0 or -ENOMEM. */
int vns_timers_dup(struct vns_timers *dst, const struct vns_timers *src);

/* The options of timers */
struct vns_timers_args {
	struct vns_read_opts read;	/* --json, --no-enable, --interval */
	u64 top;			/* 0: all */
	u64 min_us;
	enum vns_timer_sort sort;
	bool hist;
};

/* Parse them: -1 to go on, or the exit status (--help, usage error) */
int vns_timers_parse(struct vns_timers_args *a, int argc, char **argv);

#endif /* _VNS_CLI_TIMERS_H */

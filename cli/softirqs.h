/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope softirqs: the softirqs collector's dump (VNS_CMD_SOFTIRQ_GET)
 * read into plain structures, the growth between two reads, text and JSON.
 */
#ifndef _VNS_CLI_SOFTIRQS_H
#define _VNS_CLI_SOFTIRQS_H

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"
#include "coll.h"

struct nlattr;

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

/*
 * The tables (and with @hist, the histograms) for CPU @cpu or all (-1);
 * in JSON (print.h) "cpus":[...]
 */
void vns_softirqs_print(const struct vns_softirqs *s, long long cpu,
			bool hist);

/* The options of softirqs */
struct vns_softirqs_args {
	struct vns_read_opts read;	/* --json, --no-enable, --interval */
	long long cpu;			/* -1: all */
	bool hist;
};

/* Parse them: -1 to go on, or the exit status (--help, usage error) */
int vns_softirqs_parse(struct vns_softirqs_args *a, int argc, char **argv);

#endif /* _VNS_CLI_SOFTIRQS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope irqoff: the irqoff collector's dump (VNS_CMD_IRQOFF_GET) read
 * into plain structures, text and JSON.
 */
#ifndef _VNS_CLI_IRQOFF_H
#define _VNS_CLI_IRQOFF_H

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"
#include "coll.h"

struct nlattr;

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

/*
 * Per kind and CPU the events and the sampler's delays; in JSON (print.h)
 * "summary":[...],"events":[...]
 */
void vns_irqoff_print(const struct vns_irqoff *q,
		      const struct vns_irqoff_sel *sel);

/* The options of irqoff */
struct vns_irqoff_args {
	struct vns_read_opts read;	/* --json, --no-enable */
	struct vns_irqoff_sel sel;	/* --cpu, --threshold */
};

/* Parse them: -1 to go on, or the exit status (--help, usage error) */
int vns_irqoff_parse(struct vns_irqoff_args *a, int argc, char **argv);

#endif /* _VNS_CLI_IRQOFF_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope drops: drop table entries (VNS_CMD_DROP_GET), parsing, the
 * deltas between two reads, and their text and JSON forms.
 */
#ifndef _VNS_CLI_DROPS_H
#define _VNS_CLI_DROPS_H

#include "coll.h"
#include "flow.h"

struct nlattr;

struct vns_drop {
	u64 count;
	u32 ifindex;
	u32 queue;		/* if has_queue */
	u32 reason;		/* if has_reason */
	u32 stack_id;		/* if has_stack_id */
	bool has_reason;
	bool has_queue;		/* VNS_DROP_A_QUEUE: the device's queue */
	bool has_stack_id;
	bool has_flow;		/* false: not IP */
	bool has_stack;		/* false: lost, the stack table was full */
	bool truncated;		/* VNS_A_TRUNCATED: attributes left out */
	char *dev;		/* NULL if absent */
	char *reason_name;	/* NULL if absent */
	char *location;		/* NULL if absent */
	struct vns_flow_info flow;
	char **stack;		/* innermost first */
	size_t nstack;
};

struct vns_drops {
	struct vns_drop *v;	/* in the kernel's order: ranked by count */
	size_t n;
};

/* An entry to report, with its count (cumulative, or growth) */
struct vns_drop_view {
	const struct vns_drop *e;
	u64 count;
	size_t rank;		/* index in the table it came from */
};

/* Parse a VNS_A_DROP nest and append it.  Returns 0, -EBADMSG, -ENOMEM. */
int vns_drops_add(struct vns_drops *d, struct nlattr *nest);
void vns_drops_free(struct vns_drops *d);

/*
 * The same table entry in two reads: stack, device and queue, reason,
 * location, flow
 */
bool vns_drop_same(const struct vns_drop *a, const struct vns_drop *b);

/* Every entry of @cur, as the kernel ranked it; *@view to free() */
int vns_drops_view(const struct vns_drops *cur, struct vns_drop_view **view,
		   size_t *n);

/*
 * The entries of @cur whose count grew since @prev, with the growth as
 * count (all of it for new entries, or if the count went down: a reset),
 * ranked by growth, ties in @cur's order.  *@view to free().  0 or -ENOMEM.
 */
int vns_drops_delta(const struct vns_drops *prev, const struct vns_drops *cur,
		    struct vns_drop_view **view, size_t *n);

/*
 * "#1 Count: ..." and the lines under it; in JSON the entry's object, the
 * next element of the open array (print.h)
 */
void vns_drop_print(size_t rank, const struct vns_drop *e, u64 count);

/* A flow's JSON members: "family", "src", "dst", "proto", ports or ICMP */
void vns_drop_flow_json(const struct vns_flow_info *fi);

/* The options of drops */
struct vns_drops_args {
	struct vns_read_opts read;	/* filter, --json, --interval, ... */
	u64 top;		/* entries per report; 0: all */
};

/* Parse them: -1 to go on, or the exit status (--help, usage error) */
int vns_drops_parse(struct vns_drops_args *a, int argc, char **argv);

#endif /* _VNS_CLI_DROPS_H */

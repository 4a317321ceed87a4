/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drop table entries (VNS_CMD_DROP_GET): parsing, the deltas between two
 * reads, and their text and JSON forms.
 */
#ifndef _VNS_CLI_DROPS_H
#define _VNS_CLI_DROPS_H

#include <stdio.h>

#include "vns/flow.h"

struct json_object;
struct nlattr;

/* A flow as the kernel sent it: which L4 fields it had */
struct vns_flow_info {
	struct vns_flow key;	/* zeroed, then filled: comparable */
	bool has_ports;
	bool has_icmp;
};

struct vns_drop {
	u64 count;
	u32 ifindex;
	u32 reason;		/* if has_reason */
	u32 stack_id;		/* if has_stack_id */
	bool has_reason;
	bool has_stack_id;
	bool has_flow;		/* false: not IP */
	bool has_stack;		/* false: lost, the stack table was full */
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

/* The same table entry in two reads: stack, device, reason, location, flow */
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
 * "udp 127.0.0.1:40000 -> 127.0.0.1:9", "tcp [::1]:1 -> [::1]:2",
 * "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0", "proto 47 10.0.0.1 -> ...".
 * Returns the length, or -1 if truncated.
 */
int vns_flow_format(const struct vns_flow_info *f, char *buf, size_t len);

/* Longest vns_flow_format() output, with the NUL */
#define VNS_FLOW_STR_MAX	160

/* "#1 Count: ..." and the lines under it */
void vns_drop_print(FILE *out, size_t rank, const struct vns_drop *e,
		    u64 count);

struct json_object *vns_flow_json(const struct vns_flow_info *f);
struct json_object *vns_drop_json(const struct vns_drop *e, u64 count);

#endif /* _VNS_CLI_DROPS_H */

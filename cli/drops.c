// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope drops: the drop table (VNS_CMD_DROP_GET), once (cumulative) or
 * every interval (the growth since the previous read).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "vns/hash.h"
#include "cmd.h"
#include "drops.h"
#include "loop.h"
#include "nl.h"
#include "print.h"
#include "read.h"
#include "status.h"
#include "util.h"

#define VNS_DROPS	"drops"

static const struct nla_policy vns_drop_policy[VNS_DROP_A_MAX + 1] = {
	[VNS_DROP_A_COUNT] = { .type = NLA_U64 },
	[VNS_DROP_A_IFINDEX] = { .type = NLA_U32 },
	[VNS_DROP_A_DEV] = { .type = NLA_STRING },
	[VNS_DROP_A_REASON] = { .type = NLA_U32 },
	[VNS_DROP_A_REASON_NAME] = { .type = NLA_STRING },
	[VNS_DROP_A_LOCATION] = { .type = NLA_STRING },
	[VNS_DROP_A_FLOW] = { .type = NLA_NESTED },
	[VNS_DROP_A_STACK] = { .type = NLA_NESTED },
	[VNS_DROP_A_STACK_ID] = { .type = NLA_U32 },
	[VNS_DROP_A_QUEUE] = { .type = NLA_U32 },
};

static void vns_drop_free(struct vns_drop *e)
{
	vns_strings_free(e->stack, e->nstack);
	free(e->dev);
	free(e->reason_name);
	free(e->location);
}

static int vns_drop_parse(struct vns_drop *e, struct nlattr *nest)
{
	struct nlattr *tb[VNS_DROP_A_MAX + 1];

	memset(e, 0, sizeof(*e));
	if (nla_parse_nested(tb, VNS_DROP_A_MAX, nest, vns_drop_policy) ||
	    !tb[VNS_DROP_A_COUNT])
		return -EBADMSG;
	e->count = nla_get_u64(tb[VNS_DROP_A_COUNT]);
	if (tb[VNS_DROP_A_IFINDEX])
		e->ifindex = nla_get_u32(tb[VNS_DROP_A_IFINDEX]);
	if (tb[VNS_DROP_A_QUEUE]) {
		e->queue = nla_get_u32(tb[VNS_DROP_A_QUEUE]);
		e->has_queue = true;
	}
	if (tb[VNS_DROP_A_REASON]) {
		e->reason = nla_get_u32(tb[VNS_DROP_A_REASON]);
		e->has_reason = true;
	}
	if (tb[VNS_DROP_A_STACK_ID]) {
		e->stack_id = nla_get_u32(tb[VNS_DROP_A_STACK_ID]);
		e->has_stack_id = true;
	}
	if (tb[VNS_DROP_A_FLOW]) {
		if (vns_flow_parse(&e->flow, tb[VNS_DROP_A_FLOW]))
			return -EBADMSG;
		e->has_flow = true;
	}
	if (vns_nla_strdup(&e->dev, tb[VNS_DROP_A_DEV]) ||
	    vns_nla_strdup(&e->reason_name, tb[VNS_DROP_A_REASON_NAME]) ||
	    vns_nla_strdup(&e->location, tb[VNS_DROP_A_LOCATION]))
		return -ENOMEM;
	if (!tb[VNS_DROP_A_STACK])
		return 0;
	e->has_stack = true;
	return vns_nla_strings(tb[VNS_DROP_A_STACK], VNS_STACK_A_FRAME,
			       &e->stack, &e->nstack);
}

int vns_drops_add(struct vns_drops *d, struct nlattr *nest)
{
	int ret;

	if (vns_grow(&d->v, d->n, sizeof(*d->v)))
		return -ENOMEM;
	ret = vns_drop_parse(&d->v[d->n], nest);
	if (ret)
		vns_drop_free(&d->v[d->n]);
	else
		d->n++;
	return ret;
}

void vns_drops_free(struct vns_drops *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		vns_drop_free(&d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

static bool vns_streq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool vns_drop_same(const struct vns_drop *a, const struct vns_drop *b)
{
	return a->has_stack_id == b->has_stack_id &&
	       (!a->has_stack_id || a->stack_id == b->stack_id) &&
	       a->ifindex == b->ifindex && a->has_queue == b->has_queue &&
	       (!a->has_queue || a->queue == b->queue) &&
	       a->has_reason == b->has_reason &&
	       (!a->has_reason || a->reason == b->reason) &&
	       vns_streq(a->reason_name, b->reason_name) &&
	       vns_streq(a->location, b->location) &&
	       a->has_flow == b->has_flow &&
	       (!a->has_flow ||
		!memcmp(&a->flow.key, &b->flow.key, sizeof(a->flow.key)));
}

static u64 vns_drop_hash(const struct vns_drop *e)
{
	u64 w[4] = {
		e->has_stack_id ? (u64)1 << 32 | e->stack_id : 0,
		e->has_reason ? (u64)1 << 32 | e->reason : 0,
		e->ifindex,
		e->has_queue ? (u64)1 << 32 | e->queue : 0,
	};
	u64 h = vns_hash_words(w, 4, 0);

	if (e->reason_name)
		h = vns_hash_bytes(e->reason_name, strlen(e->reason_name), h);
	if (e->location)
		h = vns_hash_bytes(e->location, strlen(e->location), h);
	if (e->has_flow)
		h = vns_hash_bytes(&e->flow.key, sizeof(e->flow.key), h);
	return h;
}

int vns_drops_view(const struct vns_drops *cur, struct vns_drop_view **view,
		   size_t *n)
{
	size_t i;

	*n = 0;
	*view = calloc(cur->n ? cur->n : 1, sizeof(**view));
	if (!*view)
		return -ENOMEM;
	for (i = 0; i < cur->n; i++) {
		(*view)[i].e = &cur->v[i];
		(*view)[i].count = cur->v[i].count;
		(*view)[i].rank = i;
	}
	*n = cur->n;
	return 0;
}

static int vns_view_cmp(const void *pa, const void *pb)
{
	const struct vns_drop_view *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* Index of the entry of @prev like @e, or -1; @slots holds index + 1 */
static long vns_drops_find(const struct vns_drops *prev, const size_t *slots,
			   size_t mask, const struct vns_drop *e)
{
	size_t i = (size_t)vns_drop_hash(e) & mask;

	for (; slots[i]; i = (i + 1) & mask)
		if (vns_drop_same(&prev->v[slots[i] - 1], e))
			return (long)(slots[i] - 1);
	return -1;
}

int vns_drops_delta(const struct vns_drops *prev, const struct vns_drops *cur,
		    struct vns_drop_view **view, size_t *n)
{
	size_t size = 1, i, j;
	size_t *slots;
	long k;
	u64 c;

	*n = 0;
	while (size < 2 * prev->n + 1)
		size *= 2;
	slots = calloc(size, sizeof(*slots));
	*view = calloc(cur->n ? cur->n : 1, sizeof(**view));
	if (!slots || !*view) {
		free(slots);
		free(*view);
		*view = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < prev->n; i++) {
		j = (size_t)vns_drop_hash(&prev->v[i]) & (size - 1);
		while (slots[j])
			j = (j + 1) & (size - 1);
		slots[j] = i + 1;
	}
	for (i = 0; i < cur->n; i++) {
		c = cur->v[i].count;
		k = vns_drops_find(prev, slots, size - 1, &cur->v[i]);
		if (k >= 0 && c >= prev->v[k].count)
			c -= prev->v[k].count;
		if (!c)
			continue;
		(*view)[*n].e = &cur->v[i];
		(*view)[*n].count = c;
		(*view)[*n].rank = i;
		(*n)++;
	}
	free(slots);
	qsort(*view, *n, sizeof(**view), vns_view_cmp);
	return 0;
}

/* ---- output ---- */

void vns_drop_flow_json(const struct vns_flow_info *fi)
{
	const struct vns_flow *f = &fi->key;
	char a[VNS_ADDR_STR_MAX];

	if (f->family == VNS_AF_INET || f->family == VNS_AF_INET6) {
		print_string(PRINT_JSON, "family", NULL,
			     f->family == VNS_AF_INET ? "ipv4" : "ipv6");
		print_string(PRINT_JSON, "src", NULL,
			     vns_addr_str(f->family, f->src, a, sizeof(a)));
		print_string(PRINT_JSON, "dst", NULL,
			     vns_addr_str(f->family, f->dst, a, sizeof(a)));
	} else {
		print_uint(PRINT_JSON, "family", NULL, f->family);
	}
	print_proto(PRINT_JSON, "proto", NULL, f->proto);
	if (fi->has_ports) {
		print_uint(PRINT_JSON, "sport", NULL, f->sport);
		print_uint(PRINT_JSON, "dport", NULL, f->dport);
	} else if (fi->has_icmp) {
		print_uint(PRINT_JSON, "type", NULL, f->icmp_type);
		print_uint(PRINT_JSON, "code", NULL, f->icmp_code);
	}
}

void vns_drop_print(size_t rank, const struct vns_drop *e, u64 count)
{
	char flow[VNS_FLOW_STR_MAX];
	size_t i;

	open_json_object(NULL);
	print_fp("#%zu", rank);
	print_u64(PRINT_ANY, "count", " Count: %llu", count);
	print_string(PRINT_ANY, "dev", " [device: %s]", e->dev);
	print_u64(PRINT_JSON, "ifindex", NULL, e->ifindex);
	print_u64_opt(PRINT_JSON, "queue", NULL, e->has_queue, e->queue);
	if (e->has_queue)
		print_fp(" [queue: %u]", e->queue);
	print_string(PRINT_JSON, "reason", NULL, e->reason_name);
	print_u64_opt(PRINT_JSON, "reason_code", NULL, e->has_reason,
		      e->reason);
	if (e->reason_name)
		print_fp(" [reason: %s]", e->reason_name);
	else if (e->has_reason)
		print_fp(" [reason: %u]", e->reason);
	print_fp("\n");
	print_string(PRINT_JSON, "location", NULL, e->location);
	if (e->has_flow) {
		vns_flow_format(&e->flow, flow, sizeof(flow));
		print_fp("    %s\n", flow);
		open_json_object("flow");
		vns_drop_flow_json(&e->flow);
		close_json_object();
	} else {
		print_fp("    non-IP\n");
		print_null(PRINT_JSON, "flow", NULL, NULL);
	}
	if (e->location)
		print_fp("    location: %s\n", e->location);
	if (e->truncated) {
		/* JSON: only when it is */
		print_bool(PRINT_JSON, "truncated", NULL, true);
		print_fp("    [truncated: too big for a netlink message]\n");
	}
	if (!e->has_stack && e->has_stack_id &&
	    e->stack_id == VNS_STACK_ID_NONE)
		print_fp("    [stack lost: table full]\n");
	else if (!e->has_stack && !e->truncated)
		print_fp("    [no stack: the kernel could not unwind it]\n");
	if (e->has_stack)
		open_json_array("stack");
	else
		print_null(PRINT_JSON, "stack", NULL, NULL);
	for (i = 0; i < e->nstack; i++)
		print_string(PRINT_ANY, NULL, "    %s\n", e->stack[i]);
	if (e->has_stack)
		close_json_array();
	close_json_object();
}

/* ---- the command ---- */

static const char vns_drops_usage[] =
	"Usage: vnetscope drops [--interval S [--count N]] [--top N] [--json]\n"
	"                       [--no-enable] [FILTER OPTIONS]\n"
	"\n"
	"Report packet drops: count, device, reason, flow, where the packet\n"
	"was freed and the stack, most frequent first.  Turns the drops\n"
	"collector on if it is off; filter options change only those keys of\n"
	"its filter (the table restarts only when the filter changes).\n"
	"\n"
	"  --interval S     every S seconds (e.g. 0.5), the drops since the\n"
	"                   previous report; until SIGINT/SIGTERM\n"
	"  --count N        stop after N reports\n"
	"  --top N          print at most N entries per report\n"
	"  --json           one JSON document per report, one per line\n"
	VNS_NO_ENABLE_USAGE
	VNS_FILTER_USAGE
	VNS_EXIT_HELP;

/* One read of the drops collector: counters, then the table */
struct vns_drops_snap {
	struct vns_status st;
	struct vns_drops drops;
	struct timespec when;	/* CLOCK_REALTIME */
};

enum {
	VNS_SUM_SEEN,
	VNS_SUM_FILTERED,
	VNS_SUM_LOST,
	VNS_SUM_STACK_LOST,
	VNS_SUM_N
};

static const char *const vns_sum_names[VNS_SUM_N] = {
	"seen", "filtered", "lost", "stack_lost",
};

/* The counters a report starts with; has[i] false if the kernel had none */
struct vns_sums {
	bool has[VNS_SUM_N];
	u64 v[VNS_SUM_N];
};

static int vns_drops_opt(void *args, int c, const char *arg)
{
	struct vns_drops_args *a = args;

	if (c != 't')
		return -1;
	if (vns_parse_u64(arg, 1, UINT64_MAX, &a->top))
		return vns_usage_err("invalid --top '%s': expected a positive integer",
				     arg);
	return 0;
}

int vns_drops_parse(struct vns_drops_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		VNS_LOOP_OPTIONS,
		{ "top", required_argument, NULL, 't' },
		VNS_FILTER_OPTIONS,
		VNS_READ_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	a->read.name = VNS_DROPS;
	return vns_read_getopt(&a->read, argc, argv, opts, vns_drops_usage,
			       vns_drops_opt, a);
}

static int vns_drop_cb(struct nlattr **tb, struct nlattr *attrs, int len,
		       void *arg)
{
	struct vns_drops *d = arg;
	int ret;

	(void)attrs;
	(void)len;
	if (!tb[VNS_A_DROP])
		return 0;
	ret = vns_drops_add(d, tb[VNS_A_DROP]);
	if (!ret && tb[VNS_A_TRUNCATED])
		d->v[d->n - 1].truncated = true;
	return ret;
}

static void vns_snap_free(void *snap)
{
	struct vns_drops_snap *s = snap;

	vns_status_free(&s->st);
	vns_drops_free(&s->drops);
}

static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_drops_snap *s = snap;
	int ret;

	(void)args;
	memset(s, 0, sizeof(*s));
	ret = vns_status_get(nl, &s->st);
	if (ret)
		return ret;
	clock_gettime(CLOCK_REALTIME, &s->when);
	ret = vns_nl_dump(nl, VNS_CMD_DROP_GET, "drop table read", vns_drop_cb,
			  &s->drops);
	if (ret)
		vns_snap_free(s);
	return ret;
}

static void vns_snap_sums(const struct vns_drops_snap *s,
			  struct vns_sums *sums)
{
	const struct vns_collector *c = vns_status_coll(&s->st, VNS_DROPS);
	int i;

	memset(sums, 0, sizeof(*sums));
	if (!c)
		return;
	for (i = 0; i < VNS_SUM_N; i++)
		if (i != VNS_SUM_LOST)
			sums->has[i] = vns_coll_counter(c, vns_sum_names[i],
							&sums->v[i]);
	sums->has[VNS_SUM_LOST] = VNS_HAS(c, VNS_COLL_A_LOST);
	sums->v[VNS_SUM_LOST] = c->lost;
}

/* @cur - @prev, counting from 0 again where a counter went down (reset) */
static void vns_sums_delta(struct vns_sums *cur, const struct vns_sums *prev)
{
	int i;

	for (i = 0; i < VNS_SUM_N; i++) {
		cur->has[i] = cur->has[i] && prev->has[i];
		if (cur->v[i] >= prev->v[i])
			cur->v[i] -= prev->v[i];
	}
}

/* Report @cur: all of it, or what grew since @prev */
static int vns_report(const void *args, const void *pcur, const void *pprev)
{
	const struct vns_drops_snap *cur = pcur, *prev = pprev;
	const struct vns_drops_args *a = args;
	struct vns_drop_view *view;
	struct vns_sums sums, psums;
	size_t n, i;
	int j;

	if (prev ? vns_drops_delta(&prev->drops, &cur->drops, &view, &n) :
		   vns_drops_view(&cur->drops, &view, &n)) {
		vns_err("report failed: out of memory");
		return VNS_EXIT_FAIL;
	}
	vns_snap_sums(cur, &sums);
	if (prev) {
		vns_snap_sums(prev, &psums);
		vns_sums_delta(&sums, &psums);
	}
	if (a->top && a->top < n)
		n = (size_t)a->top;

	vns_report_begin(&a->read, &cur->when);
	vns_print_when(&cur->when, a->read.interval, true);
	print_fp("drops:");
	for (j = 0; j < VNS_SUM_N; j++) {
		print_u64_opt(PRINT_ANY, vns_sum_names[j], " %s", sums.has[j],
			      sums.v[j]);
		print_fp(" %s%s", vns_sum_names[j],
			 j < VNS_SUM_N - 1 ? "," : "");
	}
	print_fp("\n");
	open_json_array("entries");
	for (i = 0; i < n; i++)
		vns_drop_print(i + 1, view[i].e, view[i].count);
	close_json_array();
	print_end();
	free(view);
	return 0;
}

VNS_DEFINE_READ(drops, sizeof(struct vns_drops_snap))

// SPDX-License-Identifier: GPL-2.0
/*
 * latency --details over netlink: VNS_CMD_EVENT_GET hands over the records
 * waiting in the module's per-CPU rings and ends when they are empty; the
 * command dumps again every 100 ms.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "vns/lat.h"
#include "details.h"
#include "latency.h"
#include "loop.h"
#include "nl.h"
#include "print.h"
#include "status.h"
#include "util.h"

/* How often the rings are dumped while the command runs */
#define VNS_DETAILS_POLL_NS	100000000LL

static const struct nla_policy vns_event_policy[VNS_LAT_EVENT_A_MAX + 1] = {
	[VNS_LAT_EVENT_A_TIME_NS] = { .type = NLA_U64 },
	[VNS_LAT_EVENT_A_CPU] = { .type = NLA_U32 },
	[VNS_LAT_EVENT_A_DIR] = { .type = NLA_U8 },
	[VNS_LAT_EVENT_A_FLOW] = { .type = NLA_NESTED },
	[VNS_LAT_EVENT_A_IP_ID] = { .type = NLA_U32 },
	[VNS_LAT_EVENT_A_L4] = { .type = NLA_U32 },
	[VNS_LAT_EVENT_A_TOTAL_NS] = { .type = NLA_U64 },
	[VNS_LAT_EVENT_A_WHY] = { .type = NLA_U8 },
	[VNS_LAT_EVENT_A_SLOW_FROM] = { .type = NLA_U8 },
	[VNS_LAT_EVENT_A_SLOW_TO] = { .type = NLA_U8 },
	[VNS_LAT_EVENT_A_SLOW_NS] = { .type = NLA_U64 },
	[VNS_LAT_EVENT_A_PID] = { .type = NLA_U32 },
	[VNS_LAT_EVENT_A_COMM] = { .type = NLA_STRING },
	[VNS_LAT_EVENT_A_HOP] = { .type = NLA_NESTED },
	[VNS_LAT_EVENT_A_HOPS_DROPPED] = { .type = NLA_U32 },
};

static const struct nla_policy vns_hop_policy[VNS_LAT_HOP_A_MAX + 1] = {
	[VNS_LAT_HOP_A_STAGE] = { .type = NLA_U8 },
	[VNS_LAT_HOP_A_DEV] = { .type = NLA_STRING },
	[VNS_LAT_HOP_A_CPU] = { .type = NLA_U32 },
	[VNS_LAT_HOP_A_OFFSET_NS] = { .type = NLA_U64 },
	[VNS_LAT_HOP_A_DELTA_NS] = { .type = NLA_U64 },
};

static u32 vns_u32_or0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static int vns_hop_parse(struct vns_ev_hop *h, struct nlattr *nest)
{
	struct nlattr *tb[VNS_LAT_HOP_A_MAX + 1];

	memset(h, 0, sizeof(*h));
	if (nla_parse_nested(tb, VNS_LAT_HOP_A_MAX, nest, vns_hop_policy) ||
	    !tb[VNS_LAT_HOP_A_STAGE])
		return -EBADMSG;
	h->stage = nla_get_u8(tb[VNS_LAT_HOP_A_STAGE]);
	if (tb[VNS_LAT_HOP_A_DEV])
		snprintf(h->dev, sizeof(h->dev), "%s",
			 nla_get_string(tb[VNS_LAT_HOP_A_DEV]));
	h->cpu = vns_u32_or0(tb[VNS_LAT_HOP_A_CPU]);
	h->offset_ns = vns_nla_u64_or0(tb[VNS_LAT_HOP_A_OFFSET_NS]);
	h->delta_ns = vns_nla_u64_or0(tb[VNS_LAT_HOP_A_DELTA_NS]);
	return 0;
}

int vns_event_parse(struct vns_event *e, struct nlattr *nest)
{
	struct nlattr *tb[VNS_LAT_EVENT_A_MAX + 1];
	struct nlattr *a;
	int rem;

	memset(e, 0, sizeof(*e));
	if (nla_parse_nested(tb, VNS_LAT_EVENT_A_MAX, nest, vns_event_policy) ||
	    !tb[VNS_LAT_EVENT_A_TIME_NS] || !tb[VNS_LAT_EVENT_A_DIR] ||
	    !tb[VNS_LAT_EVENT_A_FLOW] ||
	    vns_flow_parse(&e->flow, tb[VNS_LAT_EVENT_A_FLOW]))
		return -EBADMSG;
	e->ts_ns = nla_get_u64(tb[VNS_LAT_EVENT_A_TIME_NS]);
	e->dir = nla_get_u8(tb[VNS_LAT_EVENT_A_DIR]);
	e->cpu = vns_u32_or0(tb[VNS_LAT_EVENT_A_CPU]);
	e->ip_id = vns_u32_or0(tb[VNS_LAT_EVENT_A_IP_ID]);
	e->l4 = vns_u32_or0(tb[VNS_LAT_EVENT_A_L4]);
	e->total_ns = vns_nla_u64_or0(tb[VNS_LAT_EVENT_A_TOTAL_NS]);
	e->why = tb[VNS_LAT_EVENT_A_WHY] ?
		 nla_get_u8(tb[VNS_LAT_EVENT_A_WHY]) : VNS_LAT_WHY_TOTAL;
	if (tb[VNS_LAT_EVENT_A_SLOW_FROM] && tb[VNS_LAT_EVENT_A_SLOW_TO]) {
		e->has_slow = true;
		e->slow_from = nla_get_u8(tb[VNS_LAT_EVENT_A_SLOW_FROM]);
		e->slow_to = nla_get_u8(tb[VNS_LAT_EVENT_A_SLOW_TO]);
		e->slow_ns = vns_nla_u64_or0(tb[VNS_LAT_EVENT_A_SLOW_NS]);
	}
	e->pid = vns_u32_or0(tb[VNS_LAT_EVENT_A_PID]);
	snprintf(e->comm, sizeof(e->comm), "%s",
		 tb[VNS_LAT_EVENT_A_COMM] ?
		 nla_get_string(tb[VNS_LAT_EVENT_A_COMM]) : "-");
	if (!e->comm[0])
		strcpy(e->comm, "-");
	e->hops_dropped = vns_u32_or0(tb[VNS_LAT_EVENT_A_HOPS_DROPPED]);
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != VNS_LAT_EVENT_A_HOP)
			continue;
		if (e->nr_hops == VNS_EV_HOPS) {
			e->hops_dropped++;
			continue;
		}
		if (vns_hop_parse(&e->hop[e->nr_hops], a))
			return -EBADMSG;
		e->nr_hops++;
	}
	return 0;
}

/* ---- output ---- */

static const char *vns_ev_why(unsigned int why)
{
	switch (why & (VNS_LAT_WHY_TOTAL | VNS_LAT_WHY_STAGE)) {
	case VNS_LAT_WHY_STAGE:
		return "one stage";
	case VNS_LAT_WHY_TOTAL | VNS_LAT_WHY_STAGE:
		return "end to end, one stage";
	default:
		return "end to end";
	}
}

static const char *vns_ev_dir(u8 dir)
{
	return dir == VNS_DIR_RX ? "rx" : "tx";
}

/* The flow, IP ID and L4 identity: text on the line, JSON "flow" */
static void vns_ev_flow(const struct vns_event *e)
{
	const struct vns_flow *f = &e->flow.key;
	char a[VNS_ADDR_STR_MAX], b[VNS_ADDR_STR_MAX];
	bool v6 = f->family == VNS_AF_INET6;

	vns_addr_str(f->family, f->src, a, sizeof(a));
	vns_addr_str(f->family, f->dst, b, sizeof(b));
	open_json_object("flow");
	print_string(PRINT_JSON, "family", NULL, v6 ? "ipv6" : "ipv4");
	if (vns_proto_name(f->proto))
		print_proto(PRINT_ANY, "proto", " %s", f->proto);
	else
		print_proto(PRINT_ANY, "proto", " proto %s", f->proto);
	print_string(PRINT_JSON, "src", NULL, a);
	print_string(PRINT_JSON, "dst", NULL, b);
	if (e->flow.has_ports) {
		print_fp(v6 ? " [%s]:%u -> [%s]:%u" : " %s:%u -> %s:%u", a,
			 f->sport, b, f->dport);
		print_uint(PRINT_JSON, "sport", NULL, f->sport);
		print_uint(PRINT_JSON, "dport", NULL, f->dport);
	} else {
		print_fp(" %s -> %s", a, b);
	}
	if (e->flow.has_icmp) {
		print_uint(PRINT_ANY, "type", " type %u", f->icmp_type);
		print_uint(PRINT_ANY, "code", " code %u", f->icmp_code);
	}
	close_json_object();
	print_fp(" id 0x%x l4 0x%08x", e->ip_id, e->l4);
}

static void vns_ev_time(const struct vns_event *e, long long mono_to_real_ns)
{
	long long ns = (long long)e->ts_ns + mono_to_real_ns;
	time_t sec = (time_t)(ns / 1000000000);
	char buf[16];
	struct tm tm;

	if (!mono_to_real_ns) {
		print_fp("%llu.%06llu",
			 (unsigned long long)(e->ts_ns / 1000000000),
			 (unsigned long long)(e->ts_ns % 1000000000 / 1000));
		return;
	}
	localtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	print_fp("%s.%06lld", buf, ns % 1000000000 / 1000);
}

static void vns_ev_hop_print(const struct vns_ev_hop *h, unsigned int i)
{
	char st[24];

	open_json_object(NULL);
	print_string(PRINT_ANY, "stage", "    %-20s",
		     vns_stage_str(h->stage, st, sizeof(st)));
	print_string(PRINT_ANY, "dev", " %-15s", h->dev[0] ? h->dev : NULL);
	print_uint(PRINT_ANY, "cpu", " cpu%-3u", h->cpu);
	print_fp(" +%.3f ms", (double)h->offset_ns / 1e6);
	print_u64(PRINT_JSON, "offset_ns", NULL, h->offset_ns);
	print_u64(PRINT_JSON, "delta_ns", NULL, h->delta_ns);
	if (i)
		print_fp("  (%.3f)", (double)h->delta_ns / 1e6);
	print_fp("\n");
	close_json_object();
}

void vns_event_print(const struct vns_event *e, long long mono_to_real_ns)
{
	u64 total_us = e->total_ns / 1000, slow_us = e->slow_ns / 1000;
	char a[24], b[24];
	unsigned int i;

	vns_ev_time(e, mono_to_real_ns);
	print_u64(PRINT_JSON, "ts_ns", NULL, e->ts_ns);
	print_uint(PRINT_ANY, "cpu", " cpu%u", e->cpu);
	print_string(PRINT_ANY, "dir", " %s", vns_ev_dir(e->dir));
	vns_ev_flow(e);
	print_uint(PRINT_JSON, "ip_id", NULL, e->ip_id);
	print_uint(PRINT_JSON, "l4", NULL, e->l4);
	print_u64(PRINT_JSON, "total_us", NULL, total_us);
	print_fp("  total %.3f ms (%s)", (double)total_us / 1000,
		 vns_ev_why(e->why));
	open_json_array("why");
	if (e->why & VNS_LAT_WHY_TOTAL || !(e->why & VNS_LAT_WHY_STAGE))
		print_string(PRINT_JSON, NULL, NULL, "total");
	if (e->why & VNS_LAT_WHY_STAGE)
		print_string(PRINT_JSON, NULL, NULL, "stage");
	close_json_array();
	if (e->has_slow)
		print_fp("  slowest %s -> %s %.3f ms, pid %u %s",
			 vns_stage_str(e->slow_from, a, sizeof(a)),
			 vns_stage_str(e->slow_to, b, sizeof(b)),
			 (double)slow_us / 1000, e->pid, e->comm);
	print_fp("\n");
	open_json_object("slow");
	print_string(PRINT_JSON, "from", NULL, e->has_slow ?
		     vns_stage_str(e->slow_from, a, sizeof(a)) : NULL);
	print_string(PRINT_JSON, "to", NULL, e->has_slow ?
		     vns_stage_str(e->slow_to, b, sizeof(b)) : NULL);
	print_u64(PRINT_JSON, "us", NULL, e->has_slow ? slow_us : 0);
	print_uint(PRINT_JSON, "pid", NULL, e->pid);
	print_string(PRINT_JSON, "comm", NULL, e->comm);
	close_json_object();
	open_json_array("hops");
	for (i = 0; i < e->nr_hops; i++)
		vns_ev_hop_print(&e->hop[i], i);
	close_json_array();
}

/* ---- the loop ---- */

struct vns_details_ctx {
	bool json;
	long long m2r;			/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	u64 printed;
	u64 bad;			/* records that did not parse */
};

static int vns_details_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			  void *arg)
{
	struct vns_details_ctx *ctx = arg;
	struct vns_event e;

	(void)attrs;
	(void)len;
	if (!tb[VNS_A_LAT_EVENT])
		return 0;
	if (vns_event_parse(&e, tb[VNS_A_LAT_EVENT])) {
		if (!ctx->bad++)
			vns_err("skipping a malformed details record");
		return 0;
	}
	print_begin(stdout, ctx->json);
	vns_event_print(&e, ctx->m2r);
	print_end();
	ctx->printed++;
	return 0;
}

/* Take the records waiting: 0, or the exit status */
static int vns_details_dump(struct vns_nl *nl, struct vns_details_ctx *ctx)
{
	int ret = vns_nl_dump_quiet(nl, VNS_CMD_EVENT_GET, "details read",
				    vns_details_cb, ctx, EBUSY);

	if (ret == -EBUSY) {
		vns_err("another reader holds the details events (another latency --details, or the events file open)");
		return VNS_EXIT_FAIL;
	}
	return ret;
}

/* At the end: what was printed, what the module could not keep */
static void vns_details_summary(struct vns_nl *nl,
				const struct vns_details_ctx *ctx)
{
	const struct vns_collector *c;
	struct vns_status st;
	bool have = false;
	u64 lost = 0;

	if (!vns_status_get(nl, &st)) {
		c = vns_status_coll(&st, "latency");
		have = c && vns_coll_counter(c, "events_lost", &lost);
		vns_status_free(&st);
	}
	if (ctx->json) {
		print_begin(stdout, true);
		open_json_object("summary");
		print_u64(PRINT_JSON, "events", NULL, ctx->printed);
		print_u64_opt(PRINT_JSON, "events_lost", NULL, have, lost);
		close_json_object();
		print_end();
	} else if (have) {
		vns_err("%llu events printed, events_lost %llu",
			(unsigned long long)ctx->printed,
			(unsigned long long)lost);
	} else {
		vns_err("%llu events printed",
			(unsigned long long)ctx->printed);
	}
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC, in ns: the wall time of an event */
static long long vns_mono_to_real(void)
{
	struct timespec r, m;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return (r.tv_sec - m.tv_sec) * 1000000000LL + (r.tv_nsec - m.tv_nsec);
}

static long long vns_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int vns_details_run(struct vns_nl *nl, double duration, bool json,
		    struct vns_ticker *t)
{
	struct vns_details_ctx ctx = { .json = json };
	long long end = 0, next;
	int ret;

	ctx.m2r = vns_mono_to_real();
	if (duration)
		end = vns_now_ns() + (long long)(duration * 1e9);
	for (;;) {
		ret = vns_details_dump(nl, &ctx);
		if (ret)
			return ret;
		next = vns_now_ns() + VNS_DETAILS_POLL_NS;
		if (end && next > end)
			next = end;
		if ((end && vns_now_ns() >= end) || !vns_sleep_ns(t, next))
			break;
		if (end && vns_now_ns() >= end)
			break;
	}
	/* what came in since the last dump */
	ret = vns_details_dump(nl, &ctx);
	if (!ret)
		vns_details_summary(nl, &ctx);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope tun: per TUN/TAP device and queue, the packets queued for the
 * reader (the VM) and the drops by cause, the tx ring's fill, and what came
 * from the reader (VNS_CMD_TUN_GET), once (cumulative since enable) or every
 * interval (the growth since the previous read); or, with --events, the
 * last drops one by one with their flows.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "cmd.h"
#include "drops.h"
#include "histo.h"
#include "loop.h"
#include "nl.h"
#include "print.h"
#include "read.h"
#include "status.h"
#include "tun.h"
#include "util.h"

static const char *const vns_tun_drop_names[VNS_TUN_DROP_MAX + 1] = {
	"ring_full", "no_queue", "filter", "other",
};

static const char *const vns_tun_gso_names[VNS_TUN_GSO_MAX + 1] = {
	"none", "tcpv4", "tcpv6", "other",
};

static const struct nla_policy vns_tun_policy[VNS_TUN_A_MAX + 1] = {
	[VNS_TUN_A_IFINDEX] = { .type = NLA_U32 },
	[VNS_TUN_A_DEV] = { .type = NLA_STRING },
	[VNS_TUN_A_QUEUE] = { .type = NLA_U32 },
	[VNS_TUN_A_SOCK] = { .type = NLA_U32 },
	[VNS_TUN_A_TX_PACKETS] = { .type = NLA_U64 },
	[VNS_TUN_A_TX_BYTES] = { .type = NLA_U64 },
	[VNS_TUN_A_DROP] = { .type = NLA_NESTED },
	[VNS_TUN_A_RING_SIZE] = { .type = NLA_U32 },
	[VNS_TUN_A_FILL_HIST] = { .type = NLA_NESTED },
	[VNS_TUN_A_RX_PACKETS] = { .type = NLA_U64 },
	[VNS_TUN_A_RX_BYTES] = { .type = NLA_U64 },
	[VNS_TUN_A_RX_VHOST] = { .type = NLA_U64 },
	[VNS_TUN_A_RX_WRITE] = { .type = NLA_U64 },
	[VNS_TUN_A_GSO] = { .type = NLA_NESTED },
	[VNS_TUN_A_NETNS] = { .type = NLA_U32 },
	[VNS_TUN_A_STOPS] = { .type = NLA_U64 },
	[VNS_TUN_A_WAKES] = { .type = NLA_U64 },
	[VNS_TUN_A_BAD_VNET_HDR] = { .type = NLA_U64 },
};

static const struct nla_policy vns_tun_ev_policy[VNS_TUN_EV_A_MAX + 1] = {
	[VNS_TUN_EV_A_TIME_NS] = { .type = NLA_U64 },
	[VNS_TUN_EV_A_AGE_NS] = { .type = NLA_U64 },
	[VNS_TUN_EV_A_CPU] = { .type = NLA_U32 },
	[VNS_TUN_EV_A_CAUSE] = { .type = NLA_U8 },
	[VNS_TUN_EV_A_IFINDEX] = { .type = NLA_U32 },
	[VNS_TUN_EV_A_DEV] = { .type = NLA_STRING },
	[VNS_TUN_EV_A_NETNS] = { .type = NLA_U32 },
	[VNS_TUN_EV_A_QUEUE] = { .type = NLA_U32 },
	[VNS_TUN_EV_A_FILL] = { .type = NLA_U32 },
	[VNS_TUN_EV_A_RING_SIZE] = { .type = NLA_U32 },
	[VNS_TUN_EV_A_FLOW] = { .type = NLA_NESTED },
};

static const char *const vns_tun_ring_whys[] = {
	[VNS_TUN_RING_UNKNOWN] =
		"not learned yet (no queue attached by vhost-net since)",
	[VNS_TUN_RING_NO_TUN] =
		"tun was not loaded when the collector was enabled",
	[VNS_TUN_RING_OPEN_FAILED] =
		"/dev/net/tun could not be opened at enable",
	[VNS_TUN_RING_UNLOADED] = "tun was unloaded since",
	[VNS_TUN_RING_NONE] = "this kernel's TUN has no tx ring",
};

const char *vns_tun_ring_why(unsigned int state)
{
	if (state == VNS_TUN_RING_ENABLE || state == VNS_TUN_RING_VHOST)
		return NULL;
	if (state < VNS_ARRAY_SIZE(vns_tun_ring_whys) &&
	    vns_tun_ring_whys[state])
		return vns_tun_ring_whys[state];
	return "unknown";
}

static const struct nla_policy vns_tun_pair_policy[VNS_TUN_DROP_A_MAX + 1] = {
	[VNS_TUN_DROP_A_CAUSE] = { .type = NLA_U8 },
	[VNS_TUN_DROP_A_COUNT] = { .type = NLA_U64 },
};

const char *vns_tun_drop_name(unsigned int cause)
{
	return cause <= VNS_TUN_DROP_MAX ? vns_tun_drop_names[cause] : "?";
}

const char *vns_tun_gso_name(unsigned int type)
{
	return type <= VNS_TUN_GSO_MAX ? vns_tun_gso_names[type] : "?";
}

/* A (key, count) nest: drops (VNS_TUN_DROP_A_*), GSO (the same numbers) */
static int vns_tun_pair(struct nlattr *nest, u64 *counts, unsigned int max)
{
	struct nlattr *tb[VNS_TUN_DROP_A_MAX + 1];
	unsigned int k;

	if (nla_parse_nested(tb, VNS_TUN_DROP_A_MAX, nest,
			     vns_tun_pair_policy) ||
	    !tb[VNS_TUN_DROP_A_CAUSE])
		return -EBADMSG;
	k = nla_get_u8(tb[VNS_TUN_DROP_A_CAUSE]);
	if (k <= max)		/* else a cause this version does not know */
		counts[k] = vns_nla_u64_or0(tb[VNS_TUN_DROP_A_COUNT]);
	return 0;
}

static int vns_tun_ev_add(struct vns_tun *t, struct nlattr *nest)
{
	struct nlattr *tb[VNS_TUN_EV_A_MAX + 1];
	struct vns_tun_ev *e;

	if (nla_parse_nested(tb, VNS_TUN_EV_A_MAX, nest, vns_tun_ev_policy) ||
	    !tb[VNS_TUN_EV_A_TIME_NS] || !tb[VNS_TUN_EV_A_IFINDEX] ||
	    !tb[VNS_TUN_EV_A_QUEUE] || !tb[VNS_TUN_EV_A_CAUSE])
		return -EBADMSG;
	if (vns_grow(&t->ev, t->nev, sizeof(*t->ev)))
		return -ENOMEM;
	e = &t->ev[t->nev];
	memset(e, 0, sizeof(*e));
	e->ns = nla_get_u64(tb[VNS_TUN_EV_A_TIME_NS]);
	e->age_ns = vns_nla_u64_or0(tb[VNS_TUN_EV_A_AGE_NS]);
	e->cause = nla_get_u8(tb[VNS_TUN_EV_A_CAUSE]);
	e->ifindex = nla_get_u32(tb[VNS_TUN_EV_A_IFINDEX]);
	e->queue = nla_get_u32(tb[VNS_TUN_EV_A_QUEUE]);
	if (tb[VNS_TUN_EV_A_CPU])
		e->cpu = nla_get_u32(tb[VNS_TUN_EV_A_CPU]);
	if (tb[VNS_TUN_EV_A_NETNS])
		e->net = nla_get_u32(tb[VNS_TUN_EV_A_NETNS]);
	if (tb[VNS_TUN_EV_A_DEV])
		snprintf(e->dev, sizeof(e->dev), "%s",
			 (const char *)nla_data(tb[VNS_TUN_EV_A_DEV]));
	else
		snprintf(e->dev, sizeof(e->dev), "if%u", e->ifindex);
	if (tb[VNS_TUN_EV_A_FILL] && tb[VNS_TUN_EV_A_RING_SIZE]) {
		e->has_fill = true;
		e->fill = nla_get_u32(tb[VNS_TUN_EV_A_FILL]);
		e->ring_size = nla_get_u32(tb[VNS_TUN_EV_A_RING_SIZE]);
	}
	if (tb[VNS_TUN_EV_A_FLOW]) {
		if (vns_flow_parse(&e->flow, tb[VNS_TUN_EV_A_FLOW]))
			return -EBADMSG;
		e->has_flow = true;
	}
	t->nev++;
	return 0;
}

int vns_tun_add(struct vns_tun *t, struct nlattr **top)
{
	struct nlattr *tb[VNS_TUN_A_MAX + 1], *a;
	struct vns_tunq *q;
	int rem;

	if (top[VNS_A_TUN_EVENT])
		return vns_tun_ev_add(t, top[VNS_A_TUN_EVENT]);
	if (!top[VNS_A_TUN])
		return 0;
	if (nla_parse_nested(tb, VNS_TUN_A_MAX, top[VNS_A_TUN],
			     vns_tun_policy) ||
	    !tb[VNS_TUN_A_IFINDEX] || !tb[VNS_TUN_A_QUEUE])
		return -EBADMSG;
	if (vns_grow(&t->q, t->n, sizeof(*t->q)))
		return -ENOMEM;
	q = &t->q[t->n];
	memset(q, 0, sizeof(*q));
	q->present = vns_nla_present(tb, VNS_TUN_A_MAX);
	q->ifindex = nla_get_u32(tb[VNS_TUN_A_IFINDEX]);
	q->queue = nla_get_u32(tb[VNS_TUN_A_QUEUE]);
	if (tb[VNS_TUN_A_DEV])
		snprintf(q->dev, sizeof(q->dev), "%s",
			 (const char *)nla_data(tb[VNS_TUN_A_DEV]));
	else
		snprintf(q->dev, sizeof(q->dev), "if%u", q->ifindex);
	if (tb[VNS_TUN_A_SOCK])
		q->sock = nla_get_u32(tb[VNS_TUN_A_SOCK]);
	if (tb[VNS_TUN_A_NETNS])
		q->net = nla_get_u32(tb[VNS_TUN_A_NETNS]);
	if (tb[VNS_TUN_A_RING_SIZE])
		q->ring_size = nla_get_u32(tb[VNS_TUN_A_RING_SIZE]);
	q->tx_packets = vns_nla_u64_or0(tb[VNS_TUN_A_TX_PACKETS]);
	q->tx_bytes = vns_nla_u64_or0(tb[VNS_TUN_A_TX_BYTES]);
	q->rx_packets = vns_nla_u64_or0(tb[VNS_TUN_A_RX_PACKETS]);
	q->rx_bytes = vns_nla_u64_or0(tb[VNS_TUN_A_RX_BYTES]);
	q->rx_vhost = vns_nla_u64_or0(tb[VNS_TUN_A_RX_VHOST]);
	q->rx_write = vns_nla_u64_or0(tb[VNS_TUN_A_RX_WRITE]);
	q->stops = vns_nla_u64_or0(tb[VNS_TUN_A_STOPS]);
	q->wakes = vns_nla_u64_or0(tb[VNS_TUN_A_WAKES]);
	q->bad_vnet_hdr = vns_nla_u64_or0(tb[VNS_TUN_A_BAD_VNET_HDR]);
	if (tb[VNS_TUN_A_FILL_HIST] &&
	    vns_hist_from_nest(&q->fill, tb[VNS_TUN_A_FILL_HIST]))
		return -EBADMSG;
	nla_for_each_nested(a, top[VNS_A_TUN], rem) {
		if (nla_type(a) == VNS_TUN_A_DROP &&
		    vns_tun_pair(a, q->drops, VNS_TUN_DROP_MAX))
			return -EBADMSG;
		if (nla_type(a) == VNS_TUN_A_GSO &&
		    vns_tun_pair(a, q->gso, VNS_TUN_GSO_MAX))
			return -EBADMSG;
	}
	t->n++;
	return 0;
}

static int vns_tunq_cmp(const void *pa, const void *pb)
{
	const struct vns_tunq *a = pa, *b = pb;
	int d = strcmp(a->dev, b->dev);

	if (d)
		return d;
	if (a->net != b->net)
		return a->net < b->net ? -1 : 1;
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return a->queue < b->queue ? -1 : a->queue > b->queue;
}

void vns_tun_sort(struct vns_tun *t)
{
	if (t->n)
		qsort(t->q, t->n, sizeof(*t->q), vns_tunq_cmp);
}

void vns_tun_free(struct vns_tun *t)
{
	free(t->q);
	t->q = NULL;
	t->n = 0;
	free(t->ev);
	t->ev = NULL;
	t->nev = 0;
}

void vns_tun_delta(struct vns_tun *cur, const struct vns_tun *prev)
{
	const struct vns_tunq *p;
	struct vns_tunq *c;
	size_t i, j;
	unsigned int k;

	for (i = 0; i < cur->n; i++) {
		c = &cur->q[i];
		p = NULL;
		for (j = 0; j < prev->n && !p; j++)
			if (prev->q[j].ifindex == c->ifindex &&
			    prev->q[j].net == c->net &&
			    prev->q[j].queue == c->queue)
				p = &prev->q[j];
		/* new, or reset since (a count went down): all of it is new */
		if (!p || c->tx_packets < p->tx_packets ||
		    c->rx_packets < p->rx_packets)
			continue;
		c->tx_packets -= p->tx_packets;
		c->tx_bytes = vns_sub(c->tx_bytes, p->tx_bytes);
		c->rx_packets -= p->rx_packets;
		c->rx_bytes = vns_sub(c->rx_bytes, p->rx_bytes);
		c->rx_vhost = vns_sub(c->rx_vhost, p->rx_vhost);
		c->rx_write = vns_sub(c->rx_write, p->rx_write);
		c->stops = vns_sub(c->stops, p->stops);
		c->wakes = vns_sub(c->wakes, p->wakes);
		c->bad_vnet_hdr = vns_sub(c->bad_vnet_hdr, p->bad_vnet_hdr);
		for (k = 0; k <= VNS_TUN_DROP_MAX; k++)
			c->drops[k] = vns_sub(c->drops[k], p->drops[k]);
		for (k = 0; k <= VNS_TUN_GSO_MAX; k++)
			c->gso[k] = vns_sub(c->gso[k], p->gso[k]);
		vns_hist_delta(&c->fill, &p->fill);
	}
	/* the events: only those after the previous read's newest */
	if (prev->nev) {
		u64 last = prev->ev[prev->nev - 1].ns;

		for (i = j = 0; i < cur->nev; i++)
			if (cur->ev[i].ns > last)
				cur->ev[j++] = cur->ev[i];
		cur->nev = j;
	}
}

static bool vns_tunq_shown(const struct vns_tunq *q,
			   const struct vns_tun_args *a)
{
	return (!a->dev || !strcmp(a->dev, q->dev)) &&
	       (a->queue < 0 || (u64)a->queue == q->queue);
}

#define VNS_HAS_Q(q, a)	(!!((q)->present & VNS_BIT(a)))

static void vns_tunq_print(const struct vns_tunq *q, bool hist)
{
	unsigned int k;
	char sock[16];

	snprintf(sock, sizeof(sock), "%08x", q->sock);
	open_json_object(NULL);
	print_string(PRINT_ANY, "dev", "%-12s", q->dev);
	print_uint(PRINT_JSON, "ifindex", NULL, q->ifindex);
	print_uint(PRINT_ANY, "queue", " %5u", q->queue);
	if (VNS_HAS_Q(q, VNS_TUN_A_SOCK))
		print_string(PRINT_ANY, "sock", " %8s", sock);
	else
		print_null(PRINT_ANY, "sock", " %8s", "-");
	print_u64(PRINT_ANY, "tx_packets", " %10llu", q->tx_packets);
	print_u64(PRINT_ANY, "tx_bytes", " %12llu", q->tx_bytes);
	open_json_object("drops");
	for (k = 0; k <= VNS_TUN_DROP_MAX; k++)
		print_u64(PRINT_ANY, vns_tun_drop_names[k],
			  k == VNS_TUN_DROP_RING_FULL ? " %9llu" : " %8llu",
			  q->drops[k]);
	close_json_object();
	if (q->ring_size) {
		print_uint(PRINT_ANY, "ring_size", " %5u", q->ring_size);
		print_u64(PRINT_ANY, "fill_max", " %8llu", q->fill.max);
	} else {
		print_null(PRINT_ANY, "ring_size", " %5s", "-");
		print_null(PRINT_ANY, "fill_max", " %8s", "-");
	}
	print_u64(PRINT_ANY, "rx_packets", " %10llu", q->rx_packets);
	print_u64(PRINT_ANY, "rx_bytes", " %12llu", q->rx_bytes);
	print_u64(PRINT_ANY, "rx_vhost", " %10llu", q->rx_vhost);
	print_u64(PRINT_ANY, "rx_write", " %10llu", q->rx_write);
	print_u64(PRINT_ANY, "stops", " %6llu", q->stops);
	print_u64(PRINT_ANY, "wakes", " %6llu", q->wakes);
	print_u64(PRINT_ANY, "bad_vnet_hdr", " %7llu", q->bad_vnet_hdr);
	print_fp("\n");
	open_json_object("gso");
	for (k = 0; k <= VNS_TUN_GSO_MAX; k++)
		print_u64(PRINT_JSON, vns_tun_gso_names[k], NULL, q->gso[k]);
	close_json_object();
	if (q->rx_packets && q->rx_packets != q->gso[VNS_TUN_GSO_NONE]) {
		print_fp("%-12s %5s GSO from the reader:", "", "");
		for (k = 0; k <= VNS_TUN_GSO_MAX; k++)
			if (q->gso[k])
				print_fp(" %s %llu", vns_tun_gso_names[k],
					 (unsigned long long)q->gso[k]);
		print_fp("\n");
	}
	vns_hist_print_json("fill_hist", q->ring_size != 0, &q->fill);
	if (VNS_HAS_Q(q, VNS_TUN_A_NETNS))
		print_uint(PRINT_JSON, "netns", NULL, q->net);
	close_json_object();
	if (hist && q->ring_size && q->fill.count) {
		print_fp("\n%s queue %u: tx ring fill after each packet queued (ring of %u):\n",
			 q->dev, q->queue, q->ring_size);
		vns_hist_print(&q->fill, "entries");
		print_fp("\n");
	}
}

void vns_tun_print(const struct vns_tun *t, const struct vns_tun_args *a)
{
	size_t i, shown = 0;

	print_fp("%-12s %5s %8s %10s %12s %9s %8s %8s %8s %5s %8s %10s %12s %10s %10s %6s %6s %7s\n",
		 "DEV", "QUEUE", "SOCK", "TX_PKTS", "TX_BYTES", "RING_FULL",
		 "NO_QUEUE", "FILTER", "OTHER", "RING", "FILL_MAX", "RX_PKTS",
		 "RX_BYTES", "RX_VHOST", "RX_WRITE", "STOPS", "WAKES",
		 "BAD_HDR");
	open_json_array("queues");
	for (i = 0; i < t->n; i++) {
		if (!vns_tunq_shown(&t->q[i], a))
			continue;
		shown++;
		vns_tunq_print(&t->q[i], a->hist);
	}
	close_json_array();
	if (!shown)
		print_fp("no TUN/TAP queue seen%s\n",
			 a->dev || a->queue >= 0 ? " that matches" : "");
}

static bool vns_tun_ev_shown(const struct vns_tun_ev *e,
			     const struct vns_tun_args *a)
{
	return (!a->dev || !strcmp(a->dev, e->dev)) &&
	       (a->queue < 0 || (u64)a->queue == e->queue);
}

void vns_tun_print_events(const struct vns_tun *t,
			  const struct vns_tun_info *info,
			  const struct vns_tun_args *a)
{
	char flow[VNS_FLOW_STR_MAX], when[32], fill[24];
	size_t i, shown = 0;

	print_fp("%-20s %12s %-12s %5s %4s %-9s %11s  %s\n", "TIME(s)",
		 "AGE(ms)", "DEV", "QUEUE", "CPU", "CAUSE", "FILL/RING", "FLOW");
	open_json_array("events");
	for (i = 0; i < t->nev; i++) {
		const struct vns_tun_ev *e = &t->ev[i];

		if (!vns_tun_ev_shown(e, a))
			continue;
		shown++;
		open_json_object(NULL);
		snprintf(when, sizeof(when), "%llu.%09llu",
			 (unsigned long long)(e->ns / 1000000000ULL),
			 (unsigned long long)(e->ns % 1000000000ULL));
		print_fp("%-20s", when);
		print_u64(PRINT_JSON, "time_ns", NULL, e->ns);
		print_u64(PRINT_JSON, "age_ns", NULL, e->age_ns);
		print_fp(" %12.3f", (double)e->age_ns / 1e6);
		print_string(PRINT_ANY, "dev", " %-12s", e->dev);
		print_uint(PRINT_JSON, "ifindex", NULL, e->ifindex);
		if (e->net)
			print_uint(PRINT_JSON, "netns", NULL, e->net);
		print_uint(PRINT_ANY, "queue", " %5u", e->queue);
		print_uint(PRINT_ANY, "cpu", " %4u", e->cpu);
		print_enum(PRINT_ANY, "cause", " %-9s", true,
			   vns_tun_drop_names, VNS_TUN_DROP_MAX + 1, e->cause);
		if (e->has_fill)
			snprintf(fill, sizeof(fill), "%u/%u", e->fill,
				 e->ring_size);
		else
			snprintf(fill, sizeof(fill), "-");
		print_fp(" %11s", fill);
		print_u64_opt(PRINT_JSON, "fill", NULL, e->has_fill, e->fill);
		print_u64_opt(PRINT_JSON, "ring_size", NULL, e->has_fill,
			      e->ring_size);
		if (e->has_flow) {
			vns_flow_format(&e->flow, flow, sizeof(flow));
			print_fp("  %s\n", flow);
			open_json_object("flow");
			vns_drop_flow_json(&e->flow);
			close_json_object();
		} else {
			print_fp("  non-IP\n");
			print_null(PRINT_JSON, "flow", NULL, NULL);
		}
		close_json_object();
	}
	close_json_array();
	if (!shown)
		print_fp("no TUN/TAP drop event%s\n",
			 a->dev || a->queue >= 0 ? " that matches" : "");
	print_u64_opt(PRINT_ANY, "events_lost", "events lost (overwritten): %s",
		      info->has_events, info->events_lost);
	print_u64_opt(PRINT_ANY, "event_capacity", ", kept per CPU: %s\n",
		      info->has_events, info->event_capacity);
}

/* ---- the command ---- */

static const char vns_tun_usage[] =
	"Usage: vnetscope tun [--dev IFNAME] [--queue N] [--interval S [--count N]]\n"
	"                     [--hist] [--json] [--no-enable]\n"
	"\n"
	"Report TUN/TAP queues: per device and queue, the packets queued for\n"
	"the reader (the VM) and the drops by cause (ring full, no reader on\n"
	"the queue, a filter, other), the queue's tx ring size and its\n"
	"largest fill after a packet was queued (known once vhost-net attached\n"
	"the queue while the collector ran), and the packets from the reader\n"
	"(through vhost-net's sendmsg or write()) with their GSO types.\n"
	"STOPS and WAKES are the queue's transmit stops and wakes (XOFF set,\n"
	"cleared): TUN stops its queues only when the device goes down and\n"
	"wakes them when it comes up; a full ring drops, it never stops the\n"
	"queue.  BAD_HDR counts the reader's frames TUN rejected for their\n"
	"virtio-net header (write() or sendmsg() failing with EINVAL; the\n"
	"device counts them in rx_frame_errors).\n"
	"SOCK is the queue's socket, as vnetscope vhost shows it.  Turns the\n"
	"tun collector on if it is off.\n"
	"With --events, the last drops instead, oldest first: each with its\n"
	"time (the kernel's monotonic clock, and how long ago), queue, cause,\n"
	"the ring's fill and the packet's flow; the kernel keeps the last\n"
	"tun_events (module parameter) per CPU and counts the ones overwritten.\n"
	"\n"
	"  --dev IFNAME     only that device\n"
	"  --queue N        only queue N\n"
	"  --events         the drop events (with --interval: the new ones)\n"
	"  --interval S     every S seconds (e.g. 0.5), the growth since the\n"
	"                   previous report; until SIGINT/SIGTERM\n"
	"  --count N        stop after N reports\n"
	"  --hist           also each queue's log2 histogram of the ring fill\n"
	"  --json           one JSON document per report, one per line\n"
	VNS_NO_ENABLE_USAGE
	VNS_EXIT_HELP;

#define VNS_OPT_HIST	0x101
#define VNS_OPT_DEV	0x102
#define VNS_OPT_QUEUE	0x103
#define VNS_OPT_EVENTS	0x104

static int vns_tun_opt(void *args, int c, const char *arg)
{
	struct vns_tun_args *a = args;
	u64 v;

	switch (c) {
	case VNS_OPT_DEV:
		if (!*arg || strlen(arg) >= VNS_IFNAME_MAX)
			return vns_usage_err("invalid device name '%s'", arg);
		a->dev = arg;
		return 0;
	case VNS_OPT_QUEUE:
		if (vns_parse_u64(arg, 0, 65535, &v))
			return vns_usage_err("invalid queue '%s' (0..65535)",
					     arg);
		a->queue = (long long)v;
		return 0;
	case VNS_OPT_HIST:
		a->hist = true;
		return 0;
	case VNS_OPT_EVENTS:
		a->events = true;
		return 0;
	default:
		return -1;
	}
}

int vns_tun_parse(struct vns_tun_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, VNS_OPT_DEV },
		{ "queue", required_argument, NULL, VNS_OPT_QUEUE },
		VNS_LOOP_OPTIONS,
		{ "hist", no_argument, NULL, VNS_OPT_HIST },
		{ "events", no_argument, NULL, VNS_OPT_EVENTS },
		VNS_READ_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	a->read.name = "tun";
	a->queue = -1;
	return vns_read_getopt(&a->read, argc, argv, opts, vns_tun_usage,
			       vns_tun_opt, a);
}

struct vns_tun_snap {
	struct vns_tun t;
	struct vns_tun_info info;
	struct timespec when;		/* CLOCK_REALTIME */
};

/* The events' and the ring's counters in the tun collector's status */
static int vns_tun_info_read(struct vns_nl *nl, struct vns_tun_info *info)
{
	const struct vns_collector *c;
	struct vns_status st;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = vns_status_get(nl, &st);
	if (ret)
		return ret;
	c = vns_status_coll(&st, "tun");
	if (c) {
		info->has_events =
			vns_coll_counter(c, "events_lost",
					 &info->events_lost) &&
			vns_coll_counter(c, "event_capacity",
					 &info->event_capacity);
		info->has_ring = vns_coll_counter(c, "ring", &info->ring);
		vns_coll_counter(c, "ring_errno", &info->ring_errno);
	}
	vns_status_free(&st);
	return 0;
}

static int vns_tun_cb(struct nlattr **tb, struct nlattr *attrs, int len,
		      void *arg)
{
	(void)attrs;
	(void)len;
	return vns_tun_add(arg, tb);
}

static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_tun_snap *sn = snap;
	int ret;

	(void)args;
	memset(sn, 0, sizeof(*sn));
	ret = vns_tun_info_read(nl, &sn->info);
	if (ret)
		return ret;
	clock_gettime(CLOCK_REALTIME, &sn->when);
	ret = vns_nl_dump(nl, VNS_CMD_TUN_GET, "tun read", vns_tun_cb, &sn->t);
	if (ret)
		vns_tun_free(&sn->t);
	else
		vns_tun_sort(&sn->t);
	return ret;
}

static void vns_snap_free(void *snap)
{
	vns_tun_free(&((struct vns_tun_snap *)snap)->t);
}

static int vns_report(const void *args, const void *pcur, const void *pprev)
{
	const struct vns_tun_snap *cur = pcur, *prev = pprev;
	const struct vns_tun_args *a = args;
	struct vns_tun d = cur->t;
	const char *why;

	if (prev) {
		d.q = malloc((d.n ? d.n : 1) * sizeof(*d.q));
		d.ev = malloc((d.nev ? d.nev : 1) * sizeof(*d.ev));
		if (!d.q || !d.ev) {
			free(d.q);
			free(d.ev);
			vns_err("report failed: out of memory");
			return VNS_EXIT_FAIL;
		}
		memcpy(d.q, cur->t.q, d.n * sizeof(*d.q));
		memcpy(d.ev, cur->t.ev, d.nev * sizeof(*d.ev));
		vns_tun_delta(&d, &prev->t);
	}
	vns_report_begin(&a->read, &cur->when);
	if (a->events)
		vns_tun_print_events(&d, &cur->info, a);
	else
		vns_tun_print(&d, a);
	why = cur->info.has_ring ? vns_tun_ring_why(cur->info.ring) : NULL;
	if (why && cur->info.ring_errno)
		print_fp("tx rings unknown: %s (%s)\n", why,
			 strerror((int)cur->info.ring_errno));
	else if (why)
		print_fp("tx rings unknown: %s\n", why);
	vns_report_end(&a->read, &cur->when);
	if (prev) {
		free(d.q);
		free(d.ev);
	}
	return 0;
}

VNS_DEFINE_READ(tun, sizeof(struct vns_tun_snap))

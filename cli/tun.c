// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope tun: per TUN/TAP device and queue, the packets queued for the
 * reader (the VM) and the drops by cause, the tx ring's fill, and what came
 * from the reader (VNS_CMD_TUN_GET), once (cumulative since enable) or every
 * interval (the growth since the previous read).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "cmd.h"
#include "histo.h"
#include "loop.h"
#include "nl.h"
#include "print.h"
#include "read.h"
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
};

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

int vns_tun_add(struct vns_tun *t, struct nlattr **top)
{
	struct nlattr *tb[VNS_TUN_A_MAX + 1], *a;
	struct vns_tunq *q;
	int rem;

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
	if (tb[VNS_TUN_A_RING_SIZE])
		q->ring_size = nla_get_u32(tb[VNS_TUN_A_RING_SIZE]);
	q->tx_packets = vns_nla_u64_or0(tb[VNS_TUN_A_TX_PACKETS]);
	q->tx_bytes = vns_nla_u64_or0(tb[VNS_TUN_A_TX_BYTES]);
	q->rx_packets = vns_nla_u64_or0(tb[VNS_TUN_A_RX_PACKETS]);
	q->rx_bytes = vns_nla_u64_or0(tb[VNS_TUN_A_RX_BYTES]);
	q->rx_vhost = vns_nla_u64_or0(tb[VNS_TUN_A_RX_VHOST]);
	q->rx_write = vns_nla_u64_or0(tb[VNS_TUN_A_RX_WRITE]);
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
		for (k = 0; k <= VNS_TUN_DROP_MAX; k++)
			c->drops[k] = vns_sub(c->drops[k], p->drops[k]);
		for (k = 0; k <= VNS_TUN_GSO_MAX; k++)
			c->gso[k] = vns_sub(c->gso[k], p->gso[k]);
		vns_hist_delta(&c->fill, &p->fill);
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

	print_fp("%-12s %5s %8s %10s %12s %9s %8s %8s %8s %5s %8s %10s %12s %10s %10s\n",
		 "DEV", "QUEUE", "SOCK", "TX_PKTS", "TX_BYTES", "RING_FULL",
		 "NO_QUEUE", "FILTER", "OTHER", "RING", "FILL_MAX", "RX_PKTS",
		 "RX_BYTES", "RX_VHOST", "RX_WRITE");
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
	"SOCK is the queue's socket, as vnetscope vhost shows it.  Turns the\n"
	"tun collector on if it is off.\n"
	"\n"
	"  --dev IFNAME     only that device\n"
	"  --queue N        only queue N\n"
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
	struct timespec when;		/* CLOCK_REALTIME */
};

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

	if (prev) {
		d.q = malloc((d.n ? d.n : 1) * sizeof(*d.q));
		if (!d.q) {
			vns_err("report failed: out of memory");
			return VNS_EXIT_FAIL;
		}
		memcpy(d.q, cur->t.q, d.n * sizeof(*d.q));
		vns_tun_delta(&d, &prev->t);
	}
	vns_report_begin(&a->read, &cur->when);
	vns_tun_print(&d, a);
	vns_report_end(&a->read, &cur->when);
	if (prev)
		free(d.q);
	return 0;
}

VNS_DEFINE_READ(tun, sizeof(struct vns_tun_snap))

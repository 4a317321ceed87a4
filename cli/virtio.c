// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope virtio: a guest's virtio-net queues (VNS_CMD_VIRTIO_GET): NAPI
 * polls by caller (softirq, busy poll, other), packets a poll, interrupts
 * and the share that found nothing (IRQ_NONE), refill failures, "nobody
 * cared", a send queue's packets, stops and wakes; once (cumulative since
 * enable) or every interval (the growth).
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
#include "util.h"
#include "virtio.h"

static const struct nla_policy vns_vio_policy[VNS_VIRTIO_A_MAX + 1] = {
	[VNS_VIRTIO_A_DEV] = { .type = NLA_STRING },
	[VNS_VIRTIO_A_VDEV] = { .type = NLA_U32 },
	[VNS_VIRTIO_A_VQ_INDEX] = { .type = NLA_U32 },
	[VNS_VIRTIO_A_VQ_NAME] = { .type = NLA_STRING },
	[VNS_VIRTIO_A_IRQ] = { .type = NLA_U32 },
	[VNS_VIRTIO_A_POLL_SOFTIRQ] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_POLL_BUSY] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_POLL_OTHER] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_PACKETS] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_PACKETS_BUSY] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_POLL_FULL] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_HIST] = { .type = NLA_NESTED },
	[VNS_VIRTIO_A_IRQS] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_IRQ_NONE] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_REFILL_FAIL] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_NOBODY_CARED] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_XMITS] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_TX_STOPS] = { .type = NLA_U64 },
	[VNS_VIRTIO_A_TX_WAKES] = { .type = NLA_U64 },
};

static const struct {
	int attr;
	const char *key;
} vns_vio_counters[] = {
	{ VNS_VIRTIO_A_POLL_SOFTIRQ, "polls_softirq" },
	{ VNS_VIRTIO_A_POLL_BUSY, "polls_busy" },
	{ VNS_VIRTIO_A_POLL_OTHER, "polls_other" },
	{ VNS_VIRTIO_A_PACKETS, "packets" },
	{ VNS_VIRTIO_A_PACKETS_BUSY, "packets_busy" },
	{ VNS_VIRTIO_A_POLL_FULL, "polls_full" },
	{ VNS_VIRTIO_A_IRQS, "irqs" },
	{ VNS_VIRTIO_A_IRQ_NONE, "irq_none" },
	{ VNS_VIRTIO_A_REFILL_FAIL, "refill_fail" },
	{ VNS_VIRTIO_A_NOBODY_CARED, "nobody_cared" },
	{ VNS_VIRTIO_A_XMITS, "xmits" },
	{ VNS_VIRTIO_A_TX_STOPS, "tx_stops" },
	{ VNS_VIRTIO_A_TX_WAKES, "tx_wakes" },
};

#define VNS_VIO_NR_COUNTERS	VNS_ARRAY_SIZE(vns_vio_counters)

static u32 vns_u32_or_none(struct nlattr *a)
{
	return a ? nla_get_u32(a) : VNS_VIRTIO_NONE;
}

int vns_virtio_add(struct vns_virtio *v, struct nlattr **top)
{
	struct nlattr *tb[VNS_VIRTIO_A_MAX + 1];
	struct vns_vio_q *q;
	size_t i;

	if (!top[VNS_A_VIRTIO])
		return 0;
	if (nla_parse_nested(tb, VNS_VIRTIO_A_MAX, top[VNS_A_VIRTIO],
			     vns_vio_policy))
		return -EBADMSG;
	if (vns_grow(&v->q, v->n, sizeof(*v->q)))
		return -ENOMEM;
	q = &v->q[v->n];
	memset(q, 0, sizeof(*q));
	q->present = vns_nla_present(tb, VNS_VIRTIO_A_MAX);
	if (tb[VNS_VIRTIO_A_DEV])
		snprintf(q->dev, sizeof(q->dev), "%s",
			 (const char *)nla_data(tb[VNS_VIRTIO_A_DEV]));
	if (tb[VNS_VIRTIO_A_VQ_NAME])
		snprintf(q->name, sizeof(q->name), "%s",
			 (const char *)nla_data(tb[VNS_VIRTIO_A_VQ_NAME]));
	q->vdev = vns_u32_or_none(tb[VNS_VIRTIO_A_VDEV]);
	q->index = vns_u32_or_none(tb[VNS_VIRTIO_A_VQ_INDEX]);
	q->irq = vns_u32_or_none(tb[VNS_VIRTIO_A_IRQ]);
	for (i = 0; i < VNS_VIO_NR_COUNTERS; i++)
		q->c[vns_vio_counters[i].attr] =
			vns_nla_u64_or0(tb[vns_vio_counters[i].attr]);
	if (tb[VNS_VIRTIO_A_HIST] &&
	    vns_hist_from_nest(&q->hist, tb[VNS_VIRTIO_A_HIST]))
		return -EBADMSG;
	v->n++;
	return 0;
}

static int vns_vio_cmp(const void *pa, const void *pb)
{
	const struct vns_vio_q *a = pa, *b = pb;

	if (a->vdev != b->vdev)
		return a->vdev < b->vdev ? -1 : 1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	if (a->irq != b->irq)
		return a->irq < b->irq ? -1 : 1;
	return strcmp(a->dev, b->dev);
}

void vns_virtio_sort(struct vns_virtio *v)
{
	if (v->n)
		qsort(v->q, v->n, sizeof(*v->q), vns_vio_cmp);
}

void vns_virtio_free(struct vns_virtio *v)
{
	free(v->q);
	v->q = NULL;
	v->n = 0;
}

static bool vns_vio_same(const struct vns_vio_q *a, const struct vns_vio_q *b)
{
	return a->vdev == b->vdev && a->index == b->index &&
	       a->irq == b->irq && !strcmp(a->dev, b->dev);
}

void vns_virtio_delta(struct vns_virtio *cur, const struct vns_virtio *prev)
{
	const struct vns_vio_q *p;
	struct vns_vio_q *c;
	size_t i, j;
	bool reset;

	for (i = 0; i < cur->n; i++) {
		c = &cur->q[i];
		p = NULL;
		for (j = 0; j < prev->n && !p; j++)
			if (vns_vio_same(c, &prev->q[j]))
				p = &prev->q[j];
		if (!p)
			continue;
		reset = false;
		for (j = 0; j < VNS_VIO_NR_COUNTERS; j++)
			if (c->c[vns_vio_counters[j].attr] <
			    p->c[vns_vio_counters[j].attr])
				reset = true;
		if (reset)
			continue;
		for (j = 0; j < VNS_VIO_NR_COUNTERS; j++)
			c->c[vns_vio_counters[j].attr] -=
				p->c[vns_vio_counters[j].attr];
		vns_hist_delta(&c->hist, &p->hist);
	}
}

/* Is @q shown: of device @dev (by name, or its virtio device's), pair @queue */
static bool vns_vio_shown(const struct vns_virtio *v, const struct vns_vio_q *q,
			  const char *dev, long long queue)
{
	size_t i;
	bool ok = !dev || !strcmp(q->dev, dev);

	for (i = 0; !ok && q->vdev != VNS_VIRTIO_NONE && i < v->n; i++)
		ok = v->q[i].vdev == q->vdev && !strcmp(v->q[i].dev, dev);
	if (!ok)
		return false;
	return queue < 0 ||
	       (q->index != VNS_VIRTIO_NONE && q->index / 2 == (u64)queue);
}

#define VNS_HAS(q, a)	(!!((q)->present & VNS_BIT(a)))

/* @v in JSON (null if not known), in text through @fmt (a string) */
static void vns_vio_u32(const char *key, const char *fmt, u32 v)
{
	char b[16];

	if (v == VNS_VIRTIO_NONE) {
		print_null(PRINT_ANY, key, fmt, "-");
		return;
	}
	snprintf(b, sizeof(b), "%u", v);
	print_uint(PRINT_JSON, key, NULL, v);
	print_fp(fmt, b);
}

/* Counter @attr in text through @fmt (a string), "-" if absent */
static void vns_vio_opt_col(const struct vns_vio_q *q, int attr,
			    const char *fmt)
{
	char b[24] = "-";

	if (VNS_HAS(q, attr))
		snprintf(b, sizeof(b), "%llu", (unsigned long long)q->c[attr]);
	print_fp(fmt, b);
}

/* Any of @v's queues shown with a send queue's counters (a module with them) */
static bool vns_vio_has_tx(const struct vns_virtio *v, const char *dev,
			   long long queue);

static void vns_vio_row(const struct vns_vio_q *q, bool tx)
{
	u64 polls = q->c[VNS_VIRTIO_A_POLL_SOFTIRQ] +
		    q->c[VNS_VIRTIO_A_POLL_BUSY] +
		    q->c[VNS_VIRTIO_A_POLL_OTHER];
	char avg[32], none[16], busy[16];
	size_t i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "dev", "%-10s", q->dev[0] ? q->dev : "-");
	vns_vio_u32("vdev", " %5s", q->vdev);
	vns_vio_u32("vq", " %4s", q->index);
	print_string(PRINT_ANY, "name", " %-10s", q->name[0] ? q->name : "-");
	vns_vio_u32("irq", " %5s", q->irq);
	for (i = 0; i < VNS_VIO_NR_COUNTERS; i++)
		if (vns_vio_counters[i].attr < VNS_VIRTIO_A_XMITS ||
		    VNS_HAS(q, vns_vio_counters[i].attr))
			print_u64_opt(PRINT_JSON, vns_vio_counters[i].key, NULL,
				      VNS_HAS(q, vns_vio_counters[i].attr),
				      q->c[vns_vio_counters[i].attr]);
	snprintf(busy, sizeof(busy), "%.1f%%",
		 polls ? 100.0 * q->c[VNS_VIRTIO_A_POLL_BUSY] / polls : 0.0);
	snprintf(avg, sizeof(avg), "%.1f",
		 polls ? (double)q->c[VNS_VIRTIO_A_PACKETS] / polls : 0.0);
	snprintf(none, sizeof(none), "%.1f%%",
		 q->c[VNS_VIRTIO_A_IRQS] ?
		 100.0 * q->c[VNS_VIRTIO_A_IRQ_NONE] / q->c[VNS_VIRTIO_A_IRQS] :
		 0.0);
	print_fp(" %9llu %9llu %9llu %6s %9llu %6s %9llu %6s %6llu %6llu",
		 (unsigned long long)q->c[VNS_VIRTIO_A_POLL_SOFTIRQ],
		 (unsigned long long)q->c[VNS_VIRTIO_A_POLL_BUSY],
		 (unsigned long long)q->c[VNS_VIRTIO_A_POLL_OTHER], busy,
		 (unsigned long long)q->c[VNS_VIRTIO_A_PACKETS], avg,
		 (unsigned long long)q->c[VNS_VIRTIO_A_IRQS], none,
		 (unsigned long long)q->c[VNS_VIRTIO_A_REFILL_FAIL],
		 (unsigned long long)q->c[VNS_VIRTIO_A_NOBODY_CARED]);
	/* a send queue's, where the module has them */
	if (tx) {
		vns_vio_opt_col(q, VNS_VIRTIO_A_XMITS, " %9s");
		vns_vio_opt_col(q, VNS_VIRTIO_A_TX_STOPS, " %7s");
		vns_vio_opt_col(q, VNS_VIRTIO_A_TX_WAKES, " %7s");
	}
	print_fp("\n");
	vns_hist_print_json_unit("hist", VNS_HAS(q, VNS_VIRTIO_A_HIST),
				 &q->hist, "packets");
	close_json_object();
}

static bool vns_vio_has_tx(const struct vns_virtio *v, const char *dev,
			   long long queue)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (VNS_HAS(&v->q[i], VNS_VIRTIO_A_XMITS) &&
		    vns_vio_shown(v, &v->q[i], dev, queue))
			return true;
	return false;
}

void vns_virtio_print(const struct vns_virtio *v, const char *dev,
		      long long queue)
{
	bool tx = vns_vio_has_tx(v, dev, queue);
	size_t i, shown = 0;

	open_json_array("queues");
	for (i = 0; i < v->n; i++) {
		if (!vns_vio_shown(v, &v->q[i], dev, queue))
			continue;
		if (!shown++) {
			print_fp("%-10s %5s %4s %-10s %5s %9s %9s %9s %6s %9s %6s %9s %6s %6s %6s",
				 "DEV", "VDEV", "VQ", "NAME", "IRQ",
				 "POLL IRQ", "POLL BUSY", "POLL OTH", "BUSY%",
				 "PACKETS", "PKT/P", "IRQS", "NONE%",
				 "REFILL", "NOBODY");
			if (tx)
				print_fp(" %9s %7s %7s", "XMITS", "STOPS",
					 "WAKES");
			print_fp("\n");
		}
		vns_vio_row(&v->q[i], tx);
	}
	close_json_array();
	if (!shown && !print_is_json())
		print_fp("no virtio data%s%s\n", dev ? " for " : "",
			 dev ? dev : "");
}

/* ---- the command ---- */

static const char vns_virtio_usage[] =
	"Usage: vnetscope virtio [--dev NAME] [--queue N]\n"
	"                        [--interval S [--count N]] [--json] [--no-enable]\n"
	"\n"
	"Report, in a guest, each virtio-net virtqueue: virtnet_poll calls by\n"
	"caller (POLL IRQ: net_rx_action in a softirq; POLL BUSY: napi_busy_loop,\n"
	"a socket busy-polling; POLL OTH: anything else) and the busy share,\n"
	"the packets they took and per poll, vring_interrupt calls and the\n"
	"share that returned IRQ_NONE, receive refill failures, and the\n"
	"kernel's \"nobody cared\" reports for the queue's IRQ; for a send\n"
	"queue (output.N), the packets start_xmit took (XMITS), the times it\n"
	"stopped the queue, its ring full (STOPS), and the wakes of the\n"
	"stopped queue (WAKES).  Turns the virtio collector on if it is off.\n"
	"\n"
	"  --dev NAME       only the queues of this network device\n"
	"  --queue N        only queue pair N (virtqueues 2N and 2N+1)\n"
	"  --interval S     every S seconds (e.g. 0.5), the growth since the\n"
	"                   previous report; until SIGINT/SIGTERM\n"
	"  --count N        stop after N reports\n"
	"  --json           one JSON document per report, one per line\n"
	VNS_NO_ENABLE_USAGE
	VNS_EXIT_HELP;

static int vns_virtio_opt(void *args, int c, const char *arg)
{
	struct vns_virtio_args *a = args;
	u64 v;

	switch (c) {
	case 'd':
		if (!*arg || strlen(arg) >= VNS_IFNAME_MAX)
			return vns_usage_err("invalid --dev '%s': not a name",
					     arg);
		a->dev = arg;
		return 0;
	case 'q':
		if (vns_parse_u64(arg, 0, 65535, &v))
			return vns_usage_err("invalid --queue '%s': expected a queue number",
					     arg);
		a->queue = (long long)v;
		return 0;
	default:
		return -1;
	}
}

int vns_virtio_parse(struct vns_virtio_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "queue", required_argument, NULL, 'q' },
		VNS_LOOP_OPTIONS,
		VNS_READ_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	a->read.name = "virtio";
	a->queue = -1;
	return vns_read_getopt(&a->read, argc, argv, opts, vns_virtio_usage,
			       vns_virtio_opt, a);
}

struct vns_virtio_snap {
	struct vns_virtio v;
	struct timespec when;
};

static int vns_virtio_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			 void *arg)
{
	(void)attrs;
	(void)len;
	return vns_virtio_add(arg, tb);
}

static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_virtio_snap *sn = snap;
	int ret;

	(void)args;
	memset(sn, 0, sizeof(*sn));
	clock_gettime(CLOCK_REALTIME, &sn->when);
	ret = vns_nl_dump(nl, VNS_CMD_VIRTIO_GET, "virtio read", vns_virtio_cb,
			  &sn->v);
	if (ret)
		vns_virtio_free(&sn->v);
	else
		vns_virtio_sort(&sn->v);
	return ret;
}

static void vns_snap_free(void *snap)
{
	vns_virtio_free(&((struct vns_virtio_snap *)snap)->v);
}

static int vns_report(const void *args, const void *pcur, const void *pprev)
{
	const struct vns_virtio_snap *cur = pcur, *prev = pprev;
	const struct vns_virtio_args *a = args;
	struct vns_virtio d = cur->v;

	if (prev) {
		d.q = malloc((d.n ? d.n : 1) * sizeof(*d.q));
		if (!d.q) {
			vns_err("report failed: out of memory");
			return VNS_EXIT_FAIL;
		}
		memcpy(d.q, cur->v.q, d.n * sizeof(*d.q));
		vns_virtio_delta(&d, &prev->v);
	}
	vns_report_begin(&a->read, &cur->when);
	vns_virtio_print(&d, a->dev, a->queue);
	vns_report_end(&a->read, &cur->when);
	if (prev)
		free(d.q);
	return 0;
}

VNS_DEFINE_READ(virtio, sizeof(struct vns_virtio_snap))

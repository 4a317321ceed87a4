// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope vhost: per vhost-net virtqueue, its worker's runs, packets,
 * bytes and time per run, the guest notifications sent or suppressed, the
 * ring found empty, with the worker, qemu's pid and the TUN queue it serves
 * (VNS_CMD_VHOST_GET; the TUN queue from the tun collector's dump when that
 * collector runs), once or every interval.
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
#include "vhost.h"

static const struct nla_policy vns_vhost_policy[VNS_VHOST_A_MAX + 1] = {
	[VNS_VHOST_A_ID] = { .type = NLA_U32 },
	[VNS_VHOST_A_DIR] = { .type = NLA_U8 },
	[VNS_VHOST_A_WORKER] = { .type = NLA_U32 },
	[VNS_VHOST_A_QEMU_PID] = { .type = NLA_U32 },
	[VNS_VHOST_A_SOCK] = { .type = NLA_U32 },
	[VNS_VHOST_A_RUNS_KICK] = { .type = NLA_U64 },
	[VNS_VHOST_A_RUNS_NET] = { .type = NLA_U64 },
	[VNS_VHOST_A_PACKETS] = { .type = NLA_U64 },
	[VNS_VHOST_A_BYTES] = { .type = NLA_U64 },
	[VNS_VHOST_A_PKT_HIST] = { .type = NLA_NESTED },
	[VNS_VHOST_A_BYTE_HIST] = { .type = NLA_NESTED },
	[VNS_VHOST_A_TIME_HIST] = { .type = NLA_NESTED },
	[VNS_VHOST_A_SIGNALS] = { .type = NLA_U64 },
	[VNS_VHOST_A_SUPPRESSED] = { .type = NLA_U64 },
	[VNS_VHOST_A_EMPTY] = { .type = NLA_U64 },
	[VNS_VHOST_A_EMPTY_RACED] = { .type = NLA_U64 },
	[VNS_VHOST_A_GONE] = { .type = NLA_FLAG },
	[VNS_VHOST_A_BUSY_LOOPS] = { .type = NLA_U64 },
	[VNS_VHOST_A_BUSY_NS] = { .type = NLA_U64 },
};

int vns_vhost_add(struct vns_vhost *v, struct nlattr **top)
{
	struct nlattr *tb[VNS_VHOST_A_MAX + 1];
	struct vns_vhq *q;

	if (!top[VNS_A_VHOST])
		return 0;
	if (nla_parse_nested(tb, VNS_VHOST_A_MAX, top[VNS_A_VHOST],
			     vns_vhost_policy) ||
	    !tb[VNS_VHOST_A_ID] || !tb[VNS_VHOST_A_DIR])
		return -EBADMSG;
	if (vns_grow(&v->q, v->n, sizeof(*v->q)))
		return -ENOMEM;
	q = &v->q[v->n];
	memset(q, 0, sizeof(*q));
	q->present = vns_nla_present(tb, VNS_VHOST_A_MAX);
	q->id = nla_get_u32(tb[VNS_VHOST_A_ID]);
	q->dir = nla_get_u8(tb[VNS_VHOST_A_DIR]);
	if (tb[VNS_VHOST_A_WORKER])
		q->worker = nla_get_u32(tb[VNS_VHOST_A_WORKER]);
	if (tb[VNS_VHOST_A_QEMU_PID])
		q->qemu_pid = nla_get_u32(tb[VNS_VHOST_A_QEMU_PID]);
	if (tb[VNS_VHOST_A_SOCK])
		q->sock = nla_get_u32(tb[VNS_VHOST_A_SOCK]);
	q->runs_kick = vns_nla_u64_or0(tb[VNS_VHOST_A_RUNS_KICK]);
	q->runs_net = vns_nla_u64_or0(tb[VNS_VHOST_A_RUNS_NET]);
	q->packets = vns_nla_u64_or0(tb[VNS_VHOST_A_PACKETS]);
	q->bytes = vns_nla_u64_or0(tb[VNS_VHOST_A_BYTES]);
	q->signals = vns_nla_u64_or0(tb[VNS_VHOST_A_SIGNALS]);
	q->suppressed = vns_nla_u64_or0(tb[VNS_VHOST_A_SUPPRESSED]);
	q->empty = vns_nla_u64_or0(tb[VNS_VHOST_A_EMPTY]);
	q->raced = vns_nla_u64_or0(tb[VNS_VHOST_A_EMPTY_RACED]);
	q->busy_loops = vns_nla_u64_or0(tb[VNS_VHOST_A_BUSY_LOOPS]);
	q->busy_ns = vns_nla_u64_or0(tb[VNS_VHOST_A_BUSY_NS]);
	if ((tb[VNS_VHOST_A_PKT_HIST] &&
	     vns_hist_from_nest(&q->pkts, tb[VNS_VHOST_A_PKT_HIST])) ||
	    (tb[VNS_VHOST_A_BYTE_HIST] &&
	     vns_hist_from_nest(&q->bytes_hist, tb[VNS_VHOST_A_BYTE_HIST])) ||
	    (tb[VNS_VHOST_A_TIME_HIST] &&
	     vns_hist_from_nest(&q->time, tb[VNS_VHOST_A_TIME_HIST])))
		return -EBADMSG;
	v->n++;
	return 0;
}

static int vns_vhq_cmp(const void *pa, const void *pb)
{
	const struct vns_vhq *a = pa, *b = pb;

	if (a->qemu_pid != b->qemu_pid)
		return a->qemu_pid < b->qemu_pid ? -1 : 1;
	if (a->worker != b->worker)
		return a->worker < b->worker ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->dir < b->dir ? -1 : a->dir > b->dir;
}

void vns_vhost_sort(struct vns_vhost *v)
{
	if (v->n)
		qsort(v->q, v->n, sizeof(*v->q), vns_vhq_cmp);
}

void vns_vhost_free(struct vns_vhost *v)
{
	free(v->q);
	v->q = NULL;
	v->n = 0;
}

void vns_vhost_delta(struct vns_vhost *cur, const struct vns_vhost *prev)
{
	const struct vns_vhq *p;
	struct vns_vhq *c;
	size_t i, j;

	for (i = 0; i < cur->n; i++) {
		c = &cur->q[i];
		p = NULL;
		for (j = 0; j < prev->n && !p; j++)
			if (prev->q[j].id == c->id && prev->q[j].dir == c->dir)
				p = &prev->q[j];
		if (!p || c->packets < p->packets ||
		    c->runs_kick + c->runs_net < p->runs_kick + p->runs_net)
			continue;
		c->runs_kick = vns_sub(c->runs_kick, p->runs_kick);
		c->runs_net = vns_sub(c->runs_net, p->runs_net);
		c->packets -= p->packets;
		c->bytes = vns_sub(c->bytes, p->bytes);
		c->signals = vns_sub(c->signals, p->signals);
		c->suppressed = vns_sub(c->suppressed, p->suppressed);
		c->empty = vns_sub(c->empty, p->empty);
		c->raced = vns_sub(c->raced, p->raced);
		c->busy_loops = vns_sub(c->busy_loops, p->busy_loops);
		c->busy_ns = vns_sub(c->busy_ns, p->busy_ns);
		vns_hist_delta(&c->pkts, &p->pkts);
		vns_hist_delta(&c->bytes_hist, &p->bytes_hist);
		vns_hist_delta(&c->time, &p->time);
	}
}

/* The TUN queue of socket @sock in @t, or NULL */
static const struct vns_tunq *vns_vhost_tunq(const struct vns_tun *t,
					     u32 sock)
{
	size_t i;

	for (i = 0; t && sock && i < t->n; i++)
		if (t->q[i].sock == sock)
			return &t->q[i];
	return NULL;
}

static bool vns_vhq_shown(const struct vns_vhq *q, const struct vns_tunq *tq,
			  const struct vns_vhost_args *a)
{
	if (a->pid >= 0 && (u64)a->pid != q->qemu_pid)
		return false;
	if (a->dev && (!tq || strcmp(a->dev, tq->dev)))
		return false;
	return a->queue < 0 || (tq && (u64)a->queue == tq->queue);
}

#define VNS_HAS_VQ(q, a)	(!!((q)->present & VNS_BIT(a)))

static void vns_vhq_print(const struct vns_vhq *q, const struct vns_tunq *tq,
			  bool hist, bool busy)
{
	char buf[24], avg[32];
	u64 runs = q->runs_kick + q->runs_net;

	open_json_object(NULL);
	snprintf(buf, sizeof(buf), "%08x", q->id);
	print_string(PRINT_ANY, "id", "%-8s", buf);
	print_string(PRINT_ANY, "dir", " %-3s",
		     q->dir == VNS_VHOST_TX ? "tx" : "rx");
	print_uint(PRINT_ANY, "worker", " %7u", q->worker);
	if (VNS_HAS_VQ(q, VNS_VHOST_A_QEMU_PID))
		print_uint(PRINT_ANY, "qemu_pid", " %7u", q->qemu_pid);
	else
		print_null(PRINT_ANY, "qemu_pid", " %7s", "-");
	snprintf(buf, sizeof(buf), "%08x", q->sock);
	if (VNS_HAS_VQ(q, VNS_VHOST_A_SOCK))
		print_string(PRINT_ANY, "sock", " %8s", buf);
	else
		print_null(PRINT_ANY, "sock", " %8s", "-");
	if (tq) {
		snprintf(buf, sizeof(buf), "%s/%u", tq->dev, tq->queue);
		print_fp(" %-14s", buf);
		print_string(PRINT_JSON, "dev", NULL, tq->dev);
		print_uint(PRINT_JSON, "queue", NULL, tq->queue);
	} else {
		print_fp(" %-14s", "-");
	}
	print_u64(PRINT_ANY, "runs_kick", " %9llu", q->runs_kick);
	print_u64(PRINT_ANY, "runs_net", " %9llu", q->runs_net);
	print_u64(PRINT_ANY, "packets", " %10llu", q->packets);
	print_u64(PRINT_ANY, "bytes", " %12llu", q->bytes);
	if (runs)
		snprintf(avg, sizeof(avg), "%.1f", (double)q->packets / runs);
	else
		snprintf(avg, sizeof(avg), "-");
	print_fp(" %8s", avg);
	/* absent where the module has no eventfd probe: unknown, not 0 */
	print_u64_opt(PRINT_ANY, "signals", " %9s",
		      VNS_HAS_VQ(q, VNS_VHOST_A_SIGNALS), q->signals);
	print_u64_opt(PRINT_ANY, "suppressed", " %10s",
		      VNS_HAS_VQ(q, VNS_VHOST_A_SUPPRESSED), q->suppressed);
	print_u64(PRINT_ANY, "empty", " %8llu", q->empty);
	print_u64(PRINT_ANY, "empty_raced", " %8llu", q->raced);
	/* busy polling: columns where the module counts it, "-" unknown */
	if (VNS_HAS_VQ(q, VNS_VHOST_A_BUSY_LOOPS))
		print_u64(PRINT_JSON, "busy_loops", NULL, q->busy_loops);
	if (VNS_HAS_VQ(q, VNS_VHOST_A_BUSY_NS))
		print_u64(PRINT_JSON, "busy_ns", NULL, q->busy_ns);
	if (busy) {
		snprintf(buf, sizeof(buf), "-");
		if (VNS_HAS_VQ(q, VNS_VHOST_A_BUSY_LOOPS))
			snprintf(buf, sizeof(buf), "%llu",
				 (unsigned long long)q->busy_loops);
		print_fp(" %8s", buf);
		snprintf(buf, sizeof(buf), "-");
		if (VNS_HAS_VQ(q, VNS_VHOST_A_BUSY_NS))
			snprintf(buf, sizeof(buf), "%llu",
				 (unsigned long long)(q->busy_ns / 1000));
		print_fp(" %10s", buf);
	}
	/* released: its last figures, until the module needs the room */
	if (VNS_HAS_VQ(q, VNS_VHOST_A_GONE)) {
		print_bool(PRINT_JSON, "gone", NULL, true);
		print_fp(" gone");
	}
	print_fp("\n");
	vns_hist_print_json("pkt_hist", VNS_HAS_VQ(q, VNS_VHOST_A_PKT_HIST),
			    &q->pkts);
	vns_hist_print_json("byte_hist", VNS_HAS_VQ(q, VNS_VHOST_A_BYTE_HIST),
			    &q->bytes_hist);
	vns_hist_print_json("time_hist", VNS_HAS_VQ(q, VNS_VHOST_A_TIME_HIST),
			    &q->time);
	close_json_object();
	if (!hist || !q->pkts.count)
		return;
	print_fp("\n%08x %s: packets per run:\n", q->id,
		 q->dir == VNS_VHOST_TX ? "tx" : "rx");
	vns_hist_print(&q->pkts, "packets");
	print_fp("\n%08x %s: bytes per run:\n", q->id,
		 q->dir == VNS_VHOST_TX ? "tx" : "rx");
	vns_hist_print(&q->bytes_hist, "bytes");
	print_fp("\n%08x %s: time per run:\n", q->id,
		 q->dir == VNS_VHOST_TX ? "tx" : "rx");
	vns_hist_print(&q->time, "usecs");
	print_fp("\n");
}

void vns_vhost_print(const struct vns_vhost *v, const struct vns_tun *t,
		     const struct vns_vhost_args *a)
{
	const struct vns_tunq *tq;
	size_t i, shown = 0;
	bool busy = false;

	for (i = 0; i < v->n; i++)
		if (VNS_HAS_VQ(&v->q[i], VNS_VHOST_A_BUSY_LOOPS))
			busy = true;
	print_fp("%-8s %-3s %7s %7s %8s %-14s %9s %9s %10s %12s %8s %9s %10s %8s %8s",
		 "ID", "DIR", "WORKER", "QEMU", "SOCK", "TUN", "RUNS_KICK",
		 "RUNS_NET", "PACKETS", "BYTES", "PKT/RUN", "SIGNALS",
		 "SUPPRESSED", "EMPTY", "RACED");
	if (busy)
		print_fp(" %8s %10s", "BUSY", "BUSY_US");
	print_fp("\n");
	open_json_array("virtqueues");
	for (i = 0; i < v->n; i++) {
		tq = vns_vhost_tunq(t, v->q[i].sock);
		if (!vns_vhq_shown(&v->q[i], tq, a))
			continue;
		shown++;
		vns_vhq_print(&v->q[i], tq, a->hist, busy);
	}
	close_json_array();
	if (!shown)
		print_fp("no vhost-net virtqueue seen%s\n",
			 a->pid >= 0 || a->dev || a->queue >= 0 ?
			 " that matches" : "");
}

/* ---- the command ---- */

static const char vns_vhost_usage[] =
	"Usage: vnetscope vhost [--pid PID] [--dev IFNAME] [--queue N]\n"
	"                       [--interval S [--count N]] [--hist] [--json]\n"
	"                       [--no-enable]\n"
	"\n"
	"Report vhost-net virtqueues: per device (ID) and direction (rx: to\n"
	"the guest, tx: from it), the worker thread and qemu's pid, the TUN\n"
	"socket it serves (and that TUN queue when the tun collector runs),\n"
	"its runs by what started them (a guest kick, the socket), packets,\n"
	"bytes and packets per run, the notifications sent to the guest and\n"
	"those suppressed (the guest asked for none), and how often the ring\n"
	"was found empty (RACED: refilled meanwhile), and its busy-poll\n"
	"loops (qemu's poll-us=) and their time in microseconds (BUSY_US,\n"
	"\"-\" where the kernel inlines the loop).  Turns the vhost collector\n"
	"on if it is off.\n"
	"\n"
	"  --pid PID        only qemu process PID's\n"
	"  --dev IFNAME     only those serving that TUN/TAP device\n"
	"  --queue N        only those serving its queue N\n"
	"  --interval S     every S seconds (e.g. 0.5), the growth since the\n"
	"                   previous report; until SIGINT/SIGTERM\n"
	"  --count N        stop after N reports\n"
	"  --hist           also the log2 histograms of packets, bytes and time\n"
	"                   per run\n"
	"  --json           one JSON document per report, one per line\n"
	VNS_NO_ENABLE_USAGE
	VNS_EXIT_HELP;

#define VNS_OPT_HIST	0x101
#define VNS_OPT_DEV	0x102
#define VNS_OPT_QUEUE	0x103
#define VNS_OPT_PID	0x104

static int vns_vhost_opt(void *args, int c, const char *arg)
{
	struct vns_vhost_args *a = args;
	u64 v;

	switch (c) {
	case VNS_OPT_PID:
		if (vns_parse_u64(arg, 1, 0x7fffffff, &v))
			return vns_usage_err("invalid pid '%s'", arg);
		a->pid = (long long)v;
		return 0;
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

int vns_vhost_parse(struct vns_vhost_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, VNS_OPT_PID },
		{ "dev", required_argument, NULL, VNS_OPT_DEV },
		{ "queue", required_argument, NULL, VNS_OPT_QUEUE },
		VNS_LOOP_OPTIONS,
		{ "hist", no_argument, NULL, VNS_OPT_HIST },
		VNS_READ_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	a->read.name = "vhost";
	a->pid = -1;
	a->queue = -1;
	return vns_read_getopt(&a->read, argc, argv, opts, vns_vhost_usage,
			       vns_vhost_opt, a);
}

struct vns_vhost_snap {
	struct vns_vhost v;
	struct vns_tun t;		/* empty when the tun collector is off */
	struct timespec when;		/* CLOCK_REALTIME */
};

static int vns_vhost_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			void *arg)
{
	(void)attrs;
	(void)len;
	return vns_vhost_add(arg, tb);
}

static int vns_vhost_tun_cb(struct nlattr **tb, struct nlattr *attrs, int len,
			    void *arg)
{
	(void)attrs;
	(void)len;
	return vns_tun_add(arg, tb);
}

static void vns_snap_free(void *snap)
{
	struct vns_vhost_snap *sn = snap;

	vns_vhost_free(&sn->v);
	vns_tun_free(&sn->t);
}

static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_vhost_snap *sn = snap;
	int ret;

	(void)args;
	memset(sn, 0, sizeof(*sn));
	clock_gettime(CLOCK_REALTIME, &sn->when);
	ret = vns_nl_dump(nl, VNS_CMD_VHOST_GET, "vhost read", vns_vhost_cb,
			  &sn->v);
	/* the TUN queues, for the join only: none if that collector is off */
	if (!ret && vns_nl_dump_quiet(nl, VNS_CMD_TUN_GET, "tun read",
				      vns_vhost_tun_cb, &sn->t, EOPNOTSUPP))
		vns_tun_free(&sn->t);
	if (ret)
		vns_snap_free(sn);
	else
		vns_vhost_sort(&sn->v);
	return ret;
}

static int vns_report(const void *args, const void *pcur, const void *pprev)
{
	const struct vns_vhost_snap *cur = pcur, *prev = pprev;
	const struct vns_vhost_args *a = args;
	struct vns_vhost d = cur->v;

	if (prev) {
		d.q = malloc((d.n ? d.n : 1) * sizeof(*d.q));
		if (!d.q) {
			vns_err("report failed: out of memory");
			return VNS_EXIT_FAIL;
		}
		memcpy(d.q, cur->v.q, d.n * sizeof(*d.q));
		vns_vhost_delta(&d, &prev->v);
	}
	vns_report_begin(&a->read, &cur->when);
	vns_vhost_print(&d, &cur->t, a);
	vns_report_end(&a->read, &cur->when);
	if (prev)
		free(d.q);
	return 0;
}

VNS_DEFINE_READ(vhost, sizeof(struct vns_vhost_snap))

// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope vmpath --dev IF: one VM port's whole chain in one report.
 * The tun collector's queues of IF, joined by their socket to the vhost
 * collector's virtqueues (worker thread, qemu's pid), joined by that pid to
 * the kvm collector's irqfd GSIs, and the drop collector's drops on IF.
 * Each collector is read as its own command reads it (tun, vhost, kvm,
 * drops); this file only joins.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "coll.h"
#include "drops.h"
#include "kvm.h"
#include "loop.h"
#include "nl.h"
#include "print.h"
#include "read.h"
#include "status.h"
#include "tun.h"
#include "util.h"
#include "vhost.h"
#include "vmpath.h"

struct vns_vmpath_snap {
	struct vns_tun tun;
	struct vns_vhost vhost;
	struct vns_kvm kvm;
	struct vns_drops drops;
	bool vhost_on, kvm_on, drops_on;
	struct timespec when;		/* CLOCK_REALTIME */
};

/* ---- the join (no I/O: unit-tested) ---- */

bool vns_vmpath_pid_seen(const struct vns_vhost *v, const bool *mine,
			 u32 pid)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (mine[i] && v->q[i].qemu_pid == pid &&
		    (v->q[i].present & (1U << VNS_VHOST_A_QEMU_PID)))
			return true;
	return false;
}

int vns_vmpath_mine(const struct vns_tun *t, const struct vns_vhost *v,
		    const char *dev, bool **mine)
{
	size_t i, j;

	*mine = calloc(v->n ? v->n : 1, sizeof(**mine));
	if (!*mine)
		return -ENOMEM;
	for (i = 0; i < v->n; i++) {
		if (!(v->q[i].present & (1U << VNS_VHOST_A_SOCK)))
			continue;
		for (j = 0; j < t->n; j++)
			if (!strcmp(t->q[j].dev, dev) &&
			    (t->q[j].present & (1U << VNS_TUN_A_SOCK)) &&
			    t->q[j].sock == v->q[i].sock)
				(*mine)[i] = true;
	}
	return 0;
}

u64 vns_vmpath_drops(const struct vns_drop_view *view, size_t n,
		     const char *dev)
{
	u64 sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (view[i].e->dev && !strcmp(view[i].e->dev, dev))
			sum += view[i].count;
	return sum;
}

/* ---- the report ---- */

static const char *const vns_vmpath_dir[] = { "rx", "tx" };

static void vns_vmpath_vhost(const struct vns_vhq *q)
{
	open_json_object(NULL);
	print_fp("    vhost %s  ", q->dir < 2 ? vns_vmpath_dir[q->dir] : "?");
	print_string(PRINT_JSON, "dir", NULL,
		     q->dir < 2 ? vns_vmpath_dir[q->dir] : "?");
	print_uint(PRINT_ANY, "worker", "worker %u", q->worker);
	print_u64_opt(PRINT_ANY, "qemu_pid", " qemu %s",
		      q->present & (1U << VNS_VHOST_A_QEMU_PID), q->qemu_pid);
	print_u64(PRINT_ANY, "runs_kick", "  runs: kick %llu", q->runs_kick);
	print_u64(PRINT_ANY, "runs_net", " net %llu", q->runs_net);
	print_u64(PRINT_ANY, "packets", "  packets %llu", q->packets);
	print_u64(PRINT_ANY, "bytes", " bytes %llu", q->bytes);
	print_u64(PRINT_ANY, "signals", "  guest notified %llu", q->signals);
	print_u64(PRINT_ANY, "suppressed", " suppressed %llu", q->suppressed);
	print_u64(PRINT_ANY, "empty", "  ring empty %llu\n", q->empty);
	close_json_object();
}

static void vns_vmpath_queue(const struct vns_tunq *q,
			     const struct vns_vhost *v, const bool *mine)
{
	u64 dropped = 0;
	unsigned int c;
	size_t i;

	for (c = 0; c <= VNS_TUN_DROP_MAX; c++)
		dropped += q->drops[c];
	open_json_object(NULL);
	print_uint(PRINT_ANY, "queue", "  queue %u", q->queue);
	print_u64_opt(PRINT_ANY, "sock", "  sock %s",
		      q->present & (1U << VNS_TUN_A_SOCK), q->sock);
	print_u64(PRINT_ANY, "to_guest", "  to guest %llu", q->tx_packets);
	print_u64(PRINT_ANY, "dropped", "  dropped %llu", dropped);
	print_fp(" (");
	open_json_object("drops");
	for (c = 0; c <= VNS_TUN_DROP_MAX; c++)
		print_u64(PRINT_ANY, vns_tun_drop_name(c),
			  c ? ", %llu" : "%llu", q->drops[c]);
	close_json_object();
	print_fp(" %s", "ring_full/no_queue/filter/other)");
	if (q->present & (1U << VNS_TUN_A_RING_SIZE)) {
		print_u64(PRINT_ANY, "fill_max", "  ring fill max %llu",
			  q->fill.max);
		print_uint(PRINT_ANY, "ring_size", " of %u", q->ring_size);
	} else {
		print_null(PRINT_ANY, "ring_size", "  ring %s", "unknown");
	}
	print_u64(PRINT_ANY, "from_guest", "  from guest %llu\n",
		  q->rx_packets);
	open_json_array("vhost");
	for (i = 0; i < v->n; i++)
		if (mine[i] && (q->present & (1U << VNS_TUN_A_SOCK)) &&
		    v->q[i].sock == q->sock)
			vns_vmpath_vhost(&v->q[i]);
	close_json_array();
	close_json_object();
}

static void vns_vmpath_vm(const struct vns_kvm *k, u32 pid)
{
	size_t i;

	open_json_object(NULL);
	print_uint(PRINT_ANY, "pid", "  vm qemu %u:", pid);
	for (i = 0; i < k->n; i++) {
		const struct vns_kvm_rec *r = &k->r[i];

		if (r->pid != pid || !r->is_vm)
			continue;
		print_u64(PRINT_ANY, "msi", "  msi %llu", r->c[VNS_KVM_A_MSI]);
		print_u64(PRINT_ANY, "kicks", "  vcpu kicks %llu",
			  r->c[VNS_KVM_A_KICKS]);
	}
	print_fp("\n");
	open_json_array("gsis");
	for (i = 0; i < k->n; i++) {
		const struct vns_kvm_rec *r = &k->r[i];

		if (r->pid != pid || r->is_vm)
			continue;
		open_json_object(NULL);
		print_uint(PRINT_ANY, "gsi", "    gsi %u", r->gsi);
		print_u64(PRINT_ANY, "wakeups", "  irqfd wakeups %llu",
			  r->c[VNS_KVM_A_WAKEUPS_IN]);
		print_u64(PRINT_ANY, "fast_ok", "  injected: fast %llu",
			  r->c[VNS_KVM_A_FAST_OK]);
		print_u64(PRINT_ANY, "slow", " slow %llu\n",
			  r->c[VNS_KVM_A_SLOW]);
		close_json_object();
	}
	close_json_array();
	close_json_object();
}

static int vns_vmpath_print(const struct vns_vmpath_args *a,
			    const struct vns_vmpath_snap *s,
			    const struct vns_drop_view *view, size_t nview)
{
	bool *mine, any = false;
	u32 *pids = NULL;
	size_t i, j, np = 0;

	if (vns_vmpath_mine(&s->tun, &s->vhost, a->dev, &mine))
		return -ENOMEM;
	print_string(PRINT_ANY, "dev", "port %s\n", a->dev);
	open_json_array("queues");
	for (i = 0; i < s->tun.n; i++)
		if (!strcmp(s->tun.q[i].dev, a->dev)) {
			vns_vmpath_queue(&s->tun.q[i], &s->vhost, mine);
			any = true;
		}
	close_json_array();
	if (!any)
		print_fp("  no TUN queue of %s seen (is it a TUN/TAP device that carried packets?)\n",
			 a->dev);
	if (!s->vhost_on)
		print_fp("  vhost: collector off\n");
	open_json_array("vms");
	if (s->kvm_on) {
		pids = calloc(s->vhost.n ? s->vhost.n : 1, sizeof(*pids));
		if (!pids) {
			free(mine);
			return -ENOMEM;
		}
		for (i = 0; i < s->vhost.n; i++) {
			if (!mine[i] || !(s->vhost.q[i].present &
					  (1U << VNS_VHOST_A_QEMU_PID)))
				continue;
			for (j = 0; j < np; j++)
				if (pids[j] == s->vhost.q[i].qemu_pid)
					break;
			if (j == np)
				pids[np++] = s->vhost.q[i].qemu_pid;
		}
		for (j = 0; j < np; j++)
			vns_vmpath_vm(&s->kvm, pids[j]);
	} else {
		print_fp("  kvm: collector off\n");
	}
	close_json_array();
	if (s->drops_on) {
		print_fp("  drops on %s: ", a->dev);
		print_u64(PRINT_ANY, "drops", "%llu\n",
			  vns_vmpath_drops(view, nview, a->dev));
	} else {
		print_null(PRINT_ANY, "drops", "  drops on this port: %s\n",
			   "drop collector off");
	}
	free(pids);
	free(mine);
	return 0;
}

/* ---- reading ---- */

static int vns_vmpath_tun_cb(struct nlattr **tb, struct nlattr *attrs,
			     int len, void *arg)
{
	(void)attrs;
	(void)len;
	return vns_tun_add(arg, tb);
}

static int vns_vmpath_vhost_cb(struct nlattr **tb, struct nlattr *attrs,
			       int len, void *arg)
{
	(void)attrs;
	(void)len;
	return vns_vhost_add(arg, tb);
}

static int vns_vmpath_kvm_cb(struct nlattr **tb, struct nlattr *attrs,
			     int len, void *arg)
{
	(void)attrs;
	(void)len;
	return vns_kvm_add(arg, tb);
}

static int vns_vmpath_drop_cb(struct nlattr **tb, struct nlattr *attrs,
			      int len, void *arg)
{
	(void)attrs;
	(void)len;
	return tb[VNS_A_DROP] ? vns_drops_add(arg, tb[VNS_A_DROP]) : 0;
}

static void vns_vmpath_free(void *snap)
{
	struct vns_vmpath_snap *s = snap;

	vns_tun_free(&s->tun);
	vns_vhost_free(&s->vhost);
	vns_kvm_free(&s->kvm);
	vns_drops_free(&s->drops);
}

static bool vns_vmpath_on(const struct vns_status *st, const char *name)
{
	const struct vns_collector *c = vns_status_coll(st, name);

	return c && VNS_HAS(c, VNS_COLL_A_STATE) && c->state == VNS_COLL_ON;
}

static int vns_vmpath_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_vmpath_snap *s = snap;
	struct vns_status st;
	int ret;

	(void)args;
	memset(s, 0, sizeof(*s));
	ret = vns_status_get(nl, &st);
	if (ret)
		return ret;
	s->vhost_on = vns_vmpath_on(&st, "vhost");
	s->kvm_on = vns_vmpath_on(&st, "kvm");
	s->drops_on = vns_vmpath_on(&st, "drops");
	vns_status_free(&st);
	clock_gettime(CLOCK_REALTIME, &s->when);
	ret = vns_nl_dump(nl, VNS_CMD_TUN_GET, "tun read", vns_vmpath_tun_cb,
			  &s->tun);
	if (!ret && s->vhost_on)
		ret = vns_nl_dump(nl, VNS_CMD_VHOST_GET, "vhost read",
				  vns_vmpath_vhost_cb, &s->vhost);
	if (!ret && s->kvm_on)
		ret = vns_nl_dump(nl, VNS_CMD_KVM_GET, "kvm read",
				  vns_vmpath_kvm_cb, &s->kvm);
	if (!ret && s->drops_on)
		ret = vns_nl_dump(nl, VNS_CMD_DROP_GET, "drop table read",
				  vns_vmpath_drop_cb, &s->drops);
	if (ret) {
		vns_vmpath_free(s);
		return ret;
	}
	vns_tun_sort(&s->tun);
	vns_vhost_sort(&s->vhost);
	vns_kvm_sort(&s->kvm);
	return 0;
}

/* A copy of @src's array of @n records of @size bytes in *@dst */
static int vns_vmpath_dup(void *dst, const void *src, size_t n, size_t size)
{
	void *p = malloc(n ? n * size : 1);

	if (!p)
		return -ENOMEM;
	memcpy(p, src, n * size);
	*(void **)dst = p;
	return 0;
}

static int vns_vmpath_report(const void *args, const void *pcur,
			     const void *pprev)
{
	const struct vns_vmpath_snap *cur = pcur, *prev = pprev;
	const struct vns_vmpath_args *a = args;
	struct vns_vmpath_snap d = *cur;
	struct vns_drop_view *view = NULL;
	size_t nview = 0;
	int ret = 0;

	if (prev) {
		d.tun.q = NULL;
		d.vhost.q = NULL;
		d.kvm.r = NULL;
		if (vns_vmpath_dup(&d.tun.q, cur->tun.q, cur->tun.n,
				   sizeof(*d.tun.q)) ||
		    vns_vmpath_dup(&d.vhost.q, cur->vhost.q, cur->vhost.n,
				   sizeof(*d.vhost.q)) ||
		    vns_vmpath_dup(&d.kvm.r, cur->kvm.r, cur->kvm.n,
				   sizeof(*d.kvm.r)) ||
		    vns_drops_delta(&prev->drops, &cur->drops, &view, &nview)) {
			ret = -ENOMEM;
			goto out;
		}
		vns_tun_delta(&d.tun, &prev->tun);
		vns_vhost_delta(&d.vhost, &prev->vhost);
		vns_kvm_delta(&d.kvm, &prev->kvm);
	} else if (vns_drops_view(&cur->drops, &view, &nview)) {
		ret = -ENOMEM;
		goto out;
	}
	vns_report_begin(&a->read, &cur->when);
	ret = vns_vmpath_print(a, &d, view, nview);
	vns_report_end(&a->read, &cur->when);
out:
	if (prev) {
		free(d.tun.q);
		free(d.vhost.q);
		free(d.kvm.r);
	}
	free(view);
	if (ret) {
		vns_err("report failed: out of memory");
		return VNS_EXIT_FAIL;
	}
	return 0;
}

static const struct vns_snap_ops vns_vmpath_snap_ops = {
	.size = sizeof(struct vns_vmpath_snap),
	.read = vns_vmpath_read,
	.report = vns_vmpath_report,
	.free = vns_vmpath_free,
};

/*
 * After vns_read_prepare() turned the tun collector on: vhost and kvm too
 * (the same rule as a read of theirs: on if off, unless --no-enable; then
 * they are reported off).  The drop collector is read when it is on.
 */
static int vns_vmpath_run(struct vns_nl *nl, const void *args,
			  struct vns_ticker *t)
{
	static const char *const more[] = { "vhost", "kvm" };
	const struct vns_vmpath_args *a = args;
	struct vns_read_opts o;
	unsigned int i;
	int ret;

	for (i = 0; i < VNS_ARRAY_SIZE(more); i++) {
		memset(&o, 0, sizeof(o));
		o.name = more[i];
		o.no_enable = a->read.no_enable;
		ret = vns_read_prepare(nl, &o);
		if (ret && ret != VNS_EXIT_OFF)
			return ret;
	}
	return vns_report_run(nl, a->read.interval, a->read.count, t,
			      &vns_vmpath_snap_ops, args);
}

static const struct vns_snap_ops vns_vmpath_ops = {
	.run = vns_vmpath_run,
};

/* ---- the command ---- */

static const char vns_vmpath_usage[] =
	"Usage: vnetscope vmpath --dev IFNAME [--interval S [--count N]] [--json]\n"
	"                        [--no-enable]\n"
	"\n"
	"Report one VM port's whole chain: each TUN queue of IFNAME (packets\n"
	"to and from the guest, drops by cause, ring fill), the vhost-net\n"
	"virtqueues that serve it (worker thread, qemu's pid, runs, packets,\n"
	"guest notifications sent and suppressed, ring found empty), that\n"
	"qemu's irqfd GSIs (wakeups, injections fast and slow) and the drop\n"
	"collector's drops on IFNAME.  Turns the tun, vhost and kvm collectors\n"
	"on if they are off; the drops line needs the drop collector on.\n"
	"\n"
	"  --dev IFNAME     the VM's TUN/TAP port (required)\n"
	"  --interval S     every S seconds (e.g. 0.5), the growth since the\n"
	"                   previous report; until SIGINT/SIGTERM\n"
	"  --count N        stop after N reports\n"
	"  --json           one JSON document per report, one per line\n"
	VNS_NO_ENABLE_USAGE
	VNS_EXIT_HELP;

#define VNS_OPT_DEV	0x102

static int vns_vmpath_opt(void *args, int c, const char *arg)
{
	struct vns_vmpath_args *a = args;

	if (c != VNS_OPT_DEV)
		return -1;
	if (!*arg || strlen(arg) >= VNS_IFNAME_MAX)
		return vns_usage_err("invalid device name '%s'", arg);
	a->dev = arg;
	return 0;
}

int vns_vmpath_parse(struct vns_vmpath_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, VNS_OPT_DEV },
		VNS_LOOP_OPTIONS,
		VNS_READ_OPTIONS
	};
	int ret;

	memset(a, 0, sizeof(*a));
	a->read.name = "tun";
	ret = vns_read_getopt(&a->read, argc, argv, opts, vns_vmpath_usage,
			      vns_vmpath_opt, a);
	if (ret < 0 && !a->dev)
		return vns_usage_err("vmpath needs --dev IFNAME (the VM's TUN/TAP port)");
	return ret;
}

int cmd_vmpath(int argc, char **argv)
{
	struct vns_vmpath_args a;
	int ret = vns_vmpath_parse(&a, argc, argv);

	if (ret >= 0)
		return ret;
	return vns_read_main(&a.read, &vns_vmpath_ops, &a);
}

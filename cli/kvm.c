// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope kvm: KVM's irqfd path per VM (its qemu pid) and GSI
 * (VNS_CMD_KVM_GET), once (cumulative since enable) or every interval (the
 * growth since the previous read).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "cmd.h"
#include "histo.h"
#include "kvm.h"
#include "loop.h"
#include "nl.h"
#include "print.h"
#include "read.h"
#include "util.h"

static const struct nla_policy vns_kvm_policy[VNS_KVM_A_MAX + 1] = {
	[VNS_KVM_A_VM] = { .type = NLA_U64 },
	[VNS_KVM_A_PID] = { .type = NLA_U32 },
	[VNS_KVM_A_GSI] = { .type = NLA_U32 },
	[VNS_KVM_A_WAKEUPS] = { .type = NLA_U64 },
	[VNS_KVM_A_WAKEUPS_IN] = { .type = NLA_U64 },
	[VNS_KVM_A_WAKEUPS_HUP] = { .type = NLA_U64 },
	[VNS_KVM_A_FAST] = { .type = NLA_U64 },
	[VNS_KVM_A_FAST_OK] = { .type = NLA_U64 },
	[VNS_KVM_A_SLOW] = { .type = NLA_U64 },
	[VNS_KVM_A_SET_IRQ] = { .type = NLA_U64 },
	[VNS_KVM_A_MSI] = { .type = NLA_U64 },
	[VNS_KVM_A_KICKS] = { .type = NLA_U64 },
	[VNS_KVM_A_RUNS] = { .type = NLA_U64 },
	[VNS_KVM_A_LAT_FAST] = { .type = NLA_NESTED },
	[VNS_KVM_A_LAT_SLOW] = { .type = NLA_NESTED },
	[VNS_KVM_A_LAT_LOST] = { .type = NLA_U64 },
	[VNS_KVM_A_GONE] = { .type = NLA_FLAG },
};

/* The u64 counters, and their JSON keys */
static const struct {
	int attr;
	const char *key;
} vns_kvm_counters[] = {
	{ VNS_KVM_A_WAKEUPS, "wakeups" },
	{ VNS_KVM_A_WAKEUPS_IN, "wakeups_in" },
	{ VNS_KVM_A_WAKEUPS_HUP, "wakeups_hup" },
	{ VNS_KVM_A_FAST, "fast" },
	{ VNS_KVM_A_FAST_OK, "fast_ok" },
	{ VNS_KVM_A_SLOW, "slow" },
	{ VNS_KVM_A_SET_IRQ, "set_irq" },
	{ VNS_KVM_A_LAT_LOST, "lat_lost" },
	{ VNS_KVM_A_MSI, "msi_slow" },
	{ VNS_KVM_A_KICKS, "kicks" },
	{ VNS_KVM_A_RUNS, "runs" },
};

#define VNS_KVM_NR_COUNTERS	VNS_ARRAY_SIZE(vns_kvm_counters)

int vns_kvm_add(struct vns_kvm *k, struct nlattr **top)
{
	struct nlattr *tb[VNS_KVM_A_MAX + 1];
	struct vns_kvm_rec *r;
	size_t i;

	if (!top[VNS_A_KVM])
		return 0;
	if (nla_parse_nested(tb, VNS_KVM_A_MAX, top[VNS_A_KVM],
			     vns_kvm_policy) || !tb[VNS_KVM_A_VM])
		return -EBADMSG;
	if (vns_grow(&k->r, k->n, sizeof(*k->r)))
		return -ENOMEM;
	r = &k->r[k->n];
	memset(r, 0, sizeof(*r));
	r->present = vns_nla_present(tb, VNS_KVM_A_MAX);
	r->vm = nla_get_u64(tb[VNS_KVM_A_VM]);
	r->is_vm = !tb[VNS_KVM_A_GSI];
	if (tb[VNS_KVM_A_GSI])
		r->gsi = nla_get_u32(tb[VNS_KVM_A_GSI]);
	if (tb[VNS_KVM_A_PID])
		r->pid = nla_get_u32(tb[VNS_KVM_A_PID]);
	for (i = 0; i < VNS_KVM_NR_COUNTERS; i++)
		r->c[vns_kvm_counters[i].attr] =
			vns_nla_u64_or0(tb[vns_kvm_counters[i].attr]);
	if ((tb[VNS_KVM_A_LAT_FAST] &&
	     vns_hist_from_nest(&r->fast, tb[VNS_KVM_A_LAT_FAST])) ||
	    (tb[VNS_KVM_A_LAT_SLOW] &&
	     vns_hist_from_nest(&r->slow, tb[VNS_KVM_A_LAT_SLOW])))
		return -EBADMSG;
	k->n++;
	return 0;
}

static int vns_kvm_cmp(const void *pa, const void *pb)
{
	const struct vns_kvm_rec *a = pa, *b = pb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->vm != b->vm)
		return a->vm < b->vm ? -1 : 1;
	if (a->is_vm != b->is_vm)
		return a->is_vm ? -1 : 1;
	return a->gsi < b->gsi ? -1 : a->gsi > b->gsi;
}

void vns_kvm_sort(struct vns_kvm *k)
{
	if (k->n)
		qsort(k->r, k->n, sizeof(*k->r), vns_kvm_cmp);
}

void vns_kvm_free(struct vns_kvm *k)
{
	free(k->r);
	k->r = NULL;
	k->n = 0;
}

void vns_kvm_delta(struct vns_kvm *cur, const struct vns_kvm *prev)
{
	const struct vns_kvm_rec *p;
	struct vns_kvm_rec *c;
	size_t i, j;
	bool reset;

	for (i = 0; i < cur->n; i++) {
		c = &cur->r[i];
		p = NULL;
		for (j = 0; j < prev->n && !p; j++)
			if (prev->r[j].vm == c->vm &&
			    prev->r[j].is_vm == c->is_vm &&
			    prev->r[j].gsi == c->gsi)
				p = &prev->r[j];
		if (!p)
			continue;
		reset = false;
		for (j = 0; j < VNS_KVM_NR_COUNTERS; j++)
			if (c->c[vns_kvm_counters[j].attr] <
			    p->c[vns_kvm_counters[j].attr])
				reset = true;
		if (reset)
			continue;
		for (j = 0; j < VNS_KVM_NR_COUNTERS; j++)
			c->c[vns_kvm_counters[j].attr] -=
				p->c[vns_kvm_counters[j].attr];
		vns_hist_delta(&c->fast, &p->fast);
		vns_hist_delta(&c->slow, &p->slow);
	}
}

#define VNS_HAS(r, a)	(!!((r)->present & VNS_BIT(a)))

static void vns_kvm_counter(const struct vns_kvm_rec *r, int attr,
			    const char *key, const char *fmt)
{
	print_u64_opt(PRINT_JSON, key, NULL, VNS_HAS(r, attr), r->c[attr]);
	if (VNS_HAS(r, attr))
		print_fp(fmt, (unsigned long long)r->c[attr]);
	else
		print_fp(" %9s", "-");
}

/* A row of a VM's GSI table; in JSON the GSI's object */
static void vns_kvm_gsi_row(const struct vns_kvm_rec *r)
{
	char avg[VNS_DUR_STR_MAX], savg[VNS_DUR_STR_MAX];

	open_json_object(NULL);
	print_uint(PRINT_ANY, "gsi", "  %5u", r->gsi);
	vns_kvm_counter(r, VNS_KVM_A_WAKEUPS, "wakeups", " %9llu");
	vns_kvm_counter(r, VNS_KVM_A_WAKEUPS_IN, "wakeups_in", " %9llu");
	vns_kvm_counter(r, VNS_KVM_A_FAST, "fast", " %9llu");
	vns_kvm_counter(r, VNS_KVM_A_FAST_OK, "fast_ok", " %9llu");
	vns_kvm_counter(r, VNS_KVM_A_SLOW, "slow", " %9llu");
	vns_kvm_counter(r, VNS_KVM_A_SET_IRQ, "set_irq", " %9llu");
	print_fp(" %9s", VNS_HAS(r, VNS_KVM_A_LAT_FAST) ?
		 vns_avg_str(r->fast.sum, r->fast.count, avg, sizeof(avg)) :
		 "-");
	print_fp(" %9s", VNS_HAS(r, VNS_KVM_A_LAT_SLOW) ?
		 vns_avg_str(r->slow.sum, r->slow.count, savg, sizeof(savg)) :
		 "-");
	print_fp("\n");
	print_u64_opt(PRINT_JSON, "wakeups_hup", NULL,
		      VNS_HAS(r, VNS_KVM_A_WAKEUPS_HUP),
		      r->c[VNS_KVM_A_WAKEUPS_HUP]);
	print_u64_opt(PRINT_JSON, "lat_lost", NULL,
		      VNS_HAS(r, VNS_KVM_A_LAT_LOST), r->c[VNS_KVM_A_LAT_LOST]);
	vns_hist_print_json_unit("fast_lat", VNS_HAS(r, VNS_KVM_A_LAT_FAST),
				 &r->fast, "ns");
	vns_hist_print_json_unit("slow_lat", VNS_HAS(r, VNS_KVM_A_LAT_SLOW),
				 &r->slow, "ns");
	close_json_object();
}

static void vns_kvm_vm_head(const struct vns_kvm_rec *r)
{
	print_u64(PRINT_ANY, "vm", "VM %llx", r->vm);
	if (r->pid)
		print_uint(PRINT_ANY, "pid", ", qemu pid %u", r->pid);
	else
		print_null(PRINT_ANY, "pid", ", qemu pid %s", "unknown");
	if (r->is_vm) {
		print_u64_opt(PRINT_ANY, "runs", ": KVM_RUN %s",
			      VNS_HAS(r, VNS_KVM_A_RUNS), r->c[VNS_KVM_A_RUNS]);
		print_u64_opt(PRINT_ANY, "kicks", ", vCPU kicks %s",
			      VNS_HAS(r, VNS_KVM_A_KICKS),
			      r->c[VNS_KVM_A_KICKS]);
		print_u64_opt(PRINT_ANY, "msi_slow", ", slow MSIs %s",
			      VNS_HAS(r, VNS_KVM_A_MSI), r->c[VNS_KVM_A_MSI]);
	}
	/* destroyed: its last figures, until the module needs the room */
	if (VNS_HAS(r, VNS_KVM_A_GONE)) {
		print_bool(PRINT_JSON, "gone", NULL, true);
		print_fp(" (gone)");
	}
	print_fp("\n");
}

void vns_kvm_print(const struct vns_kvm *k, long long pid, long long gsi)
{
	size_t i, j, shown = 0;

	open_json_array("vms");
	for (i = 0; i < k->n; i = j) {
		const struct vns_kvm_rec *vm = &k->r[i];

		for (j = i + 1; j < k->n && k->r[j].vm == vm->vm; j++)
			;
		if (pid >= 0 && vm->pid != (u64)pid)
			continue;
		shown++;
		open_json_object(NULL);
		vns_kvm_vm_head(vm);
		print_fp("  %5s %9s %9s %9s %9s %9s %9s %9s %9s\n", "GSI",
			 "WAKEUPS", "SIGNALS", "FAST", "FAST OK", "SLOW",
			 "SET_IRQ", "FAST AVG", "SLOW AVG");
		open_json_array("gsis");
		for (; i < j; i++)
			if (!k->r[i].is_vm &&
			    (gsi < 0 || k->r[i].gsi == (u64)gsi))
				vns_kvm_gsi_row(&k->r[i]);
		close_json_array();
		close_json_object();
	}
	close_json_array();
	if (!shown && !print_is_json()) {
		if (pid >= 0)
			print_fp("no KVM data for pid %lld\n", pid);
		else
			print_fp("no KVM data\n");
	}
}

/* ---- the command ---- */

static const char vns_kvm_usage[] =
	"Usage: vnetscope kvm [--pid PID] [--gsi N] [--interval S [--count N]]\n"
	"                     [--json] [--no-enable]\n"
	"\n"
	"Report KVM's irqfd path per VM (the qemu process running its vCPUs)\n"
	"and per GSI: irqfd wakeups (SIGNALS: with EPOLLIN), the fast path\n"
	"(kvm_arch_set_irq_inatomic: attempts, injections), the slow path\n"
	"(irqfd_inject work runs), kvm_set_irq assertions (level 1), the average\n"
	"time from the signal to the injection on each path; per VM, KVM_RUN\n"
	"entries, vCPU kicks and slow MSIs (kvm_set_msi, level 1: the slow path\n"
	"and KVM_SIGNAL_MSI; MSIs sent = FAST OK + slow MSIs).  Turns the kvm\n"
	"collector on if it is off.\n"
	"\n"
	"  --pid PID        only the VMs of this qemu process\n"
	"  --gsi N          only GSI N\n"
	"  --interval S     every S seconds (e.g. 0.5), the growth since the\n"
	"                   previous report; until SIGINT/SIGTERM\n"
	"  --count N        stop after N reports\n"
	"  --json           one JSON document per report, one per line\n"
	VNS_NO_ENABLE_USAGE
	VNS_EXIT_HELP;

static int vns_kvm_opt(void *args, int c, const char *arg)
{
	struct vns_kvm_args *a = args;
	u64 v;

	switch (c) {
	case 'p':
		if (vns_parse_u64(arg, 1, INT32_MAX, &v))
			return vns_usage_err("invalid --pid '%s': expected a pid",
					     arg);
		a->pid = (long long)v;
		return 0;
	case 'g':
		if (vns_parse_u64(arg, 0, UINT32_MAX - 1, &v))
			return vns_usage_err("invalid --gsi '%s': expected a GSI",
					     arg);
		a->gsi = (long long)v;
		return 0;
	default:
		return -1;
	}
}

int vns_kvm_parse(struct vns_kvm_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "gsi", required_argument, NULL, 'g' },
		VNS_LOOP_OPTIONS,
		VNS_READ_OPTIONS
	};

	memset(a, 0, sizeof(*a));
	a->read.name = "kvm";
	a->pid = -1;
	a->gsi = -1;
	return vns_read_getopt(&a->read, argc, argv, opts, vns_kvm_usage,
			       vns_kvm_opt, a);
}

struct vns_kvm_snap {
	struct vns_kvm k;
	struct timespec when;		/* CLOCK_REALTIME */
};

static int vns_kvm_cb(struct nlattr **tb, struct nlattr *attrs, int len,
		      void *arg)
{
	(void)attrs;
	(void)len;
	return vns_kvm_add(arg, tb);
}

static int vns_snap_read(struct vns_nl *nl, const void *args, void *snap)
{
	struct vns_kvm_snap *sn = snap;
	int ret;

	(void)args;
	memset(sn, 0, sizeof(*sn));
	clock_gettime(CLOCK_REALTIME, &sn->when);
	ret = vns_nl_dump(nl, VNS_CMD_KVM_GET, "kvm read", vns_kvm_cb, &sn->k);
	if (ret)
		vns_kvm_free(&sn->k);
	else
		vns_kvm_sort(&sn->k);
	return ret;
}

static void vns_snap_free(void *snap)
{
	vns_kvm_free(&((struct vns_kvm_snap *)snap)->k);
}

static int vns_report(const void *args, const void *pcur, const void *pprev)
{
	const struct vns_kvm_snap *cur = pcur, *prev = pprev;
	const struct vns_kvm_args *a = args;
	struct vns_kvm d = cur->k;

	if (prev) {
		d.r = malloc((d.n ? d.n : 1) * sizeof(*d.r));
		if (!d.r) {
			vns_err("report failed: out of memory");
			return VNS_EXIT_FAIL;
		}
		memcpy(d.r, cur->k.r, d.n * sizeof(*d.r));
		vns_kvm_delta(&d, &prev->k);
	}
	vns_report_begin(&a->read, &cur->when);
	vns_kvm_print(&d, a->pid, a->gsi);
	vns_report_end(&a->read, &cur->when);
	if (prev)
		free(d.r);
	return 0;
}

VNS_DEFINE_READ(kvm, sizeof(struct vns_kvm_snap))

// SPDX-License-Identifier: GPL-2.0
/*
 * The "selftest" collector exercises the probe layer on a real module and is
 * built only for the test suite (make VNS_SELFTEST=y); installed modules do
 * not have it.
 *
 * Its probes: a kprobe and a kretprobe on tun_net_xmit, in the tun module,
 * which the VM suite loads, drives and unloads while the collector is on (the
 * module notifier path); and a kprobe on a symbol that exists nowhere, which
 * must end up "unavailable (symbol not found)" without failing the collector.
 * What it counts is each probe's hit counter, in the probes view.
 */
#include <linux/kprobes.h>

#include "../core/collector.h"
#include "../core/probe.h"

static struct vns_probe vns_selftest_probes[];

VNS_KPROBE_HANDLER(vns_selftest_kp)
{
	return 0;
}

/* No entry handler: each return is a hit */
VNS_KRETPROBE_RETURN(vns_selftest_ret)
{
	return 0;
}

static struct vns_probe vns_selftest_probes[] = {
	{
		.name = "tun_net_xmit",
		.module = "tun",
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_selftest_kp,
		.no_args = true,	/* counts its calls only */
	},
	{
		.name = "tun_net_xmit",
		.module = "tun",
		.type = VNS_PROBE_KRETPROBE,
		.krp_ret = vns_selftest_ret,
		.krp_maxactive = 16,
	},
	{
		.name = "vns_selftest_no_such_function",
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_selftest_kp,
		.no_args = true,	/* counts its calls only */
	},
};

static int vns_selftest_alloc(struct vns_collector *c)
{
	return 0;
}

static void vns_selftest_nop(struct vns_collector *c)
{
}

static void vns_selftest_status(struct vns_collector *c,
				struct vns_coll_status *st)
{
	vns_status_counter(st, "calls", vns_probe_hits(&c->probes[0]));
	vns_status_counter(st, "returns", vns_probe_hits(&c->probes[1]));
}

struct vns_collector vns_selftest_collector = {
	.name = "selftest",
	.probes = vns_selftest_probes,
	.nr_probes = ARRAY_SIZE(vns_selftest_probes),
	.alloc = vns_selftest_alloc,
	.free = vns_selftest_nop,
	.clear = vns_selftest_nop,
	.status = vns_selftest_status,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * The "floor" collector: the handlers that cost the least a handler can
 * cost, the baseline of the cost benchmark (tests/vm/bench.sh).  Built only
 * for the test suite (make VNS_SELFTEST=y), like selftest.
 *
 * Its probes: an empty handler on the tracepoint skb:kfree_skb (what the
 * drop collector listens to), an empty kprobe on vns_fixture_stage() (the
 * benchmark's stand-in for a latency stage) and a kprobe on
 * vns_fixture_stack(depth), both in the test-only module vns_fixtures, that
 * captures the stack @depth frames deep (at most VNS_FLOOR_DEPTH) as the
 * drop collector does, the unwinder's cost alone.  Empty means empty: no
 * hit counter either.  Status: "stacks" captured, and "frames", the most
 * any CPU's last capture since the enable had.
 */
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>

#include "../core/collector.h"
#include "../core/probe.h"

#define VNS_FLOOR_DEPTH	64

struct vns_floor_frames {
	unsigned long ip[VNS_FLOOR_DEPTH];
	unsigned int nr;		/* frames of the last capture */
};

static DEFINE_PER_CPU(struct vns_floor_frames, vns_floor_scratch);

static void vns_floor_tp(VNS_KFREE_SKB_PROTO(data, skb, location))
{
}

static int vns_floor_kp(struct kprobe *kp, struct pt_regs *regs)
{
	return 0;
}

/* vns_fixture_stack(depth): depth frames into this CPU's scratch */
static int vns_floor_stack(struct kprobe *kp, struct pt_regs *regs)
{
	struct vns_floor_frames *f = this_cpu_ptr(&vns_floor_scratch);
	unsigned int depth = vns_kprobe_arg(regs, 0);

	vns_probe_hit(container_of(kp, struct vns_probe, kp));
	f->nr = vns_stack_save(f->ip, min_t(unsigned int, depth,
					    VNS_FLOOR_DEPTH));
	return 0;
}

static struct vns_probe vns_floor_probes[] = {
	{
		.name = "kfree_skb",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_floor_tp,
	},
	{
		.name = "vns_fixture_stage",
		.module = "vns_fixtures",
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_floor_kp,
		.no_args = true,	/* empty */
	},
	{
		.name = "vns_fixture_stack",
		.module = "vns_fixtures",
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_floor_stack,
	},
};

/* Frames: of this run's captures (probes detached) */
static int vns_floor_alloc(struct vns_collector *c)
{
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(vns_floor_scratch, cpu).nr = 0;
	return 0;
}

static void vns_floor_nop(struct vns_collector *c)
{
}

static void vns_floor_status(struct vns_collector *c,
			     struct vns_coll_status *st)
{
	unsigned int nr = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		nr = max(nr, READ_ONCE(per_cpu(vns_floor_scratch, cpu).nr));
	vns_status_counter(st, "stacks", vns_probe_hits(&c->probes[2]));
	vns_status_counter(st, "frames", nr);
}

struct vns_collector vns_floor_collector = {
	.name = "floor",
	.probes = vns_floor_probes,
	.nr_probes = ARRAY_SIZE(vns_floor_probes),
	.alloc = vns_floor_alloc,
	.free = vns_floor_nop,
	.clear = vns_floor_nop,
	.status = vns_floor_status,
};

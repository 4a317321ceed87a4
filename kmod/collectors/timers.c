// SPDX-License-Identifier: GPL-2.0
/*
 * The timers collector: how long every timer_list and hrtimer callback runs,
 * per callback function (count, total, max with its CPU and time, log2
 * histogram), from timer:timer_expire_entry/exit and
 * timer:hrtimer_expire_entry/exit.  A slow callback delays everything behind
 * it in the TIMER softirq, NET_RX included.
 *
 * Each CPU has its own table, keyed by (function, kind), open addressing,
 * bounded: a full table counts "lost".  Callbacks nest (an hrtimer in hard
 * interrupt context can interrupt a timer_list callback in the TIMER
 * softirq), so each CPU keeps a small stack of running callbacks; handlers
 * touch it with interrupts disabled.  Exit handlers only compare the timer
 * pointer: the callback may have freed the timer.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <vns/hash.h>

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "../netlink/fill.h"
#include "../views/text.h"

/* One record of a snapshot */
struct vns_timer_rec {
	unsigned long func;
	u8 kind;			/* enum vns_timer_kind */
	u32 max_cpu;
	u64 count, total_ns, max_ns, max_when_ns;
	struct vns_hist hist;		/* us */
};

static unsigned int timer_entries = 512;
module_param(timer_entries, uint, 0444);
MODULE_PARM_DESC(timer_entries,
		 "timer callback table entries per CPU (default 512)");

/* slots tried before an insert is lost */
#define VNS_TIMER_PROBES	16
#define VNS_TIMER_NEST		4

struct vns_timer_entry {
	unsigned long func;		/* 0: free */
	u8 kind;
	u64 count, total_ns, max_ns, max_when_ns;
	struct vns_hist hist;
};

struct vns_timer_cpu {
	u64 lost;
	u64 unmatched;
	u32 used;
	unsigned int depth;
	struct {
		const void *timer;
		unsigned long func;
		u8 kind;
		u64 start_ns;
	} run[VNS_TIMER_NEST];
	struct vns_timer_entry entries[];
};

struct vns_timers {
	unsigned int entries;		/* per CPU, a power of two */
	struct vns_timer_cpu *cpu[];	/* nr_cpu_ids */
};

static struct vns_timers *vns_timers;

static void vns_timer_start(void *data, const void *timer,
			    unsigned long func, u8 kind)
{
	struct vns_timers *t;
	struct vns_timer_cpu *pc;
	unsigned long flags;

	t = READ_ONCE(vns_timers);
	if (!vns_active(&vns_timers_collector) || !t)
		return;
	local_irq_save(flags);
	pc = t->cpu[smp_processor_id()];
	if (pc->depth < VNS_TIMER_NEST) {
		pc->run[pc->depth].timer = timer;
		pc->run[pc->depth].func = func;
		pc->run[pc->depth].kind = kind;
		pc->run[pc->depth].start_ns = ktime_get_ns();
	}
	pc->depth++;
	local_irq_restore(flags);
}

static void vns_timer_account(struct vns_timers *t, struct vns_timer_cpu *pc,
			      unsigned long func, u8 kind, u64 now, u64 d)
{
	u64 key = func, h = vns_hash_words(&key, 1, kind);
	struct vns_timer_entry *e;
	unsigned int i;

	for (i = 0; i < VNS_TIMER_PROBES; i++) {
		e = &pc->entries[(h + i) & (t->entries - 1)];
		if (e->func == func && e->kind == kind)
			goto found;
		if (!e->func) {
			e->kind = kind;
			/* publish the key to readers */
			smp_store_release(&e->func, func);
			pc->used++;
			goto found;
		}
	}
	pc->lost++;
	return;
found:
	e->count++;
	e->total_ns += d;
	if (d > e->max_ns) {
		e->max_ns = d;
		e->max_when_ns = now;
	}
	vns_hist_add(&e->hist, d / NSEC_PER_USEC);
}

static void vns_timer_end(void *data, const void *timer)
{
	struct vns_timers *t;
	struct vns_timer_cpu *pc;
	unsigned long flags;
	unsigned int top;
	u64 now;

	t = READ_ONCE(vns_timers);
	if (!vns_active(&vns_timers_collector) || !t)
		return;
	local_irq_save(flags);
	pc = t->cpu[smp_processor_id()];
	if (!pc->depth) {		/* attached while it ran */
		pc->unmatched++;
		goto out;
	}
	top = --pc->depth;
	if (top >= VNS_TIMER_NEST)
		goto out;
	if (pc->run[top].timer != timer) {
		pc->unmatched++;
		pc->depth = 0;
		goto out;
	}
	now = ktime_get_ns();
	vns_timer_account(t, pc, pc->run[top].func, pc->run[top].kind, now,
			  now - pc->run[top].start_ns);
out:
	local_irq_restore(flags);
}

VNS_TIMER_ENTRY_HANDLER(VNS_TP_HANDLER, vns_timer_entry, data, timer)
{
	vns_timer_start(data, timer, (unsigned long)timer->function,
			VNS_TIMER_LIST);
}

VNS_TP_HANDLER(vns_timer_exit,
	       VNS_TP_PROTO(void *data, struct timer_list *timer),
	       VNS_TP_ARGS(data, timer))
{
	vns_timer_end(data, timer);
}

VNS_TP_HANDLER(vns_hrtimer_entry,
	       VNS_TP_PROTO(void *data, struct hrtimer *timer, ktime_t *now),
	       VNS_TP_ARGS(data, timer, now))
{
	vns_timer_start(data, timer, (unsigned long)timer->function,
			VNS_TIMER_HRTIMER);
}

VNS_TP_HANDLER(vns_hrtimer_exit,
	       VNS_TP_PROTO(void *data, struct hrtimer *timer),
	       VNS_TP_ARGS(data, timer))
{
	vns_timer_end(data, timer);
}

static struct vns_probe vns_timer_probes[] = {
	{
		.name = "timer_expire_entry",
		.type = VNS_PROBE_TRACEPOINT,
		.required = true,
		.tp_func = vns_timer_entry,
	},
	{
		.name = "timer_expire_exit",
		.type = VNS_PROBE_TRACEPOINT,
		.required = true,
		.tp_func = vns_timer_exit,
	},
	{
		.name = "hrtimer_expire_entry",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_hrtimer_entry,
	},
	{
		.name = "hrtimer_expire_exit",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_hrtimer_exit,
	},
};

static size_t vns_timer_cpu_size(unsigned int entries)
{
	return sizeof(struct vns_timer_cpu) +
	       (size_t)entries * sizeof(struct vns_timer_entry);
}

/* Entries per CPU, as timer_entries= is clamped and rounded */
static unsigned int vns_timer_entries(void)
{
	return roundup_pow_of_two(clamp(timer_entries, 16U, 1U << 16));
}

static u64 vns_timers_mem_size(const struct vns_settings *s)
{
	return struct_size((struct vns_timers *)NULL, cpu, nr_cpu_ids) +
	       (u64)num_possible_cpus() *
	       vns_timer_cpu_size(vns_timer_entries());
}

static void vns_timers_free(struct vns_collector *c)
{
	struct vns_timers *t = vns_timers;
	int cpu;

	if (!t)
		return;
	WRITE_ONCE(vns_timers, NULL);
	for_each_possible_cpu(cpu)
		vfree(t->cpu[cpu]);
	kfree(t);
}

static int vns_timers_alloc(struct vns_collector *c)
{
	struct vns_timers *t;
	int cpu;

	t = kzalloc(struct_size(t, cpu, nr_cpu_ids), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->entries = vns_timer_entries();
	vns_timers = t;
	for_each_possible_cpu(cpu) {
		t->cpu[cpu] = vzalloc_node(vns_timer_cpu_size(t->entries),
					   cpu_to_node(cpu));
		if (!t->cpu[cpu]) {
			vns_timers_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

static void vns_timers_clear(struct vns_collector *c)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(vns_timers->cpu[cpu], 0,
		       vns_timer_cpu_size(vns_timers->entries));
}

static void vns_timers_status(struct vns_collector *c,
			      struct vns_coll_status *st)
{
	struct vns_timers *t = vns_timers;
	u64 unmatched = 0;
	int cpu;

	st->capacity = t->entries;
	for_each_possible_cpu(cpu) {
		st->lost += READ_ONCE(t->cpu[cpu]->lost);
		unmatched += READ_ONCE(t->cpu[cpu]->unmatched);
		st->entries = max(st->entries, READ_ONCE(t->cpu[cpu]->used));
	}
	vns_status_counter(st, "unmatched", unmatched);
}

/* Merged over CPUs, one record per (function, kind), unordered */
static struct vns_snap *vns_timers_snapshot(struct vns_collector *c)
{
	struct vns_timers *t = vns_timers;
	struct vns_timer_rec *r;
	struct vns_snap *snap;
	unsigned int i, j, n = 0, total = 0;
	int cpu;

	lockdep_assert_held(&vns_lock);
	if (!vns_timers_collector.on || !t)
		return NULL;
	for_each_possible_cpu(cpu)
		total += READ_ONCE(t->cpu[cpu]->used);
	snap = vns_snap_alloc(total, sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	r = vns_snap_recs(snap, struct vns_timer_rec);
	for_each_possible_cpu(cpu) {
		struct vns_timer_cpu *pc = t->cpu[cpu];

		for (i = 0; i < t->entries; i++) {
			struct vns_timer_entry *e = &pc->entries[i];
			/* pairs with the release in vns_timer_account() */
			unsigned long func = smp_load_acquire(&e->func);
			struct vns_timer_rec *m = NULL;

			if (!func)
				continue;
			for (j = 0; j < n; j++)
				if (r[j].func == func && r[j].kind == e->kind) {
					m = &r[j];
					break;
				}
			if (!m) {
				if (n == total)
					continue;	/* grew since counted */
				m = &r[n++];
				m->func = func;
				m->kind = e->kind;
			}
			m->count += READ_ONCE(e->count);
			m->total_ns += READ_ONCE(e->total_ns);
			if (READ_ONCE(e->max_ns) > m->max_ns) {
				m->max_ns = READ_ONCE(e->max_ns);
				m->max_when_ns = READ_ONCE(e->max_when_ns);
				m->max_cpu = cpu;
			}
			vns_hist_merge(&m->hist, &e->hist);
		}
	}
	snap->nr = n;
	return snap;
}

/* ---- the record over netlink (VNS_CMD_TIMER_GET) ---- */

static int vns_timer_fill(struct sk_buff *skb, const struct vns_snap *s,
			  const void *rec)
{
	const struct vns_timer_rec *r = rec;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VNS_A_TIMER);
	if (!nest)
		return -EMSGSIZE;
	if (vns_nl_put_sym(skb, VNS_TIMER_A_FUNC, r->func, false) ||
	    nla_put_u8(skb, VNS_TIMER_A_KIND, r->kind) ||
	    vns_nla_put_u64(skb, VNS_TIMER_A_COUNT, r->count,
			    VNS_TIMER_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TIMER_A_TOTAL_NS, r->total_ns,
			    VNS_TIMER_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TIMER_A_MAX_NS, r->max_ns,
			    VNS_TIMER_A_PAD) ||
	    nla_put_u32(skb, VNS_TIMER_A_MAX_CPU, r->max_cpu) ||
	    vns_nla_put_u64(skb, VNS_TIMER_A_MAX_AGE_NS,
			    s->now_ns - min(s->now_ns, r->max_when_ns),
			    VNS_TIMER_A_PAD) ||
	    vns_nl_put_hist(skb, VNS_TIMER_A_HIST, &r->hist)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* ---- the record in the text view ---- */

static void vns_timer_show(struct seq_file *m, const struct vns_snap *s,
			   const void *rec)
{
	const struct vns_timer_rec *r = rec;

	seq_puts(m, "func=");
	vns_seq_sym(m, r->func, false);
	seq_printf(m,
		   " kind=%s count=%llu total_ns=%llu max_ns=%llu max_cpu=%u max_age_ns=%llu",
		   r->kind == VNS_TIMER_HRTIMER ? "hrtimer" : "timer",
		   r->count, r->total_ns, r->max_ns, r->max_cpu,
		   s->now_ns > r->max_when_ns ? s->now_ns - r->max_when_ns : 0);
	vns_seq_hist(m, "hist_us", &r->hist);
	seq_putc(m, '\n');
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_timers_collector = {
	.name = "timers",
	.probes = vns_timer_probes,
	.nr_probes = ARRAY_SIZE(vns_timer_probes),
	.alloc = vns_timers_alloc,
	.mem_size = vns_timers_mem_size,
	.free = vns_timers_free,
	.clear = vns_timers_clear,
	.status = vns_timers_status,
	.nl_cmd = VNS_CMD_TIMER_GET,
	.rec_size = sizeof(struct vns_timer_rec),
	.snapshot = vns_timers_snapshot,
	.fill = vns_timer_fill,
	.show = vns_timer_show,
};

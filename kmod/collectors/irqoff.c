// SPDX-License-Identifier: GPL-2.0
/*
 * The irqoff collector finds code that holds off hard interrupts or bottom
 * halves for long, in the manner of trace-irqoff: a per-CPU sampling hrtimer
 * fires every period.
 *
 * Hard interrupts: the hrtimer handler measures how late it runs (now minus
 * its programmed expiry).  Lateness above the threshold means interrupts were
 * off that long at least (at most one period more); the stack taken right
 * then shows where they were turned back on, inside the culprit.
 *
 * Bottom halves: each hrtimer run raises a per-CPU HI tasklet unless one is
 * still pending.  The tasklet measures raise-to-run.  While it is overdue
 * past the threshold, the next hrtimer run (in hard interrupt context, on
 * top of the code that holds bottom halves off) takes the stack; the event
 * is completed with its latency when the tasklet finally runs.
 *
 * Every sample's delay goes into a log2 histogram; the worst events per CPU
 * and kind are kept with their stacks.  CPUs that go offline stop sampling
 * and resume when they come back.
 */
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/sort.h>

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "../core/stack.h"
#include "../netlink/fill.h"
#include "../views/text.h"

/* One record of a snapshot */
#define VNS_IRQOFF_DEPTH	32

struct vns_irqoff_event {
	u64 latency_ns;
	u64 when_ns;			/* ktime_get_ns() when it ended */
	u32 pid;
	u8 kind;			/* enum vns_irqoff_kind */
	u8 nr_frames;
	char comm[TASK_COMM_LEN];
	unsigned long frames[VNS_IRQOFF_DEPTH];
};

struct vns_irqoff_rec {
	bool summary;			/* else an event */
	u8 kind;
	u32 cpu;
	u64 events;			/* summary */
	struct vns_hist hist;		/* summary: every sample's delay, us */
	struct vns_irqoff_event ev;	/* event */
};

#define VNS_IRQOFF_WORST	8	/* events kept per CPU and kind */

struct vns_irqoff_cpu {
	struct hrtimer timer;
	struct tasklet_struct tasklet;
	unsigned int cpu;
	bool running;
	u64 raise_ns;			/* tasklet raised at; 0: not pending */
	bool soft_taken;		/* stack of the overdue tasklet taken */
	struct vns_irqoff_event soft_pending;
	/* what readers see, under seq */
	seqcount_t seq;
	u64 events[2];
	u64 replaced;
	struct vns_hist hist[2];
	unsigned int nr[2];
	struct vns_irqoff_event ev[2][VNS_IRQOFF_WORST];
};

struct vns_irqoffs {
	struct vns_irqoff_cpu __percpu *cpu;
	u64 period_ns, threshold_ns;
	int cpuhp;
};

static struct vns_irqoffs *vns_irqoffs;

static void vns_irqoff_stack(struct vns_irqoff_event *e, u8 kind)
{
	e->kind = kind;
	e->pid = task_pid_nr(current);
	memcpy(e->comm, current->comm, TASK_COMM_LEN);
	e->nr_frames = vns_stack_save(e->frames, VNS_IRQOFF_DEPTH);
}

/* With interrupts disabled, on pc's CPU */
static void vns_irqoff_record(struct vns_irqoff_cpu *pc, u8 kind,
			      const struct vns_irqoff_event *e)
{
	struct vns_irqoff_event *slot;
	unsigned int i, min = 0;

	write_seqcount_begin(&pc->seq);
	pc->events[kind]++;
	if (pc->nr[kind] < VNS_IRQOFF_WORST) {
		slot = &pc->ev[kind][pc->nr[kind]++];
	} else {
		for (i = 1; i < VNS_IRQOFF_WORST; i++)
			if (pc->ev[kind][i].latency_ns <
			    pc->ev[kind][min].latency_ns)
				min = i;
		slot = &pc->ev[kind][min];
		pc->replaced++;
		if (slot->latency_ns >= e->latency_ns)
			slot = NULL;
	}
	if (slot)
		*slot = *e;
	write_seqcount_end(&pc->seq);
}

static void vns_irqoff_sample(struct vns_irqoff_cpu *pc, u8 kind, u64 d)
{
	write_seqcount_begin(&pc->seq);
	vns_hist_add(&pc->hist[kind], d / NSEC_PER_USEC);
	write_seqcount_end(&pc->seq);
}

static enum hrtimer_restart vns_irqoff_timer(struct hrtimer *t)
{
	struct vns_irqoff_cpu *pc = container_of(t, struct vns_irqoff_cpu,
						 timer);
	struct vns_irqoffs *s = READ_ONCE(vns_irqoffs);
	struct vns_irqoff_event e;
	u64 now = ktime_get_ns();
	s64 late = now - ktime_to_ns(hrtimer_get_expires(t));

	if (!s || !READ_ONCE(pc->running))
		return HRTIMER_NORESTART;
	if (late < 0)
		late = 0;
	vns_irqoff_sample(pc, VNS_IRQOFF_HARD, late);
	if (late >= s->threshold_ns) {
		vns_irqoff_stack(&e, VNS_IRQOFF_HARD);
		e.latency_ns = late;
		e.when_ns = now;
		vns_irqoff_record(pc, VNS_IRQOFF_HARD, &e);
		/* bottom halves were off too: that is this same stretch */
		if (pc->raise_ns)
			pc->raise_ns = now;
		pc->soft_taken = false;
	}
	if (!pc->raise_ns) {
		pc->raise_ns = now;
		pc->soft_taken = false;
		tasklet_hi_schedule(&pc->tasklet);
	} else if (!pc->soft_taken && now - pc->raise_ns >= s->threshold_ns) {
		/* on top of the code that holds bottom halves off */
		vns_irqoff_stack(&pc->soft_pending, VNS_IRQOFF_SOFT);
		pc->soft_taken = true;
	}
	hrtimer_forward_now(t, ns_to_ktime(s->period_ns));
	return HRTIMER_RESTART;
}

static VNS_TASKLET_FN(vns_irqoff_tasklet, t)
{
	struct vns_irqoff_cpu *pc = container_of(t, struct vns_irqoff_cpu,
						 tasklet);
	struct vns_irqoffs *s = READ_ONCE(vns_irqoffs);
	unsigned long flags;
	u64 now, d;

	local_irq_save(flags);
	/* a tasklet of a CPU that went offline runs elsewhere: drop it */
	if (!s || !pc->raise_ns || smp_processor_id() != pc->cpu) {
		pc->raise_ns = 0;
		goto out;
	}
	now = ktime_get_ns();
	d = now - pc->raise_ns;
	pc->raise_ns = 0;
	vns_irqoff_sample(pc, VNS_IRQOFF_SOFT, d);
	if (d >= s->threshold_ns) {
		if (!pc->soft_taken)	/* no sampler ran meanwhile */
			vns_irqoff_stack(&pc->soft_pending, VNS_IRQOFF_SOFT);
		pc->soft_pending.latency_ns = d;
		pc->soft_pending.when_ns = now;
		vns_irqoff_record(pc, VNS_IRQOFF_SOFT, &pc->soft_pending);
	}
	pc->soft_taken = false;
out:
	local_irq_restore(flags);
}

/* CPU hotplug callbacks: on the CPU concerned */
static int vns_irqoff_online(unsigned int cpu)
{
	struct vns_irqoff_cpu *pc = per_cpu_ptr(vns_irqoffs->cpu, cpu);

	pc->raise_ns = 0;
	WRITE_ONCE(pc->running, true);
	hrtimer_start(&pc->timer, ns_to_ktime(vns_irqoffs->period_ns),
		      VNS_HRTIMER_PINNED);
	return 0;
}

static int vns_irqoff_offline(unsigned int cpu)
{
	struct vns_irqoff_cpu *pc = per_cpu_ptr(vns_irqoffs->cpu, cpu);

	WRITE_ONCE(pc->running, false);
	hrtimer_cancel(&pc->timer);
	return 0;
}

static void vns_irqoff_free(struct vns_collector *c)
{
	struct vns_irqoffs *s = vns_irqoffs;
	unsigned int cpu;

	if (!s)
		return;
	if (s->cpuhp > 0)
		vns_cpuhp_remove(s->cpuhp);	/* cancels every hrtimer */
	if (s->cpu) {
		/* no hrtimer raises it any more; let a raised one run */
		for_each_possible_cpu(cpu)
			tasklet_kill(&per_cpu_ptr(s->cpu, cpu)->tasklet);
	}
	WRITE_ONCE(vns_irqoffs, NULL);
	free_percpu(s->cpu);
	kfree(s);
}

/* The per-CPU samplers (the rest is a few bytes) */
static u64 vns_irqoff_mem_size(const struct vns_settings *s)
{
	return (u64)sizeof(struct vns_irqoff_cpu) * num_possible_cpus();
}

static int vns_irqoff_alloc(struct vns_collector *c)
{
	struct vns_irqoffs *s;
	unsigned int cpu;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->period_ns = (u64)c->set.period_us * NSEC_PER_USEC;
	s->threshold_ns = (u64)c->set.threshold_us * NSEC_PER_USEC;
	s->cpu = alloc_percpu(struct vns_irqoff_cpu);
	vns_irqoffs = s;
	if (!s->cpu) {
		vns_irqoff_free(c);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct vns_irqoff_cpu *pc = per_cpu_ptr(s->cpu, cpu);

		pc->cpu = cpu;
		seqcount_init(&pc->seq);
		vns_hrtimer_setup(&pc->timer, vns_irqoff_timer);
		vns_tasklet_setup(&pc->tasklet, vns_irqoff_tasklet);
	}
	/* starts sampling on every online CPU */
	s->cpuhp = vns_cpuhp_setup("vnetscope:irqoff", vns_irqoff_online,
				   vns_irqoff_offline);
	if (s->cpuhp < 0) {
		int err = s->cpuhp;

		vns_irqoff_free(c);
		return err;
	}
	return 0;
}

/* Samplers keep running: clear each CPU's record under its seqcount */
static void vns_irqoff_clear_cpu(void *info)
{
	struct vns_irqoff_cpu *pc = this_cpu_ptr(vns_irqoffs->cpu);

	write_seqcount_begin(&pc->seq);
	memset(pc->events, 0, sizeof(pc->events));
	pc->replaced = 0;
	memset(pc->hist, 0, sizeof(pc->hist));
	memset(pc->nr, 0, sizeof(pc->nr));
	write_seqcount_end(&pc->seq);
}

static void vns_irqoff_clear(struct vns_collector *c)
{
	unsigned int cpu;

	on_each_cpu(vns_irqoff_clear_cpu, NULL, 1);
	for_each_possible_cpu(cpu) {
		struct vns_irqoff_cpu *pc = per_cpu_ptr(vns_irqoffs->cpu, cpu);

		if (cpu_online(cpu))
			continue;
		/* not sampling: nobody writes it */
		memset(pc->events, 0, sizeof(pc->events));
		memset(pc->hist, 0, sizeof(pc->hist));
		memset(pc->nr, 0, sizeof(pc->nr));
	}
}

static void vns_irqoff_status(struct vns_collector *c,
			      struct vns_coll_status *st)
{
	u64 hard = 0, soft = 0, samples = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct vns_irqoff_cpu *pc = per_cpu_ptr(vns_irqoffs->cpu, cpu);

		hard += READ_ONCE(pc->events[VNS_IRQOFF_HARD]);
		soft += READ_ONCE(pc->events[VNS_IRQOFF_SOFT]);
		samples += READ_ONCE(pc->hist[VNS_IRQOFF_HARD].count);
		st->lost += READ_ONCE(pc->replaced);
	}
	vns_status_counter(st, "samples", samples);
	vns_status_counter(st, "hard_events", hard);
	vns_status_counter(st, "soft_events", soft);
	vns_status_counter(st, "period_us", c->set.period_us);
	vns_status_counter(st, "threshold_us", c->set.threshold_us);
}

static int vns_irqoff_cmp(const void *a, const void *b)
{
	const struct vns_irqoff_rec *x = a, *y = b;

	if (x->ev.latency_ns != y->ev.latency_ns)
		return x->ev.latency_ns < y->ev.latency_ns ? 1 : -1;
	return 0;
}

/*
 * Per (kind, CPU) a summary record followed by that CPU's events of that
 * kind, worst first.  Records are copied under the CPU's seqcount: a torn
 * copy is retried, never shown.
 */
static struct vns_snap *vns_irqoff_snapshot(struct vns_collector *c)
{
	struct vns_irqoffs *s = vns_irqoffs;
	struct vns_irqoff_rec *r;
	struct vns_snap *snap;
	unsigned int cpu, k, i, n = 0, seq;

	lockdep_assert_held(&vns_lock);
	if (!vns_irqoff_collector.on || !s)
		return NULL;
	snap = vns_snap_alloc(num_possible_cpus() * 2 *
			      (VNS_IRQOFF_WORST + 1), sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	r = vns_snap_recs(snap, struct vns_irqoff_rec);
	for (k = 0; k < 2; k++) {
		for_each_possible_cpu(cpu) {
			struct vns_irqoff_cpu *pc = per_cpu_ptr(s->cpu, cpu);
			unsigned int nr;

			do {
				seq = read_seqcount_begin(&pc->seq);
				memset(&r[n], 0, sizeof(r[n]));
				r[n].summary = true;
				r[n].kind = k;
				r[n].cpu = cpu;
				r[n].events = pc->events[k];
				r[n].hist = pc->hist[k];
				nr = min_t(unsigned int, pc->nr[k],
					   VNS_IRQOFF_WORST);
				for (i = 0; i < nr; i++) {
					r[n + 1 + i].summary = false;
					r[n + 1 + i].kind = k;
					r[n + 1 + i].cpu = cpu;
					r[n + 1 + i].ev = pc->ev[k][i];
				}
			} while (read_seqcount_retry(&pc->seq, seq));
			if (!r[n].hist.count && !nr)
				continue;	/* offline all along */
			sort(&r[n + 1], nr, sizeof(*r), vns_irqoff_cmp, NULL);
			n += 1 + nr;
		}
	}
	snap->nr = n;
	return snap;
}

/* ---- the record over netlink (VNS_CMD_IRQOFF_GET) ---- */

static int vns_irqoff_fill(struct sk_buff *skb, const struct vns_snap *s,
			   const void *rec)
{
	const struct vns_irqoff_rec *r = rec;
	unsigned int skip = 0;
	struct nlattr *nest;

	if (r->summary) {
		nest = nla_nest_start(skb, VNS_A_IRQOFF_SUMMARY);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u8(skb, VNS_IRQSUM_A_KIND, r->kind) ||
		    nla_put_u32(skb, VNS_IRQSUM_A_CPU, r->cpu) ||
		    vns_nla_put_u64(skb, VNS_IRQSUM_A_EVENTS, r->events,
				    VNS_IRQSUM_A_PAD) ||
		    vns_nl_put_hist(skb, VNS_IRQSUM_A_HIST, &r->hist))
			goto cancel;
		nla_nest_end(skb, nest);
		return 0;
	}
	while (skip < r->ev.nr_frames && vns_frame_is_ours(r->ev.frames[skip]))
		skip++;
	nest = nla_nest_start(skb, VNS_A_IRQOFF_EVENT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, VNS_IRQOFF_A_KIND, r->kind) ||
	    nla_put_u32(skb, VNS_IRQOFF_A_CPU, r->cpu) ||
	    vns_nla_put_u64(skb, VNS_IRQOFF_A_LATENCY_NS, r->ev.latency_ns,
			    VNS_IRQOFF_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_IRQOFF_A_AGE_NS,
			    s->now_ns - min(s->now_ns, r->ev.when_ns),
			    VNS_IRQOFF_A_PAD) ||
	    nla_put_u32(skb, VNS_IRQOFF_A_PID, r->ev.pid) ||
	    nla_put_string(skb, VNS_IRQOFF_A_COMM, r->ev.comm) ||
	    vns_nl_put_stack(skb, VNS_IRQOFF_A_STACK, r->ev.frames + skip,
			     r->ev.nr_frames - skip))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- the record in the text view ---- */

static void vns_irqoff_show(struct seq_file *m, const struct vns_snap *s,
			    const void *rec)
{
	const struct vns_irqoff_rec *r = rec;
	const char *kind = r->kind == VNS_IRQOFF_SOFT ? "soft" : "hard";
	unsigned int i, skip = 0;

	if (r->summary) {
		seq_printf(m, "type=summary kind=%s cpu=%u samples=%llu events=%llu",
			   kind, r->cpu, r->hist.count, r->events);
		vns_seq_hist(m, "hist_us", &r->hist);
		seq_putc(m, '\n');
		return;
	}
	seq_printf(m, "type=event kind=%s cpu=%u latency_ns=%llu age_ns=%llu pid=%u comm=",
		   kind, r->cpu, r->ev.latency_ns,
		   s->now_ns > r->ev.when_ns ? s->now_ns - r->ev.when_ns : 0,
		   r->ev.pid);
	vns_seq_word(m, r->ev.comm);
	seq_puts(m, " stack=");
	while (skip < r->ev.nr_frames && vns_frame_is_ours(r->ev.frames[skip]))
		skip++;
	if (skip == r->ev.nr_frames)
		seq_putc(m, '-');
	for (i = skip; i < r->ev.nr_frames; i++) {
		if (i > skip)
			seq_putc(m, ',');
		vns_seq_sym(m, r->ev.frames[i], true);
	}
	seq_putc(m, '\n');
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_irqoff_collector = {
	.name = "irqoff",
	.settings = VNS_SET_PERIOD | VNS_SET_THRESHOLD,
	.alloc = vns_irqoff_alloc,
	.mem_size = vns_irqoff_mem_size,
	.free = vns_irqoff_free,
	.clear = vns_irqoff_clear,
	.status = vns_irqoff_status,
	.nl_cmd = VNS_CMD_IRQOFF_GET,
	.rec_size = sizeof(struct vns_irqoff_rec),
	.snapshot = vns_irqoff_snapshot,
	.fill = vns_irqoff_fill,
	.show = vns_irqoff_show,
};

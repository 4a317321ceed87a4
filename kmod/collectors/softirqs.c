// SPDX-License-Identifier: GPL-2.0
/*
 * The softirqs collector: per CPU and per vector, how often each softirq
 * ran, for how long (count, total, max, log2 histogram), and how long a
 * raised softirq waited before it ran (raise-to-entry), from the
 * irq:softirq_raise/entry/exit tracepoints; plus the CPU time of each
 * ksoftirqd thread since enable, from the scheduler's accounting.
 *
 * Softirqs do not nest on a CPU, so one "current" slot per CPU suffices.
 * A raise happens on the CPU that will run the vector (raise_softirq() marks
 * it pending locally), possibly from hard interrupt context while the entry
 * handler runs: handlers update per-CPU data with interrupts disabled.
 */
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/vmalloc.h>

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "../netlink/fill.h"
#include "../views/text.h"

/* One record of a snapshot */
struct vns_sirq_rec {
	u32 cpu;
	u8 vec;				/* VNS_NR_SOFTIRQS: ksoftirqd's */
	u32 pid;			/* ksoftirqd: its pid, 0 if not found */
	u64 runtime_ns;			/* ksoftirqd: CPU time since enable */
	u64 count, total_ns, max_ns;
	u64 raised, wait_total_ns, wait_max_ns;
	struct vns_hist hist, wait;	/* us */
};

static const char *const vns_softirq_names[VNS_NR_SOFTIRQS] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK",
	"IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU",
};

struct vns_sirq_vec {
	u64 count, total_ns, max_ns;
	u64 raised, wait_total_ns, wait_max_ns;
	struct vns_hist hist, wait;
};

struct vns_sirq_cpu {
	u64 entry_ns;			/* 0: no vector running */
	u32 entry_vec;
	u64 raise_ns[VNS_NR_SOFTIRQS];	/* 0: not raised since it last ran */
	struct vns_sirq_vec vec[VNS_NR_SOFTIRQS];
};

struct vns_sirqs {
	struct vns_sirq_cpu __percpu *cpu;
	u64 *base_ns;			/* ksoftirqd runtime at enable */
};

static struct vns_sirqs *vns_sirqs;

VNS_TP_HANDLER(vns_sirq_raise, VNS_TP_PROTO(void *data, unsigned int vec),
	       VNS_TP_ARGS(data, vec))
{
	struct vns_sirqs *s;
	struct vns_sirq_cpu *pc;
	unsigned long flags;

	s = READ_ONCE(vns_sirqs);
	if (!vns_active(&vns_softirqs_collector) || !s ||
	    vec >= VNS_NR_SOFTIRQS)
		return;
	local_irq_save(flags);
	pc = this_cpu_ptr(s->cpu);
	if (!pc->raise_ns[vec]) {
		pc->raise_ns[vec] = ktime_get_ns();
		pc->vec[vec].raised++;
	}
	local_irq_restore(flags);
}

VNS_TP_HANDLER(vns_sirq_entry, VNS_TP_PROTO(void *data, unsigned int vec),
	       VNS_TP_ARGS(data, vec))
{
	struct vns_sirq_vec *v;
	struct vns_sirqs *s;
	struct vns_sirq_cpu *pc;
	unsigned long flags;
	u64 now, wait;

	s = READ_ONCE(vns_sirqs);
	if (!vns_active(&vns_softirqs_collector) || !s ||
	    vec >= VNS_NR_SOFTIRQS)
		return;
	local_irq_save(flags);
	pc = this_cpu_ptr(s->cpu);
	now = ktime_get_ns();
	v = &pc->vec[vec];
	if (pc->raise_ns[vec]) {
		wait = now - pc->raise_ns[vec];
		pc->raise_ns[vec] = 0;
		v->wait_total_ns += wait;
		if (wait > v->wait_max_ns)
			v->wait_max_ns = wait;
		vns_hist_add(&v->wait, wait / NSEC_PER_USEC);
	}
	pc->entry_vec = vec;
	pc->entry_ns = now;
	local_irq_restore(flags);
}

VNS_TP_HANDLER(vns_sirq_exit, VNS_TP_PROTO(void *data, unsigned int vec),
	       VNS_TP_ARGS(data, vec))
{
	struct vns_sirq_vec *v;
	struct vns_sirqs *s;
	struct vns_sirq_cpu *pc;
	unsigned long flags;
	u64 d;

	s = READ_ONCE(vns_sirqs);
	if (!vns_active(&vns_softirqs_collector) || !s ||
	    vec >= VNS_NR_SOFTIRQS)
		return;
	local_irq_save(flags);
	pc = this_cpu_ptr(s->cpu);
	/* an exit without its entry: attached in between */
	if (pc->entry_ns && pc->entry_vec == vec) {
		d = ktime_get_ns() - pc->entry_ns;
		v = &pc->vec[vec];
		v->count++;
		v->total_ns += d;
		if (d > v->max_ns)
			v->max_ns = d;
		vns_hist_add(&v->hist, d / NSEC_PER_USEC);
	}
	pc->entry_ns = 0;
	local_irq_restore(flags);
}

static struct vns_probe vns_sirq_probes[] = {
	{
		.name = "softirq_entry",
		.type = VNS_PROBE_TRACEPOINT,
		.required = true,
		.tp_func = vns_sirq_entry,
	},
	{
		.name = "softirq_exit",
		.type = VNS_PROBE_TRACEPOINT,
		.required = true,
		.tp_func = vns_sirq_exit,
	},
	{
		.name = "softirq_raise",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_sirq_raise,
	},
};

/* ksoftirqd/@cpu, with a reference; NULL if there is none */
static struct task_struct *vns_ksoftirqd(unsigned int cpu)
{
	struct task_struct *p, *found = NULL;
	char name[TASK_COMM_LEN];

	snprintf(name, sizeof(name), "ksoftirqd/%u", cpu);
	rcu_read_lock();
	for_each_process(p) {
		if ((p->flags & PF_KTHREAD) && !strcmp(p->comm, name)) {
			get_task_struct(p);
			found = p;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static u64 vns_ksoftirqd_runtime(unsigned int cpu, u32 *pid)
{
	struct task_struct *p = vns_ksoftirqd(cpu);
	u64 ns;

	*pid = 0;
	if (!p)
		return 0;
	*pid = task_pid_nr(p);
	ns = READ_ONCE(p->se.sum_exec_runtime);
	put_task_struct(p);
	return ns;
}

static void vns_sirqs_free(struct vns_collector *c)
{
	struct vns_sirqs *s = vns_sirqs;

	if (!s)
		return;
	WRITE_ONCE(vns_sirqs, NULL);
	free_percpu(s->cpu);
	kfree(s->base_ns);
	kfree(s);
}

static void vns_sirqs_clear(struct vns_collector *c)
{
	struct vns_sirqs *s = vns_sirqs;
	unsigned int cpu;
	u32 pid;

	for_each_possible_cpu(cpu) {
		memset(per_cpu_ptr(s->cpu, cpu), 0,
		       sizeof(struct vns_sirq_cpu));
		s->base_ns[cpu] = vns_ksoftirqd_runtime(cpu, &pid);
	}
}

static u64 vns_sirqs_mem_size(const struct vns_settings *s)
{
	return (u64)sizeof(struct vns_sirq_cpu) * num_possible_cpus() +
	       sizeof(u64) * nr_cpu_ids;
}

static int vns_sirqs_alloc(struct vns_collector *c)
{
	struct vns_sirqs *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->cpu = alloc_percpu(struct vns_sirq_cpu);
	s->base_ns = kcalloc(nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	vns_sirqs = s;
	if (!s->cpu || !s->base_ns) {
		vns_sirqs_free(c);
		return -ENOMEM;
	}
	vns_sirqs_clear(c);
	return 0;
}

static void vns_sirqs_status(struct vns_collector *c,
			     struct vns_coll_status *st)
{
	u64 runs = 0, raised = 0;
	unsigned int cpu, v;

	for_each_possible_cpu(cpu) {
		struct vns_sirq_cpu *pc = per_cpu_ptr(vns_sirqs->cpu, cpu);

		for (v = 0; v < VNS_NR_SOFTIRQS; v++) {
			runs += READ_ONCE(pc->vec[v].count);
			raised += READ_ONCE(pc->vec[v].raised);
		}
	}
	vns_status_counter(st, "runs", runs);
	vns_status_counter(st, "raised", raised);
}

static struct vns_snap *vns_softirqs_snapshot(struct vns_collector *c)
{
	struct vns_sirqs *s = vns_sirqs;
	struct vns_sirq_rec *r;
	struct vns_snap *snap;
	unsigned int cpu, v, n = 0;

	lockdep_assert_held(&vns_lock);
	if (!vns_softirqs_collector.on || !s)
		return NULL;
	snap = vns_snap_alloc(num_possible_cpus() * (VNS_NR_SOFTIRQS + 1),
			      sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	r = vns_snap_recs(snap, struct vns_sirq_rec);
	for_each_online_cpu(cpu) {
		struct vns_sirq_cpu *pc = per_cpu_ptr(s->cpu, cpu);
		u64 rt;

		r[n].cpu = cpu;
		r[n].vec = VNS_NR_SOFTIRQS;
		rt = vns_ksoftirqd_runtime(cpu, &r[n].pid);
		r[n].runtime_ns = rt - min(rt, s->base_ns[cpu]);
		n++;
		for (v = 0; v < VNS_NR_SOFTIRQS; v++) {
			struct vns_sirq_vec *sv = &pc->vec[v];

			if (!READ_ONCE(sv->count) && !READ_ONCE(sv->raised))
				continue;
			r[n].cpu = cpu;
			r[n].vec = v;
			r[n].count = READ_ONCE(sv->count);
			r[n].total_ns = READ_ONCE(sv->total_ns);
			r[n].max_ns = READ_ONCE(sv->max_ns);
			r[n].raised = READ_ONCE(sv->raised);
			r[n].wait_total_ns = READ_ONCE(sv->wait_total_ns);
			r[n].wait_max_ns = READ_ONCE(sv->wait_max_ns);
			r[n].hist = sv->hist;
			r[n].wait = sv->wait;
			n++;
		}
	}
	snap->nr = n;
	return snap;
}

/* ---- the record over netlink (VNS_CMD_SOFTIRQ_GET) ---- */

static int vns_sirq_fill(struct sk_buff *skb, const struct vns_snap *s,
			 const void *rec)
{
	const struct vns_sirq_rec *r = rec;
	struct nlattr *nest;

	if (r->vec >= VNS_NR_SOFTIRQS) {
		nest = nla_nest_start(skb, VNS_A_KSOFTIRQD);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u32(skb, VNS_KSIRQD_A_CPU, r->cpu) ||
		    (r->pid && nla_put_u32(skb, VNS_KSIRQD_A_PID, r->pid)) ||
		    vns_nla_put_u64(skb, VNS_KSIRQD_A_RUNTIME_NS,
				    r->runtime_ns, VNS_KSIRQD_A_PAD))
			goto cancel;
		nla_nest_end(skb, nest);
		return 0;
	}
	nest = nla_nest_start(skb, VNS_A_SOFTIRQ);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VNS_SIRQ_A_CPU, r->cpu) ||
	    nla_put_u8(skb, VNS_SIRQ_A_VEC, r->vec) ||
	    nla_put_string(skb, VNS_SIRQ_A_NAME, vns_softirq_names[r->vec]) ||
	    vns_nla_put_u64(skb, VNS_SIRQ_A_COUNT, r->count,
			    VNS_SIRQ_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_SIRQ_A_TOTAL_NS, r->total_ns,
			    VNS_SIRQ_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_SIRQ_A_MAX_NS, r->max_ns,
			    VNS_SIRQ_A_PAD) ||
	    vns_nl_put_hist(skb, VNS_SIRQ_A_HIST, &r->hist) ||
	    vns_nla_put_u64(skb, VNS_SIRQ_A_RAISED, r->raised,
			    VNS_SIRQ_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_SIRQ_A_WAIT_TOTAL_NS, r->wait_total_ns,
			    VNS_SIRQ_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_SIRQ_A_WAIT_MAX_NS, r->wait_max_ns,
			    VNS_SIRQ_A_PAD) ||
	    vns_nl_put_hist(skb, VNS_SIRQ_A_WAIT_HIST, &r->wait))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- the record in the text view ---- */

static void vns_sirq_show(struct seq_file *m, const struct vns_snap *s,
			  const void *rec)
{
	const struct vns_sirq_rec *r = rec;

	if (r->vec >= VNS_NR_SOFTIRQS) {
		seq_printf(m, "type=ksoftirqd cpu=%u pid=%u runtime_ns=%llu\n",
			   r->cpu, r->pid, r->runtime_ns);
		return;
	}
	seq_printf(m,
		   "type=softirq cpu=%u vec=%s count=%llu total_ns=%llu max_ns=%llu raised=%llu wait_total_ns=%llu wait_max_ns=%llu",
		   r->cpu, vns_softirq_names[r->vec], r->count, r->total_ns,
		   r->max_ns, r->raised, r->wait_total_ns, r->wait_max_ns);
	vns_seq_hist(m, "hist_us", &r->hist);
	vns_seq_hist(m, "wait_hist_us", &r->wait);
	seq_putc(m, '\n');
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_softirqs_collector = {
	.name = "softirqs",
	.probes = vns_sirq_probes,
	.nr_probes = ARRAY_SIZE(vns_sirq_probes),
	.alloc = vns_sirqs_alloc,
	.mem_size = vns_sirqs_mem_size,
	.free = vns_sirqs_free,
	.clear = vns_sirqs_clear,
	.status = vns_sirqs_status,
	.nl_cmd = VNS_CMD_SOFTIRQ_GET,
	.rec_size = sizeof(struct vns_sirq_rec),
	.snapshot = vns_softirqs_snapshot,
	.fill = vns_sirq_fill,
	.show = vns_sirq_show,
};

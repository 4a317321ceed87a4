// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm collector: KVM's irqfd path, per VM and per GSI.  A VM is its
 * struct kvm; its qemu is the process whose threads enter KVM_RUN
 * (kvm_arch_vcpu_ioctl_run(vcpu): vcpu->kvm, current's tgid).
 *
 * - irqfd_wakeup(wait, mode, sync, key): the eventfd of an irqfd signalled
 *   (EPOLLIN) or closed (EPOLLHUP); container_of(wait) is the public
 *   struct kvm_kernel_irqfd (<linux/kvm_irqfd.h>, 4.5+): its kvm and gsi.
 *   It runs with the wait queue's lock held and interrupts off, and calls
 *   kvm_arch_set_irq_inatomic() on EPOLLIN: the fast path, which injects
 *   unless it answers -EWOULDBLOCK; then irqfd_wakeup() schedules the
 *   irqfd's inject work, irqfd_inject(), the slow path (kvm_set_irq()).
 *   A per-CPU marker set by irqfd_wakeup's entry and cleared at its return
 *   tells the fast path's probe which irqfd it injects for.
 * - Signal to injection: the fast path's return minus irqfd_wakeup's
 *   entry, same CPU; for the slow path, irqfd_inject's start minus the
 *   signal that queued the work, kept for it in a small shared table
 *   keyed by the irqfd (a clash there is counted, not timed).  Signals
 *   that find the work already queued are served by the same run.
 * - kvm_set_irq(kvm, source, gsi, level, ...) per GSI, any caller, only
 *   level 1 (an assertion: irqfd_inject() asserts, then deasserts);
 *   kvm_set_msi(e, kvm, source, level, ...) with level 1 (the slow path's
 *   and qemu's KVM_SIGNAL_MSI; level 0 is a no-op) and kvm_vcpu_kick()
 *   per VM.  The fast path never calls kvm_set_msi(): the MSIs a VM was
 *   sent are its GSIs' fast_ok plus its msi_slow.
 *
 * - kvm_arch_destroy_vm(kvm) (called once, by kvm_destroy_vm(), when the
 *   VM's last reference goes: its vCPUs and irqfds gone), a kretprobe: at
 *   its return, before the struct kvm is freed, the VM's entries are
 *   marked gone: shown (gone=1) until their slots are needed, they never
 *   match again, so that the next VM at that address starts anew (its
 *   counters, its pid); this scans every CPU's table, once per VM.
 *
 * Tables: per CPU, an open-addressed table of (VM, GSI) entries, sized at
 * enable (kvm_entries), full: counted as lost; summed over the CPUs when
 * read.  Handlers write their CPU's table with interrupts disabled; an
 * entry is published with smp_store_release() of its VM once filled, and
 * only an eviction writes another CPU's entries (of a VM with no handler
 * left).
 */
#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#ifdef HAVE_KVM_IRQFD_H
#include <linux/kvm_host.h>
#include <linux/kvm_irqfd.h>
#endif

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "../netlink/fill.h"
#include "../views/text.h"

static unsigned int kvm_entries = 128;
module_param(kvm_entries, uint, 0444);
MODULE_PARM_DESC(kvm_entries,
		 "(VM, GSI) entries per CPU of the kvm collector (default 128)");

/* The poll bits of irqfd_wakeup()'s key: POLLIN and POLLHUP, every arch */
#define VNS_KVM_POLLIN		0x0001UL
#define VNS_KVM_POLLHUP		0x0010UL
/* The entry of the VM itself */
#define VNS_KVM_VM		0xffffffffU
/* Probes per entry before the table counts as full */
#define VNS_KVM_PROBES		16
/* Slow-path signals waiting for their irqfd_inject(), all CPUs */
#define VNS_KVM_PENDING		256
/* An entry's kvm | GONE: the VM was destroyed; a pending slot's: claimed */
#define VNS_KVM_GONE		1UL
#define VNS_KVM_CLAIMING	1UL

enum {
	VNS_KVM_WAKEUPS,
	VNS_KVM_WAKEUPS_IN,
	VNS_KVM_WAKEUPS_HUP,
	VNS_KVM_FAST,
	VNS_KVM_FAST_OK,
	VNS_KVM_SLOW,
	VNS_KVM_SET_IRQ,
	VNS_KVM_MSI,
	VNS_KVM_KICKS,
	VNS_KVM_RUNS,
	VNS_KVM_LAT_LOST,
	VNS_KVM_NR
};

struct vns_kvm_ent {
	unsigned long kvm;		/* 0: free */
	u32 gsi;			/* VNS_KVM_VM: the VM's own */
	u32 pid;			/* the VM's: last KVM_RUN caller */
	u64 c[VNS_KVM_NR];
	struct vns_hist fast, slow;	/* ns */
};

/* One record of a snapshot */
struct vns_kvm_rec {
	struct vns_kvm_ent e;
	u64 vm;				/* the id shown for e.kvm */
};

struct vns_kvm_cpu {
	/* inside irqfd_wakeup() on this CPU (interrupts off): its irqfd */
	unsigned long irqfd;
	unsigned long kvm;
	u32 gsi;
	u64 ts;
	u64 lost;
	struct vns_kvm_ent ent[];
};

struct vns_kvm_pending {
	unsigned long irqfd;		/* 0: free; published with its ts */
	u64 ts;
};

struct vns_kvm {
	unsigned int n;			/* entries per CPU */
	unsigned long salt;
	atomic_long_t evicted;
	struct vns_kvm_pending pending[VNS_KVM_PENDING];
	struct vns_kvm_cpu *cpu[];
};

static struct vns_kvm *vns_kvm;

static unsigned int vns_kvm_entries(void)
{
	return clamp(kvm_entries, 16U, 65536U);
}

static bool vns_kvm_gone(unsigned long kvm)
{
	return kvm & VNS_KVM_GONE;
}

/*
 * @kvm's entry for @gsi in @pc, claimed if new: a free one, else a gone
 * one (zeroed: no handler writes it any more); NULL (lost) if full
 */
static struct vns_kvm_ent *vns_kvm_ent(struct vns_kvm *k,
				       struct vns_kvm_cpu *pc,
				       unsigned long kvm, u32 gsi)
{
	struct vns_kvm_ent *cand = NULL;
	unsigned int i, h;
	unsigned long cur;

	if (!kvm || vns_kvm_gone(kvm))
		return NULL;
	h = hash_64((u64)kvm + gsi, 32) % k->n;
	for (i = 0; i < VNS_KVM_PROBES && i < k->n; i++) {
		struct vns_kvm_ent *e = &pc->ent[(h + i) % k->n];

		cur = READ_ONCE(e->kvm);
		if (cur == kvm && e->gsi == gsi)
			return e;
		if (!cur) {
			cand = e;
			break;
		}
		if (vns_kvm_gone(cur) && !cand)
			cand = e;
	}
	if (!cand) {
		pc->lost++;
		return NULL;
	}
	if (cand->kvm) {
		WRITE_ONCE(cand->kvm, 0);
		/* readers skip it until it is the new VM's */
		smp_wmb();
		cand->pid = 0;
		memset(cand->c, 0, sizeof(cand->c));
		memset(&cand->fast, 0, sizeof(cand->fast));
		memset(&cand->slow, 0, sizeof(cand->slow));
	}
	cand->gsi = gsi;
	/* readers see kvm set only with its gsi */
	smp_store_release(&cand->kvm, kvm);
	return cand;
}

/* Count @what for (@kvm, @gsi) on this CPU */
static void vns_kvm_count(unsigned long kvm, u32 gsi, unsigned int what)
{
	struct vns_kvm_ent *e;
	struct vns_kvm *k;
	unsigned long flags;

	k = READ_ONCE(vns_kvm);
	if (!vns_active(&vns_kvm_collector) || !k)
		return;
	local_irq_save(flags);
	e = vns_kvm_ent(k, k->cpu[smp_processor_id()], kvm, gsi);
	if (e)
		e->c[what]++;
	local_irq_restore(flags);
}

static struct vns_probe vns_kvm_probes[];

enum {
	VNS_KVM_P_WAKEUP,
	VNS_KVM_P_INATOMIC,
	VNS_KVM_P_INJECT,
	VNS_KVM_P_SET_IRQ,
	VNS_KVM_P_MSI,
	VNS_KVM_P_KICK,
	VNS_KVM_P_RUN,
	VNS_KVM_P_DESTROY,
};

#ifdef HAVE_KVM_IRQFD_H
#define VNS_KVM_OK	NULL

static struct vns_kvm_pending *vns_kvm_slot(struct vns_kvm *k,
					    unsigned long irqfd)
{
	return &k->pending[hash_long(irqfd, 32) % VNS_KVM_PENDING];
}

VNS_KRETPROBE_ENTRY(vns_kvm_wakeup_in)
{
	/* wait_queue_entry_t, wait_queue_t before 4.13 (RHEL 7 too) */
	void *wait = (void *)vns_kprobe_arg(regs, 0);
	unsigned long key = vns_kprobe_arg(regs, 3);
	struct kvm_kernel_irqfd *irqfd;
	struct vns_kvm_cpu *pc;
	struct vns_kvm_ent *e;
	struct vns_kvm *k;
	unsigned long flags;

	k = READ_ONCE(vns_kvm);
	if (!vns_active(&vns_kvm_collector) || !k || !wait)
		return 1;
	irqfd = container_of(wait, struct kvm_kernel_irqfd, wait);
	local_irq_save(flags);
	pc = k->cpu[smp_processor_id()];
	e = vns_kvm_ent(k, pc, (unsigned long)irqfd->kvm, irqfd->gsi);
	if (e) {
		e->c[VNS_KVM_WAKEUPS]++;
		if (key & VNS_KVM_POLLIN)
			e->c[VNS_KVM_WAKEUPS_IN]++;
		if (key & VNS_KVM_POLLHUP)
			e->c[VNS_KVM_WAKEUPS_HUP]++;
	}
	pc->irqfd = (unsigned long)irqfd;
	pc->kvm = (unsigned long)irqfd->kvm;
	pc->gsi = irqfd->gsi;
	pc->ts = ktime_get_ns();
	local_irq_restore(flags);
	return 0;
}

VNS_KRETPROBE_RETURN(vns_kvm_wakeup_out)
{
	struct vns_kvm *k = READ_ONCE(vns_kvm);

	if (k)
		k->cpu[smp_processor_id()]->irqfd = 0;
	return 0;
}

/*
 * The fast path: only inside irqfd_wakeup() on this CPU.  It reads no
 * argument, but counts only what irqfd_wakeup()'s entry (which reads
 * them) saw: no .no_args, unavailable with it.
 */
VNS_KRETPROBE_ENTRY(vns_kvm_inatomic_in)
{
	struct vns_kvm *k;

	k = READ_ONCE(vns_kvm);
	if (!vns_active(&vns_kvm_collector) || !k ||
	    !k->cpu[smp_processor_id()]->irqfd)
		return 1;
	return 0;
}

VNS_KRETPROBE_RETURN(vns_kvm_inatomic_out)
{
	long ret = (long)regs_return_value(regs);
	struct vns_kvm_pending *slot;
	struct vns_kvm_cpu *pc;
	struct vns_kvm_ent *e;
	struct vns_kvm *k;
	unsigned long flags, old;

	k = READ_ONCE(vns_kvm);
	if (!k)
		return 0;
	local_irq_save(flags);
	pc = k->cpu[smp_processor_id()];
	if (!pc->irqfd)
		goto out;
	e = vns_kvm_ent(k, pc, pc->kvm, pc->gsi);
	if (!e)
		goto out;
	e->c[VNS_KVM_FAST]++;
	if (ret != -EWOULDBLOCK) {
		/* > 0: delivered to as many vCPUs; else dropped (no target) */
		if (ret > 0) {
			e->c[VNS_KVM_FAST_OK]++;
			vns_hist_add(&e->fast, ktime_get_ns() - pc->ts);
		}
		goto out;
	}
	/* irqfd_wakeup() queues the inject work next: time it from here */
	slot = vns_kvm_slot(k, pc->irqfd);
	old = cmpxchg(&slot->irqfd, 0UL, VNS_KVM_CLAIMING);
	if (!old) {
		slot->ts = pc->ts;
		/* vns_kvm_inject() sees the irqfd only with its ts */
		smp_store_release(&slot->irqfd, pc->irqfd);
	} else if (old != pc->irqfd) {
		e->c[VNS_KVM_LAT_LOST]++;
	}
	/*
	 * else queued already, by an earlier signal: timed from that one
	 * (an irqfd's signals are serialized by its eventfd's wait lock)
	 */
out:
	local_irq_restore(flags);
	return 0;
}

VNS_KPROBE_HANDLER(vns_kvm_inject)
{
	struct work_struct *work = (void *)vns_kprobe_arg(regs, 0);
	struct kvm_kernel_irqfd *irqfd;
	struct vns_kvm_pending *slot;
	struct vns_kvm_ent *e;
	struct vns_kvm *k;
	unsigned long flags;
	u64 ts = 0;

	k = READ_ONCE(vns_kvm);
	if (!vns_active(&vns_kvm_collector) || !k || !work)
		return 0;
	irqfd = container_of(work, struct kvm_kernel_irqfd, inject);
	slot = vns_kvm_slot(k, (unsigned long)irqfd);
	/*
	 * A claim marks the slot, writes ts, then publishes the irqfd; a
	 * claim still in progress is another irqfd's.  Free once ts is read.
	 */
	if (smp_load_acquire(&slot->irqfd) == (unsigned long)irqfd) {
		ts = slot->ts;
		/* ts read before the slot is free */
		smp_store_release(&slot->irqfd, 0UL);
	}
	local_irq_save(flags);
	e = vns_kvm_ent(k, k->cpu[smp_processor_id()],
			(unsigned long)irqfd->kvm, irqfd->gsi);
	if (e) {
		e->c[VNS_KVM_SLOW]++;
		if (ts)
			vns_hist_add(&e->slow, ktime_get_ns() - ts);
	}
	local_irq_restore(flags);
	return 0;
}

VNS_KPROBE_HANDLER(vns_kvm_set_irq)
{
	/* level 1 only: each edge injection is a 1 then a 0 */
	if (!(int)vns_kprobe_arg(regs, 3))
		return 0;
	vns_kvm_count(vns_kprobe_arg(regs, 0), (u32)vns_kprobe_arg(regs, 2),
		      VNS_KVM_SET_IRQ);
	return 0;
}

VNS_KPROBE_HANDLER(vns_kvm_msi)
{
	/* level 0 returns -1 at once: not an MSI */
	if (!(int)vns_kprobe_arg(regs, 3))
		return 0;
	vns_kvm_count(vns_kprobe_arg(regs, 1), VNS_KVM_VM, VNS_KVM_MSI);
	return 0;
}

VNS_KPROBE_HANDLER(vns_kvm_kick)
{
	struct kvm_vcpu *vcpu = (void *)vns_kprobe_arg(regs, 0);

	if (vcpu)
		vns_kvm_count((unsigned long)vcpu->kvm, VNS_KVM_VM,
			      VNS_KVM_KICKS);
	return 0;
}

VNS_KPROBE_HANDLER(vns_kvm_run)
{
	struct kvm_vcpu *vcpu = (void *)vns_kprobe_arg(regs, 0);
	struct vns_kvm_ent *e;
	struct vns_kvm *k;
	unsigned long flags;

	k = READ_ONCE(vns_kvm);
	if (!vns_active(&vns_kvm_collector) || !k || !vcpu)
		return 0;
	local_irq_save(flags);
	e = vns_kvm_ent(k, k->cpu[smp_processor_id()],
			(unsigned long)vcpu->kvm, VNS_KVM_VM);
	if (e) {
		e->c[VNS_KVM_RUNS]++;
		e->pid = task_tgid_nr(current);
	}
	local_irq_restore(flags);
	return 0;
}

/*
 * The VM at @kvm goes: its entries on every CPU are marked gone.  No
 * handler writes them any more (its vCPUs, irqfds and their works are
 * gone); a CPU's handler reuses a gone entry only after it sees it so.
 */
static void vns_kvm_evict(struct vns_kvm *k, unsigned long kvm)
{
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vns_kvm_cpu *pc = k->cpu[cpu];

		for (i = 0; i < k->n; i++) {
			struct vns_kvm_ent *e = &pc->ent[i];

			if (READ_ONCE(e->kvm) != kvm)
				continue;
			/* its last counters before it can be reused */
			smp_store_release(&e->kvm, kvm | VNS_KVM_GONE);
			atomic_long_inc(&k->evicted);
		}
	}
}

VNS_KRETPROBE_ENTRY(vns_kvm_destroy_in)
{
	if (!vns_active(&vns_kvm_collector) || !READ_ONCE(vns_kvm))
		return 1;
	*(unsigned long *)ri->data = vns_kprobe_arg(regs, 0);
	return 0;
}

/* Its return: the VM's memory is freed after, by kvm_destroy_vm() */
VNS_KRETPROBE_RETURN(vns_kvm_destroy_out)
{
	unsigned long kvm = *(unsigned long *)ri->data;
	struct vns_kvm *k = READ_ONCE(vns_kvm);

	if (k && kvm && !vns_kvm_gone(kvm))
		vns_kvm_evict(k, kvm);
	return 0;
}
#else
/* before 4.5 (not RHEL 7.8): struct _irqfd, private to eventfd.c */
#define VNS_KVM_OK	"no <linux/kvm_irqfd.h>"
#define vns_kvm_wakeup_in	NULL
#define vns_kvm_wakeup_out	NULL
#define vns_kvm_inatomic_in	NULL
#define vns_kvm_inatomic_out	NULL
#define vns_kvm_inject		NULL
#define vns_kvm_set_irq		NULL
#define vns_kvm_msi		NULL
#define vns_kvm_kick		NULL
#define vns_kvm_run		NULL
#define vns_kvm_destroy_in	NULL
#define vns_kvm_destroy_out	NULL
#endif

/* In kvm.ko, unless built in */
#define VNS_KVM_MODULE	(IS_BUILTIN(CONFIG_KVM) ? NULL : "kvm")

#define VNS_KVM_KPROBE(sym, fn)					\
	{							\
		.name = sym,					\
		.module = VNS_KVM_MODULE,			\
		.type = VNS_PROBE_KPROBE,			\
		.kp_pre = fn,					\
		.unavail = VNS_KVM_OK,				\
	}

static struct vns_probe vns_kvm_probes[] = {
	[VNS_KVM_P_WAKEUP] = {
		.name = "irqfd_wakeup",
		.module = VNS_KVM_MODULE,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_kvm_wakeup_in,
		.krp_ret = vns_kvm_wakeup_out,
		.unavail = VNS_KVM_OK,
	},
	[VNS_KVM_P_INATOMIC] = {
		.name = "kvm_arch_set_irq_inatomic",
		.module = VNS_KVM_MODULE,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_kvm_inatomic_in,
		.krp_ret = vns_kvm_inatomic_out,
		.unavail = VNS_KVM_OK,
	},
	[VNS_KVM_P_INJECT] = VNS_KVM_KPROBE("irqfd_inject", vns_kvm_inject),
	[VNS_KVM_P_SET_IRQ] = VNS_KVM_KPROBE("kvm_set_irq", vns_kvm_set_irq),
	[VNS_KVM_P_MSI] = VNS_KVM_KPROBE("kvm_set_msi", vns_kvm_msi),
	[VNS_KVM_P_KICK] = VNS_KVM_KPROBE("kvm_vcpu_kick", vns_kvm_kick),
	[VNS_KVM_P_RUN] = VNS_KVM_KPROBE("kvm_arch_vcpu_ioctl_run",
					 vns_kvm_run),
	[VNS_KVM_P_DESTROY] = {
		.name = "kvm_arch_destroy_vm",
		.module = VNS_KVM_MODULE,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_kvm_destroy_in,
		.krp_ret = vns_kvm_destroy_out,
		.krp_data_size = sizeof(unsigned long),
		.unavail = VNS_KVM_OK,
	},
};

static size_t vns_kvm_cpu_size(unsigned int n)
{
	return struct_size((struct vns_kvm_cpu *)NULL, ent, n);
}

static void vns_kvm_free(struct vns_collector *c)
{
	struct vns_kvm *k = vns_kvm;
	int cpu;

	if (!k)
		return;
	WRITE_ONCE(vns_kvm, NULL);
	for_each_possible_cpu(cpu)
		vfree(k->cpu[cpu]);
	kfree(k);
}

static void vns_kvm_clear(struct vns_collector *c)
{
	struct vns_kvm *k = vns_kvm;
	int cpu;

	memset(k->pending, 0, sizeof(k->pending));
	atomic_long_set(&k->evicted, 0);
	for_each_possible_cpu(cpu)
		memset(k->cpu[cpu], 0, vns_kvm_cpu_size(k->n));
}

static u64 vns_kvm_mem_size(const struct vns_settings *s)
{
	return (u64)vns_kvm_cpu_size(vns_kvm_entries()) * num_possible_cpus() +
	       struct_size((struct vns_kvm *)NULL, cpu, nr_cpu_ids);
}

static int vns_kvm_alloc(struct vns_collector *c)
{
	struct vns_kvm *k;
	int cpu;

	k = kzalloc(struct_size(k, cpu, nr_cpu_ids), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->n = vns_kvm_entries();
	get_random_bytes(&k->salt, sizeof(k->salt));
	vns_kvm = k;
	for_each_possible_cpu(cpu) {
		k->cpu[cpu] = vzalloc_node(vns_kvm_cpu_size(k->n),
					   cpu_to_node(cpu));
		if (!k->cpu[cpu]) {
			vns_kvm_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

static void vns_kvm_status(struct vns_collector *c, struct vns_coll_status *st)
{
	struct vns_kvm *k = vns_kvm;
	u64 sum[VNS_KVM_NR] = { 0 }, gone = 0;
	unsigned int i, j;
	unsigned long kvm;
	int cpu;

	st->capacity = k->n * num_possible_cpus();
	for_each_possible_cpu(cpu) {
		struct vns_kvm_cpu *pc = k->cpu[cpu];

		st->lost += READ_ONCE(pc->lost);
		for (i = 0; i < k->n; i++) {
			kvm = READ_ONCE(pc->ent[i].kvm);
			if (!kvm)
				continue;
			st->entries++;
			gone += vns_kvm_gone(kvm);
			for (j = 0; j < VNS_KVM_NR; j++)
				sum[j] += READ_ONCE(pc->ent[i].c[j]);
		}
	}
	vns_status_counter(st, "wakeups", sum[VNS_KVM_WAKEUPS]);
	vns_status_counter(st, "fast_injections", sum[VNS_KVM_FAST_OK]);
	vns_status_counter(st, "slow_injections", sum[VNS_KVM_SLOW]);
	vns_status_counter(st, "msi_slow", sum[VNS_KVM_MSI]);
	vns_status_counter(st, "kicks", sum[VNS_KVM_KICKS]);
	vns_status_counter(st, "lat_lost", sum[VNS_KVM_LAT_LOST]);
	/* entries of destroyed VMs: since enable; gone, still shown */
	vns_status_counter(st, "evicted", atomic_long_read(&k->evicted));
	vns_status_counter(st, "gone", gone);
}

/*
 * An index of a snapshot's records by (VM, GSI), open-addressed, at least
 * twice the records in size: slot[h] is 0 (free) or a record's index + 1
 */
struct vns_kvm_idx {
	u32 *slot;
	unsigned int mask;
};

/*
 * @kvm's record for @gsi in @r[0..*n), added if new and *n < @max; NULL if
 * there is no room (entries taken since the snapshot counted them)
 */
static struct vns_kvm_rec *vns_kvm_rec(struct vns_kvm_rec *r, unsigned int *n,
				       unsigned int max,
				       const struct vns_kvm_idx *x,
				       unsigned long kvm, u32 gsi)
{
	unsigned int h = hash_64((u64)kvm + gsi, 32) & x->mask;
	u32 s;

	for (; (s = x->slot[h]); h = (h + 1) & x->mask)
		if (r[s - 1].e.kvm == kvm && r[s - 1].e.gsi == gsi)
			return &r[s - 1];
	if (*n >= max)
		return NULL;
	memset(&r[*n], 0, sizeof(r[*n]));
	r[*n].e.kvm = kvm;
	r[*n].e.gsi = gsi;
	x->slot[h] = *n + 1;
	return &r[(*n)++];
}

static struct vns_snap *vns_kvm_snapshot(struct vns_collector *c)
{
	struct vns_kvm *k = vns_kvm;
	struct vns_kvm_rec *r, *d, *vm;
	struct vns_kvm_idx x;
	struct vns_snap *snap;
	unsigned int i, j, n = 0, nr;
	int cpu;

	lockdep_assert_held(&vns_lock);
	if (!vns_kvm_collector.on || !k)
		return NULL;
	nr = 0;
	for_each_possible_cpu(cpu)
		for (i = 0; i < k->n; i++)
			nr += !!READ_ONCE(k->cpu[cpu]->ent[i].kvm);
	/* each (VM, GSI) and, at worst, as many VMs */
	snap = vns_snap_alloc(2 * nr + 1, sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	x.mask = roundup_pow_of_two(2 * (2 * nr + 1)) - 1;
	x.slot = vzalloc(array_size(x.mask + 1, sizeof(*x.slot)));
	if (!x.slot) {
		vns_snap_free(snap);
		return ERR_PTR(-ENOMEM);
	}
	r = vns_snap_recs(snap, struct vns_kvm_rec);
	for_each_possible_cpu(cpu) {
		struct vns_kvm_cpu *pc = k->cpu[cpu];

		cond_resched();
		for (i = 0; i < k->n; i++) {
			struct vns_kvm_ent *e = &pc->ent[i];
			/* pairs with vns_kvm_ent(): gsi written first */
			unsigned long kvm = smp_load_acquire(&e->kvm);

			if (!kvm)
				continue;
			d = vns_kvm_rec(r, &n, nr, &x, kvm, READ_ONCE(e->gsi));
			if (!d)
				continue;
			for (j = 0; j < VNS_KVM_NR; j++)
				d->e.c[j] += READ_ONCE(e->c[j]);
			if (READ_ONCE(e->pid))
				d->e.pid = READ_ONCE(e->pid);
			vns_hist_merge(&d->e.fast, &e->fast);
			vns_hist_merge(&d->e.slow, &e->slow);
		}
	}
	/* every VM has its record; its GSIs carry its pid */
	j = n;
	for (i = 0; i < j; i++)
		if (r[i].e.gsi != VNS_KVM_VM)
			vns_kvm_rec(r, &n, 2 * nr, &x, r[i].e.kvm, VNS_KVM_VM);
	for (i = 0; i < n; i++) {
		/* a gone VM's differs: the next at its address is another */
		r[i].vm = hash_64((u64)(r[i].e.kvm ^ k->salt), 48);
		if (r[i].e.gsi == VNS_KVM_VM)
			continue;
		vm = vns_kvm_rec(r, &n, n, &x, r[i].e.kvm, VNS_KVM_VM);
		if (vm)
			r[i].e.pid = vm->e.pid;
	}
	vfree(x.slot);
	snap->nr = n;
	return snap;
}

/* ---- the record over netlink (VNS_CMD_KVM_GET) ---- */

static const u8 vns_kvm_attr[VNS_KVM_NR] = {
	[VNS_KVM_WAKEUPS] = VNS_KVM_A_WAKEUPS,
	[VNS_KVM_WAKEUPS_IN] = VNS_KVM_A_WAKEUPS_IN,
	[VNS_KVM_WAKEUPS_HUP] = VNS_KVM_A_WAKEUPS_HUP,
	[VNS_KVM_FAST] = VNS_KVM_A_FAST,
	[VNS_KVM_FAST_OK] = VNS_KVM_A_FAST_OK,
	[VNS_KVM_SLOW] = VNS_KVM_A_SLOW,
	[VNS_KVM_SET_IRQ] = VNS_KVM_A_SET_IRQ,
	[VNS_KVM_MSI] = VNS_KVM_A_MSI,
	[VNS_KVM_KICKS] = VNS_KVM_A_KICKS,
	[VNS_KVM_RUNS] = VNS_KVM_A_RUNS,
	[VNS_KVM_LAT_LOST] = VNS_KVM_A_LAT_LOST,
};

/* The counters of a GSI's record, and of a VM's */
static bool vns_kvm_of_vm(unsigned int i)
{
	return i == VNS_KVM_MSI || i == VNS_KVM_KICKS || i == VNS_KVM_RUNS;
}

static int vns_kvm_fill(struct sk_buff *skb, const struct vns_snap *s,
			const void *rec)
{
	const struct vns_kvm_rec *r = rec;
	bool is_vm = r->e.gsi == VNS_KVM_VM;
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, VNS_A_KVM);
	if (!nest)
		return -EMSGSIZE;
	if (vns_nla_put_u64(skb, VNS_KVM_A_VM, r->vm, VNS_KVM_A_PAD) ||
	    (r->e.pid && nla_put_u32(skb, VNS_KVM_A_PID, r->e.pid)) ||
	    (!is_vm && nla_put_u32(skb, VNS_KVM_A_GSI, r->e.gsi)))
		goto cancel;
	for (i = 0; i < VNS_KVM_NR; i++)
		if (vns_kvm_of_vm(i) == is_vm &&
		    vns_nla_put_u64(skb, vns_kvm_attr[i], r->e.c[i],
				    VNS_KVM_A_PAD))
			goto cancel;
	if (!is_vm &&
	    (vns_nl_put_hist(skb, VNS_KVM_A_LAT_FAST, &r->e.fast) ||
	     vns_nl_put_hist(skb, VNS_KVM_A_LAT_SLOW, &r->e.slow)))
		goto cancel;
	if (vns_kvm_gone(r->e.kvm) && nla_put_flag(skb, VNS_KVM_A_GONE))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- the record in the text view ---- */

static const char *const vns_kvm_keys[VNS_KVM_NR] = {
	[VNS_KVM_WAKEUPS] = "wakeups",
	[VNS_KVM_WAKEUPS_IN] = "wakeups_in",
	[VNS_KVM_WAKEUPS_HUP] = "wakeups_hup",
	[VNS_KVM_FAST] = "fast",
	[VNS_KVM_FAST_OK] = "fast_ok",
	[VNS_KVM_SLOW] = "slow",
	[VNS_KVM_SET_IRQ] = "set_irq",
	[VNS_KVM_MSI] = "msi_slow",
	[VNS_KVM_KICKS] = "kicks",
	[VNS_KVM_RUNS] = "runs",
	[VNS_KVM_LAT_LOST] = "lat_lost",
};

static void vns_kvm_show(struct seq_file *m, const struct vns_snap *s,
			 const void *rec)
{
	const struct vns_kvm_rec *r = rec;
	bool is_vm = r->e.gsi == VNS_KVM_VM;
	unsigned int i;

	seq_printf(m, "type=%s vm=%llx pid=%u", is_vm ? "vm" : "gsi", r->vm,
		   r->e.pid);
	if (!is_vm)
		seq_printf(m, " gsi=%u", r->e.gsi);
	for (i = 0; i < VNS_KVM_NR; i++)
		if (vns_kvm_of_vm(i) == is_vm)
			seq_printf(m, " %s=%llu", vns_kvm_keys[i], r->e.c[i]);
	seq_printf(m, " gone=%d", vns_kvm_gone(r->e.kvm));
	if (!is_vm) {
		vns_seq_hist(m, "fast_ns", &r->e.fast);
		vns_seq_hist(m, "slow_ns", &r->e.slow);
	}
	seq_putc(m, '\n');
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_kvm_collector = {
	.name = "kvm",
	.probes = vns_kvm_probes,
	.nr_probes = ARRAY_SIZE(vns_kvm_probes),
	.alloc = vns_kvm_alloc,
	.mem_size = vns_kvm_mem_size,
	.free = vns_kvm_free,
	.clear = vns_kvm_clear,
	.status = vns_kvm_status,
	.nl_cmd = VNS_CMD_KVM_GET,
	.rec_size = sizeof(struct vns_kvm_rec),
	.snapshot = vns_kvm_snapshot,
	.fill = vns_kvm_fill,
	.show = vns_kvm_show,
};

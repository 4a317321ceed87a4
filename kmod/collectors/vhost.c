// SPDX-License-Identifier: GPL-2.0
/*
 * The vhost collector: per vhost-net virtqueue (a vhost-net device's RX or
 * TX queue), the runs of its worker by what started them, the packets,
 * bytes and time of each run, the guest notifications it sent or did not
 * send, and how often it found the ring empty; with the worker's pid,
 * qemu's pid (its tgid, as the kvm collector's) and the TUN socket the
 * queue serves (its id is the tun collector's).
 *
 * vhost's structures (struct vhost_net, vhost_virtqueue) are private: no
 * handler reads them.  What they use:
 *  - The work callbacks handle_{rx,tx}_{kick,net}(work) (vhost_net.ko,
 *    address taken: out of line), each a kretprobe: a run, started by a
 *    kick from the guest (the virtqueue's kick eventfd) or by the socket's
 *    wakeup, the cause fixed by the probe; its time from entry to return.
 *    Each calls handle_rx(net) or handle_tx(net) (static, called by two
 *    callbacks), whose kprobe gives the run its device, @net, known by an
 *    opaque id.
 *  - Within a run, by the worker itself: tun_recvmsg() returns each
 *    packet's length (RX), tun_sendmsg() takes one packet or a batch of XDP
 *    buffers (TX), both on the TUN queue's socket; vhost_signal(),
 *    vhost_add_used_and_signal() and vhost_add_used_and_signal_n() (vhost.ko,
 *    exported: the latter inlines the former) decide whether to notify the
 *    guest, which they do with eventfd_signal() (eventfd_signal_mask()
 *    6.8+): a decision without it was suppressed (the guest asked for no
 *    interrupt, or no call eventfd).  Where neither eventfd probe attaches
 *    (6.8+ inlines eventfd_signal()), signals and suppressed are unknown,
 *    never all suppressed.
 *  - vhost_enable_notify(dev, vq) returns false when the ring was still
 *    empty after notifications were turned back on.  A run's first
 *    vhost_disable_notify(dev, vq) is on its own virtqueue (handle_rx and
 *    handle_tx begin with it); busy polling (vhost_net_busy_poll(), and
 *    4.19's RX peek) enables notifications of the device's other virtqueue:
 *    an enable on another vq than the run's counts for the other direction.
 *  - vhost_net_release(inode, file) (file->private_data is the device) and,
 *    inside it, vhost_dev_cleanup(): the device goes.  Its runs are flushed
 *    and its worker stopped by then, and its memory is freed after: its
 *    entries are marked gone there.  They are shown (gone=1) until their
 *    slots are needed, and never match again: the next device at that
 *    address starts anew, with its own worker and qemu pid.
 *  - Busy polling (qemu's poll-us=, VHOST_SET_VRING_BUSYLOOP_TIMEOUT): 4.20+
 *    has vhost_net_busy_poll(net, rvq, tvq, busyloop_intr, poll_rx), a
 *    kretprobe: one loop, of the run's virtqueue (handle_rx polls for RX,
 *    handle_tx for TX), once it got the other queue's mutex (a trylock):
 *    the vhost_disable_notify() that follows it is seen; its time, entry
 *    to return.  4.19 inlines the loop in handle_rx and get_tx_bufs but
 *    calls vhost_can_busy_poll(endtime) once an iteration, with one
 *    endtime a loop, preemption off: a kprobe; an endtime other than the
 *    last one seen on this CPU starts a loop (its time is not measured).
 * A run may sleep and migrate: its state is the worker's task slot
 * (core/task.h, vhost_tasks of them), added to the per-CPU counters when
 * it ends; a reset meanwhile makes its return a no-op (the slot's
 * generation).  The eventfd probes fire for every eventfd on the host: they
 * return at once unless the task is a kernel thread or (6.4+) a user
 * worker, and only then look up the task in a window of 16 slots.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/vmalloc.h>

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "../core/sockid.h"
#include "../core/task.h"
#include "../netlink/fill.h"
#include "../views/text.h"

static unsigned int vhost_entries = 64;
module_param(vhost_entries, uint, 0444);
MODULE_PARM_DESC(vhost_entries, "vhost-net virtqueues kept (default 64)");

static unsigned int vhost_tasks = 64;
module_param(vhost_tasks, uint, 0444);
MODULE_PARM_DESC(vhost_tasks,
		 "vhost workers followed in a run at once (default 64)");

#define VNS_VHOST_PROBES	16
/* Devices being released at once */
#define VNS_VH_RELEASES		16

/* A virtqueue's key: net | dir, | GONE once the device went; or these */
#define VNS_VHQ_FREE		0ULL
#define VNS_VHQ_BUSY		4ULL	/* being claimed */
#define VNS_VHQ_GONE		4ULL	/* net is aligned: a key's bit 2 */

enum { VNS_VH_CAUSE_KICK = 1, VNS_VH_CAUSE_NET };

/* A virtqueue: its key and what it is attached to, shared by all CPUs */
struct vns_vhq {
	u64 key;
	u32 id;				/* opaque id of net */
	u32 worker, qemu_pid, sock_id;
};

struct vns_vhq_stats {
	u64 runs_kick, runs_net, packets, bytes;
	u64 signals, suppressed, empty, raced;
	u64 busy_loops, busy_ns;
	struct vns_hist pkts, byts, time;
};

/* A run in progress, in its worker's task slot */
struct vns_vh_run {
	unsigned long net;
	const void *vq;			/* its own virtqueue, once seen */
	u8 dir, cause;
	u8 sig_depth;
	bool sig_sent;
	u64 start_ns;
	u64 packets, bytes;
	u64 signals, suppressed, empty, raced;
	u64 empty_other, raced_other;	/* of the device's other vq */
	const void *sk;
	u8 busy_depth;			/* in vhost_net_busy_poll() */
	bool busy_locked;		/* ... past its trylock */
	u64 busy_loops, busy_ns;
};

struct vns_vh_cpu {
	u64 lost, evicted;
	unsigned long busy_end;		/* 4.19: the last loop's endtime */
};

struct vns_vhost {
	unsigned int nr;
	struct vns_vhq *q;
	struct vns_vhq_stats **stats;	/* nr_cpu_ids arrays of nr */
	struct vns_vh_cpu __percpu *cpu;
	struct vns_tasks tasks;		/* workers in a run */
	struct vns_vh_run *run;		/* tasks.nr */
	struct vns_tasks rel;		/* tasks in vhost_net_release() */
	unsigned long rel_net[VNS_VH_RELEASES];
};

static struct vns_vhost *vns_vh;

struct vns_vhost_rec {
	u32 id, worker, qemu_pid, sock_id;
	u8 dir;
	bool signals_known, gone;
	bool busy_known, busy_ns_known;
	struct vns_vhq_stats s;
};

/* The run of the current task, or NULL; @ref: its slot, for a return */
static struct vns_vh_run *vns_vh_current(struct vns_vhost *v,
					 struct vns_task_ref *ref)
{
	int n;

	ref->n = -1;
	if (!v)
		return NULL;
	n = vns_tasks_slot(&v->tasks);
	if (n < 0)
		return NULL;
	ref->n = n;
	ref->gen = READ_ONCE(v->tasks.gen[n]);
	return &v->run[n];
}

/* At a return: the run of @ref if still the current task's, or NULL */
static struct vns_vh_run *vns_vh_mine(struct vns_vhost *v,
				      const struct vns_task_ref *ref)
{
	if (!v || !vns_tasks_mine(&v->tasks, ref))
		return NULL;
	return &v->run[ref->n];
}

static bool vns_vh_key_used(u64 key)
{
	return key != VNS_VHQ_FREE && key != VNS_VHQ_BUSY;
}

static bool vns_vh_key_gone(u64 key)
{
	return vns_vh_key_used(key) && (key & VNS_VHQ_GONE);
}

/*
 * The entry of (@net, @dir), or -1; claimed if new when @claim: a free
 * slot, else the first gone one (its counters zeroed first: nothing
 * writes them any more).  A key is inserted by one task only (the device's
 * worker, whose runs of both queues are serialized), so that two claims of
 * one key never race.
 */
static int vns_vh_lookup(struct vns_vhost *v, unsigned long net, u8 dir,
			 bool claim)
{
	u64 key = (u64)net | dir, cur, seen = 0;
	unsigned int h = hash_64(key, 32), i, cpu;
	int cand = -1;

	for (i = 0; i < VNS_VHOST_PROBES && i < v->nr; i++) {
		unsigned int n = (h + i) & (v->nr - 1);

		cur = READ_ONCE(v->q[n].key);
		if (cur == key)
			return n;
		if (cur == VNS_VHQ_FREE) {
			cand = n;
			seen = cur;
			break;
		}
		if (vns_vh_key_gone(cur) && cand < 0) {
			cand = n;
			seen = cur;
		}
	}
	if (!claim || cand < 0 ||
	    cmpxchg(&v->q[cand].key, seen, VNS_VHQ_BUSY) != seen)
		return -1;
	if (seen != VNS_VHQ_FREE)
		for_each_possible_cpu(cpu)
			memset(v->stats[cpu] + cand, 0,
			       sizeof(*v->stats[cpu]));
	v->q[cand].id = vns_sock_id((void *)net);
	v->q[cand].worker = 0;
	v->q[cand].qemu_pid = 0;
	v->q[cand].sock_id = 0;
	/* readers see the key only with the fields */
	smp_store_release(&v->q[cand].key, key);
	return cand;
}

/*
 * The device at @net goes: its entries are marked gone, kept for readers
 * until a claim needs their slots.  No run of it is in flight (flushed,
 * its worker stopped): no handler writes them any more.
 */
static void vns_vh_evict(struct vns_vhost *v, unsigned long net)
{
	u8 dir;
	int e;

	for (dir = VNS_VHOST_RX; dir <= VNS_VHOST_TX; dir++) {
		e = vns_vh_lookup(v, net, dir, false);
		if (e < 0)
			continue;
		/* another id: the next device at this address is another */
		WRITE_ONCE(v->q[e].id,
			   vns_sock_id((void *)(net | VNS_VHQ_GONE)));
		/* its last counters written before it can be claimed */
		smp_store_release(&v->q[e].key,
				  (u64)net | dir | VNS_VHQ_GONE);
		this_cpu_inc(v->cpu->evicted);
	}
}

/*
 * qemu's pid (its tgid, as the kvm collector's) from the worker, the
 * current task.  6.4+: the worker is a vhost_task, a thread of qemu (not
 * PF_KTHREAD): its tgid.  Before 6.4 it is a kthread named "vhost-<pid>",
 * the pid of the qemu thread that did VHOST_SET_OWNER, a thread id: its
 * thread group's, if that thread still runs with the mm the worker uses
 * (qemu's, kthread_use_mm() while it serves the device).  0 if none.
 */
static u32 vns_vh_qemu_pid(void)
{
	struct task_struct *t, *p = current;
	char comm[TASK_COMM_LEN];
	unsigned int pid;
	u32 tgid = 0;

	if (!(p->flags & PF_KTHREAD))
		return task_tgid_nr(p);
	memcpy(comm, p->comm, sizeof(comm));
	comm[TASK_COMM_LEN - 1] = '\0';
	if (strncmp(comm, "vhost-", 6) || kstrtouint(comm + 6, 10, &pid) ||
	    !p->mm)
		return 0;
	rcu_read_lock();
	t = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_PID);
	if (t && READ_ONCE(t->mm) == p->mm)
		tgid = task_tgid_nr(t);
	rcu_read_unlock();
	return tgid;
}

static struct vns_probe vns_vh_probes[];

enum {
	VNS_VH_P_RX_KICK, VNS_VH_P_RX_NET, VNS_VH_P_TX_KICK, VNS_VH_P_TX_NET,
	VNS_VH_P_RX, VNS_VH_P_TX, VNS_VH_P_RECV, VNS_VH_P_SEND,
	VNS_VH_P_SIGNAL, VNS_VH_P_SIGNAL1, VNS_VH_P_SIGNALN,
	VNS_VH_P_DISABLE, VNS_VH_P_EMPTY, VNS_VH_P_RELEASE, VNS_VH_P_CLEANUP,
	VNS_VH_P_EVENTFD, VNS_VH_P_EVENTFD_MASK,
	VNS_VH_P_BUSY, VNS_VH_P_CAN_BUSY,
	VNS_VH_NR_PROBES
};

/* ---- the work callbacks: a run, and what started it ---- */

static int vns_vh_run_in(struct kretprobe_instance *ri, u8 dir, u8 cause)
{
	struct vns_task_ref *ref = (void *)ri->data;
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_run *r;

	if (!vns_active(&vns_vhost_collector) || !v)
		return 1;
	if (!vns_tasks_claim(&v->tasks, ref)) {
		this_cpu_inc(v->cpu->lost);
		return 1;
	}
	r = &v->run[ref->n];
	memset(r, 0, sizeof(*r));
	r->dir = dir;
	r->cause = cause;
	r->start_ns = ktime_get_ns();
	return 0;
}

VNS_KRETPROBE_ENTRY(vns_vh_rx_kick_in)
{
	return vns_vh_run_in(ri, VNS_VHOST_RX, VNS_VH_CAUSE_KICK);
}

VNS_KRETPROBE_ENTRY(vns_vh_rx_net_in)
{
	return vns_vh_run_in(ri, VNS_VHOST_RX, VNS_VH_CAUSE_NET);
}

VNS_KRETPROBE_ENTRY(vns_vh_tx_kick_in)
{
	return vns_vh_run_in(ri, VNS_VHOST_TX, VNS_VH_CAUSE_KICK);
}

VNS_KRETPROBE_ENTRY(vns_vh_tx_net_in)
{
	return vns_vh_run_in(ri, VNS_VHOST_TX, VNS_VH_CAUSE_NET);
}

/* The worker's pid, qemu's and the socket, learned on a change */
static void vns_vh_learn(struct vns_vhq *q, const struct vns_vh_run *r)
{
	u32 pid = task_pid_nr(current);

	if (READ_ONCE(q->worker) != pid) {
		WRITE_ONCE(q->qemu_pid, vns_vh_qemu_pid());
		WRITE_ONCE(q->worker, pid);
	}
	if (r->sk && READ_ONCE(q->sock_id) != vns_sock_id(r->sk))
		WRITE_ONCE(q->sock_id, vns_sock_id(r->sk));
}

VNS_KRETPROBE_RETURN(vns_vh_run_out)
{
	const struct vns_task_ref *ref = (void *)ri->data;
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vhq_stats *st;
	struct vns_vh_run *r;
	unsigned long flags;
	int e;

	r = vns_vh_mine(v, ref);
	if (!r)
		return 0;		/* reset meanwhile: not ours */
	if (!r->net)
		goto release;		/* no handle_rx/tx: nothing served */
	local_irq_save(flags);
	e = vns_vh_lookup(v, r->net, r->dir, true);
	if (e < 0) {
		this_cpu_inc(v->cpu->lost);
		goto out;
	}
	vns_vh_learn(&v->q[e], r);
	st = v->stats[smp_processor_id()] + e;
	if (r->cause == VNS_VH_CAUSE_KICK)
		st->runs_kick++;
	else
		st->runs_net++;
	st->packets += r->packets;
	st->bytes += r->bytes;
	st->signals += r->signals;
	st->suppressed += r->suppressed;
	st->empty += r->empty;
	st->raced += r->raced;
	st->busy_loops += r->busy_loops;
	st->busy_ns += r->busy_ns;
	vns_hist_add(&st->pkts, r->packets);
	vns_hist_add(&st->byts, r->bytes);
	vns_hist_add(&st->time, (ktime_get_ns() - r->start_ns) /
				NSEC_PER_USEC);
	if (r->empty_other || r->raced_other) {
		e = vns_vh_lookup(v, r->net, r->dir ^ 1, true);
		if (e < 0) {
			this_cpu_inc(v->cpu->lost);
			goto out;
		}
		st = v->stats[smp_processor_id()] + e;
		st->empty += r->empty_other;
		st->raced += r->raced_other;
	}
out:
	local_irq_restore(flags);
release:
	vns_tasks_release(&v->tasks, ref);
	return 0;
}

/* handle_rx(net), handle_tx(net): the run's device */
static void vns_vh_handle(struct pt_regs *regs, u8 dir)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_task_ref ref;
	struct vns_vh_run *r;

	r = vns_vh_current(v, &ref);
	if (r && r->dir == dir && !r->net)
		r->net = vns_kprobe_arg(regs, 0);
}

VNS_KPROBE_HANDLER(vns_vh_rx)
{
	vns_vh_handle(regs, VNS_VHOST_RX);
	return 0;
}

VNS_KPROBE_HANDLER(vns_vh_tx)
{
	vns_vh_handle(regs, VNS_VHOST_TX);
	return 0;
}

/* ---- within a run: packets through TUN ---- */

struct vns_vh_io {
	struct vns_task_ref ref;
	u32 packets;
	u64 bytes;
};

static struct vns_vh_run *vns_vh_io_in(struct kretprobe_instance *ri,
				       struct pt_regs *regs)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_io *io = (void *)ri->data;
	struct socket *sock;
	struct vns_vh_run *r;

	r = vns_vh_current(v, &io->ref);
	if (!r)
		return NULL;
	sock = (struct socket *)vns_kprobe_arg(regs, 0);
	if (sock)
		r->sk = READ_ONCE(sock->sk);
	return r;
}

/* tun_recvmsg(sock, msg, len, flags): returns a packet's length */
VNS_KRETPROBE_ENTRY(vns_vh_recv_in)
{
	return !vns_vh_io_in(ri, regs);
}

VNS_KRETPROBE_RETURN(vns_vh_recv_out)
{
	struct vns_vh_io *io = (void *)ri->data;
	long ret = regs_return_value(regs);
	struct vns_vh_run *r;

	r = vns_vh_mine(READ_ONCE(vns_vh), &io->ref);
	if (!r || ret <= 0)
		return 0;
	r->packets++;
	r->bytes += ret;
	return 0;
}

/* tun_sendmsg(sock, msg, len): one packet of len bytes, or a batch */
VNS_KRETPROBE_ENTRY(vns_vh_send_in)
{
	struct vns_vh_io *io = (void *)ri->data;

	if (!vns_vh_io_in(ri, regs))
		return 1;
	if (!vns_tun_msg_batch((const struct msghdr *)vns_kprobe_arg(regs, 1),
			       &io->packets, &io->bytes)) {
		io->packets = 1;
		io->bytes = vns_kprobe_arg(regs, 2);
	}
	return 0;
}

VNS_KRETPROBE_RETURN(vns_vh_send_out)
{
	struct vns_vh_io *io = (void *)ri->data;
	struct vns_vh_run *r;

	r = vns_vh_mine(READ_ONCE(vns_vh), &io->ref);
	if (!r || (long)regs_return_value(regs) < 0)
		return 0;
	r->packets += io->packets;
	r->bytes += io->bytes;
	return 0;
}

/* ---- within a run: notifications ---- */

static int vns_vh_sig_enter(struct kretprobe_instance *ri)
{
	struct vns_task_ref *ref = (void *)ri->data;
	struct vns_vh_run *r;

	r = vns_vh_current(READ_ONCE(vns_vh), ref);
	if (!r)
		return 1;
	if (!r->sig_depth++)
		r->sig_sent = false;
	return 0;
}

VNS_KRETPROBE_ENTRY(vns_vh_sig_in)
{
	return vns_vh_sig_enter(ri);
}

VNS_KRETPROBE_ENTRY(vns_vh_sig1_in)
{
	return vns_vh_sig_enter(ri);
}

VNS_KRETPROBE_ENTRY(vns_vh_sign_in)
{
	return vns_vh_sig_enter(ri);
}

VNS_KRETPROBE_RETURN(vns_vh_sig_out)
{
	struct vns_vh_run *r;

	r = vns_vh_mine(READ_ONCE(vns_vh), (void *)ri->data);
	if (!r || !r->sig_depth || --r->sig_depth)
		return 0;
	if (r->sig_sent)
		r->signals++;
	else
		r->suppressed++;
	return 0;
}

/* eventfd_signal(_mask)(): within a signal decision, the guest notified */
VNS_KPROBE_HANDLER_OWN_HITS(vns_vh_eventfd)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_task_ref ref;
	struct vns_vh_run *r;

	/*
	 * Before any lookup, for every eventfd user on the host: a worker is
	 * a kthread, or (6.4+) a vhost_task, a user worker; and an interrupt
	 * on the worker's CPU is not the worker's.
	 */
	if (!(current->flags & (PF_KTHREAD | VNS_PF_USER_WORKER)) || !v ||
	    in_interrupt())
		return 0;
	r = vns_vh_current(v, &ref);
	if (r && r->sig_depth) {
		vns_probe_hit(container_of(kp, struct vns_probe, kp));
		r->sig_sent = true;
	}
	return 0;
}

/* vhost_disable_notify(dev, vq): the run's first is on its own vq */
VNS_KPROBE_HANDLER(vns_vh_disable)
{
	struct vns_task_ref ref;
	struct vns_vh_run *r;

	r = vns_vh_current(READ_ONCE(vns_vh), &ref);
	if (!r)
		return 0;
	if (!r->vq)
		r->vq = (const void *)vns_kprobe_arg(regs, 1);
	/* busy polling got the other queue's mutex: a loop follows */
	if (r->busy_depth)
		r->busy_locked = true;
	return 0;
}

/* ---- busy polling ---- */

struct vns_vh_busy {
	struct vns_task_ref ref;
	u64 start_ns;
};

/* vhost_net_busy_poll(): a loop of the run's virtqueue if it got the lock */
VNS_KRETPROBE_ENTRY(vns_vh_busy_in)
{
	struct vns_vh_busy *d = (void *)ri->data;
	struct vns_vh_run *r;

	r = vns_vh_current(READ_ONCE(vns_vh), &d->ref);
	if (!r)
		return 1;
	if (!r->busy_depth++)
		r->busy_locked = false;
	d->start_ns = ktime_get_ns();
	return 0;
}

VNS_KRETPROBE_RETURN(vns_vh_busy_out)
{
	const struct vns_vh_busy *d = (void *)ri->data;
	struct vns_vh_run *r;

	r = vns_vh_mine(READ_ONCE(vns_vh), &d->ref);
	if (!r || !r->busy_depth || --r->busy_depth || !r->busy_locked)
		return 0;
	r->busy_loops++;
	r->busy_ns += ktime_get_ns() - d->start_ns;
	return 0;
}

/* 4.19: vhost_can_busy_poll(endtime), once an iteration, preemption off */
VNS_KPROBE_HANDLER(vns_vh_can_busy)
{
	unsigned long end = vns_kprobe_arg(regs, 0);
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_task_ref ref;
	struct vns_vh_run *r;

	/* the loop's next iteration: no task lookup */
	if (!v || this_cpu_read(v->cpu->busy_end) == end)
		return 0;
	this_cpu_write(v->cpu->busy_end, end);
	r = vns_vh_current(v, &ref);
	if (r)
		r->busy_loops++;
	return 0;
}

struct vns_vh_empty {
	struct vns_task_ref ref;
	const void *vq;
};

/* vhost_enable_notify(dev, vq): false, the ring is still empty */
VNS_KRETPROBE_ENTRY(vns_vh_empty_in)
{
	struct vns_vh_empty *d = (void *)ri->data;

	if (!vns_vh_current(READ_ONCE(vns_vh), &d->ref))
		return 1;
	d->vq = (const void *)vns_kprobe_arg(regs, 1);
	return 0;
}

VNS_KRETPROBE_RETURN(vns_vh_empty_out)
{
	const struct vns_vh_empty *d = (void *)ri->data;
	bool raced = regs_return_value(regs) & 0xff;
	struct vns_vh_run *r;

	r = vns_vh_mine(READ_ONCE(vns_vh), &d->ref);
	if (!r)
		return 0;
	/* the other vq's, from busy polling; the run's own if not known */
	if (r->vq && d->vq != r->vq) {
		if (raced)
			r->raced_other++;
		else
			r->empty_other++;
	} else if (raced) {
		r->raced++;
	} else {
		r->empty++;
	}
	return 0;
}

/* ---- a device goes: vhost_net_release(inode, file) ---- */

VNS_KRETPROBE_ENTRY(vns_vh_release_in)
{
	struct file *file = (struct file *)vns_kprobe_arg(regs, 1);
	struct vns_task_ref *ref = (void *)ri->data;
	struct vns_vhost *v = READ_ONCE(vns_vh);

	if (!vns_active(&vns_vhost_collector) || !v || !file)
		return 1;
	if (!vns_tasks_claim(&v->rel, ref)) {
		this_cpu_inc(v->cpu->lost);
		return 1;
	}
	v->rel_net[ref->n] = (unsigned long)READ_ONCE(file->private_data);
	return 0;
}

/* vhost_dev_cleanup() inside it: flushed, the worker stopped; evict */
VNS_KPROBE_HANDLER(vns_vh_cleanup)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	int n;

	if (!v)
		return 0;
	n = vns_tasks_slot(&v->rel);
	if (n < 0 || !v->rel_net[n])
		return 0;
	vns_vh_evict(v, v->rel_net[n]);
	v->rel_net[n] = 0;
	return 0;
}

/* Its return, before the memory goes: evict if the cleanup was missed */
VNS_KRETPROBE_RETURN(vns_vh_release_out)
{
	const struct vns_task_ref *ref = (void *)ri->data;
	struct vns_vhost *v = READ_ONCE(vns_vh);

	if (!v || !vns_tasks_mine(&v->rel, ref))
		return 0;
	if (v->rel_net[ref->n])
		vns_vh_evict(v, v->rel_net[ref->n]);
	v->rel_net[ref->n] = 0;
	vns_tasks_release(&v->rel, ref);
	return 0;
}

#define VNS_VH_NET	(IS_BUILTIN(CONFIG_VHOST_NET) ? NULL : "vhost_net")
#define VNS_VH_CORE	(IS_BUILTIN(CONFIG_VHOST) ? NULL : "vhost")
#define VNS_VH_TUN	(IS_BUILTIN(CONFIG_TUN) ? NULL : "tun")

/*
 * A kretprobe, a kprobe: @why, the reason this build cannot serve it (3.10
 * prototypes); @noargs, its handlers read no argument (so run without
 * argument access: core/probe.h).  handle_rx and handle_tx read theirs and
 * are required: without argument access the collector is unavailable.
 */
#define VNS_VH_KRP(sym, mod, in, out, size, req, why, noargs)	\
	{							\
		.name = sym,					\
		.module = mod,					\
		.type = VNS_PROBE_KRETPROBE,			\
		.required = req,				\
		.krp_entry = in,				\
		.krp_ret = out,					\
		.krp_data_size = size,				\
		.unavail = why,					\
		.no_args = noargs,				\
	}

#define VNS_VH_KP(sym, mod, fn, req, noargs)			\
	{							\
		.name = sym,					\
		.module = mod,					\
		.type = VNS_PROBE_KPROBE,			\
		.required = req,				\
		.kp_pre = fn,					\
		.no_args = noargs,				\
	}

#define VNS_VH_RUN(sym, in)						\
	VNS_VH_KRP(sym, VNS_VH_NET, in, vns_vh_run_out,			\
		   sizeof(struct vns_task_ref), true, NULL, true)

static struct vns_probe vns_vh_probes[VNS_VH_NR_PROBES] = {
	[VNS_VH_P_RX_KICK] = VNS_VH_RUN("handle_rx_kick", vns_vh_rx_kick_in),
	[VNS_VH_P_RX_NET] = VNS_VH_RUN("handle_rx_net", vns_vh_rx_net_in),
	[VNS_VH_P_TX_KICK] = VNS_VH_RUN("handle_tx_kick", vns_vh_tx_kick_in),
	[VNS_VH_P_TX_NET] = VNS_VH_RUN("handle_tx_net", vns_vh_tx_net_in),
	[VNS_VH_P_RX] = VNS_VH_KP("handle_rx", VNS_VH_NET, vns_vh_rx, true,
				  false),
	[VNS_VH_P_TX] = VNS_VH_KP("handle_tx", VNS_VH_NET, vns_vh_tx, true,
				  false),
	/* 3.10: (iocb, sock, msg, len): &msg would be read as a length */
	[VNS_VH_P_RECV] = VNS_VH_KRP("tun_recvmsg", VNS_VH_TUN, vns_vh_recv_in,
				     vns_vh_recv_out, sizeof(struct vns_vh_io),
				     false, VNS_SOCK_ARGS_UNAVAIL, false),
	[VNS_VH_P_SEND] = VNS_VH_KRP("tun_sendmsg", VNS_VH_TUN, vns_vh_send_in,
				     vns_vh_send_out, sizeof(struct vns_vh_io),
				     false, VNS_SOCK_ARGS_UNAVAIL, false),
	[VNS_VH_P_SIGNAL] = VNS_VH_KRP("vhost_signal", VNS_VH_CORE,
				       vns_vh_sig_in, vns_vh_sig_out,
				       sizeof(struct vns_task_ref), false,
				       NULL, true),
	[VNS_VH_P_SIGNAL1] = VNS_VH_KRP("vhost_add_used_and_signal",
					VNS_VH_CORE, vns_vh_sig1_in,
					vns_vh_sig_out,
					sizeof(struct vns_task_ref), false,
					NULL, true),
	[VNS_VH_P_SIGNALN] = VNS_VH_KRP("vhost_add_used_and_signal_n",
					VNS_VH_CORE, vns_vh_sign_in,
					vns_vh_sig_out,
					sizeof(struct vns_task_ref), false,
					NULL, true),
	[VNS_VH_P_DISABLE] = VNS_VH_KP("vhost_disable_notify", VNS_VH_CORE,
				       vns_vh_disable, false, false),
	[VNS_VH_P_EMPTY] = VNS_VH_KRP("vhost_enable_notify", VNS_VH_CORE,
				      vns_vh_empty_in, vns_vh_empty_out,
				      sizeof(struct vns_vh_empty), false,
				      NULL, false),
	[VNS_VH_P_RELEASE] = VNS_VH_KRP("vhost_net_release", VNS_VH_NET,
					vns_vh_release_in, vns_vh_release_out,
					sizeof(struct vns_task_ref), false,
					NULL, false),
	/* needs vhost_net_release's entry, which reads its arguments */
	[VNS_VH_P_CLEANUP] = VNS_VH_KP("vhost_dev_cleanup", VNS_VH_CORE,
				       vns_vh_cleanup, false, false),
	/* 6.8+: eventfd_signal() is an inline around eventfd_signal_mask() */
	[VNS_VH_P_EVENTFD] = VNS_VH_KP("eventfd_signal", NULL, vns_vh_eventfd,
				       false, true),
	[VNS_VH_P_EVENTFD_MASK] = VNS_VH_KP("eventfd_signal_mask", NULL,
					    vns_vh_eventfd, false, true),
	/* 4.20+; before, the loop is inline, vhost_can_busy_poll() is not */
	[VNS_VH_P_BUSY] = VNS_VH_KRP("vhost_net_busy_poll", VNS_VH_NET,
				     vns_vh_busy_in, vns_vh_busy_out,
				     sizeof(struct vns_vh_busy), false, NULL,
				     true),
	[VNS_VH_P_CAN_BUSY] = VNS_VH_KP("vhost_can_busy_poll", VNS_VH_NET,
					vns_vh_can_busy, false, false),
};

static bool vns_vh_busy_ns_known(void)
{
	return vns_vh_probes[VNS_VH_P_BUSY].state == VNS_PROBE_ATTACHED &&
	       vns_vh_probes[VNS_VH_P_DISABLE].state == VNS_PROBE_ATTACHED;
}

/*
 * Whether busy-poll loops (and their time) are counted: one of the two
 * ways attached (vhost_net_busy_poll() sees a loop by the
 * vhost_disable_notify() in it).  Under vns_lock.
 */
static bool vns_vh_busy_known(void)
{
	return vns_vh_busy_ns_known() ||
	       vns_vh_probes[VNS_VH_P_CAN_BUSY].state == VNS_PROBE_ATTACHED;
}

/*
 * Whether signals and suppressed mean anything: without an eventfd probe
 * every signal would look suppressed.  Under vns_lock (probe states).
 */
static bool vns_vh_signals_known(void)
{
	return vns_vh_probes[VNS_VH_P_EVENTFD].state == VNS_PROBE_ATTACHED ||
	       vns_vh_probes[VNS_VH_P_EVENTFD_MASK].state ==
	       VNS_PROBE_ATTACHED;
}

/* ---- tables ---- */

static unsigned int vns_vh_nr(void)
{
	return roundup_pow_of_two(clamp(vhost_entries, 4U, 65536U));
}

static unsigned int vns_vh_tasks_nr(void)
{
	return roundup_pow_of_two(clamp(vhost_tasks, 4U, 65536U));
}

static u64 vns_vh_mem_size(const struct vns_settings *s)
{
	unsigned int nr = vns_vh_nr(), tasks = vns_vh_tasks_nr();

	return sizeof(struct vns_vhost) + (u64)nr * sizeof(struct vns_vhq) +
	       vns_tasks_mem_size(tasks) +
	       (u64)tasks * sizeof(struct vns_vh_run) +
	       vns_tasks_mem_size(VNS_VH_RELEASES) +
	       (u64)num_possible_cpus() *
	       (nr * sizeof(struct vns_vhq_stats) + sizeof(void *) +
		sizeof(struct vns_vh_cpu));
}

/* One CPU's counters: its array of @v->nr (too big for alloc_percpu) */
static size_t vns_vh_stats_size(const struct vns_vhost *v)
{
	return v->nr * sizeof(struct vns_vhq_stats);
}

static void vns_vh_free(struct vns_collector *c)
{
	struct vns_vhost *v = vns_vh;
	unsigned int cpu;

	if (!v)
		return;
	WRITE_ONCE(vns_vh, NULL);
	if (v->stats)
		for_each_possible_cpu(cpu)
			vfree(v->stats[cpu]);
	kfree(v->stats);
	free_percpu(v->cpu);
	vns_tasks_free(&v->tasks);
	vns_tasks_free(&v->rel);
	vfree(v->run);
	vfree(v->q);
	vfree(v);
}

/*
 * The handlers waited for, not the probed functions: a run or a release
 * in flight finds its slot in a new generation, and leaves it alone.
 */
static void vns_vh_clear(struct vns_collector *c)
{
	struct vns_vhost *v = vns_vh;
	unsigned int cpu;

	memset(v->q, 0, v->nr * sizeof(*v->q));
	memset(v->run, 0, v->tasks.nr * sizeof(*v->run));
	memset(v->rel_net, 0, sizeof(v->rel_net));
	vns_tasks_reset(&v->tasks);
	vns_tasks_reset(&v->rel);
	for_each_possible_cpu(cpu) {
		memset(v->stats[cpu], 0, vns_vh_stats_size(v));
		memset(per_cpu_ptr(v->cpu, cpu), 0, sizeof(struct vns_vh_cpu));
	}
}

static int vns_vh_alloc(struct vns_collector *c)
{
	struct vns_vhost *v;
	unsigned int cpu;
	int err = 0;

	vns_sock_key_init();
	v = vzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->nr = vns_vh_nr();
	v->q = vzalloc(v->nr * sizeof(*v->q));
	v->stats = kcalloc(nr_cpu_ids, sizeof(*v->stats), GFP_KERNEL);
	for_each_possible_cpu(cpu)
		if (v->stats)
			v->stats[cpu] = vzalloc_node(vns_vh_stats_size(v),
						     cpu_to_node(cpu));
	v->cpu = alloc_percpu(struct vns_vh_cpu);
	if (vns_tasks_alloc(&v->tasks, vns_vh_tasks_nr()) ||
	    vns_tasks_alloc(&v->rel, VNS_VH_RELEASES))
		err = -ENOMEM;
	else
		v->run = vzalloc(array_size(v->tasks.nr, sizeof(*v->run)));
	vns_vh = v;
	for_each_possible_cpu(cpu)
		if (v->stats && !v->stats[cpu])
			err = -ENOMEM;
	if (!v->q || !v->stats || !v->cpu || !v->run || err) {
		vns_vh_free(c);
		return -ENOMEM;
	}
	vns_vh_clear(c);
	return 0;
}

static void vns_vh_status(struct vns_collector *c, struct vns_coll_status *st)
{
	struct vns_vhost *v = vns_vh;
	u64 runs = 0, pkts = 0, sig = 0, sup = 0, evicted = 0, gone = 0;
	u64 busy = 0;
	unsigned int cpu, i;
	u64 key;

	st->capacity = v->nr;
	for (i = 0; i < v->nr; i++) {
		key = READ_ONCE(v->q[i].key);
		st->entries += vns_vh_key_used(key);
		gone += vns_vh_key_gone(key);
	}
	for_each_possible_cpu(cpu) {
		struct vns_vhq_stats *s = v->stats[cpu];

		st->lost += READ_ONCE(per_cpu_ptr(v->cpu, cpu)->lost);
		evicted += READ_ONCE(per_cpu_ptr(v->cpu, cpu)->evicted);
		for (i = 0; i < v->nr; i++) {
			runs += READ_ONCE(s[i].runs_kick) +
				READ_ONCE(s[i].runs_net);
			pkts += READ_ONCE(s[i].packets);
			busy += READ_ONCE(s[i].busy_loops);
			sig += READ_ONCE(s[i].signals);
			sup += READ_ONCE(s[i].suppressed);
		}
	}
	vns_status_counter(st, "runs", runs);
	vns_status_counter(st, "packets", pkts);
	if (vns_vh_busy_known())
		vns_status_counter(st, "busy_loops", busy);
	/* unknown: the eventfd probes' reasons are in the probe list */
	vns_status_counter(st, "signals_known", vns_vh_signals_known());
	if (vns_vh_signals_known()) {
		vns_status_counter(st, "signals", sig);
		vns_status_counter(st, "suppressed", sup);
	}
	/* devices' virtqueues released: since enable; gone, still shown */
	vns_status_counter(st, "evicted", evicted);
	vns_status_counter(st, "gone", gone);
}

static void vns_vh_sum(struct vns_vhq_stats *d, const struct vns_vhq_stats *s)
{
	d->runs_kick += READ_ONCE(s->runs_kick);
	d->runs_net += READ_ONCE(s->runs_net);
	d->packets += READ_ONCE(s->packets);
	d->bytes += READ_ONCE(s->bytes);
	d->signals += READ_ONCE(s->signals);
	d->suppressed += READ_ONCE(s->suppressed);
	d->empty += READ_ONCE(s->empty);
	d->raced += READ_ONCE(s->raced);
	d->busy_loops += READ_ONCE(s->busy_loops);
	d->busy_ns += READ_ONCE(s->busy_ns);
	vns_hist_merge(&d->pkts, &s->pkts);
	vns_hist_merge(&d->byts, &s->byts);
	vns_hist_merge(&d->time, &s->time);
}

static struct vns_snap *vns_vh_snapshot(struct vns_collector *c)
{
	struct vns_vhost *v = vns_vh;
	struct vns_vhost_rec *r;
	struct vns_snap *snap;
	unsigned int i, cpu, n = 0;
	bool known, busy, busy_ns;

	lockdep_assert_held(&vns_lock);
	if (!vns_vhost_collector.on || !v)
		return NULL;
	snap = vns_snap_alloc(v->nr, sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	r = vns_snap_recs(snap, struct vns_vhost_rec);
	known = vns_vh_signals_known();
	busy = vns_vh_busy_known();
	busy_ns = vns_vh_busy_ns_known();
	for (i = 0; i < v->nr; i++) {
		const struct vns_vhq *q = &v->q[i];
		/* pairs with vns_vh_lookup(): the fields written first */
		u64 key = smp_load_acquire(&q->key);

		if (!vns_vh_key_used(key))
			continue;
		r[n].dir = key & 1;
		r[n].gone = vns_vh_key_gone(key);
		r[n].id = READ_ONCE(q->id);
		r[n].worker = READ_ONCE(q->worker);
		r[n].qemu_pid = READ_ONCE(q->qemu_pid);
		r[n].sock_id = READ_ONCE(q->sock_id);
		for_each_possible_cpu(cpu)
			vns_vh_sum(&r[n].s, v->stats[cpu] + i);
		r[n].signals_known = known;
		r[n].busy_known = busy;
		r[n].busy_ns_known = busy_ns;
		n++;
	}
	snap->nr = n;
	return snap;
}

/* ---- the record over netlink (VNS_CMD_VHOST_GET) ---- */

static int vns_vh_fill(struct sk_buff *skb, const struct vns_snap *s,
		       const void *rec)
{
	const struct vns_vhost_rec *r = rec;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VNS_A_VHOST);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VNS_VHOST_A_ID, r->id) ||
	    nla_put_u8(skb, VNS_VHOST_A_DIR, r->dir) ||
	    nla_put_u32(skb, VNS_VHOST_A_WORKER, r->worker) ||
	    (r->qemu_pid &&
	     nla_put_u32(skb, VNS_VHOST_A_QEMU_PID, r->qemu_pid)) ||
	    (r->sock_id && nla_put_u32(skb, VNS_VHOST_A_SOCK, r->sock_id)) ||
	    vns_nla_put_u64(skb, VNS_VHOST_A_RUNS_KICK, r->s.runs_kick,
			    VNS_VHOST_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_VHOST_A_RUNS_NET, r->s.runs_net,
			    VNS_VHOST_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_VHOST_A_PACKETS, r->s.packets,
			    VNS_VHOST_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_VHOST_A_BYTES, r->s.bytes,
			    VNS_VHOST_A_PAD) ||
	    vns_nl_put_hist(skb, VNS_VHOST_A_PKT_HIST, &r->s.pkts) ||
	    vns_nl_put_hist(skb, VNS_VHOST_A_BYTE_HIST, &r->s.byts) ||
	    vns_nl_put_hist(skb, VNS_VHOST_A_TIME_HIST, &r->s.time) ||
	    (r->signals_known &&
	     (vns_nla_put_u64(skb, VNS_VHOST_A_SIGNALS, r->s.signals,
			      VNS_VHOST_A_PAD) ||
	      vns_nla_put_u64(skb, VNS_VHOST_A_SUPPRESSED, r->s.suppressed,
			      VNS_VHOST_A_PAD))) ||
	    vns_nla_put_u64(skb, VNS_VHOST_A_EMPTY, r->s.empty,
			    VNS_VHOST_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_VHOST_A_EMPTY_RACED, r->s.raced,
			    VNS_VHOST_A_PAD) ||
	    (r->gone && nla_put_flag(skb, VNS_VHOST_A_GONE)) ||
	    (r->busy_known &&
	     vns_nla_put_u64(skb, VNS_VHOST_A_BUSY_LOOPS, r->s.busy_loops,
			     VNS_VHOST_A_PAD)) ||
	    (r->busy_ns_known &&
	     vns_nla_put_u64(skb, VNS_VHOST_A_BUSY_NS, r->s.busy_ns,
			     VNS_VHOST_A_PAD))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* ---- the record in the text view ---- */

static void vns_vh_show(struct seq_file *m, const struct vns_snap *s,
			const void *rec)
{
	const struct vns_vhost_rec *r = rec;

	seq_printf(m,
		   "id=%08x dir=%s worker=%u qemu_pid=%u sock=%08x runs_kick=%llu runs_net=%llu packets=%llu bytes=%llu",
		   r->id, r->dir == VNS_VHOST_TX ? "tx" : "rx", r->worker,
		   r->qemu_pid, r->sock_id, r->s.runs_kick, r->s.runs_net,
		   r->s.packets, r->s.bytes);
	if (r->signals_known)
		seq_printf(m, " signals=%llu suppressed=%llu", r->s.signals,
			   r->s.suppressed);
	else
		seq_puts(m, " signals=- suppressed=-");
	seq_printf(m, " empty=%llu empty_raced=%llu gone=%d", r->s.empty,
		   r->s.raced, r->gone);
	if (r->busy_known)
		seq_printf(m, " busy_loops=%llu", r->s.busy_loops);
	else
		seq_puts(m, " busy_loops=-");
	if (r->busy_ns_known)
		seq_printf(m, " busy_ns=%llu", r->s.busy_ns);
	else
		seq_puts(m, " busy_ns=-");
	vns_seq_hist(m, "pkt_hist", &r->s.pkts);
	vns_seq_hist(m, "byte_hist", &r->s.byts);
	vns_seq_hist(m, "time_hist_us", &r->s.time);
	seq_putc(m, '\n');
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_vhost_collector = {
	.name = "vhost",
	.probes = vns_vh_probes,
	.nr_probes = ARRAY_SIZE(vns_vh_probes),
	.alloc = vns_vh_alloc,
	.mem_size = vns_vh_mem_size,
	.free = vns_vh_free,
	.clear = vns_vh_clear,
	.status = vns_vh_status,
	.nl_cmd = VNS_CMD_VHOST_GET,
	.rec_size = sizeof(struct vns_vhost_rec),
	.snapshot = vns_vh_snapshot,
	.fill = vns_vh_fill,
	.show = vns_vh_show,
};

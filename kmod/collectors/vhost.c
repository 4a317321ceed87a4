// SPDX-License-Identifier: GPL-2.0
/*
 * The vhost collector: per vhost-net virtqueue (a vhost-net device's RX or
 * TX queue), the runs of its worker (handle_rx, handle_tx) by what started
 * them, the packets, bytes and time of each run, the guest notifications it
 * sent or did not send, and how often it found the ring empty; with the
 * worker's pid, qemu's pid (the worker is named "vhost-<qemu pid>") and the
 * TUN socket the queue serves (its id is the tun collector's).
 *
 * vhost's structures (struct vhost_net, vhost_virtqueue) are private: no
 * handler reads them.  What they use:
 *  - handle_rx(net), handle_tx(net) (vhost_net.ko, static, called by the
 *    work callbacks): a kretprobe, the run's time; @net is the device,
 *    known by an opaque id.
 *  - The work callbacks handle_{rx,tx}_{kick,net}: a kick from the guest
 *    (the virtqueue's kick eventfd) or the socket's wakeup; they call
 *    handle_rx/tx right away on the same CPU.
 *  - Within a run, by the worker itself: tun_recvmsg() returns each
 *    packet's length (RX), tun_sendmsg() takes one packet or a batch of XDP
 *    buffers (TX), both on the TUN queue's socket; vhost_signal(),
 *    vhost_add_used_and_signal() and vhost_add_used_and_signal_n() (vhost.ko,
 *    exported: the latter inlines the former) decide whether to notify the
 *    guest, which they do with eventfd_signal() (eventfd_signal_mask()
 *    6.8+): a decision without it was suppressed (the guest asked for no
 *    interrupt, or no call eventfd); vhost_enable_notify() returns false
 *    when the ring was still empty after notifications were turned back on.
 * A run may sleep and migrate: its state is the worker's task slot
 * (core/task.h), added to the per-CPU counters when it ends.
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/net.h>
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

#define VNS_VHOST_PROBES	16

enum { VNS_VH_CAUSE_NONE, VNS_VH_CAUSE_KICK, VNS_VH_CAUSE_NET };

/* A virtqueue: its key and what it is attached to, shared by all CPUs */
struct vns_vhq {
	u64 key;			/* net | dir; 0: free */
	u32 id;				/* opaque id of net */
	u32 worker, qemu_pid, sock_id;
};

struct vns_vhq_stats {
	u64 runs_kick, runs_net, packets, bytes;
	u64 signals, suppressed, empty, raced;
	struct vns_hist pkts, byts, time;
};

/* A run in progress, in its worker's task slot */
struct vns_vh_run {
	unsigned long net;
	u8 dir, cause;
	u8 sig_depth;
	bool sig_sent;
	u64 start_ns;
	u64 packets, bytes;
	u64 signals, suppressed, empty, raced;
	const void *sk;
};

/* The work callback that just started on this CPU: its cause */
struct vns_vh_cpu {
	struct task_struct *task;
	u8 cause;
	u64 lost;
};

struct vns_vhost {
	unsigned int nr;
	struct vns_vhq *q;
	struct vns_vhq_stats **stats;	/* nr_cpu_ids arrays of nr */
	struct vns_vh_cpu __percpu *cpu;
	struct task_struct *owners[VNS_TASK_SLOTS];
	struct vns_vh_run run[VNS_TASK_SLOTS];
};

static struct vns_vhost *vns_vh;

struct vns_vhost_rec {
	u32 id, worker, qemu_pid, sock_id;
	u8 dir;
	bool signals_known;
	struct vns_vhq_stats s;
};

/* The run of the current task, or NULL */
static struct vns_vh_run *vns_vh_current(struct vns_vhost *v)
{
	int n;

	if (!v)
		return NULL;
	n = vns_task_slot(v->owners);
	return n < 0 ? NULL : &v->run[n];
}

static int vns_vh_entry(struct vns_vhost *v, unsigned long net, u8 dir)
{
	u64 key = (u64)net | dir;
	unsigned int h = hash_64(key, 32), i;

	for (i = 0; i < VNS_VHOST_PROBES && i < v->nr; i++) {
		unsigned int n = (h + i) & (v->nr - 1);
		struct vns_vhq *q = &v->q[n];
		u64 cur = READ_ONCE(q->key);

		if (cur == key)
			return n;
		if (!cur && !cmpxchg(&q->key, 0, key)) {
			WRITE_ONCE(q->id, vns_sock_id((void *)net));
			return n;
		}
		if (READ_ONCE(q->key) == key)
			return n;
	}
	return -1;
}

/*
 * qemu's pid (its tgid, as kvm's) from worker @p.  6.4+: the worker is a
 * vhost_task, a thread of qemu (not PF_KTHREAD): its tgid.  Before 6.4 it
 * is a kthread named "vhost-<pid>", the pid of the qemu thread that did
 * VHOST_SET_OWNER (a thread id: qemu's pid when that was its main thread).
 * 0 if none.
 */
static u32 vns_vh_qemu_pid(const struct task_struct *p)
{
	char comm[TASK_COMM_LEN];
	unsigned int pid;

	if (!(p->flags & PF_KTHREAD))
		return task_tgid_nr((struct task_struct *)p);
	memcpy(comm, p->comm, sizeof(comm));
	comm[TASK_COMM_LEN - 1] = '\0';
	if (strncmp(comm, "vhost-", 6) || kstrtouint(comm + 6, 10, &pid))
		return 0;
	return pid;
}

/* ---- the work callbacks: what started the run ---- */

static int vns_vh_cause(struct kprobe *kp, u8 cause)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_cpu *pc;

	vns_probe_hit(container_of(kp, struct vns_probe, kp));
	if (!vns_active(&vns_vhost_collector) || !v)
		return 0;
	pc = this_cpu_ptr(v->cpu);
	pc->task = current;
	pc->cause = cause;
	return 0;
}

static int vns_vh_kick(struct kprobe *kp, struct pt_regs *regs)
{
	return vns_vh_cause(kp, VNS_VH_CAUSE_KICK);
}

static int vns_vh_net(struct kprobe *kp, struct pt_regs *regs)
{
	return vns_vh_cause(kp, VNS_VH_CAUSE_NET);
}

/* ---- handle_rx(net), handle_tx(net): a run ---- */

#define VNS_VH_NR_PROBES	14
static struct vns_probe vns_vh_probes[VNS_VH_NR_PROBES];
enum {
	VNS_VH_P_RX, VNS_VH_P_TX, VNS_VH_P_RECV, VNS_VH_P_SEND,
	VNS_VH_P_SIGNAL, VNS_VH_P_SIGNAL1, VNS_VH_P_SIGNALN, VNS_VH_P_EMPTY,
	/* the last two */
	VNS_VH_P_EVENTFD = VNS_VH_NR_PROBES - 2, VNS_VH_P_EVENTFD_MASK,
};

static int vns_vh_run_in(struct kretprobe_instance *ri, struct pt_regs *regs,
			 u8 dir)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_run *r;
	struct vns_vh_cpu *pc;
	int n;

	*(int *)ri->data = -1;
	if (!vns_active(&vns_vhost_collector) || !v)
		return 0;
	pc = this_cpu_ptr(v->cpu);
	n = vns_task_claim(v->owners);
	if (n < 0) {
		pc->lost++;
		return 0;
	}
	r = &v->run[n];
	memset(r, 0, sizeof(*r));
	r->net = vns_kprobe_arg(regs, 0);
	r->dir = dir;
	if (pc->task == current) {
		r->cause = pc->cause;
		pc->task = NULL;
	}
	r->start_ns = ktime_get_ns();
	*(int *)ri->data = n;
	return 0;
}

static int vns_vh_rx_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	vns_probe_hit(&vns_vh_probes[VNS_VH_P_RX]);
	return vns_vh_run_in(ri, regs, VNS_VHOST_RX);
}

static int vns_vh_tx_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	vns_probe_hit(&vns_vh_probes[VNS_VH_P_TX]);
	return vns_vh_run_in(ri, regs, VNS_VHOST_TX);
}

static int vns_vh_run_out(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	int n = *(int *)ri->data, e;
	struct vns_vhq_stats *st;
	struct vns_vh_run *r;
	unsigned long flags;
	struct vns_vhq *q;
	u32 pid, qpid;

	if (n < 0 || !v)
		return 0;
	r = &v->run[n];
	local_irq_save(flags);
	e = vns_vh_entry(v, r->net, r->dir);
	if (e < 0) {
		this_cpu_ptr(v->cpu)->lost++;
		goto out;
	}
	q = &v->q[e];
	pid = task_pid_nr(current);
	if (READ_ONCE(q->worker) != pid) {
		qpid = vns_vh_qemu_pid(current);
		WRITE_ONCE(q->worker, pid);
		WRITE_ONCE(q->qemu_pid, qpid);
	}
	if (r->sk && READ_ONCE(q->sock_id) != vns_sock_id(r->sk))
		WRITE_ONCE(q->sock_id, vns_sock_id(r->sk));
	st = v->stats[smp_processor_id()] + e;
	if (r->cause == VNS_VH_CAUSE_KICK)
		st->runs_kick++;
	else if (r->cause == VNS_VH_CAUSE_NET)
		st->runs_net++;
	st->packets += r->packets;
	st->bytes += r->bytes;
	st->signals += r->signals;
	st->suppressed += r->suppressed;
	st->empty += r->empty;
	st->raced += r->raced;
	vns_hist_add(&st->pkts, r->packets);
	vns_hist_add(&st->byts, r->bytes);
	vns_hist_add(&st->time, (ktime_get_ns() - r->start_ns) /
				NSEC_PER_USEC);
out:
	local_irq_restore(flags);
	vns_task_release(v->owners, n);
	return 0;
}

/* ---- within a run: packets through TUN ---- */

struct vns_vh_io {
	int n;
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

	io->n = -1;
	r = vns_vh_current(v);
	if (!r)
		return NULL;
	io->n = r - v->run;
	sock = (struct socket *)vns_kprobe_arg(regs, 0);
	if (sock)
		r->sk = READ_ONCE(sock->sk);
	return r;
}

/* tun_recvmsg(sock, msg, len, flags): returns a packet's length */
static int vns_vh_recv_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	vns_probe_hit(&vns_vh_probes[VNS_VH_P_RECV]);
	vns_vh_io_in(ri, regs);
	return 0;
}

static int vns_vh_recv_out(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_io *io = (void *)ri->data;
	long ret = regs_return_value(regs);

	if (io->n < 0 || !v || ret <= 0)
		return 0;
	v->run[io->n].packets++;
	v->run[io->n].bytes += ret;
	return 0;
}

/* tun_sendmsg(sock, msg, len): one packet of len bytes, or a batch */
static int vns_vh_send_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vns_vh_io *io = (void *)ri->data;

	vns_probe_hit(&vns_vh_probes[VNS_VH_P_SEND]);
	if (!vns_vh_io_in(ri, regs))
		return 0;
	if (!vns_tun_msg_batch((const struct msghdr *)vns_kprobe_arg(regs, 1),
			       &io->packets, &io->bytes)) {
		io->packets = 1;
		io->bytes = vns_kprobe_arg(regs, 2);
	}
	return 0;
}

static int vns_vh_send_out(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_io *io = (void *)ri->data;

	if (io->n < 0 || !v || (long)regs_return_value(regs) < 0)
		return 0;
	v->run[io->n].packets += io->packets;
	v->run[io->n].bytes += io->bytes;
	return 0;
}

/* ---- within a run: notifications ---- */

#ifdef PF_USER_WORKER
#define VNS_PF_USER_WORKER	PF_USER_WORKER
#else
#define VNS_PF_USER_WORKER	0
#endif

static int vns_vh_sig_enter(struct kretprobe_instance *ri, int p)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_run *r;

	vns_probe_hit(&vns_vh_probes[p]);
	*(int *)ri->data = -1;
	r = vns_vh_current(v);
	if (!r)
		return 0;
	if (!r->sig_depth++)
		r->sig_sent = false;
	*(int *)ri->data = r - v->run;
	return 0;
}

static int vns_vh_sig_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return vns_vh_sig_enter(ri, VNS_VH_P_SIGNAL);
}

static int vns_vh_sig1_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return vns_vh_sig_enter(ri, VNS_VH_P_SIGNAL1);
}

static int vns_vh_sign_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return vns_vh_sig_enter(ri, VNS_VH_P_SIGNALN);
}

static int vns_vh_sig_out(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	int n = *(int *)ri->data;
	struct vns_vh_run *r;

	if (n < 0 || !v)
		return 0;
	r = &v->run[n];
	if (!r->sig_depth || --r->sig_depth)
		return 0;
	if (r->sig_sent)
		r->signals++;
	else
		r->suppressed++;
	return 0;
}

/* eventfd_signal(_mask)(): within a signal decision, the guest notified */
static int vns_vh_eventfd(struct kprobe *kp, struct pt_regs *regs)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_run *r;

	/* an interrupt on the worker's CPU is not the worker's */
	if (!v || in_interrupt())
		return 0;
	/*
	 * Before the scan of the task slots, for every eventfd user: a
	 * worker is a kthread, or (6.4+) a vhost_task, a PF_USER_WORKER.
	 */
	if (!(current->flags & (PF_KTHREAD | VNS_PF_USER_WORKER)))
		return 0;
	r = vns_vh_current(v);
	if (r && r->sig_depth) {
		vns_probe_hit(container_of(kp, struct vns_probe, kp));
		r->sig_sent = true;
	}
	return 0;
}

/* vhost_enable_notify(dev, vq): false, the ring is still empty */
static int vns_vh_empty_in(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	struct vns_vh_run *r;

	vns_probe_hit(&vns_vh_probes[VNS_VH_P_EMPTY]);
	r = vns_vh_current(v);
	*(int *)ri->data = r ? r - v->run : -1;
	return 0;
}

static int vns_vh_empty_out(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct vns_vhost *v = READ_ONCE(vns_vh);
	int n = *(int *)ri->data;

	if (n < 0 || !v)
		return 0;
	if (regs_return_value(regs) & 0xff)
		v->run[n].raced++;
	else
		v->run[n].empty++;
	return 0;
}

#define VNS_VH_NET	(IS_BUILTIN(CONFIG_VHOST_NET) ? NULL : "vhost_net")
#define VNS_VH_CORE	(IS_BUILTIN(CONFIG_VHOST) ? NULL : "vhost")
#define VNS_VH_TUN	(IS_BUILTIN(CONFIG_TUN) ? NULL : "tun")

#define VNS_VH_KRP(sym, mod, in, out, size, req)		\
	{							\
		.name = sym,					\
		.module = mod,					\
		.type = VNS_PROBE_KRETPROBE,			\
		.required = req,				\
		.krp_entry = in,				\
		.krp_ret = out,					\
		.krp_data_size = size,				\
	}

/* One whose handler reads arguments: see VNS_*ARGS_UNAVAIL */
#define VNS_VH_KRP_ARGS(sym, mod, in, out, size, req, why)	\
	{							\
		.name = sym,					\
		.module = mod,					\
		.type = VNS_PROBE_KRETPROBE,			\
		.required = req,				\
		.krp_entry = in,				\
		.krp_ret = out,					\
		.krp_data_size = size,				\
		.unavail = why,					\
	}

#define VNS_VH_KP(sym, mod, fn)					\
	{							\
		.name = sym,					\
		.module = mod,					\
		.type = VNS_PROBE_KPROBE,			\
		.kp_pre = fn,					\
	}

/* Order: enum VNS_VH_P_* first */
static struct vns_probe vns_vh_probes[VNS_VH_NR_PROBES] = {
	VNS_VH_KRP_ARGS("handle_rx", VNS_VH_NET, vns_vh_rx_in, vns_vh_run_out,
			sizeof(int), true, VNS_ARGS_UNAVAIL),
	VNS_VH_KRP_ARGS("handle_tx", VNS_VH_NET, vns_vh_tx_in, vns_vh_run_out,
			sizeof(int), true, VNS_ARGS_UNAVAIL),
	/* 3.10: (iocb, sock, msg, len): &msg would be read as a length */
	VNS_VH_KRP_ARGS("tun_recvmsg", VNS_VH_TUN, vns_vh_recv_in,
			vns_vh_recv_out, sizeof(struct vns_vh_io), false,
			VNS_SOCK_ARGS_UNAVAIL),
	VNS_VH_KRP_ARGS("tun_sendmsg", VNS_VH_TUN, vns_vh_send_in,
			vns_vh_send_out, sizeof(struct vns_vh_io), false,
			VNS_SOCK_ARGS_UNAVAIL),
	VNS_VH_KRP("vhost_signal", VNS_VH_CORE, vns_vh_sig_in, vns_vh_sig_out,
		   sizeof(int), false),
	VNS_VH_KRP("vhost_add_used_and_signal", VNS_VH_CORE, vns_vh_sig1_in,
		   vns_vh_sig_out, sizeof(int), false),
	VNS_VH_KRP("vhost_add_used_and_signal_n", VNS_VH_CORE, vns_vh_sign_in,
		   vns_vh_sig_out, sizeof(int), false),
	VNS_VH_KRP("vhost_enable_notify", VNS_VH_CORE, vns_vh_empty_in,
		   vns_vh_empty_out, sizeof(int), false),
	VNS_VH_KP("handle_rx_kick", VNS_VH_NET, vns_vh_kick),
	VNS_VH_KP("handle_tx_kick", VNS_VH_NET, vns_vh_kick),
	VNS_VH_KP("handle_rx_net", VNS_VH_NET, vns_vh_net),
	VNS_VH_KP("handle_tx_net", VNS_VH_NET, vns_vh_net),
	/* 6.8+: eventfd_signal() is an inline around eventfd_signal_mask() */
	VNS_VH_KP("eventfd_signal", NULL, vns_vh_eventfd),
	VNS_VH_KP("eventfd_signal_mask", NULL, vns_vh_eventfd),
};

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

static u64 vns_vh_mem_size(const struct vns_settings *s)
{
	unsigned int nr = vns_vh_nr();

	return sizeof(struct vns_vhost) + (u64)nr * sizeof(struct vns_vhq) +
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
	vfree(v->q);
	vfree(v);
}

static void vns_vh_clear(struct vns_collector *c)
{
	struct vns_vhost *v = vns_vh;
	unsigned int cpu;

	memset(v->q, 0, v->nr * sizeof(*v->q));
	memset(v->owners, 0, sizeof(v->owners));
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
	vns_vh = v;
	for_each_possible_cpu(cpu)
		if (v->stats && !v->stats[cpu])
			err = -ENOMEM;
	if (!v->q || !v->stats || !v->cpu || err) {
		vns_vh_free(c);
		return -ENOMEM;
	}
	vns_vh_clear(c);
	return 0;
}

static void vns_vh_status(struct vns_collector *c, struct vns_coll_status *st)
{
	struct vns_vhost *v = vns_vh;
	u64 runs = 0, pkts = 0, sig = 0, sup = 0;
	unsigned int cpu, i;

	st->capacity = v->nr;
	for (i = 0; i < v->nr; i++)
		if (READ_ONCE(v->q[i].key))
			st->entries++;
	for_each_possible_cpu(cpu) {
		struct vns_vhq_stats *s = v->stats[cpu];

		st->lost += READ_ONCE(per_cpu_ptr(v->cpu, cpu)->lost);
		for (i = 0; i < v->nr; i++) {
			runs += READ_ONCE(s[i].runs_kick) +
				READ_ONCE(s[i].runs_net);
			pkts += READ_ONCE(s[i].packets);
			sig += READ_ONCE(s[i].signals);
			sup += READ_ONCE(s[i].suppressed);
		}
	}
	vns_status_counter(st, "runs", runs);
	vns_status_counter(st, "packets", pkts);
	/* unknown: the eventfd probes' reasons are in the probe list */
	vns_status_counter(st, "signals_known", vns_vh_signals_known());
	if (vns_vh_signals_known()) {
		vns_status_counter(st, "signals", sig);
		vns_status_counter(st, "suppressed", sup);
	}
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
	bool known;

	lockdep_assert_held(&vns_lock);
	if (!vns_vhost_collector.on || !v)
		return NULL;
	snap = vns_snap_alloc(v->nr, sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	r = vns_snap_recs(snap, struct vns_vhost_rec);
	known = vns_vh_signals_known();
	for (i = 0; i < v->nr; i++) {
		const struct vns_vhq *q = &v->q[i];
		u64 key = READ_ONCE(q->key);

		if (!key)
			continue;
		r[n].dir = key & 1;
		r[n].id = READ_ONCE(q->id);
		r[n].worker = READ_ONCE(q->worker);
		r[n].qemu_pid = READ_ONCE(q->qemu_pid);
		r[n].sock_id = READ_ONCE(q->sock_id);
		for_each_possible_cpu(cpu)
			vns_vh_sum(&r[n].s, v->stats[cpu] + i);
		r[n].signals_known = known;
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
			    VNS_VHOST_A_PAD)) {
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
	seq_printf(m, " empty=%llu empty_raced=%llu", r->s.empty,
		   r->s.raced);
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

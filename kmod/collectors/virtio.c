// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio collector, for a guest: per virtqueue of a virtio-net device,
 * its NAPI polls and its interrupts.
 *
 * - virtnet_poll(napi, budget) (virtio_net, the NAPI poll callback: its
 *   address is taken, so it is out of line), a kretprobe: its return value
 *   is the packets the poll took.  Its caller, from the context at its
 *   entry: net_rx_action() runs it in a softirq (in_serving_softirq());
 *   napi_busy_loop() (a socket with SO_BUSY_POLL, net.core.busy_poll;
 *   io_uring) in the busy-polling task with bottom halves only disabled
 *   (not PF_KTHREAD); a kernel thread (threaded NAPI) and netpoll (budget
 *   0, any context) are "other", and a netpoll call, which only cleans the
 *   send queue, is never a full poll.  Only netpoll calls it in a hardirq,
 *   and in_task() is no test here: x86's int3 kprobes (5.8+) run inside
 *   nmi_enter().
 * - Which queue: receive_queue is private to virtio_net.c, but the poll
 *   takes buffers from its virtqueue (virtqueue_get_buf[_ctx]() and
 *   virtqueue_enable_cb_prepare(), exported by virtio_ring): the first
 *   receive virtqueue (even index; the send queue of the same pair, which
 *   a poll may clean, is odd) such a call names inside the poll, on this
 *   CPU, is the poll's.  struct virtqueue is public: name ("input.0"),
 *   index, vdev.
 * - vring_interrupt(irq, vq), a kretprobe: IRQ_NONE when the ring had
 *   nothing new (a shared line's other queue, or a spurious interrupt).
 *   Only a virtio-net device's queues (vq->vdev->id.device), not blk's
 *   or console's.
 * - try_fill_recv() (static; where the compiler kept it out of line)
 *   returning false: a receive refill failure, the queue's if in a poll.
 * - __report_bad_irq(desc, ret) (kernel/irq/spurious.c, static): the
 *   kernel's "irq N: nobody cared", after which it disables the IRQ;
 *   joined to the virtqueues by IRQ number when read.  Its other report,
 *   "bogus return value" (ret above IRQ_HANDLED | IRQ_WAKE_THREAD), is
 *   not counted; neither is anything where the prototype is the old
 *   (irq, desc, ret), whose second argument is no such value.
 *
 * - start_xmit(skb, dev) (virtio_net, static: its address is in
 *   netdev_ops), a kretprobe: the send queue's packets (NETDEV_TX_OK), and a
 *   stop, the queue running at entry and stopped (__QUEUE_STATE_DRV_XOFF)
 *   at return: the driver stops it (netif_stop_subqueue(), inline) when
 *   its ring has too few free slots.  The return handler runs before the
 *   caller drops the queue's xmit lock.  The driver's stops only
 *   (__QUEUE_STATE_DRV_XOFF), not byte queue limits' (6.11+).
 * - netif_tx_wake_queue(txq) (out of line in every kernel here, RHEL 7's
 *   3.10 included; where inlined, that probe is unavailable), a kprobe:
 *   a wake, of a stopped queue of a device whose ndo_start_xmit is
 *   virtio_net's (learned in start_xmit).  The TX completion
 *   (virtnet_poll_tx(), skb_xmit_done(), the RX poll's clean-up) wakes
 *   the queue with it.  A queue is netdev_queue N of the
 *   device: virtqueue 2N + 1 ("output.N") of its virtio device, the
 *   record it joins when read.
 *
 * Tables: per CPU, open-addressed by virtqueue (or NAPI context while the
 * queue is not known), sized at enable (virtio_entries), full: lost;
 * summed over the CPUs when read.
 */
#include <linux/hash.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/virtio.h>
#include <linux/virtio_ids.h>

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "../netlink/fill.h"
#include "../views/text.h"

static unsigned int virtio_entries = 64;
module_param(virtio_entries, uint, 0444);
MODULE_PARM_DESC(virtio_entries,
		 "virtqueue entries per CPU of the virtio collector (default 64)");

#define VNS_VIO_PROBES		16
#define VNS_VIO_BAD_IRQS	8
#define VNS_VIO_NAME_MAX	16

enum {
	VNS_VIO_POLL_SOFTIRQ,
	VNS_VIO_POLL_BUSY,
	VNS_VIO_POLL_OTHER,
	VNS_VIO_PACKETS,
	VNS_VIO_PACKETS_BUSY,
	VNS_VIO_POLL_FULL,
	VNS_VIO_IRQS,
	VNS_VIO_IRQ_NONE,
	VNS_VIO_REFILL_FAIL,
	VNS_VIO_NOBODY_CARED,
	VNS_VIO_XMITS,
	VNS_VIO_TX_STOPS,
	VNS_VIO_TX_WAKES,
	VNS_VIO_NR
};

struct vns_vio_ent {
	unsigned long key;		/* the vq, napi or txq; 0: free */
	bool is_vq;
	bool is_txq;			/* a netdev_queue: joins its vq */
	u32 vdev, index, irq;		/* VNS_VIRTIO_NONE: not known */
	char name[VNS_VIO_NAME_MAX];
	char dev[IFNAMSIZ];
	u64 c[VNS_VIO_NR];
	struct vns_hist pkts;		/* packets a poll */
};

struct vns_vio_bad {
	u32 irq;
	u64 count;			/* 0: free */
};

struct vns_vio_cpu {
	/* this CPU's poll (bottom halves off): its virtqueue once known */
	bool in_poll;
	unsigned long poll_vq;
	u32 poll_refill_fail;
	u64 lost;
	u64 refill_fail_other;		/* outside a poll (refill work, open) */
	struct vns_vio_bad bad[VNS_VIO_BAD_IRQS];
	struct vns_vio_ent ent[];
};

struct vns_vio {
	unsigned int n;
	struct vns_vio_cpu *cpu[];
};

static struct vns_vio *vns_vio;

enum {
	VNS_VIO_P_POLL,
	VNS_VIO_P_GET_BUF_CTX,
	VNS_VIO_P_GET_BUF,
	VNS_VIO_P_CB_PREPARE,
	VNS_VIO_P_INTERRUPT,
	VNS_VIO_P_REFILL,
	VNS_VIO_P_BAD_IRQ,
	VNS_VIO_P_XMIT,
	VNS_VIO_P_WAKE,
};

/* virtio_net's start_xmit, as netdev_ops has it: learned in start_xmit */
static void *vns_vio_xmit_fn;

static struct vns_probe vns_vio_probes[];

static unsigned int vns_vio_entries(void)
{
	return clamp(virtio_entries, 16U, 65536U);
}

static void vns_vio_copy(char *d, const char *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n - 1 && s[i]; i++)
		d[i] = s[i];
	d[i] = '\0';
}

/* The entry of @key in @pc, claimed if new; NULL (lost) if full */
static struct vns_vio_ent *vns_vio_ent(struct vns_vio *v,
				       struct vns_vio_cpu *pc,
				       unsigned long key, bool is_vq)
{
	unsigned int i, h = hash_long(key, 32) % v->n;

	for (i = 0; i < VNS_VIO_PROBES && i < v->n; i++) {
		struct vns_vio_ent *e = &pc->ent[(h + i) % v->n];

		if (e->key == key)
			return e;
		if (!e->key) {
			e->is_vq = is_vq;
			e->vdev = VNS_VIRTIO_NONE;
			e->index = VNS_VIRTIO_NONE;
			e->irq = VNS_VIRTIO_NONE;
			/* readers see key set only with the rest */
			smp_store_release(&e->key, key);
			return e;
		}
	}
	pc->lost++;
	return NULL;
}

static void vns_vio_learn_vq(struct vns_vio_ent *e, struct virtqueue *vq)
{
	if (e->index != VNS_VIRTIO_NONE)
		return;
	e->vdev = vq->vdev ? vq->vdev->index : VNS_VIRTIO_NONE;
	vns_vio_copy(e->name, vq->name, sizeof(e->name));
	/* readers see index set only with vdev and name */
	smp_store_release(&e->index, vq->index);
}

struct vns_vio_poll_data {
	struct napi_struct *napi;
	int budget;
	u8 caller;			/* VNS_VIO_POLL_* */
};

VNS_KRETPROBE_ENTRY(vns_vio_poll_in)
{
	struct vns_vio_poll_data *d = (void *)ri->data;
	struct vns_vio_cpu *pc;
	struct vns_vio *v;

	v = READ_ONCE(vns_vio);
	if (!vns_active(&vns_virtio_collector) || !v)
		return 1;
	d->napi = (void *)vns_kprobe_arg(regs, 0);
	d->budget = (int)vns_kprobe_arg(regs, 1);
	pc = v->cpu[smp_processor_id()];
	if (!d->budget)
		d->caller = VNS_VIO_POLL_OTHER;		/* netpoll */
	else if (in_serving_softirq())
		d->caller = VNS_VIO_POLL_SOFTIRQ;
	else if (!(current->flags & PF_KTHREAD))
		d->caller = VNS_VIO_POLL_BUSY;
	else
		d->caller = VNS_VIO_POLL_OTHER;		/* threaded NAPI */
	pc->in_poll = true;
	pc->poll_vq = 0;
	pc->poll_refill_fail = 0;
	return 0;
}

VNS_KRETPROBE_RETURN(vns_vio_poll_out)
{
	struct vns_vio_poll_data *d = (void *)ri->data;
	long ret = (long)regs_return_value(regs);
	struct net_device *dev = d->napi ? d->napi->dev : NULL;
	struct vns_vio_cpu *pc;
	struct vns_vio_ent *e;
	struct vns_vio *v;
	unsigned long flags;

	v = READ_ONCE(vns_vio);
	if (!v)
		return 0;
	local_irq_save(flags);
	pc = v->cpu[smp_processor_id()];
	pc->in_poll = false;
	if (pc->poll_vq)
		e = vns_vio_ent(v, pc, pc->poll_vq, true);
	else
		e = vns_vio_ent(v, pc, (unsigned long)d->napi, false);
	if (!e)
		goto out;
	if (pc->poll_vq)
		vns_vio_learn_vq(e, (struct virtqueue *)pc->poll_vq);
	if (!e->dev[0] && dev)
		vns_vio_copy(e->dev, dev->name, sizeof(e->dev));
	e->c[d->caller]++;
	if (ret < 0)
		ret = 0;
	e->c[VNS_VIO_PACKETS] += ret;
	if (d->caller == VNS_VIO_POLL_BUSY)
		e->c[VNS_VIO_PACKETS_BUSY] += ret;
	if (d->budget && ret >= d->budget)
		e->c[VNS_VIO_POLL_FULL]++;
	vns_hist_add(&e->pkts, ret);
	e->c[VNS_VIO_REFILL_FAIL] += pc->poll_refill_fail;
out:
	pc->poll_vq = 0;
	pc->poll_refill_fail = 0;
	local_irq_restore(flags);
	return 0;
}

/* A virtqueue call inside this CPU's poll: the first receive queue's */
static void vns_vio_vq_seen(struct pt_regs *regs)
{
	struct virtqueue *vq = (void *)vns_kprobe_arg(regs, 0);
	struct vns_vio_cpu *pc;
	struct vns_vio *v;

	v = READ_ONCE(vns_vio);
	if (!vns_active(&vns_virtio_collector) || !v || !vq)
		return;
	pc = v->cpu[smp_processor_id()];
	if (pc->in_poll && !pc->poll_vq && !in_hardirq() && !(vq->index & 1))
		pc->poll_vq = (unsigned long)vq;
}

VNS_KPROBE_HANDLER(vns_vio_get_buf_ctx)
{
	vns_vio_vq_seen(regs);
	return 0;
}

VNS_KPROBE_HANDLER(vns_vio_get_buf)
{
	vns_vio_vq_seen(regs);
	return 0;
}

VNS_KPROBE_HANDLER(vns_vio_cb_prepare)
{
	vns_vio_vq_seen(regs);
	return 0;
}

struct vns_vio_irq_data {
	struct virtqueue *vq;
	u32 irq;
};

VNS_KRETPROBE_ENTRY(vns_vio_irq_in)
{
	struct vns_vio_irq_data *d = (void *)ri->data;

	if (!vns_active(&vns_virtio_collector) || !READ_ONCE(vns_vio))
		return 1;
	d->irq = (u32)vns_kprobe_arg(regs, 0);
	d->vq = (void *)vns_kprobe_arg(regs, 1);
	if (!d->vq || !d->vq->vdev || d->vq->vdev->id.device != VIRTIO_ID_NET)
		return 1;
	return 0;
}

VNS_KRETPROBE_RETURN(vns_vio_irq_out)
{
	struct vns_vio_irq_data *d = (void *)ri->data;
	irqreturn_t ret = (irqreturn_t)regs_return_value(regs);
	struct vns_vio_ent *e;
	struct vns_vio *v;
	unsigned long flags;

	v = READ_ONCE(vns_vio);
	if (!v)
		return 0;
	local_irq_save(flags);
	e = vns_vio_ent(v, v->cpu[smp_processor_id()], (unsigned long)d->vq,
			true);
	if (e) {
		vns_vio_learn_vq(e, d->vq);
		e->irq = d->irq;
		e->c[VNS_VIO_IRQS]++;
		if (ret == IRQ_NONE)
			e->c[VNS_VIO_IRQ_NONE]++;
	}
	local_irq_restore(flags);
	return 0;
}

/*
 * try_fill_recv(): reads no argument, but tells a refill within a poll
 * from one without by virtnet_poll()'s entry, which reads them: no
 * .no_args (without argument access every failure would count as out of
 * a poll)
 */
VNS_KRETPROBE_ENTRY(vns_vio_refill_in)
{
	return !vns_active(&vns_virtio_collector) || !READ_ONCE(vns_vio);
}

VNS_KRETPROBE_RETURN(vns_vio_refill_out)
{
	struct vns_vio *v = READ_ONCE(vns_vio);
	struct vns_vio_cpu *pc;
	unsigned long flags;

	/* bool: false is a failure (out of memory) */
	if (!v || (regs_return_value(regs) & 0xff))
		return 0;
	local_irq_save(flags);
	pc = v->cpu[smp_processor_id()];
	if (pc->in_poll && !in_hardirq())
		pc->poll_refill_fail++;
	else
		pc->refill_fail_other++;
	local_irq_restore(flags);
	return 0;
}

VNS_KPROBE_HANDLER(vns_vio_bad_irq)
{
	struct irq_desc *desc = (void *)vns_kprobe_arg(regs, 0);
	struct vns_vio_cpu *pc;
	struct vns_vio *v;
	unsigned long flags;
	unsigned int i;

	v = READ_ONCE(vns_vio);
	if (!vns_active(&vns_virtio_collector) || !v || !desc)
		return 0;
	/* "bogus return value", or the old prototype: desc is no desc */
	if ((u32)vns_kprobe_arg(regs, 1) > (IRQ_HANDLED | IRQ_WAKE_THREAD))
		return 0;
	local_irq_save(flags);
	pc = v->cpu[smp_processor_id()];
	for (i = 0; i < VNS_VIO_BAD_IRQS; i++) {
		struct vns_vio_bad *b = &pc->bad[i];

		if (b->count && b->irq != desc->irq_data.irq)
			continue;
		b->irq = desc->irq_data.irq;
		b->count++;
		break;
	}
	if (i == VNS_VIO_BAD_IRQS)
		pc->lost++;
	local_irq_restore(flags);
	return 0;
}

/* A send queue's entry: virtqueue 2N + 1 of the device's virtio device */
static struct vns_vio_ent *vns_vio_txq_ent(struct vns_vio *v,
					   struct netdev_queue *txq)
{
	struct vns_vio_cpu *pc = v->cpu[smp_processor_id()];
	struct net_device *dev = txq->dev;
	struct vns_vio_ent *e;
	unsigned int q;

	e = vns_vio_ent(v, pc, (unsigned long)txq, false);
	if (!e || e->index != VNS_VIRTIO_NONE)
		return e;
	e->is_txq = true;
	q = txq - dev->_tx;
	e->vdev = dev->dev.parent ? dev_to_virtio(dev->dev.parent)->index :
				    VNS_VIRTIO_NONE;
	vns_vio_copy(e->dev, dev->name, sizeof(e->dev));
	snprintf(e->name, sizeof(e->name), "output.%u", q);
	/* readers see index set only with vdev and name */
	smp_store_release(&e->index, 2 * q + 1);
	return e;
}

struct vns_vio_xmit_data {
	struct netdev_queue *txq;
	bool stopped;
};

VNS_KRETPROBE_ENTRY(vns_vio_xmit_in)
{
	struct vns_vio_xmit_data *d = (void *)ri->data;
	struct sk_buff *skb = (void *)vns_kprobe_arg(regs, 0);
	struct net_device *dev = (void *)vns_kprobe_arg(regs, 1);
	void *fn;

	if (!vns_active(&vns_virtio_collector) || !READ_ONCE(vns_vio) ||
	    !skb || !dev)
		return 1;
	/* virtio_net's, anew after a reload: the wake probe compares it */
	fn = dev->netdev_ops->ndo_start_xmit;
	if (READ_ONCE(vns_vio_xmit_fn) != fn)
		WRITE_ONCE(vns_vio_xmit_fn, fn);
	d->txq = netdev_get_tx_queue(dev, skb_get_queue_mapping(skb));
	d->stopped = netif_tx_queue_stopped(d->txq);
	return 0;
}

VNS_KRETPROBE_RETURN(vns_vio_xmit_out)
{
	struct vns_vio_xmit_data *d = (void *)ri->data;
	int ret = (int)regs_return_value(regs);
	struct vns_vio_ent *e;
	struct vns_vio *v;
	unsigned long flags;

	v = READ_ONCE(vns_vio);
	if (!v)
		return 0;
	local_irq_save(flags);
	e = vns_vio_txq_ent(v, d->txq);
	if (e) {
		if (ret == NETDEV_TX_OK)
			e->c[VNS_VIO_XMITS]++;
		if (!d->stopped && netif_tx_queue_stopped(d->txq))
			e->c[VNS_VIO_TX_STOPS]++;
	}
	local_irq_restore(flags);
	return 0;
}

VNS_KPROBE_HANDLER(vns_vio_wake)
{
	struct netdev_queue *txq = (void *)vns_kprobe_arg(regs, 0);
	void *fn = READ_ONCE(vns_vio_xmit_fn);
	struct vns_vio_ent *e;
	struct vns_vio *v;
	unsigned long flags;

	v = READ_ONCE(vns_vio);
	if (!vns_active(&vns_virtio_collector) || !v || !fn || !txq ||
	    !netif_tx_queue_stopped(txq) || !txq->dev ||
	    READ_ONCE(txq->dev->netdev_ops)->ndo_start_xmit != fn)
		return 0;
	local_irq_save(flags);
	e = vns_vio_txq_ent(v, txq);
	if (e)
		e->c[VNS_VIO_TX_WAKES]++;
	local_irq_restore(flags);
	return 0;
}

#define VNS_VIO_NET	(IS_BUILTIN(CONFIG_VIRTIO_NET) ? NULL : "virtio_net")
#define VNS_VIO_RING	(IS_BUILTIN(CONFIG_VIRTIO) ? NULL : "virtio_ring")

#define VNS_VIO_KPROBE(sym, mod, fn)				\
	{							\
		.name = sym,					\
		.module = mod,					\
		.type = VNS_PROBE_KPROBE,			\
		.kp_pre = fn,					\
	}

#define VNS_VIO_KRETPROBE(sym, mod, in, out, size)		\
	{							\
		.name = sym,					\
		.module = mod,					\
		.type = VNS_PROBE_KRETPROBE,			\
		.krp_entry = in,				\
		.krp_ret = out,					\
		.krp_data_size = size,				\
	}

static struct vns_probe vns_vio_probes[] = {
	[VNS_VIO_P_POLL] = VNS_VIO_KRETPROBE("virtnet_poll", VNS_VIO_NET,
					     vns_vio_poll_in, vns_vio_poll_out,
					     sizeof(struct vns_vio_poll_data)),
	[VNS_VIO_P_GET_BUF_CTX] = VNS_VIO_KPROBE("virtqueue_get_buf_ctx",
						 VNS_VIO_RING,
						 vns_vio_get_buf_ctx),
	[VNS_VIO_P_GET_BUF] = VNS_VIO_KPROBE("virtqueue_get_buf", VNS_VIO_RING,
					     vns_vio_get_buf),
	[VNS_VIO_P_CB_PREPARE] = VNS_VIO_KPROBE("virtqueue_enable_cb_prepare",
						VNS_VIO_RING,
						vns_vio_cb_prepare),
	[VNS_VIO_P_INTERRUPT] =
		VNS_VIO_KRETPROBE("vring_interrupt", VNS_VIO_RING,
				  vns_vio_irq_in, vns_vio_irq_out,
				  sizeof(struct vns_vio_irq_data)),
	[VNS_VIO_P_REFILL] = VNS_VIO_KRETPROBE("try_fill_recv", VNS_VIO_NET,
					       vns_vio_refill_in,
					       vns_vio_refill_out, 0),
	[VNS_VIO_P_BAD_IRQ] = VNS_VIO_KPROBE("__report_bad_irq", NULL,
					     vns_vio_bad_irq),
	[VNS_VIO_P_XMIT] = VNS_VIO_KRETPROBE("start_xmit", VNS_VIO_NET,
					     vns_vio_xmit_in, vns_vio_xmit_out,
					     sizeof(struct vns_vio_xmit_data)),
	[VNS_VIO_P_WAKE] = VNS_VIO_KPROBE("netif_tx_wake_queue", NULL,
					  vns_vio_wake),
};

static size_t vns_vio_cpu_size(unsigned int n)
{
	return struct_size((struct vns_vio_cpu *)NULL, ent, n);
}

static void vns_vio_free(struct vns_collector *c)
{
	struct vns_vio *v = vns_vio;
	int cpu;

	if (!v)
		return;
	WRITE_ONCE(vns_vio, NULL);
	for_each_possible_cpu(cpu)
		vfree(v->cpu[cpu]);
	kfree(v);
}

static void vns_vio_clear(struct vns_collector *c)
{
	struct vns_vio *v = vns_vio;
	int cpu;

	for_each_possible_cpu(cpu)
		memset(v->cpu[cpu], 0, vns_vio_cpu_size(v->n));
}

static u64 vns_vio_mem_size(const struct vns_settings *s)
{
	return (u64)vns_vio_cpu_size(vns_vio_entries()) * num_possible_cpus() +
	       struct_size((struct vns_vio *)NULL, cpu, nr_cpu_ids);
}

static int vns_vio_alloc(struct vns_collector *c)
{
	struct vns_vio *v;
	int cpu;

	v = kzalloc(struct_size(v, cpu, nr_cpu_ids), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->n = vns_vio_entries();
	vns_vio = v;
	for_each_possible_cpu(cpu) {
		v->cpu[cpu] = vzalloc_node(vns_vio_cpu_size(v->n),
					   cpu_to_node(cpu));
		if (!v->cpu[cpu]) {
			vns_vio_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

static void vns_vio_status(struct vns_collector *c, struct vns_coll_status *st)
{
	struct vns_vio *v = vns_vio;
	u64 sum[VNS_VIO_NR] = { 0 }, other = 0, bad = 0;
	unsigned int i, j;
	int cpu;

	st->capacity = v->n * num_possible_cpus();
	for_each_possible_cpu(cpu) {
		struct vns_vio_cpu *pc = v->cpu[cpu];

		st->lost += READ_ONCE(pc->lost);
		other += READ_ONCE(pc->refill_fail_other);
		for (i = 0; i < VNS_VIO_BAD_IRQS; i++)
			bad += READ_ONCE(pc->bad[i].count);
		for (i = 0; i < v->n; i++) {
			if (!READ_ONCE(pc->ent[i].key))
				continue;
			st->entries++;
			for (j = 0; j < VNS_VIO_NR; j++)
				sum[j] += READ_ONCE(pc->ent[i].c[j]);
		}
	}
	vns_status_counter(st, "polls_softirq", sum[VNS_VIO_POLL_SOFTIRQ]);
	vns_status_counter(st, "polls_busy", sum[VNS_VIO_POLL_BUSY]);
	vns_status_counter(st, "polls_other", sum[VNS_VIO_POLL_OTHER]);
	vns_status_counter(st, "packets", sum[VNS_VIO_PACKETS]);
	vns_status_counter(st, "irqs", sum[VNS_VIO_IRQS]);
	vns_status_counter(st, "irq_none", sum[VNS_VIO_IRQ_NONE]);
	vns_status_counter(st, "refill_fail",
			   sum[VNS_VIO_REFILL_FAIL] + other);
	vns_status_counter(st, "nobody_cared", bad);
	vns_status_counter(st, "xmits", sum[VNS_VIO_XMITS]);
	vns_status_counter(st, "tx_stops", sum[VNS_VIO_TX_STOPS]);
	vns_status_counter(st, "tx_wakes", sum[VNS_VIO_TX_WAKES]);
}

/*
 * A send queue's record into its virtqueue's (same virtio device and
 * index), where one was seen (its interrupts); the records left, packed.
 */
static unsigned int vns_vio_join_txq(struct vns_vio_ent *r, unsigned int n)
{
	unsigned int i, j, k, out = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; r[i].is_txq && r[i].index != VNS_VIRTIO_NONE &&
		     j < n; j++) {
			if (r[j].is_txq || r[j].index != r[i].index ||
			    r[j].vdev != r[i].vdev)
				continue;
			for (k = 0; k < VNS_VIO_NR; k++)
				r[j].c[k] += r[i].c[k];
			if (!r[j].dev[0])
				memcpy(r[j].dev, r[i].dev, sizeof(r[j].dev));
			r[i].key = 0;
			break;
		}
	}
	for (i = 0; i < n; i++)
		if (r[i].key || !r[i].is_txq)
			r[out++] = r[i];
	return out;
}

static struct vns_snap *vns_vio_snapshot(struct vns_collector *c)
{
	struct vns_vio *v = vns_vio;
	struct vns_vio_ent *r, *d;
	struct vns_snap *snap;
	unsigned int i, j, h, n = 0, nr = 0, mask;
	u32 idx, *slot;
	int cpu;

	lockdep_assert_held(&vns_lock);
	if (!vns_virtio_collector.on || !v)
		return NULL;
	for_each_possible_cpu(cpu)
		for (i = 0; i < v->n; i++)
			nr += !!READ_ONCE(v->cpu[cpu]->ent[i].key);
	nr += num_possible_cpus() * VNS_VIO_BAD_IRQS;
	snap = vns_snap_alloc(nr, sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	/* the records by key, open-addressed: 0 free, else index + 1 */
	mask = roundup_pow_of_two(2 * nr) - 1;
	slot = vzalloc(array_size(mask + 1, sizeof(*slot)));
	if (!slot) {
		vns_snap_free(snap);
		return ERR_PTR(-ENOMEM);
	}
	r = vns_snap_recs(snap, struct vns_vio_ent);
	for_each_possible_cpu(cpu) {
		struct vns_vio_cpu *pc = v->cpu[cpu];

		cond_resched();
		for (i = 0; i < v->n; i++) {
			struct vns_vio_ent *e = &pc->ent[i];
			/* pairs with vns_vio_ent(): the rest written first */
			unsigned long key = smp_load_acquire(&e->key);

			if (!key)
				continue;
			h = hash_long(key, 32) & mask;
			while (slot[h] && r[slot[h] - 1].key != key)
				h = (h + 1) & mask;
			j = slot[h] ? slot[h] - 1 : n;
			if (j == n) {
				if (n == nr)
					continue;
				slot[h] = n + 1;
				memset(&r[n], 0, sizeof(r[n]));
				r[n].key = key;
				r[n].vdev = VNS_VIRTIO_NONE;
				r[n].index = VNS_VIRTIO_NONE;
				r[n].irq = VNS_VIRTIO_NONE;
				n++;
			}
			d = &r[j];
			d->is_vq = e->is_vq;
			d->is_txq = e->is_txq;
			/* pairs with vns_vio_learn_vq() */
			idx = smp_load_acquire(&e->index);
			if (idx != VNS_VIRTIO_NONE) {
				d->index = idx;
				d->vdev = e->vdev;
				memcpy(d->name, e->name, sizeof(d->name));
				d->name[sizeof(d->name) - 1] = '\0';
			}
			if (READ_ONCE(e->irq) != VNS_VIRTIO_NONE)
				d->irq = e->irq;
			if (e->dev[0]) {
				memcpy(d->dev, e->dev, sizeof(d->dev));
				d->dev[sizeof(d->dev) - 1] = '\0';
			}
			for (j = 0; j < VNS_VIO_NR; j++)
				d->c[j] += READ_ONCE(e->c[j]);
			vns_hist_merge(&d->pkts, &e->pkts);
		}
	}
	vfree(slot);
	/* "nobody cared": to that IRQ's queues, else a record of its own */
	for_each_possible_cpu(cpu) {
		struct vns_vio_cpu *pc = v->cpu[cpu];

		cond_resched();
		for (i = 0; i < VNS_VIO_BAD_IRQS; i++) {
			u64 cnt = READ_ONCE(pc->bad[i].count);
			u32 irq = READ_ONCE(pc->bad[i].irq);
			bool found = false;

			if (!cnt)
				continue;
			for (j = 0; j < n; j++) {
				if (r[j].irq == irq) {
					r[j].c[VNS_VIO_NOBODY_CARED] += cnt;
					found = true;
				}
			}
			if (found || n == nr)
				continue;
			memset(&r[n], 0, sizeof(r[n]));
			r[n].vdev = VNS_VIRTIO_NONE;
			r[n].index = VNS_VIRTIO_NONE;
			r[n].irq = irq;
			r[n].c[VNS_VIO_NOBODY_CARED] = cnt;
			n++;
		}
	}
	snap->nr = vns_vio_join_txq(r, n);
	return snap;
}

/* ---- the record over netlink (VNS_CMD_VIRTIO_GET) ---- */

static const u8 vns_vio_attr[VNS_VIO_NR] = {
	[VNS_VIO_POLL_SOFTIRQ] = VNS_VIRTIO_A_POLL_SOFTIRQ,
	[VNS_VIO_POLL_BUSY] = VNS_VIRTIO_A_POLL_BUSY,
	[VNS_VIO_POLL_OTHER] = VNS_VIRTIO_A_POLL_OTHER,
	[VNS_VIO_PACKETS] = VNS_VIRTIO_A_PACKETS,
	[VNS_VIO_PACKETS_BUSY] = VNS_VIRTIO_A_PACKETS_BUSY,
	[VNS_VIO_POLL_FULL] = VNS_VIRTIO_A_POLL_FULL,
	[VNS_VIO_IRQS] = VNS_VIRTIO_A_IRQS,
	[VNS_VIO_IRQ_NONE] = VNS_VIRTIO_A_IRQ_NONE,
	[VNS_VIO_REFILL_FAIL] = VNS_VIRTIO_A_REFILL_FAIL,
	[VNS_VIO_NOBODY_CARED] = VNS_VIRTIO_A_NOBODY_CARED,
	[VNS_VIO_XMITS] = VNS_VIRTIO_A_XMITS,
	[VNS_VIO_TX_STOPS] = VNS_VIRTIO_A_TX_STOPS,
	[VNS_VIO_TX_WAKES] = VNS_VIRTIO_A_TX_WAKES,
};

static int vns_vio_fill(struct sk_buff *skb, const struct vns_snap *s,
			const void *rec)
{
	const struct vns_vio_ent *r = rec;
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, VNS_A_VIRTIO);
	if (!nest)
		return -EMSGSIZE;
	if ((r->dev[0] && nla_put_string(skb, VNS_VIRTIO_A_DEV, r->dev)) ||
	    (r->vdev != VNS_VIRTIO_NONE &&
	     nla_put_u32(skb, VNS_VIRTIO_A_VDEV, r->vdev)) ||
	    (r->index != VNS_VIRTIO_NONE &&
	     (nla_put_u32(skb, VNS_VIRTIO_A_VQ_INDEX, r->index) ||
	      nla_put_string(skb, VNS_VIRTIO_A_VQ_NAME, r->name))) ||
	    (r->irq != VNS_VIRTIO_NONE &&
	     nla_put_u32(skb, VNS_VIRTIO_A_IRQ, r->irq)))
		goto cancel;
	for (i = 0; i < VNS_VIO_NR; i++)
		if (vns_nla_put_u64(skb, vns_vio_attr[i], r->c[i],
				    VNS_VIRTIO_A_PAD))
			goto cancel;
	if (vns_nl_put_hist(skb, VNS_VIRTIO_A_HIST, &r->pkts))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- the record in the text view ---- */

static const char *const vns_vio_keys[VNS_VIO_NR] = {
	[VNS_VIO_POLL_SOFTIRQ] = "polls_softirq",
	[VNS_VIO_POLL_BUSY] = "polls_busy",
	[VNS_VIO_POLL_OTHER] = "polls_other",
	[VNS_VIO_PACKETS] = "packets",
	[VNS_VIO_PACKETS_BUSY] = "packets_busy",
	[VNS_VIO_POLL_FULL] = "polls_full",
	[VNS_VIO_IRQS] = "irqs",
	[VNS_VIO_IRQ_NONE] = "irq_none",
	[VNS_VIO_REFILL_FAIL] = "refill_fail",
	[VNS_VIO_NOBODY_CARED] = "nobody_cared",
	[VNS_VIO_XMITS] = "xmits",
	[VNS_VIO_TX_STOPS] = "tx_stops",
	[VNS_VIO_TX_WAKES] = "tx_wakes",
};

static void vns_seq_u32_or(struct seq_file *m, const char *key, u32 v)
{
	if (v == VNS_VIRTIO_NONE)
		seq_printf(m, " %s=-", key);
	else
		seq_printf(m, " %s=%u", key, v);
}

static void vns_vio_show(struct seq_file *m, const struct vns_snap *s,
			 const void *rec)
{
	const struct vns_vio_ent *r = rec;
	unsigned int i;

	seq_puts(m, "type=queue dev=");
	vns_seq_word(m, r->dev[0] ? r->dev : "-");
	vns_seq_u32_or(m, "vdev", r->vdev);
	vns_seq_u32_or(m, "vq", r->index);
	seq_puts(m, " name=");
	vns_seq_word(m, r->name[0] ? r->name : "-");
	vns_seq_u32_or(m, "irq", r->irq);
	for (i = 0; i < VNS_VIO_NR; i++)
		seq_printf(m, " %s=%llu", vns_vio_keys[i], r->c[i]);
	vns_seq_hist(m, "pkts_hist", &r->pkts);
	seq_putc(m, '\n');
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_virtio_collector = {
	.name = "virtio",
	.probes = vns_vio_probes,
	.nr_probes = ARRAY_SIZE(vns_vio_probes),
	.alloc = vns_vio_alloc,
	.mem_size = vns_vio_mem_size,
	.free = vns_vio_free,
	.clear = vns_vio_clear,
	.status = vns_vio_status,
	.nl_cmd = VNS_CMD_VIRTIO_GET,
	.rec_size = sizeof(struct vns_vio_ent),
	.snapshot = vns_vio_snapshot,
	.fill = vns_vio_fill,
	.show = vns_vio_show,
};

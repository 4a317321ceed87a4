// SPDX-License-Identifier: GPL-2.0
/*
 * The tun collector: per TUN/TAP device and queue, what the host queued for
 * the queue's reader (the VM) and what it dropped, by cause; the fill of
 * the queue's tx ring after each packet queued; and what came from the
 * reader side, through vhost-net (tun_sendmsg) or qemu's write(), with the
 * GSO types seen.
 *
 * TUN's own structures (struct tun_file, tun_struct) are private to tun.c:
 * nothing here reads them.  What the handlers use:
 *  - tun_net_xmit(skb, dev), a kretprobe: the queue is the skb's queue
 *    mapping; it returns NETDEV_TX_OK when the packet was queued,
 *    NET_XMIT_DROP when it was dropped (and counted in tx_dropped).
 *  - Within it, the queue's socket wakes its reader with sk_data_ready():
 *    sock_def_readable(sk), where sk is the queue's struct tun_file (which
 *    begins with its struct sock).
 *  - tun_get_tx_ring(file), exported for vhost-net (4.16+), returns the
 *    queue's &tfile->tx_ring, file->private_data being the tfile: their
 *    difference is where the ring sits in a tun_file, so that the ring of
 *    a socket seen in sock_def_readable() is known, and read (struct
 *    ptr_ring is public) after each packet queued.  Learned at enable,
 *    when tun is loaded, from a TUN file of our own (opened, asked,
 *    closed: tun_chr_open() allocates the tfile and its empty ring,
 *    attached to no device), and each time vhost-net asks; forgotten when
 *    tun is unloaded (module_free), as another tun may lay it out
 *    otherwise.
 *  - The drop's cause: the skb's drop reason (kfree_skb within
 *    tun_net_xmit, 5.19+: FULL_RING, DEV_READY, the filters); before drop
 *    reasons, a queue past the device's real_num_tx_queues has no reader,
 *    a full ring (read through the queue's last socket, nofault) is a full
 *    ring, anything else "other".
 *  - Guest to host: while a task is within tun_sendmsg() or
 *    tun_chr_write_iter(), the skbs of a TUN device handed to the stack
 *    (the net:*_entry receive tracepoints), on the queue TUN recorded.
 *    A frame TUN rejects for its virtio-net header (tun_get_user():
 *    virtio_net_hdr_to_skb() fails, rx_frame_errors counts it) is a call
 *    that freed the skb it built (kfree_skb, by this task, not in an
 *    interrupt) and returned -EINVAL; where the kernel gives drop reasons,
 *    not INVALID_PROTO (an L3 TUN frame that is not IP).  Its queue is the
 *    one whose socket (the call's struct tun_file) was last seen on it,
 *    queueing or receiving; a queue never seen yet is not known
 *    (status: bad_vnet_hdr_unplaced).
 *  - Queue stop/wake: TUN never stops a queue when its ring is full (it
 *    drops, since 3.8); it stops all queues in tun_net_close()
 *    (netif_tx_stop_all_queues), starts them in tun_net_open()
 *    (netif_tx_start_all_queues, inline) and wakes them when a queue is
 *    attached to a running device (tun_set_iff(): netif_tx_wake_all_queues
 *    -> netif_tx_wake_queue()).  Counted are the real XOFF transitions of
 *    the queues below real_num_tx_queues (the attached ones; TUN toggles
 *    all 256): the XOFF bits before and after tun_net_open/close, and
 *    before each netif_tx_wake_queue() of a TUN device's queue (one that
 *    finds XOFF set wakes it), and around each tun_net_xmit (a stop there
 *    would be seen; none of 3.10 .. 6.12 does).
 *
 * One table of (netns, ifindex, queue) keys, shared, claimed with
 * cmpxchg(); the counters are per CPU and summed on read.  A device's
 * entries are evicted when it unregisters (a netdevice notifier) and a
 * queue's when its TUN file closes: marked dead, skipped by lookups, and
 * reclaimed (zeroed, freed) by the next reader after handlers that may
 * still use them are done.  Two CPUs inserting one new key at once may
 * make two entries of it: readers merge them.
 *
 * Each drop is also an event (time, device, queue, ring fill, flow) in a
 * per-CPU ring of the last tun_events, written by its CPU with interrupts
 * off; each slot carries its sequence number, written last, so that a
 * reader copies only whole events; overwritten events are counted.
 *
 * tun_net_xmit runs with bottom halves off (no migration between its entry
 * and return): its per-CPU state needs no more; the sendmsg/write side may
 * sleep and is followed per task (core/task.h).
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/sock.h>

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/skb.h"
#include "../core/snap.h"
#include "../core/sockid.h"
#include "../core/task.h"
#include "../netlink/fill.h"
#include "../views/text.h"

static unsigned int tun_entries = 64;
module_param(tun_entries, uint, 0444);
MODULE_PARM_DESC(tun_entries,
		 "TUN/TAP (device, queue) entries kept (default 64)");

static unsigned int tun_events = 256;
module_param(tun_events, uint, 0444);
MODULE_PARM_DESC(tun_events,
		 "TUN/TAP drop events kept per CPU, the last ones (default 256)");

#define VNS_TUN_PROBES	16	/* slots tried before an insert is lost */
#define VNS_TUNQ_BUSY	(~0ULL)		/* key: being claimed */
#define VNS_TUNQ_DEAD	(~0ULL - 1)	/* key: evicted, to reclaim */

static const char *const vns_tun_drop_names[] = {
	[VNS_TUN_DROP_RING_FULL] = "ring_full",
	[VNS_TUN_DROP_NO_QUEUE] = "no_queue",
	[VNS_TUN_DROP_FILTER] = "filter",
	[VNS_TUN_DROP_OTHER] = "other",
};

static const char *const vns_tun_gso_names[] = {
	[VNS_TUN_GSO_NONE] = "none",
	[VNS_TUN_GSO_TCPV4] = "tcpv4",
	[VNS_TUN_GSO_TCPV6] = "tcpv6",
	[VNS_TUN_GSO_OTHER] = "other",
};

/* A (device, queue): its key, shared by all CPUs */
struct vns_tunq {
	u64 key;		/* ifindex << 16 | queue, + 1; 0: free */
	u32 net;		/* its netns, vns_net_id() */
	char name[IFNAMSIZ];
	unsigned long sk;		/* its socket when last seen, or 0 */
	u32 sock_id;
	u32 ring_size;
};

/* Its counters, per CPU */
struct vns_tunq_stats {
	u64 tx_packets, tx_bytes;
	u64 drops[VNS_TUN_DROP_MAX + 1];
	u64 rx_packets, rx_bytes, rx_vhost, rx_write;
	u64 gso[VNS_TUN_GSO_MAX + 1];
	u64 stops, wakes, bad_vnet_hdr;
	struct vns_hist fill;
};

/* A transmit in progress on this CPU */
struct vns_tun_cpu {
	const struct sk_buff *skb;
	struct sock *sk;		/* its queue's, from sk_data_ready() */
	u32 reason;
	bool reason_seen;
	struct vns_flow flow;		/* of the skb dropped, at kfree_skb */
	u64 lost;
};

/* A drop event */
struct vns_tun_ev {
	u64 seq;			/* its number + 1; 0 while written */
	u64 ns;				/* ktime_get_ns() */
	u32 ifindex, net, fill, ring_size;	/* ring_size 0: unknown */
	u16 queue;
	u8 cause;			/* enum vns_tun_drop */
	char dev[IFNAMSIZ];
	struct vns_flow flow;
};

/* A CPU's last events: written by that CPU only, interrupts off */
struct vns_tun_evring {
	u64 head;			/* events written */
	struct vns_tun_ev ev[];
};

enum { VNS_TUN_FROM_VHOST = 1, VNS_TUN_FROM_WRITE };

/* Task slots for tun_sendmsg() and tun_chr_write_iter() calls */
#define VNS_TUN_TASKS	64

/* A task within one of them: its slot's data, written by that task only */
struct vns_tun_task {
	unsigned long sk;		/* the queue's socket (its tun_file) */
	u32 reason;			/* of the skb freed, where known */
	u8 from;			/* VNS_TUN_FROM_* */
	bool freed;			/* an skb freed within the call */
};

struct vns_tun {
	unsigned int nr;		/* entries, a power of 2 */
	struct vns_tunq *q;
	struct vns_tunq_stats **stats;	/* nr_cpu_ids arrays of nr */
	struct vns_tun_cpu __percpu *cpu;
	unsigned int nev;		/* events per CPU, a power of 2 */
	struct vns_tun_evring **ev;	/* nr_cpu_ids rings */
	atomic_t dead;			/* entries evicted, not reclaimed */
	atomic_long_t evicted;		/* entries evicted since enable */
	bool nb_on;			/* vns_tun_nb registered */
	struct vns_tasks tasks;		/* generation-checked (T6) */
	struct vns_tun_task *task;	/* tasks.nr */
	atomic_long_t unplaced;		/* bad headers on unknown queues */
};

static struct vns_tun *vns_tun;
/*
 * Where a struct tun_file holds its tx ring (0: unknown), and how it was
 * learned or why not (enum vns_tun_ring_state; the error of the open)
 */
static unsigned long vns_tun_ring_off;
static int vns_tun_ring_state;
static int vns_tun_ring_errno;

/* A record: a queue's, or an event */
struct vns_tun_rec {
	bool event;
	u32 ifindex, queue, net, sock_id, ring_size;
	char name[IFNAMSIZ];
	struct vns_tunq_stats s;
	u32 cpu;			/* event */
	struct vns_tun_ev ev;		/* event */
};

/* The probes, by index in vns_tun_probes[] */
enum {
	VNS_TUN_P_XMIT,
	VNS_TUN_P_READABLE,
	VNS_TUN_P_KFREE,
	VNS_TUN_P_RING,
	VNS_TUN_P_CLOSE,
	VNS_TUN_P_SEND,
	VNS_TUN_P_WRITE,
	VNS_TUN_P_MODFREE,
	VNS_TUN_P_OPEN,
	VNS_TUN_P_STOP,
	VNS_TUN_P_WAKE,
	VNS_TUN_P_RX,		/* the receive tracepoints from here on */
};

static struct vns_tunq_stats *vns_tun_stats(struct vns_tun *t, unsigned int i)
{
	return t->stats[smp_processor_id()] + i;
}

static u64 vns_tun_key(const struct net_device *dev, u16 queue)
{
	return ((u64)(u32)dev->ifindex << 16 | queue) + 1;
}

/*
 * The entry of (@dev, @queue), inserted if new; -1 when the table is full.
 * Every slot of the key's run is looked at before a free one is taken:
 * reclaimed entries leave holes in runs.
 */
static int vns_tun_entry(struct vns_tun *t, const struct net_device *dev,
			 u16 queue)
{
	u64 key = vns_tun_key(dev, queue);
	u32 net = vns_net_id(dev_net(dev));
	unsigned int h = hash_64(key ^ (u64)net << 32, 32), i, n;
	struct vns_tunq *q;
	int free = -1;

	for (i = 0; i < VNS_TUN_PROBES && i < t->nr; i++) {
		u64 cur;

		n = (h + i) & (t->nr - 1);
		q = &t->q[n];
		/* pairs with the release below: net is the key's */
		cur = smp_load_acquire(&q->key);
		if (cur == key && READ_ONCE(q->net) == net)
			return n;
		if (!cur && free < 0)
			free = n;
	}
	if (free < 0 || cmpxchg(&t->q[free].key, 0, VNS_TUNQ_BUSY))
		return -1;
	q = &t->q[free];
	WRITE_ONCE(q->net, net);
	memcpy(q->name, dev->name, IFNAMSIZ);
	WRITE_ONCE(q->sk, 0);
	WRITE_ONCE(q->sock_id, 0);
	WRITE_ONCE(q->ring_size, 0);
	/* the fields before the key that lookups match on */
	smp_store_release(&q->key, key);
	return free;
}

/* Evict entry @n if its key is still @key */
static void vns_tun_evict(struct vns_tun *t, unsigned int n, u64 key)
{
	if (cmpxchg(&t->q[n].key, key, VNS_TUNQ_DEAD) == key) {
		atomic_inc(&t->dead);
		atomic_long_inc(&t->evicted);
	}
}

static bool vns_tunq_live(u64 key)
{
	return key && key != VNS_TUNQ_BUSY && key != VNS_TUNQ_DEAD;
}

static bool vns_tun_dev(const struct net_device *dev)
{
	const struct rtnl_link_ops *ops = dev ? dev->rtnl_link_ops : NULL;

	return ops && ops->kind && !strcmp(ops->kind, "tun");
}

/* The XOFF queues of TUN's netif_tx_*_all_queues() looked at: MAX_TAP_QUEUES */
#define VNS_TUN_XOFF_MAX	256

/* Queues of @dev whose stops and wakes count: the attached ones */
static unsigned int vns_tun_nq(const struct net_device *dev)
{
	return min_t(unsigned int, READ_ONCE(dev->real_num_tx_queues),
		     VNS_TUN_XOFF_MAX);
}

/* Whether the driver stopped queue @i of @dev (its XOFF) */
static bool vns_tun_xoff(const struct net_device *dev, unsigned int i)
{
	return i < dev->num_tx_queues &&
	       test_bit(__QUEUE_STATE_DRV_XOFF,
			&netdev_get_tx_queue(dev, i)->state);
}

/* The tx ring of @sk, a struct tun_file; NULL when not known */
static const void *vns_tun_ring(unsigned long sk)
{
	unsigned long off = READ_ONCE(vns_tun_ring_off);

	return sk && off ? (const void *)(sk + off) : NULL;
}

/* ---- host to guest: tun_net_xmit ---- */

struct vns_tun_xmit {
	int entry;
	u32 len;
	u16 queue;
	bool xoff;			/* the queue's XOFF at the entry */
	const struct net_device *dev;
};

VNS_KRETPROBE_ENTRY(vns_tun_xmit_in)
{
	struct vns_tun_xmit *x = (void *)ri->data;
	struct sk_buff *skb = (struct sk_buff *)vns_kprobe_arg(regs, 0);
	struct vns_tun_cpu *pc;
	struct vns_tun *t;

	t = READ_ONCE(vns_tun);
	x->entry = -1;
	if (!vns_active(&vns_tun_collector) || !t || !skb)
		return 0;
	x->dev = (const struct net_device *)vns_kprobe_arg(regs, 1);
	x->queue = skb_get_queue_mapping(skb);
	x->len = skb->len;
	x->xoff = vns_tun_xoff(x->dev, x->queue);
	pc = this_cpu_ptr(t->cpu);
	x->entry = vns_tun_entry(t, x->dev, x->queue);
	if (x->entry < 0) {
		pc->lost++;
		return 0;
	}
	pc->skb = skb;
	pc->sk = NULL;
	pc->reason_seen = false;
	pc->flow.family = 0;
	return 0;
}

static int vns_tun_drop_cause(struct vns_tun_cpu *pc, struct vns_tunq *q,
			      const struct vns_tun_xmit *x)
{
	const void *ring;
	u32 used, size;
	char name[32];

	/* NOT_SPECIFIED (5.17, 5.18: tun gave no reason) tells nothing */
	if (pc->reason_seen &&
	    vns_drop_reason_name(pc->reason, name, sizeof(name)) &&
	    strcmp(name, "NOT_SPECIFIED")) {
		if (!strcmp(name, "FULL_RING"))
			return VNS_TUN_DROP_RING_FULL;
		if (!strcmp(name, "DEV_READY"))
			return VNS_TUN_DROP_NO_QUEUE;
		if (!strcmp(name, "TAP_TXFILTER") ||
		    !strcmp(name, "TAP_FILTER") ||
		    !strcmp(name, "SOCKET_FILTER"))
			return VNS_TUN_DROP_FILTER;
		return VNS_TUN_DROP_OTHER;
	}
	/* no drop reasons: what can be told from outside */
	if (x->queue >= READ_ONCE(x->dev->real_num_tx_queues))
		return VNS_TUN_DROP_NO_QUEUE;
	ring = vns_tun_ring(READ_ONCE(q->sk));
	if (ring && vns_ptr_ring_state(ring, &used, &size) && used == size)
		return VNS_TUN_DROP_RING_FULL;
	return VNS_TUN_DROP_OTHER;
}

/* A drop as the next event of this CPU's ring; interrupts off */
static void vns_tun_event(struct vns_tun *t, struct vns_tun_cpu *pc,
			  const struct vns_tunq *q,
			  const struct vns_tun_xmit *x, u8 cause)
{
	struct vns_tun_evring *r = t->ev[smp_processor_id()];
	u64 n = r->head;
	struct vns_tun_ev *e = &r->ev[n & (t->nev - 1)];
	const void *ring = vns_tun_ring(READ_ONCE(q->sk));
	u32 used, size;

	WRITE_ONCE(e->seq, 0);
	smp_wmb();	/* the reader sees seq 0 before any torn field */
	e->ns = ktime_get_ns();
	e->ifindex = x->dev->ifindex;
	e->net = READ_ONCE(q->net);
	e->queue = x->queue;
	e->cause = cause;
	memcpy(e->dev, q->name, IFNAMSIZ);
	e->flow = pc->flow;
	e->fill = 0;
	e->ring_size = 0;
	if (ring && vns_ptr_ring_state(ring, &used, &size)) {
		e->fill = used;
		e->ring_size = size;
	}
	smp_wmb();	/* the fields before their sequence number */
	WRITE_ONCE(e->seq, n + 1);
	WRITE_ONCE(r->head, n + 1);
}

VNS_KRETPROBE_RETURN(vns_tun_xmit_out)
{
	struct vns_tun_xmit *x = (void *)ri->data;
	struct vns_tunq_stats *st;
	struct vns_tun_cpu *pc;
	unsigned long flags;
	struct vns_tunq *q;
	struct vns_tun *t;
	const void *ring;
	u32 used, size;
	bool dropped;

	t = READ_ONCE(vns_tun);
	if (x->entry < 0 || !t)
		return 0;
	local_irq_save(flags);
	pc = this_cpu_ptr(t->cpu);
	q = &t->q[x->entry];
	st = vns_tun_stats(t, x->entry);
	/*
	 * NET_XMIT_DROP: dropped (4.19+); not every other value is a drop.
	 * 3.10 (RHEL 7 too) returns NETDEV_TX_OK after a drop: there the
	 * drop is the skb freed within (kfree_skb), which only drops do.
	 * Packets sent by tun_xdp_xmit() (XDP_REDIRECT) are not seen here.
	 */
	dropped = regs_return_value(regs) == NET_XMIT_DROP || pc->reason_seen;
	if (!dropped) {
		st->tx_packets++;
		st->tx_bytes += x->len;
		if (pc->sk && READ_ONCE(q->sk) != (unsigned long)pc->sk) {
			WRITE_ONCE(q->sk, (unsigned long)pc->sk);
			WRITE_ONCE(q->sock_id, vns_sock_id(pc->sk));
		}
		ring = vns_tun_ring((unsigned long)pc->sk);
		if (ring && vns_ptr_ring_state(ring, &used, &size)) {
			vns_hist_add(&st->fill, used);
			if (READ_ONCE(q->ring_size) != size)
				WRITE_ONCE(q->ring_size, size);
		}
	} else {
		u8 cause = vns_tun_drop_cause(pc, q, x);

		st->drops[cause]++;
		vns_tun_event(t, pc, q, x, cause);
	}
	/* a TUN that stops a full queue instead of dropping (none yet) */
	if (!x->xoff && vns_tun_xoff(x->dev, x->queue))
		st->stops++;
	pc->skb = NULL;
	pc->sk = NULL;
	local_irq_restore(flags);
	return 0;
}

/* sk->sk_data_ready() of the queue's socket, within tun_net_xmit */
VNS_KPROBE_HANDLER_OWN_HITS(vns_tun_readable)
{
	struct vns_tun *t = READ_ONCE(vns_tun);
	struct vns_tun_cpu *pc;

	if (!t)
		return 0;
	pc = this_cpu_ptr(t->cpu);
	if (pc->skb && !pc->sk) {
		vns_probe_hit(container_of(kp, struct vns_probe, kp));
		pc->sk = (struct sock *)vns_kprobe_arg(regs, 0);
	}
	return 0;
}

/*
 * The drop reason of the skb being transmitted on this CPU; or an skb
 * freed by a task within tun_sendmsg() or tun_chr_write_iter() (not by an
 * interrupt on top of it): the first one of the call
 */
VNS_KFREE_SKB_HANDLER(VNS_TP_HANDLER_OWN_HITS, vns_tun_kfree_skb, data, skb,
		      location)
{
	struct vns_tun *t = READ_ONCE(vns_tun);
	struct vns_tun_cpu *pc;
	int n;

	if (!t)
		return;
	pc = this_cpu_ptr(t->cpu);
	if (pc->skb == skb) {
		u16 proto = vns_skb_ip_proto(skb);

		vns_probe_hit(data);
		pc->reason = VNS_KFREE_SKB_REASON;
		pc->reason_seen = true;
		/* the flow, as the drop collector parses it */
		if (proto)
			vns_skb_parse(skb, vns_skb_nh_rx(skb), proto, &pc->flow,
				      NULL);
		return;
	}
	if (in_interrupt())
		return;
	n = vns_tasks_slot(&t->tasks);
	if (n >= 0 && !t->task[n].freed) {
		t->task[n].reason = VNS_KFREE_SKB_REASON;
		t->task[n].freed = true;
	}
}

/* tun_get_tx_ring(file): &tfile->tx_ring, file->private_data the tfile */
VNS_KRETPROBE_ENTRY(vns_tun_ring_in)
{
	struct file *file = (struct file *)vns_kprobe_arg(regs, 0);

	*(void **)ri->data = file ? file->private_data : NULL;
	return 0;
}

VNS_KRETPROBE_RETURN(vns_tun_ring_out)
{
	unsigned long tfile = *(unsigned long *)ri->data;
	unsigned long ring = regs_return_value(regs);

	/* an error pointer, or not within a tun_file: not learned */
	if (tfile && !IS_ERR_VALUE(ring) && ring > tfile &&
	    ring - tfile < PAGE_SIZE) {
		WRITE_ONCE(vns_tun_ring_off, ring - tfile);
		if (READ_ONCE(vns_tun_ring_state) != VNS_TUN_RING_ENABLE)
			WRITE_ONCE(vns_tun_ring_state, VNS_TUN_RING_VHOST);
	}
	return 0;
}

/*
 * Learn where a tun_file holds its tx ring (T2: queues attached before the
 * collector was enabled never call tun_get_tx_ring() again): if tun is
 * loaded, open a TUN file of our own (tun_chr_open(): a tfile with an
 * empty ring, on no device), ask tun_get_tx_ring() for its ring, close it.
 * The same code on 4.16 .. 6.12: tun_get_tx_ring() checks f_op is
 * tun_fops and returns &tfile->tx_ring, tfile = file->private_data.  The
 * symbol's reference keeps tun loaded meanwhile; the close (fput()) runs
 * when this task returns to user space.
 */
static void vns_tun_ring_learn(void)
{
	void *(*get)(struct file *f);
	unsigned long ring;
	struct file *f;
	void *sym;

	WRITE_ONCE(vns_tun_ring_off, 0);
	vns_tun_ring_errno = 0;
	/* 3.10 (RHEL 7) has no tx ring (no struct ptr_ring) to learn */
	if (!VNS_HAVE_PTR_RING) {
		vns_tun_ring_state = VNS_TUN_RING_NONE;
		return;
	}
	sym = __symbol_get("tun_get_tx_ring");
	if (!sym) {
		vns_tun_ring_state = VNS_TUN_RING_NO_TUN;
		return;
	}
	get = sym;
	f = filp_open("/dev/net/tun", O_RDWR, 0);
	if (IS_ERR(f)) {
		vns_tun_ring_state = VNS_TUN_RING_OPEN_FAILED;
		vns_tun_ring_errno = -PTR_ERR(f);
		goto out;
	}
	ring = (unsigned long)get(f);
	if (f->private_data && !IS_ERR_VALUE(ring) &&
	    ring > (unsigned long)f->private_data &&
	    ring - (unsigned long)f->private_data < PAGE_SIZE) {
		WRITE_ONCE(vns_tun_ring_off,
			   ring - (unsigned long)f->private_data);
		vns_tun_ring_state = VNS_TUN_RING_ENABLE;
	} else {
		vns_tun_ring_state = VNS_TUN_RING_UNKNOWN;
	}
	fput(f);
out:
	symbol_put_addr(sym);
}

/* module_free(mod): a tun going away takes its layout with it */
VNS_TP_HANDLER_OWN_HITS(vns_tun_module_free,
			VNS_TP_PROTO(void *data, struct module *mod),
			VNS_TP_ARGS(data, mod))
{
	if (strcmp(mod->name, "tun"))
		return;
	vns_probe_hit(data);
	WRITE_ONCE(vns_tun_ring_off, 0);
	WRITE_ONCE(vns_tun_ring_state, VNS_TUN_RING_UNLOADED);
}

/* tun_chr_close(inode, file): the queue's socket goes */
VNS_KPROBE_HANDLER(vns_tun_close)
{
	struct file *file = (struct file *)vns_kprobe_arg(regs, 1);
	struct vns_tun *t = READ_ONCE(vns_tun);
	unsigned long sk;
	unsigned int i;

	if (!t || !file)
		return 0;
	sk = (unsigned long)file->private_data;
	/* the queue's reader is gone: so is its entry (T3) */
	for (i = 0; i < t->nr; i++) {
		/* pairs with vns_tun_entry()'s release */
		u64 key = smp_load_acquire(&t->q[i].key);

		if (vns_tunq_live(key) && READ_ONCE(t->q[i].sk) == sk) {
			WRITE_ONCE(t->q[i].sk, 0);
			vns_tun_evict(t, i, key);
		}
	}
	return 0;
}

/* A TUN/TAP device unregisters (or leaves its netns): evict its entries */
static int vns_tun_netdev(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct vns_tun *t = READ_ONCE(vns_tun);
	u32 net;
	unsigned int i;

	if (event != NETDEV_UNREGISTER || !t || !vns_tun_dev(dev))
		return NOTIFY_DONE;
	net = vns_net_id(dev_net(dev));
	for (i = 0; i < t->nr; i++) {
		struct vns_tunq *q = &t->q[i];
		/* pairs with vns_tun_entry()'s release: net is the key's */
		u64 key = smp_load_acquire(&q->key);

		if (vns_tunq_live(key) && READ_ONCE(q->net) == net &&
		    ((key - 1) >> 16) == (u32)dev->ifindex)
			vns_tun_evict(t, i, key);
	}
	return NOTIFY_DONE;
}

static struct notifier_block vns_tun_nb = {
	.notifier_call = vns_tun_netdev,
};

/* ---- guest to host: tun_sendmsg (vhost-net), tun_chr_write_iter ---- */

/*
 * A call claims a slot (T6: with its generation, in ri->data); a reset
 * while the task is within the call frees the slot, and the return is a
 * no-op
 */
static int vns_tun_from_in(struct kretprobe_instance *ri, u8 from,
			   unsigned long sk)
{
	struct vns_task_ref *ref = (void *)ri->data;
	struct vns_tun *t = READ_ONCE(vns_tun);
	struct vns_tun_task *k;

	if (!vns_active(&vns_tun_collector) || !t)
		return 1;
	if (!vns_tasks_claim(&t->tasks, ref)) {
		this_cpu_inc(t->cpu->lost);
		return 1;
	}
	k = &t->task[ref->n];
	k->sk = sk;
	k->from = from;
	k->reason = 0;
	k->freed = false;
	return 0;
}

/* Whether a freed skb's drop reason may be a bad virtio-net header */
static bool vns_tun_hdr_reason(u32 reason)
{
	char name[32];

	/* no reasons (before 5.17), or one this build does not name */
	if (!vns_drop_reason_name(reason, name, sizeof(name)))
		return true;
	/* an L3 TUN frame (IFF_NO_PI) that is neither IPv4 nor IPv6 */
	return strcmp(name, "INVALID_PROTO") != 0;
}

/* A frame rejected for its virtio-net header, on the queue of @sk */
static void vns_tun_bad_hdr(struct vns_tun *t, unsigned long sk)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; sk && i < t->nr; i++) {
		struct vns_tunq *q = &t->q[i];
		/* pairs with vns_tun_entry()'s release */
		u64 key = smp_load_acquire(&q->key);

		if (vns_tunq_live(key) && READ_ONCE(q->sk) == sk) {
			local_irq_save(flags);
			vns_tun_stats(t, i)->bad_vnet_hdr++;
			local_irq_restore(flags);
			return;
		}
	}
	atomic_long_inc(&t->unplaced);
}

VNS_KRETPROBE_RETURN(vns_tun_from_out)
{
	const struct vns_task_ref *ref = (void *)ri->data;
	struct vns_tun *t = READ_ONCE(vns_tun);
	struct vns_tun_task *k;

	if (!t || !vns_tasks_mine(&t->tasks, ref))
		return 0;
	k = &t->task[ref->n];
	/* tun_get_user(): virtio_net_hdr_to_skb() failed, skb freed */
	if (k->freed && (long)regs_return_value(regs) == -EINVAL &&
	    vns_tun_hdr_reason(k->reason))
		vns_tun_bad_hdr(t, k->sk);
	vns_tasks_release(&t->tasks, ref);
	return 0;
}

/* tun_sendmsg(sock, m, len): sock is the tun_file's, sock->sk the tfile */
VNS_KRETPROBE_ENTRY(vns_tun_send_in)
{
	struct socket *sock = (struct socket *)vns_kprobe_arg(regs, 0);

	return vns_tun_from_in(ri, VNS_TUN_FROM_VHOST,
			       sock ? (unsigned long)sock->sk : 0);
}

/* tun_chr_write_iter(iocb, from): the file's private_data is the tfile */
VNS_KRETPROBE_ENTRY(vns_tun_write_in)
{
	struct kiocb *iocb = (struct kiocb *)vns_kprobe_arg(regs, 0);

	return vns_tun_from_in(ri, VNS_TUN_FROM_WRITE,
			       iocb && iocb->ki_filp ?
			       (unsigned long)iocb->ki_filp->private_data : 0);
}

static unsigned int vns_tun_gso(const struct sk_buff *skb)
{
	unsigned int type;

	if (!skb_is_gso(skb))
		return VNS_TUN_GSO_NONE;
	type = skb_shinfo(skb)->gso_type;
	if (type & SKB_GSO_TCPV4)
		return VNS_TUN_GSO_TCPV4;
	if (type & SKB_GSO_TCPV6)
		return VNS_TUN_GSO_TCPV6;
	return VNS_TUN_GSO_OTHER;
}

/* An skb handed to the stack: one of a TUN device's, from its reader? */
VNS_TP_HANDLER_OWN_HITS(vns_tun_rx,
			VNS_TP_PROTO(void *data, const struct sk_buff *skb),
			VNS_TP_ARGS(data, skb))
{
	struct vns_tun *t = READ_ONCE(vns_tun);
	struct vns_tunq_stats *st;
	unsigned long flags, sk;
	struct vns_tunq *q;
	int n, e;

	if (!t || !vns_tun_dev(skb->dev))
		return;
	n = vns_tasks_slot(&t->tasks);
	if (n < 0)
		return;
	vns_probe_hit(data);
	local_irq_save(flags);
	e = vns_tun_entry(t, skb->dev, skb_rx_queue_recorded(skb) ?
			  skb_get_rx_queue(skb) : 0);
	if (e < 0) {
		this_cpu_inc(t->cpu->lost);
		goto out;
	}
	st = vns_tun_stats(t, e);
	st->rx_packets++;
	/* as tx_bytes: the frame, its Ethernet header pulled by now */
	st->rx_bytes += skb->len + (skb_mac_header_was_set(skb) ?
				    skb->data - skb_mac_header(skb) : 0);
	if (t->task[n].from == VNS_TUN_FROM_VHOST)
		st->rx_vhost++;
	else
		st->rx_write++;
	st->gso[vns_tun_gso(skb)]++;
	/* the queue's socket: where the writer's rejected frames go */
	sk = t->task[n].sk;
	q = &t->q[e];
	if (sk && READ_ONCE(q->sk) != sk) {
		WRITE_ONCE(q->sk, sk);
		WRITE_ONCE(q->sock_id, vns_sock_id((struct sock *)sk));
	}
out:
	local_irq_restore(flags);
}

/* ---- queue stop/wake ---- */

/* The XOFF bits of a device's queues before tun_net_open/close */
struct vns_tun_xoffs {
	struct net_device *dev;
	unsigned int n;
	unsigned long was[BITS_TO_LONGS(VNS_TUN_XOFF_MAX)];
};

static int vns_tun_updown_in(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct net_device *dev = (struct net_device *)vns_kprobe_arg(regs, 0);
	struct vns_tun_xoffs *x = (void *)ri->data;
	unsigned int i;

	if (!vns_active(&vns_tun_collector) || !READ_ONCE(vns_tun) || !dev)
		return 1;
	x->dev = dev;
	x->n = vns_tun_nq(dev);
	bitmap_zero(x->was, VNS_TUN_XOFF_MAX);
	for (i = 0; i < x->n; i++)
		if (vns_tun_xoff(dev, i))
			__set_bit(i, x->was);
	return 0;
}

/* tun_net_open(dev): netif_tx_start_all_queues(), inline */
VNS_KRETPROBE_ENTRY(vns_tun_open_in)
{
	return vns_tun_updown_in(ri, regs);
}

/* tun_net_close(dev): netif_tx_stop_all_queues() */
VNS_KRETPROBE_ENTRY(vns_tun_stop_in)
{
	return vns_tun_updown_in(ri, regs);
}

/* Each queue whose XOFF changed within the call: a stop or a wake */
VNS_KRETPROBE_RETURN(vns_tun_updown_out)
{
	const struct vns_tun_xoffs *x = (void *)ri->data;
	struct vns_tun *t = READ_ONCE(vns_tun);
	unsigned long flags;
	unsigned int i;
	bool now;
	int e;

	if (!t)
		return 0;
	local_irq_save(flags);
	for (i = 0; i < x->n; i++) {
		now = vns_tun_xoff(x->dev, i);
		if (now == test_bit(i, x->was))
			continue;
		e = vns_tun_entry(t, x->dev, i);
		if (e < 0)
			this_cpu_inc(t->cpu->lost);
		else if (now)
			vns_tun_stats(t, e)->stops++;
		else
			vns_tun_stats(t, e)->wakes++;
	}
	local_irq_restore(flags);
	return 0;
}

/*
 * netif_tx_wake_queue(txq), any driver's: a TUN device's queue (told by
 * its rtnl_link_ops, as the receive path does: a NIC has none, so the
 * test ends there) with XOFF set is woken by this call.  The kind, not
 * ndo_start_xmit == tun_net_xmit: a kprobe's address is past the
 * function's ENDBR where IBT is on (6.x), not the function's.
 */
VNS_KPROBE_HANDLER_OWN_HITS(vns_tun_wake)
{
	struct netdev_queue *txq = (void *)vns_kprobe_arg(regs, 0);
	struct vns_tun *t = READ_ONCE(vns_tun);
	struct net_device *dev;
	unsigned long flags;
	unsigned int i;
	int e;

	if (!t || !txq || !vns_active(&vns_tun_collector))
		return 0;
	dev = txq->dev;
	if (!vns_tun_dev(dev))
		return 0;
	vns_probe_hit(container_of(kp, struct vns_probe, kp));
	i = txq - netdev_get_tx_queue(dev, 0);
	if (i >= vns_tun_nq(dev) || !vns_tun_xoff(dev, i))
		return 0;
	local_irq_save(flags);
	e = vns_tun_entry(t, dev, i);
	if (e < 0)
		this_cpu_inc(t->cpu->lost);
	else
		vns_tun_stats(t, e)->wakes++;
	local_irq_restore(flags);
	return 0;
}

#define VNS_TUN_RX_TP(tp)					\
	{							\
		.name = tp,					\
		.type = VNS_PROBE_TRACEPOINT,			\
		.tp_func = vns_tun_rx,				\
	}

/* In the tun module, unless the kernel has it built in */
#define VNS_TUN_MOD	(IS_BUILTIN(CONFIG_TUN) ? NULL : "tun")

static struct vns_probe vns_tun_probes[] = {
	[VNS_TUN_P_XMIT] = {
		.name = "tun_net_xmit",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.required = true,
		.krp_entry = vns_tun_xmit_in,
		.krp_ret = vns_tun_xmit_out,
		.krp_data_size = sizeof(struct vns_tun_xmit),
	},
	[VNS_TUN_P_READABLE] = {
		/* 3.10's tun_net_xmit wakes the reader without it */
		.name = "sock_def_readable",
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_tun_readable,
		.unavail = VNS_SOCK_ARGS_UNAVAIL,
	},
	[VNS_TUN_P_KFREE] = {
		.name = "kfree_skb",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_tun_kfree_skb,
	},
	[VNS_TUN_P_RING] = {
		.name = "tun_get_tx_ring",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_tun_ring_in,
		.krp_ret = vns_tun_ring_out,
		.krp_data_size = sizeof(void *),
		/* 3.10 (RHEL 7) has tun_get_skb_array() instead */
		.unavail = VNS_SOCK_ARGS_UNAVAIL,
	},
	[VNS_TUN_P_CLOSE] = {
		.name = "tun_chr_close",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_tun_close,
	},
	[VNS_TUN_P_SEND] = {
		.name = "tun_sendmsg",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_tun_send_in,
		.krp_ret = vns_tun_from_out,
		.krp_data_size = sizeof(struct vns_task_ref),
	},
	[VNS_TUN_P_WRITE] = {
		.name = "tun_chr_write_iter",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_tun_write_in,
		.krp_ret = vns_tun_from_out,
		.krp_data_size = sizeof(struct vns_task_ref),
	},
	[VNS_TUN_P_MODFREE] = {
		/* forgets the ring's place when tun goes */
		.name = "module_free",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_tun_module_free,
	},
	[VNS_TUN_P_OPEN] = {
		.name = "tun_net_open",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_tun_open_in,
		.krp_ret = vns_tun_updown_out,
		.krp_data_size = sizeof(struct vns_tun_xoffs),
	},
	[VNS_TUN_P_STOP] = {
		.name = "tun_net_close",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_tun_stop_in,
		.krp_ret = vns_tun_updown_out,
		.krp_data_size = sizeof(struct vns_tun_xoffs),
	},
	[VNS_TUN_P_WAKE] = {
		.name = "netif_tx_wake_queue",
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_tun_wake,
	},
	[VNS_TUN_P_RX] = VNS_TUN_RX_TP("netif_receive_skb_entry"),
	VNS_TUN_RX_TP("netif_receive_skb_list_entry"),
	VNS_TUN_RX_TP("netif_rx_entry"),
	VNS_TUN_RX_TP("netif_rx_ni_entry"),
	VNS_TUN_RX_TP("napi_gro_receive_entry"),
	VNS_TUN_RX_TP("napi_gro_frags_entry"),
};

/* ---- tables ---- */

static unsigned int vns_tun_nr(void)
{
	return roundup_pow_of_two(clamp(tun_entries, 4U, 65536U));
}

static unsigned int vns_tun_nev(void)
{
	return roundup_pow_of_two(clamp(tun_events, 1U, 65536U));
}

/* One CPU's counters: its array of @nr (too big for alloc_percpu) */
static size_t vns_tun_stats_size(unsigned int nr)
{
	return nr * sizeof(struct vns_tunq_stats);
}

/* One CPU's events */
static size_t vns_tun_evring_size(unsigned int nev)
{
	return sizeof(struct vns_tun_evring) +
	       nev * sizeof(struct vns_tun_ev);
}

static u64 vns_tun_mem_size(const struct vns_settings *s)
{
	unsigned int nr = vns_tun_nr();

	return sizeof(struct vns_tun) + (u64)nr * sizeof(struct vns_tunq) +
	       vns_tasks_mem_size(VNS_TUN_TASKS) +
	       (u64)VNS_TUN_TASKS * sizeof(struct vns_tun_task) +
	       (u64)num_possible_cpus() *
	       (vns_tun_stats_size(nr) + vns_tun_evring_size(vns_tun_nev()) +
		2 * sizeof(void *) + sizeof(struct vns_tun_cpu));
}

static void vns_tun_free(struct vns_collector *c)
{
	struct vns_tun *t = vns_tun;
	unsigned int cpu;

	if (!t)
		return;
	/* waits for a notifier call in progress (rtnl) */
	if (t->nb_on)
		unregister_netdevice_notifier(&vns_tun_nb);
	WRITE_ONCE(vns_tun, NULL);
	for_each_possible_cpu(cpu) {
		if (t->stats)
			vfree(t->stats[cpu]);
		if (t->ev)
			vfree(t->ev[cpu]);
	}
	kfree(t->stats);
	kfree(t->ev);
	vns_tasks_free(&t->tasks);
	kfree(t->task);
	free_percpu(t->cpu);
	vfree(t->q);
	kfree(t);
}

/* With handlers paused */
static void vns_tun_clear(struct vns_collector *c)
{
	struct vns_tun *t = vns_tun;
	unsigned int cpu;

	memset(t->q, 0, t->nr * sizeof(*t->q));
	/* a task within a call keeps running: its return finds no slot */
	vns_tasks_reset(&t->tasks);
	memset(t->task, 0, t->tasks.nr * sizeof(*t->task));
	atomic_long_set(&t->unplaced, 0);
	atomic_set(&t->dead, 0);
	atomic_long_set(&t->evicted, 0);
	for_each_possible_cpu(cpu) {
		memset(t->stats[cpu], 0, vns_tun_stats_size(t->nr));
		memset(t->ev[cpu], 0, vns_tun_evring_size(t->nev));
		memset(per_cpu_ptr(t->cpu, cpu), 0,
		       sizeof(struct vns_tun_cpu));
		cond_resched();
	}
}

static int vns_tun_alloc(struct vns_collector *c)
{
	struct vns_tun *t;
	unsigned int cpu;
	int err = 0;

	vns_sock_key_init();
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->nr = vns_tun_nr();
	t->nev = vns_tun_nev();
	t->q = vzalloc(t->nr * sizeof(*t->q));
	t->stats = kcalloc(nr_cpu_ids, sizeof(*t->stats), GFP_KERNEL);
	t->ev = kcalloc(nr_cpu_ids, sizeof(*t->ev), GFP_KERNEL);
	t->cpu = alloc_percpu(struct vns_tun_cpu);
	vns_tun = t;
	if (!t->q || !t->stats || !t->ev || !t->cpu ||
	    vns_tasks_alloc(&t->tasks, VNS_TUN_TASKS))
		goto nomem;
	t->task = kcalloc(t->tasks.nr, sizeof(*t->task), GFP_KERNEL);
	if (!t->task)
		goto nomem;
	for_each_possible_cpu(cpu) {
		t->stats[cpu] = vzalloc_node(vns_tun_stats_size(t->nr),
					     cpu_to_node(cpu));
		t->ev[cpu] = vzalloc_node(vns_tun_evring_size(t->nev),
					  cpu_to_node(cpu));
		if (!t->stats[cpu] || !t->ev[cpu])
			goto nomem;
	}
	vns_tun_clear(c);
	err = register_netdevice_notifier(&vns_tun_nb);
	if (err) {
		vns_tun_free(c);
		return err;
	}
	t->nb_on = true;
	vns_tun_ring_learn();
	return 0;
nomem:
	vns_tun_free(c);
	return -ENOMEM;
}

/* Events overwritten before a reader took them, all CPUs */
static u64 vns_tun_ev_lost(const struct vns_tun *t)
{
	unsigned int cpu;
	u64 lost = 0, head;

	for_each_possible_cpu(cpu) {
		head = READ_ONCE(t->ev[cpu]->head);
		if (head > t->nev)
			lost += head - t->nev;
	}
	return lost;
}

static void vns_tun_status(struct vns_collector *c, struct vns_coll_status *st)
{
	struct vns_tun *t = vns_tun;
	u64 tx = 0, drops = 0, rx = 0, events = 0;
	unsigned int cpu, i, d;

	st->capacity = t->nr;
	for (i = 0; i < t->nr; i++)
		if (vns_tunq_live(READ_ONCE(t->q[i].key)))
			st->entries++;
	for_each_possible_cpu(cpu) {
		struct vns_tunq_stats *s = t->stats[cpu];

		st->lost += READ_ONCE(per_cpu_ptr(t->cpu, cpu)->lost);
		events += min_t(u64, READ_ONCE(t->ev[cpu]->head), t->nev);
		for (i = 0; i < t->nr; i++) {
			tx += READ_ONCE(s[i].tx_packets);
			rx += READ_ONCE(s[i].rx_packets);
			for (d = 0; d <= VNS_TUN_DROP_MAX; d++)
				drops += READ_ONCE(s[i].drops[d]);
		}
	}
	vns_status_counter(st, "tx_packets", tx);
	vns_status_counter(st, "drops", drops);
	vns_status_counter(st, "rx_packets", rx);
	vns_status_counter(st, "ring_known", READ_ONCE(vns_tun_ring_off) != 0);
	vns_status_counter(st, "ring", READ_ONCE(vns_tun_ring_state));
	if (vns_tun_ring_errno)
		vns_status_counter(st, "ring_errno", vns_tun_ring_errno);
	vns_status_counter(st, "events", events);
	vns_status_counter(st, "events_lost", vns_tun_ev_lost(t));
	vns_status_counter(st, "event_capacity", t->nev);
	vns_status_counter(st, "evicted", atomic_long_read(&t->evicted));
	vns_status_counter(st, "bad_vnet_hdr_unplaced",
			   atomic_long_read(&t->unplaced));
}

static void vns_tun_sum(struct vns_tunq_stats *dst,
			const struct vns_tunq_stats *s)
{
	unsigned int i;

	dst->tx_packets += READ_ONCE(s->tx_packets);
	dst->tx_bytes += READ_ONCE(s->tx_bytes);
	dst->rx_packets += READ_ONCE(s->rx_packets);
	dst->rx_bytes += READ_ONCE(s->rx_bytes);
	dst->rx_vhost += READ_ONCE(s->rx_vhost);
	dst->rx_write += READ_ONCE(s->rx_write);
	dst->stops += READ_ONCE(s->stops);
	dst->wakes += READ_ONCE(s->wakes);
	dst->bad_vnet_hdr += READ_ONCE(s->bad_vnet_hdr);
	for (i = 0; i <= VNS_TUN_DROP_MAX; i++)
		dst->drops[i] += READ_ONCE(s->drops[i]);
	for (i = 0; i <= VNS_TUN_GSO_MAX; i++)
		dst->gso[i] += READ_ONCE(s->gso[i]);
	vns_hist_merge(&dst->fill, &s->fill);
}

/*
 * Entries evicted since the last read: once no handler can be using them
 * any more, zero their counters and free them.  Under vns_lock.
 */
static void vns_tun_reclaim(struct vns_tun *t)
{
	unsigned int i, cpu;

	if (!atomic_read(&t->dead))
		return;
	vns_sync_handlers();
	for (i = 0; i < t->nr; i++) {
		struct vns_tunq *q = &t->q[i];

		if (READ_ONCE(q->key) != VNS_TUNQ_DEAD)
			continue;
		for_each_possible_cpu(cpu)
			memset(t->stats[cpu] + i, 0, sizeof(t->stats[cpu][i]));
		atomic_dec(&t->dead);
		/* the counters zeroed before the slot is free */
		smp_store_release(&q->key, 0);
	}
}

static int vns_tun_rec_cmp(const void *a, const void *b)
{
	const struct vns_tun_rec *x = a, *y = b;

	if (x->event != y->event)
		return x->event ? 1 : -1;
	if (x->event) {
		if (x->ev.ns != y->ev.ns)
			return x->ev.ns < y->ev.ns ? -1 : 1;
		return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
	}
	if (x->net != y->net)
		return x->net < y->net ? -1 : 1;
	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return x->queue < y->queue ? -1 : x->queue > y->queue;
}

/* Copy CPU @cpu's events into @r (whole ones only); how many */
static unsigned int vns_tun_ev_copy(const struct vns_tun *t, unsigned int cpu,
				    struct vns_tun_rec *r)
{
	const struct vns_tun_evring *ring = t->ev[cpu];
	unsigned int i, n = 0;

	for (i = 0; i < t->nev; i++) {
		const struct vns_tun_ev *e = &ring->ev[i];
		u64 seq = READ_ONCE(e->seq);

		if (!seq)
			continue;
		smp_rmb();	/* the fields after the sequence number */
		r[n].ev = *e;
		/* the copy before the second look at the sequence number */
		smp_rmb();
		if (READ_ONCE(e->seq) != seq)
			continue;	/* rewritten meanwhile */
		r[n].event = true;
		r[n].cpu = cpu;
		n++;
	}
	return n;
}

/*
 * Per (netns, device, queue) a record, entries of one key merged; then the
 * events of every CPU, oldest first.
 */
static struct vns_snap *vns_tun_snapshot(struct vns_collector *c)
{
	struct vns_tun *t = vns_tun;
	struct vns_tun_rec *r;
	struct vns_snap *snap;
	unsigned int i, cpu, n = 0, m, ncpu = 0;

	lockdep_assert_held(&vns_lock);
	if (!vns_tun_collector.on || !t)
		return NULL;
	vns_tun_reclaim(t);
	for_each_possible_cpu(cpu)
		ncpu++;
	snap = vns_snap_alloc(t->nr + ncpu * t->nev, sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	r = vns_snap_recs(snap, struct vns_tun_rec);
	for (i = 0; i < t->nr; i++) {
		const struct vns_tunq *q = &t->q[i];
		/* pairs with vns_tun_entry()'s release */
		u64 key = smp_load_acquire(&q->key);

		if (!vns_tunq_live(key))
			continue;
		key--;
		r[n].ifindex = key >> 16;
		r[n].queue = key & 0xffff;
		r[n].net = READ_ONCE(q->net);
		r[n].sock_id = READ_ONCE(q->sock_id);
		r[n].ring_size = READ_ONCE(q->ring_size);
		memcpy(r[n].name, q->name, IFNAMSIZ);
		r[n].name[IFNAMSIZ - 1] = '\0';
		for_each_possible_cpu(cpu)
			vns_tun_sum(&r[n].s, t->stats[cpu] + i);
		n++;
	}
	sort(r, n, sizeof(*r), vns_tun_rec_cmp, NULL);
	/* an entry made twice by a race: one record */
	for (i = 1, m = n ? 1 : 0; i < n; i++) {
		struct vns_tun_rec *p = &r[m - 1];

		if (!vns_tun_rec_cmp(p, &r[i])) {
			vns_tun_sum(&p->s, &r[i].s);
			if (!p->sock_id)
				p->sock_id = r[i].sock_id;
			p->ring_size = max(p->ring_size, r[i].ring_size);
			continue;
		}
		if (m != i)
			r[m] = r[i];
		m++;
	}
	n = m;
	m = n;
	for_each_possible_cpu(cpu) {
		n += vns_tun_ev_copy(t, cpu, r + n);
		cond_resched();
	}
	sort(r + m, n - m, sizeof(*r), vns_tun_rec_cmp, NULL);
	snap->nr = n;
	return snap;
}

/* ---- the record over netlink (VNS_CMD_TUN_GET) ---- */

static int vns_tun_put_pair(struct sk_buff *skb, int type, int a_key,
			    u8 key, int a_count, u64 count, int pad)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, a_key, key) ||
	    vns_nla_put_u64(skb, a_count, count, pad)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static u64 vns_tun_age(const struct vns_snap *s, u64 ns)
{
	return s->now_ns > ns ? s->now_ns - ns : 0;
}

static int vns_tun_event_fill(struct sk_buff *skb, const struct vns_snap *s,
			      const struct vns_tun_rec *r)
{
	const struct vns_tun_ev *e = &r->ev;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VNS_A_TUN_EVENT);
	if (!nest)
		return -EMSGSIZE;
	if (vns_nla_put_u64(skb, VNS_TUN_EV_A_TIME_NS, e->ns,
			    VNS_TUN_EV_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TUN_EV_A_AGE_NS, vns_tun_age(s, e->ns),
			    VNS_TUN_EV_A_PAD) ||
	    nla_put_u32(skb, VNS_TUN_EV_A_CPU, r->cpu) ||
	    nla_put_u8(skb, VNS_TUN_EV_A_CAUSE, e->cause) ||
	    nla_put_u32(skb, VNS_TUN_EV_A_IFINDEX, e->ifindex) ||
	    vns_nl_put_strn(skb, VNS_TUN_EV_A_DEV, e->dev, IFNAMSIZ) ||
	    nla_put_u32(skb, VNS_TUN_EV_A_NETNS, e->net) ||
	    nla_put_u32(skb, VNS_TUN_EV_A_QUEUE, e->queue) ||
	    (e->ring_size &&
	     (nla_put_u32(skb, VNS_TUN_EV_A_FILL, e->fill) ||
	      nla_put_u32(skb, VNS_TUN_EV_A_RING_SIZE, e->ring_size))) ||
	    vns_nl_put_flow(skb, VNS_TUN_EV_A_FLOW, &e->flow)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vns_tun_fill(struct sk_buff *skb, const struct vns_snap *s,
			const void *rec)
{
	const struct vns_tun_rec *r = rec;
	struct nlattr *nest;
	unsigned int i;

	if (r->event)
		return vns_tun_event_fill(skb, s, r);
	nest = nla_nest_start(skb, VNS_A_TUN);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VNS_TUN_A_IFINDEX, r->ifindex) ||
	    nla_put_string(skb, VNS_TUN_A_DEV, r->name) ||
	    nla_put_u32(skb, VNS_TUN_A_NETNS, r->net) ||
	    nla_put_u32(skb, VNS_TUN_A_QUEUE, r->queue) ||
	    (r->sock_id && nla_put_u32(skb, VNS_TUN_A_SOCK, r->sock_id)) ||
	    vns_nla_put_u64(skb, VNS_TUN_A_TX_PACKETS, r->s.tx_packets,
			    VNS_TUN_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TUN_A_TX_BYTES, r->s.tx_bytes,
			    VNS_TUN_A_PAD))
		goto cancel;
	for (i = 0; i <= VNS_TUN_DROP_MAX; i++)
		if (r->s.drops[i] &&
		    vns_tun_put_pair(skb, VNS_TUN_A_DROP, VNS_TUN_DROP_A_CAUSE,
				     i, VNS_TUN_DROP_A_COUNT, r->s.drops[i],
				     VNS_TUN_DROP_A_PAD))
			goto cancel;
	if (r->ring_size &&
	    (nla_put_u32(skb, VNS_TUN_A_RING_SIZE, r->ring_size) ||
	     vns_nl_put_hist(skb, VNS_TUN_A_FILL_HIST, &r->s.fill)))
		goto cancel;
	if (vns_nla_put_u64(skb, VNS_TUN_A_RX_PACKETS, r->s.rx_packets,
			    VNS_TUN_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TUN_A_RX_BYTES, r->s.rx_bytes,
			    VNS_TUN_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TUN_A_RX_VHOST, r->s.rx_vhost,
			    VNS_TUN_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TUN_A_RX_WRITE, r->s.rx_write,
			    VNS_TUN_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TUN_A_STOPS, r->s.stops,
			    VNS_TUN_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TUN_A_WAKES, r->s.wakes,
			    VNS_TUN_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_TUN_A_BAD_VNET_HDR, r->s.bad_vnet_hdr,
			    VNS_TUN_A_PAD))
		goto cancel;
	for (i = 0; i <= VNS_TUN_GSO_MAX; i++)
		if (r->s.gso[i] &&
		    vns_tun_put_pair(skb, VNS_TUN_A_GSO, VNS_TUN_GSO_A_TYPE, i,
				     VNS_TUN_GSO_A_COUNT, r->s.gso[i],
				     VNS_TUN_GSO_A_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- the record in the text view ---- */

/*
 * An event's line has no dev= or queue= key (ifname=, txq=), so that a
 * queue's line is found by dev= and queue= alone.
 */
static void vns_tun_event_show(struct seq_file *m, const struct vns_snap *s,
			       const struct vns_tun_rec *r)
{
	const struct vns_tun_ev *e = &r->ev;
	const struct vns_flow *f = &e->flow;
	char name[IFNAMSIZ];

	memcpy(name, e->dev, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	seq_printf(m, "event=%s time_ns=%llu age_ns=%llu cpu=%u ifname=",
		   vns_tun_drop_names[e->cause], e->ns, vns_tun_age(s, e->ns),
		   r->cpu);
	vns_seq_word(m, name);
	seq_printf(m, " ifindex=%u netns=%u txq=%u", e->ifindex, e->net,
		   e->queue);
	if (e->ring_size)
		seq_printf(m, " fill=%u ring_size=%u", e->fill, e->ring_size);
	else
		seq_puts(m, " fill=- ring_size=-");
	vns_seq_flow(m, f);
	seq_putc(m, '\n');
}

static void vns_tun_show(struct seq_file *m, const struct vns_snap *s,
			 const void *rec)
{
	const struct vns_tun_rec *r = rec;
	unsigned int i;

	if (r->event) {
		vns_tun_event_show(m, s, r);
		return;
	}
	seq_puts(m, "dev=");
	vns_seq_word(m, r->name);
	seq_printf(m, " ifindex=%u queue=%u sock=%08x tx_packets=%llu tx_bytes=%llu",
		   r->ifindex, r->queue, r->sock_id, r->s.tx_packets,
		   r->s.tx_bytes);
	for (i = 0; i <= VNS_TUN_DROP_MAX; i++)
		seq_printf(m, " drop_%s=%llu", vns_tun_drop_names[i],
			   r->s.drops[i]);
	if (r->ring_size)
		seq_printf(m, " ring_size=%u fill_max=%llu", r->ring_size,
			   r->s.fill.max);
	else
		seq_puts(m, " ring_size=- fill_max=-");
	seq_printf(m, " rx_packets=%llu rx_bytes=%llu rx_vhost=%llu rx_write=%llu",
		   r->s.rx_packets, r->s.rx_bytes, r->s.rx_vhost,
		   r->s.rx_write);
	for (i = 0; i <= VNS_TUN_GSO_MAX; i++)
		seq_printf(m, " gso_%s=%llu", vns_tun_gso_names[i],
			   r->s.gso[i]);
	seq_printf(m, " stops=%llu wakes=%llu bad_vnet_hdr=%llu", r->s.stops,
		   r->s.wakes, r->s.bad_vnet_hdr);
	vns_seq_hist(m, "fill_hist", &r->s.fill);
	seq_printf(m, " netns=%u\n", r->net);
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_tun_collector = {
	.name = "tun",
	.probes = vns_tun_probes,
	.nr_probes = ARRAY_SIZE(vns_tun_probes),
	.alloc = vns_tun_alloc,
	.mem_size = vns_tun_mem_size,
	.free = vns_tun_free,
	.clear = vns_tun_clear,
	.status = vns_tun_status,
	.nl_cmd = VNS_CMD_TUN_GET,
	.rec_size = sizeof(struct vns_tun_rec),
	.snapshot = vns_tun_snapshot,
	.fill = vns_tun_fill,
	.show = vns_tun_show,
};

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
 *    ptr_ring is public) after each packet queued.
 *  - The drop's cause: the skb's drop reason (kfree_skb within
 *    tun_net_xmit, 5.19+: FULL_RING, DEV_READY, the filters); before drop
 *    reasons, a queue past the device's real_num_tx_queues has no reader,
 *    a full ring (read through the queue's last socket, nofault) is a full
 *    ring, anything else "other".
 *  - Guest to host: while a task is within tun_sendmsg() or
 *    tun_chr_write_iter(), the skbs of a TUN device handed to the stack
 *    (the net:*_entry receive tracepoints), on the queue TUN recorded.
 *
 * One table of (ifindex, queue) keys, shared, claimed with cmpxchg();
 * the counters are per CPU and summed on read.  tun_net_xmit runs with
 * bottom halves off (no migration between its entry and return): its
 * per-CPU state needs no more; the sendmsg/write side may sleep and is
 * followed per task (core/task.h).
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/vmalloc.h>
#include <net/rtnetlink.h>
#include <net/sock.h>

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "../core/sockid.h"
#include "../core/task.h"
#include "../netlink/fill.h"
#include "../views/text.h"

static unsigned int tun_entries = 64;
module_param(tun_entries, uint, 0444);
MODULE_PARM_DESC(tun_entries,
		 "TUN/TAP (device, queue) entries kept (default 64)");

#define VNS_TUN_PROBES	16	/* slots tried before an insert is lost */

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
	struct vns_hist fill;
};

/* A transmit in progress on this CPU */
struct vns_tun_cpu {
	const struct sk_buff *skb;
	struct sock *sk;		/* its queue's, from sk_data_ready() */
	u32 reason;
	bool reason_seen;
	u64 lost;
};

enum { VNS_TUN_FROM_VHOST = 1, VNS_TUN_FROM_WRITE };

struct vns_tun {
	unsigned int nr;		/* entries, a power of 2 */
	struct vns_tunq *q;
	struct vns_tunq_stats **stats;	/* nr_cpu_ids arrays of nr */
	struct vns_tun_cpu __percpu *cpu;
	struct task_struct *owners[VNS_TASK_SLOTS];
	u8 from[VNS_TASK_SLOTS];		/* VNS_TUN_FROM_* */
};

static struct vns_tun *vns_tun;
/* Where a struct tun_file holds its tx ring: learned, kept (0: unknown) */
static unsigned long vns_tun_ring_off;

struct vns_tun_rec {
	u32 ifindex, queue, sock_id, ring_size;
	char name[IFNAMSIZ];
	struct vns_tunq_stats s;
};

static struct vns_tun_probe_ptrs {
	struct vns_probe *xmit, *ring, *send, *write;
} vns_tun_pp;

static struct vns_tunq_stats *vns_tun_stats(struct vns_tun *t, unsigned int i)
{
	return t->stats[smp_processor_id()] + i;
}

/* The entry of (@dev, @queue), inserted if new; -1 when the table is full */
static int vns_tun_entry(struct vns_tun *t, const struct net_device *dev,
			 u16 queue)
{
	u64 key = ((u64)dev->ifindex << 16 | queue) + 1;
	unsigned int h = hash_64(key, 32), i;

	for (i = 0; i < VNS_TUN_PROBES && i < t->nr; i++) {
		unsigned int n = (h + i) & (t->nr - 1);
		struct vns_tunq *q = &t->q[n];
		u64 cur = READ_ONCE(q->key);

		if (cur == key)
			return n;
		if (!cur && !cmpxchg(&q->key, 0, key)) {
			memcpy(q->name, dev->name, IFNAMSIZ);
			return n;
		}
		if (READ_ONCE(q->key) == key)
			return n;
	}
	return -1;
}

static bool vns_tun_dev(const struct net_device *dev)
{
	const struct rtnl_link_ops *ops = dev ? dev->rtnl_link_ops : NULL;

	return ops && ops->kind && !strcmp(ops->kind, "tun");
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
	const struct net_device *dev;
};

static int vns_tun_xmit_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vns_tun_xmit *x = (void *)ri->data;
	struct sk_buff *skb = (struct sk_buff *)vns_kprobe_arg(regs, 0);
	struct vns_tun_cpu *pc;
	struct vns_tun *t;

	vns_probe_hit(vns_tun_pp.xmit);
	t = READ_ONCE(vns_tun);
	x->entry = -1;
	if (!vns_active(&vns_tun_collector) || !t || !skb)
		return 0;
	x->dev = (const struct net_device *)vns_kprobe_arg(regs, 1);
	x->queue = skb_get_queue_mapping(skb);
	x->len = skb->len;
	pc = this_cpu_ptr(t->cpu);
	x->entry = vns_tun_entry(t, x->dev, x->queue);
	if (x->entry < 0) {
		pc->lost++;
		return 0;
	}
	pc->skb = skb;
	pc->sk = NULL;
	pc->reason_seen = false;
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

static int vns_tun_xmit_out(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
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
		st->drops[vns_tun_drop_cause(pc, q, x)]++;
	}
	pc->skb = NULL;
	pc->sk = NULL;
	local_irq_restore(flags);
	return 0;
}

/* sk->sk_data_ready() of the queue's socket, within tun_net_xmit */
static int vns_tun_readable(struct kprobe *kp, struct pt_regs *regs)
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

/* The drop reason of the skb being transmitted on this CPU */
static void vns_tun_kfree_skb(VNS_KFREE_SKB_PROTO(data, skb, location))
{
	struct vns_tun *t = READ_ONCE(vns_tun);
	struct vns_tun_cpu *pc;

	if (!t)
		return;
	pc = this_cpu_ptr(t->cpu);
	if (pc->skb == skb) {
		vns_probe_hit(data);
		pc->reason = VNS_KFREE_SKB_REASON;
		pc->reason_seen = true;
	}
}

/* tun_get_tx_ring(file): &tfile->tx_ring, file->private_data the tfile */
static int vns_tun_ring_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct file *file = (struct file *)vns_kprobe_arg(regs, 0);

	vns_probe_hit(vns_tun_pp.ring);
	*(void **)ri->data = file ? file->private_data : NULL;
	return 0;
}

static int vns_tun_ring_out(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	unsigned long tfile = *(unsigned long *)ri->data;
	unsigned long ring = regs_return_value(regs);

	/* an error pointer, or not within a tun_file: not learned */
	if (tfile && !IS_ERR_VALUE(ring) && ring > tfile &&
	    ring - tfile < PAGE_SIZE)
		WRITE_ONCE(vns_tun_ring_off, ring - tfile);
	return 0;
}

/* tun_chr_close(inode, file): the queue's socket goes */
static int vns_tun_close(struct kprobe *kp, struct pt_regs *regs)
{
	struct file *file = (struct file *)vns_kprobe_arg(regs, 1);
	struct vns_tun *t = READ_ONCE(vns_tun);
	unsigned long sk;
	unsigned int i;

	vns_probe_hit(container_of(kp, struct vns_probe, kp));
	if (!t || !file)
		return 0;
	sk = (unsigned long)file->private_data;
	for (i = 0; i < t->nr; i++)
		if (READ_ONCE(t->q[i].sk) == sk)
			WRITE_ONCE(t->q[i].sk, 0);
	return 0;
}

/* ---- guest to host: tun_sendmsg (vhost-net), tun_chr_write_iter ---- */

static int vns_tun_from_in(struct kretprobe_instance *ri, u8 from)
{
	struct vns_tun *t = READ_ONCE(vns_tun);
	int n;

	*(int *)ri->data = -1;
	if (!vns_active(&vns_tun_collector) || !t)
		return 0;
	n = vns_task_claim(t->owners);
	if (n < 0) {
		this_cpu_inc(t->cpu->lost);
		return 0;
	}
	t->from[n] = from;
	*(int *)ri->data = n;
	return 0;
}

static int vns_tun_from_out(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct vns_tun *t = READ_ONCE(vns_tun);
	int n = *(int *)ri->data;

	if (n >= 0 && t)
		vns_task_release(t->owners, n);
	return 0;
}

static int vns_tun_send_in(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	vns_probe_hit(vns_tun_pp.send);
	return vns_tun_from_in(ri, VNS_TUN_FROM_VHOST);
}

static int vns_tun_write_in(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	vns_probe_hit(vns_tun_pp.write);
	return vns_tun_from_in(ri, VNS_TUN_FROM_WRITE);
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
static void vns_tun_rx(void *data, const struct sk_buff *skb)
{
	struct vns_tun *t = READ_ONCE(vns_tun);
	struct vns_tunq_stats *st;
	unsigned long flags;
	int n, e;

	if (!t || !vns_tun_dev(skb->dev))
		return;
	n = vns_task_slot(t->owners);
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
	if (t->from[n] == VNS_TUN_FROM_VHOST)
		st->rx_vhost++;
	else
		st->rx_write++;
	st->gso[vns_tun_gso(skb)]++;
out:
	local_irq_restore(flags);
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
	{
		.name = "tun_net_xmit",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.required = true,
		.krp_entry = vns_tun_xmit_in,
		.krp_ret = vns_tun_xmit_out,
		.krp_data_size = sizeof(struct vns_tun_xmit),
		.unavail = VNS_ARGS_UNAVAIL,
	},
	{
		/* 3.10's tun_net_xmit wakes the reader without it */
		.name = "sock_def_readable",
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_tun_readable,
		.unavail = VNS_SOCK_ARGS_UNAVAIL,
	},
	{
		.name = "kfree_skb",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_tun_kfree_skb,
	},
	{
		.name = "tun_get_tx_ring",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_tun_ring_in,
		.krp_ret = vns_tun_ring_out,
		.krp_data_size = sizeof(void *),
		/* 3.10 (RHEL 7) has tun_get_skb_array() instead */
		.unavail = VNS_SOCK_ARGS_UNAVAIL,
	},
	{
		.name = "tun_chr_close",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_tun_close,
		.unavail = VNS_ARGS_UNAVAIL,
	},
	{
		.name = "tun_sendmsg",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_tun_send_in,
		.krp_ret = vns_tun_from_out,
		.krp_data_size = sizeof(int),
	},
	{
		.name = "tun_chr_write_iter",
		.module = VNS_TUN_MOD,
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_tun_write_in,
		.krp_ret = vns_tun_from_out,
		.krp_data_size = sizeof(int),
	},
	VNS_TUN_RX_TP("netif_receive_skb_entry"),
	VNS_TUN_RX_TP("netif_receive_skb_list_entry"),
	VNS_TUN_RX_TP("netif_rx_entry"),
	VNS_TUN_RX_TP("netif_rx_ni_entry"),
	VNS_TUN_RX_TP("napi_gro_receive_entry"),
	VNS_TUN_RX_TP("napi_gro_frags_entry"),
};

static struct vns_tun_probe_ptrs vns_tun_pp = {
	.xmit = &vns_tun_probes[0],
	.ring = &vns_tun_probes[3],
	.send = &vns_tun_probes[5],
	.write = &vns_tun_probes[6],
};

/* ---- tables ---- */

static unsigned int vns_tun_nr(void)
{
	return roundup_pow_of_two(clamp(tun_entries, 4U, 65536U));
}

static u64 vns_tun_mem_size(const struct vns_settings *s)
{
	unsigned int nr = vns_tun_nr();

	return sizeof(struct vns_tun) + (u64)nr * sizeof(struct vns_tunq) +
	       (u64)num_possible_cpus() *
	       (nr * sizeof(struct vns_tunq_stats) + sizeof(void *) +
		sizeof(struct vns_tun_cpu));
}

/* One CPU's counters: its array of @t->nr (too big for alloc_percpu) */
static size_t vns_tun_stats_size(const struct vns_tun *t)
{
	return t->nr * sizeof(struct vns_tunq_stats);
}

static void vns_tun_free(struct vns_collector *c)
{
	struct vns_tun *t = vns_tun;
	unsigned int cpu;

	if (!t)
		return;
	WRITE_ONCE(vns_tun, NULL);
	if (t->stats)
		for_each_possible_cpu(cpu)
			vfree(t->stats[cpu]);
	kfree(t->stats);
	free_percpu(t->cpu);
	vfree(t->q);
	kfree(t);
}

static void vns_tun_clear(struct vns_collector *c)
{
	struct vns_tun *t = vns_tun;
	unsigned int cpu;

	memset(t->q, 0, t->nr * sizeof(*t->q));
	memset(t->owners, 0, sizeof(t->owners));
	for_each_possible_cpu(cpu) {
		memset(t->stats[cpu], 0, vns_tun_stats_size(t));
		memset(per_cpu_ptr(t->cpu, cpu), 0,
		       sizeof(struct vns_tun_cpu));
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
	t->q = vzalloc(t->nr * sizeof(*t->q));
	t->stats = kcalloc(nr_cpu_ids, sizeof(*t->stats), GFP_KERNEL);
	for_each_possible_cpu(cpu)
		if (t->stats)
			t->stats[cpu] = vzalloc_node(vns_tun_stats_size(t),
							cpu_to_node(cpu));
	t->cpu = alloc_percpu(struct vns_tun_cpu);
	vns_tun = t;
	for_each_possible_cpu(cpu)
		if (t->stats && !t->stats[cpu])
			err = -ENOMEM;
	if (!t->q || !t->stats || !t->cpu || err) {
		vns_tun_free(c);
		return -ENOMEM;
	}
	vns_tun_clear(c);
	return 0;
}

static void vns_tun_status(struct vns_collector *c, struct vns_coll_status *st)
{
	struct vns_tun *t = vns_tun;
	u64 tx = 0, drops = 0, rx = 0;
	unsigned int cpu, i, d;

	st->capacity = t->nr;
	for (i = 0; i < t->nr; i++)
		if (READ_ONCE(t->q[i].key))
			st->entries++;
	for_each_possible_cpu(cpu) {
		struct vns_tunq_stats *s = t->stats[cpu];

		st->lost += READ_ONCE(per_cpu_ptr(t->cpu, cpu)->lost);
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
	for (i = 0; i <= VNS_TUN_DROP_MAX; i++)
		dst->drops[i] += READ_ONCE(s->drops[i]);
	for (i = 0; i <= VNS_TUN_GSO_MAX; i++)
		dst->gso[i] += READ_ONCE(s->gso[i]);
	vns_hist_merge(&dst->fill, &s->fill);
}

static struct vns_snap *vns_tun_snapshot(struct vns_collector *c)
{
	struct vns_tun *t = vns_tun;
	struct vns_tun_rec *r;
	struct vns_snap *snap;
	unsigned int i, cpu, n = 0;

	lockdep_assert_held(&vns_lock);
	if (!vns_tun_collector.on || !t)
		return NULL;
	snap = vns_snap_alloc(t->nr, sizeof(*r));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	r = vns_snap_recs(snap, struct vns_tun_rec);
	for (i = 0; i < t->nr; i++) {
		const struct vns_tunq *q = &t->q[i];
		u64 key = READ_ONCE(q->key);

		if (!key)
			continue;
		key--;
		r[n].ifindex = key >> 16;
		r[n].queue = key & 0xffff;
		r[n].sock_id = READ_ONCE(q->sock_id);
		r[n].ring_size = READ_ONCE(q->ring_size);
		memcpy(r[n].name, q->name, IFNAMSIZ);
		r[n].name[IFNAMSIZ - 1] = '\0';
		for_each_possible_cpu(cpu)
			vns_tun_sum(&r[n].s, t->stats[cpu] + i);
		n++;
	}
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

static int vns_tun_fill(struct sk_buff *skb, const struct vns_snap *s,
			const void *rec)
{
	const struct vns_tun_rec *r = rec;
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, VNS_A_TUN);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VNS_TUN_A_IFINDEX, r->ifindex) ||
	    nla_put_string(skb, VNS_TUN_A_DEV, r->name) ||
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

static void vns_tun_show(struct seq_file *m, const struct vns_snap *s,
			 const void *rec)
{
	const struct vns_tun_rec *r = rec;
	unsigned int i;

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
	vns_seq_hist(m, "fill_hist", &r->s.fill);
	seq_putc(m, '\n');
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

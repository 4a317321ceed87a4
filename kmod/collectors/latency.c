// SPDX-License-Identifier: GPL-2.0
/*
 * The latency collector: where the time of a packet goes, stage by stage.
 *
 * Every probe point is a stage (include/uapi/linux/vnetscope.h, enum
 * vns_stage).  A packet that passes the filter is followed by its identity
 * (include/vns/lat.h) in one shared, bounded in-flight table: it enters at a
 * start stage (IP_OUT for TX, PHY_RX on the physical port for RX), each
 * stage it crosses adds the delta since the previous one to the per-CPU
 * histogram of that pair of stages, and at its last stage (TX_XMIT on the
 * physical port, L4_RCV) the end-to-end time goes to the histogram of its
 * direction and the packet leaves the table.  Packets that never get there
 * age out (incomplete); a full table counts lost.
 *
 * Timestamps are ktime_get_ns(): a packet may cross CPUs between stages.
 * Histograms are in microseconds, per CPU, summed on read.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/dst.h>
#include <net/sch_generic.h>
#include <vns/lat.h>

#include "../core/collector.h"
#include "../core/events.h"
#include "../core/probe.h"
#include "../core/skb.h"
#include "../core/snap.h"
#include "../netlink/fill.h"
#include "../views/text.h"

/* One record of a snapshot */
enum vns_lat_rec_kind {
	VNS_LAT_REC_PAIR,		/* from -> to */
	VNS_LAT_REC_TOTAL,		/* end to end, one direction */
};

struct vns_lat_rec {
	u8 kind;
	u8 from;			/* enum vns_stage */
	u8 to;
	u8 dir;				/* enum vns_dir */
	struct vns_hist hist;		/* us */
};

static unsigned int latency_entries = 4096;
module_param(latency_entries, uint, 0444);
MODULE_PARM_DESC(latency_entries,
		 "packets followed at once by the latency collector (default 4096)");

static unsigned int latency_events = 256;
module_param(latency_events, uint, 0444);
MODULE_PARM_DESC(latency_events,
		 "details records buffered per CPU for the events file (default 256)");

static unsigned int latency_timeout_ms = 1000;
module_param(latency_timeout_ms, uint, 0444);
MODULE_PARM_DESC(latency_timeout_ms,
		 "a packet not at its last stage after this long is incomplete (default 1000)");

/* Written only by its own CPU, with interrupts disabled */
struct vns_lat_cpu {
	u64 tracked;		/* packets that entered the table */
	u64 completed;		/* packets that reached their last stage */
	u64 lost;		/* the table was full */
	u64 busy;		/* a stage found its packet's slot locked */
	u64 hops_dropped;	/* stages past VNS_LAT_HOPS */
	u64 events;		/* details records emitted */
	u64 xmit_skb;		/* net_dev_start_xmit's skb, for net_dev_xmit */
	u64 xmit_tag;
	struct vns_pkt_key xmit_key;
	struct vns_hist pair[VNS_LAT_PAIRS];
	struct vns_hist total[2];	/* VNS_DIR_RX - 1, VNS_DIR_TX - 1 */
};

struct vns_latency {
	struct vns_lat_table table;
	u32 pairs[VNS_LAT_PAIRS];	/* enum vns_stage pairs, lat.h */
	char phy[IFNAMSIZ];		/* "": any device */
	char vm[IFNAMSIZ];		/* "": no VM path */
	u8 dir;
	u64 timeout_ns;
	/* details, changed live (vns_latency_update()): WRITE/READ_ONCE */
	u64 thr_ns;			/* end to end; 0: off */
	u64 stage_thr_ns;		/* any one stage; 0: off */
	atomic64_t incomplete;
	/* start-stage packets the filter refused: this_cpu_inc(), irqs on */
	u64 __percpu *filtered;
	struct delayed_work reaper;
	struct vns_lat_cpu *cpu[];	/* nr_cpu_ids */
};

static struct vns_latency *vns_lat;

/*
 * The path a followed packet is on, decided where it starts; it names the
 * stages of the packet (the OVS stages of the VM path are OVS_RX,
 * FLOW_EXTRACT_END_RX ... from the VM and OVS_TX ... to it).
 */
enum vns_lat_path {
	VNS_PATH_SYS_TX,	/* IP_OUT ... TX_XMIT on phy */
	VNS_PATH_SYS_RX,	/* PHY_RX on phy ... L4_RCV */
	VNS_PATH_VM_RX,		/* from the VM: VNET_RX ... TX_XMIT on phy */
	VNS_PATH_VM_TX,		/* to the VM: PHY_RX on phy ... VNET_TX */
};

#define VNS_NO_PATH	(-1)

static u8 vns_lat_path_dir(int path)
{
	return path == VNS_PATH_SYS_RX || path == VNS_PATH_VM_RX ?
	       VNS_DIR_RX : VNS_DIR_TX;
}

/*
 * Probe handlers give the stage of the system path; CT_RX and CT_OUT_RX
 * stand for conntrack entry and exit.  Returns the stage of @path, or
 * VNS_STAGE_NONE for a stage that path does not have.
 */
static u8 vns_lat_stage_of(int path, u8 st, bool on_vm)
{
	static const u8 vm[][2] = {	/* { from the VM, to the VM } */
		[VNS_STAGE_OVS_FRAME_HOOK] = { VNS_STAGE_OVS_RX,
					       VNS_STAGE_OVS_TX },
		[VNS_STAGE_OVS_DP_PROCESS] = { VNS_STAGE_FLOW_EXTRACT_END_RX,
					       VNS_STAGE_FLOW_EXTRACT_END_TX },
		[VNS_STAGE_OVS_UPCALL] = { VNS_STAGE_OVS_UPCALL_RX,
					   VNS_STAGE_OVS_UPCALL_TX },
		[VNS_STAGE_OVS_USERSPACE] = { VNS_STAGE_OVS_USERSPACE_RX,
					      VNS_STAGE_OVS_USERSPACE_TX },
		[VNS_STAGE_CT_RX] = { VNS_STAGE_CT_RX, VNS_STAGE_CT_TX },
		[VNS_STAGE_CT_OUT_RX] = { VNS_STAGE_CT_OUT_RX,
					  VNS_STAGE_CT_OUT_TX },
	};

	if (path == VNS_PATH_SYS_TX || path == VNS_PATH_SYS_RX) {
		/* no conntrack stages on the system path, as in the toolset */
		if (st == VNS_STAGE_CT_RX || st == VNS_STAGE_CT_OUT_RX)
			return VNS_STAGE_NONE;
		/*
		 * No device transmit stages on the RX path: a packet from
		 * one device of this host to another (two namespaces) has
		 * one identity on both sides, and the sender's TX_XMIT may
		 * come after the receiver's PHY_RX on another CPU.
		 */
		if (path == VNS_PATH_SYS_RX && st >= VNS_STAGE_PHY_QUEUE &&
		    st <= VNS_STAGE_TX_XMIT)
			return VNS_STAGE_NONE;
		return st;
	}
	if (st == VNS_STAGE_OVS_VPORT_SEND || st == VNS_STAGE_OVS_INTERNAL_XMIT)
		return VNS_STAGE_NONE;
	if (path == VNS_PATH_VM_TX && on_vm) {
		if (st == VNS_STAGE_QDISC_ENQ)
			return VNS_STAGE_VNET_QDISC_ENQ;
		if (st == VNS_STAGE_QDISC_DEQ)
			return VNS_STAGE_VNET_QDISC_DEQ;
	}
	if (st < ARRAY_SIZE(vm) && vm[st][0])
		return vm[st][path == VNS_PATH_VM_TX];
	return st;
}

/* One pair of stages and its delta, on this CPU's histograms */
static void vns_lat_pair_add(struct vns_latency *l, struct vns_lat_cpu *pc,
			     u8 from, u8 to, u64 delta_ns)
{
	int i = vns_lat_pair(l->pairs, from, to);

	if (i >= 0)
		vns_hist_add(&pc->pair[i], delta_ns / NSEC_PER_USEC);
}

/*
 * Details: a record of the packet in locked slot @s, which reached its last
 * stage, if it passed a threshold.  The ring is this CPU's and interrupts
 * are off: nothing waits, a full ring counts lost.
 */
static void vns_lat_emit(struct vns_latency *l, struct vns_lat_cpu *pc,
			 const struct vns_lat_slot *s, u64 total_ns)
{
	struct vns_lat_event *e;
	u8 why = 0;

	u64 thr = READ_ONCE(l->thr_ns), stage_thr = READ_ONCE(l->stage_thr_ns);

	if (thr && total_ns >= thr)
		why |= VNS_LAT_WHY_TOTAL;
	if (stage_thr && s->slow_ns >= stage_thr)
		why |= VNS_LAT_WHY_STAGE;
	if (!why)
		return;
	e = vns_event_reserve();
	if (!e)
		return;
	e->first_ns = s->first_ns;
	e->total_ns = total_ns;
	e->key = s->key;
	e->cpu = smp_processor_id();
	e->dropped_hops = s->dropped_hops;
	e->slow_pid = s->slow_pid;
	e->slow = s->slow;
	e->nr = s->nr;
	e->dir = vns_lat_path_dir(s->path);
	e->why = why;
	memcpy(e->slow_comm, s->slow_comm, sizeof(e->slow_comm));
	memcpy(e->hop, s->hop, s->nr * sizeof(s->hop[0]));
	vns_event_commit();
	pc->events++;
}

/* Is @dev the physical port (any device when none was given)? */
static bool vns_lat_is_phy(const struct vns_latency *l,
			   const struct net_device *dev)
{
	return !l->phy[0] || (dev && !strncmp(dev->name, l->phy, IFNAMSIZ));
}

/* Is @dev the VM's port (none when the VM path is off)? */
static bool vns_lat_is_vm(const struct vns_latency *l,
			  const struct net_device *dev)
{
	return l->vm[0] && dev && !strncmp(dev->name, l->vm, IFNAMSIZ);
}

/*
 * A packet at @stage (of the system path) on @dev (may be NULL).  @key is
 * its identity, already parsed and tagged; @start is the path it starts
 * here (VNS_NO_PATH: not a start stage), @end whether it ends here.
 * Interrupts are off: this CPU's counters are ours.
 */
static void vns_lat_at(struct vns_latency *l, struct vns_lat_cpu *pc,
		       const struct vns_pkt_key *key, u64 tag, u8 stage,
		       int start, bool end, const struct net_device *dev)
{
	struct vns_lat_hop prev, *h;
	const struct vns_lat_hop *p;
	struct vns_lat_slot *s;
	u64 now = ktime_get_ns(), total;
	bool busy, aged, sock;

	s = vns_lat_lookup(&l->table, key, tag, &busy);
	if (!s) {
		if (busy)
			pc->busy++;
		if (busy || start == VNS_NO_PATH)
			return;
		s = vns_lat_claim(&l->table, key, tag, now, l->timeout_ns,
				  &aged);
		if (aged)
			atomic64_inc(&l->incomplete);
		if (!s) {
			pc->lost++;
			return;
		}
		s->path = start;
		pc->tracked++;
	} else if (start != VNS_NO_PATH && (s->done || (s->nr &&
		   vns_lat_path_dir(s->path) != vns_lat_path_dir(start)))) {
		/*
		 * Done already (a packet of the same identity again, as a
		 * TCP retransmission is), or seen going the other way and
		 * never finished that: what comes in now is where it starts.
		 */
		if (!s->done)
			atomic64_inc(&l->incomplete);
		s->nr = 0;
		s->dropped_hops = 0;
		s->first_ns = now;
		s->slow_ns = 0;
		s->path = start;
		s->done = 0;
	}
	stage = vns_lat_stage_of(s->path, stage, vns_lat_is_vm(l, dev));
	/*
	 * A packet measured end to end goes on to its socket only; the
	 * socket stages count after L4_RCV only (raw sockets take their
	 * clone before it).
	 */
	sock = stage == VNS_STAGE_SOCK_QUEUE || stage == VNS_STAGE_APP_READ;
	if (stage == VNS_STAGE_NONE || s->done != sock) {
		vns_lat_unlock(s);
		return;
	}
	if (s->nr == VNS_LAT_HOPS)
		pc->hops_dropped++;
	p = vns_lat_hop_add(s, stage, now, dev ? dev->ifindex : 0,
			    smp_processor_id(), &prev);
	h = &s->hop[s->nr - 1];
	h->pid = current->pid;
	if (dev)
		memcpy(h->dev, dev->name, sizeof(h->dev));
	if (p && now >= p->ts_ns) {
		u64 d = now - p->ts_ns;

		vns_lat_pair_add(l, pc, p->stage, stage, d);
		if (d > s->slow_ns) {
			/* who ran the stage that ended the longest wait */
			s->slow_ns = d;
			s->slow = s->nr - 1;
			s->slow_pid = h->pid;
			memcpy(s->slow_comm, current->comm,
			       sizeof(s->slow_comm));
		}
	}
	if (stage == VNS_STAGE_APP_READ) {
		vns_lat_free(s);
		return;
	}
	if (!end) {
		vns_lat_unlock(s);
		return;
	}
	total = now >= s->first_ns ? now - s->first_ns : 0;
	vns_hist_add(&pc->total[vns_lat_path_dir(s->path) - 1],
		     total / NSEC_PER_USEC);
	pc->completed++;
	if (l->thr_ns | l->stage_thr_ns)
		vns_lat_emit(l, pc, s, total);
	if (stage == VNS_STAGE_L4_RCV) {
		/*
		 * Kept, done, for SOCK_QUEUE and APP_READ (which frees it);
		 * a packet no socket takes (an echo request the kernel
		 * answers) holds its slot until a new packet needs it.
		 */
		s->done = 1;
		vns_lat_unlock(s);
		return;
	}
	vns_lat_free(s);
}

/*
 * The identity of the packet in @skb, from its network header.  False when
 * it has none we can read (not IP, header not set or not linear).  Only an
 * skb that says it is IP is parsed (vns_skb_ip_proto()); @proto stands in
 * for a locally built packet that does not say it yet (IP_OUT: ip_output()
 * is IPv4, ip6_output() IPv6).  @at_data: skb->data is the network header
 * (PHY_RX: net:netif_receive_skb fires before __netif_receive_skb_core()
 * sets the header from there, and drivers that do not use GRO, or have it
 * off, leave it unset).  VNS_LAT_REFUSED: the filter @flt refuses the
 * packet on its IP header alone (vns_filter_refuses_hdr()), not parsed.
 */
enum { VNS_LAT_NO_KEY, VNS_LAT_KEY, VNS_LAT_REFUSED };

static int vns_lat_key(const struct sk_buff *skb, u16 proto, bool at_data,
		       const struct vns_filter *flt, struct vns_pkt_key *k)
{
	u16 p = ntohs(skb->protocol);
	const unsigned char *nh;

	if (p == ETH_P_IP || p == ETH_P_IPV6)
		proto = p;
	else if (p)
		return VNS_LAT_NO_KEY;
	nh = at_data ? skb->data : vns_skb_nh_set(skb) ?
	     skb_network_header(skb) : NULL;
	if (nh && vns_filter_refuses_hdr(flt, nh, vns_skb_lin(skb, nh)))
		return VNS_LAT_REFUSED;
	memset(k, 0, sizeof(*k));
	return vns_skb_parse(skb, nh, proto, &k->flow, &k->id) ?
	       VNS_LAT_KEY : VNS_LAT_NO_KEY;
}

/*
 * The identity of a packet whose network header is not set yet, from an
 * Ethernet frame at skb->data (OVS_USERSPACE: a packet ovs-vswitchd sends
 * back to the datapath).
 */
static bool vns_lat_key_eth(const struct sk_buff *skb, struct vns_pkt_key *k)
{
	const u8 *p = skb->data;
	unsigned int len = skb_headlen(skb), off = 12;
	u16 type;

	memset(k, 0, sizeof(*k));
	if (len < 14)
		return false;
	type = vns_get_be16(p + off);
	if ((type == ETH_P_8021Q || type == ETH_P_8021AD) && len >= 18) {
		off += 4;
		type = vns_get_be16(p + off);
	}
	off += 2;
	p += off;
	len -= off;
	if (type == ETH_P_IP)
		return vns_flow_parse_ipv4(&k->flow, &k->id, p, len);
	if (type == ETH_P_IPV6)
		return vns_flow_parse_ipv6(&k->flow, &k->id, p, len);
	return false;
}

/*
 * The common path of every probe: where the packet starts or ends, the
 * filter, then the table.  @dev is the device the packet is on (for
 * IP_OUT: the one it will leave by).  @proto: what the packet is when the
 * skb does not say (vns_lat_key()), else 0.
 */
static void vns_lat_skb_proto(const struct sk_buff *skb,
			      const struct net_device *dev, u8 stage,
			      u16 proto)
{
	struct vns_collector *c = &vns_latency_collector;
	int start = VNS_NO_PATH;
	struct vns_lat_cpu *pc;
	struct vns_latency *l;
	struct vns_pkt_key key;
	unsigned long flags;
	bool end = false, at_data = false;
	int ok;
	u64 tag;

	if (!vns_active(c))
		return;
	l = READ_ONCE(vns_lat);
	if (!l || !skb)
		return;
	switch (stage) {
	case VNS_STAGE_IP_OUT:
		/*
		 * TX starts in the stack for packets routed to the physical
		 * port, or to an OVS internal port or a bridge (which lead
		 * to it).
		 */
		if (!vns_lat_is_phy(l, dev) && !(dev && dev->priv_flags &
		    (VNS_IFF_OPENVSWITCH | IFF_EBRIDGE)))
			return;
		start = VNS_PATH_SYS_TX;
		break;
	case VNS_STAGE_PHY_RX:
		at_data = true;
		/* RX starts on the physical port, or the VM's */
		if (vns_lat_is_vm(l, dev)) {
			stage = VNS_STAGE_VNET_RX;
			start = VNS_PATH_VM_RX;
		} else if (vns_lat_is_phy(l, dev)) {
			start = l->vm[0] ? VNS_PATH_VM_TX : VNS_PATH_SYS_RX;
		} else {
			return;
		}
		break;
	case VNS_STAGE_PHY_QUEUE:
	case VNS_STAGE_TX_QUEUE:
		/* the device stages of the physical port only ... */
		if (!vns_lat_is_phy(l, dev))
			return;
		break;
	case VNS_STAGE_QDISC_ENQ:
	case VNS_STAGE_QDISC_DEQ:
		/* ... and its qdisc, or the VM port's */
		if (!vns_lat_is_phy(l, dev) && !vns_lat_is_vm(l, dev))
			return;
		break;
	case VNS_STAGE_VNET_TX:
		if (!vns_lat_is_vm(l, dev))
			return;
		end = true;
		break;
	case VNS_STAGE_L4_RCV:
		end = true;
		break;
	case VNS_STAGE_CT_RX:
	case VNS_STAGE_CT_OUT_RX:
		/* conntrack stages are the VM path's: no parse without it */
		if (!l->vm[0])
			return;
		break;
	}
	if (start != VNS_NO_PATH && l->dir && l->dir != vns_lat_path_dir(start))
		return;
	if (stage == VNS_STAGE_OVS_USERSPACE)
		ok = vns_lat_key_eth(skb, &key) ? VNS_LAT_KEY : VNS_LAT_NO_KEY;
	else
		ok = vns_lat_key(skb, proto, at_data, &c->filter, &key);
	if (ok == VNS_LAT_NO_KEY)
		return;
	/*
	 * dev= is the device a packet starts on: the one it came in on
	 * (PHY_RX, VNET_RX), the one it is routed to leave by (IP_OUT).  The
	 * stages after find it by its identity alone: the filter's own name
	 * stands in for theirs.  Decided before this CPU's counters are
	 * taken: a refused packet costs no more than its parse, or its IP
	 * header's look (VNS_LAT_REFUSED).
	 */
	if (ok == VNS_LAT_REFUSED ||
	    !vns_filter_match(&c->filter, &key.flow, start == VNS_NO_PATH ?
			      c->filter.dev : dev ? dev->name : NULL)) {
		if (start != VNS_NO_PATH)
			this_cpu_inc(*l->filtered);
		return;
	}
	tag = vns_pkt_tag(&key);
	local_irq_save(flags);
	pc = l->cpu[smp_processor_id()];
	vns_lat_at(l, pc, &key, tag, stage, start, end, dev);
	/* for net_dev_xmit, which may match this skb by address only */
	if (stage == VNS_STAGE_TX_QUEUE) {
		pc->xmit_skb = (unsigned long)skb;
		pc->xmit_key = key;
		pc->xmit_tag = tag;
	}
	local_irq_restore(flags);
}

static void vns_lat_skb(const struct sk_buff *skb,
			const struct net_device *dev, u8 stage)
{
	vns_lat_skb_proto(skb, dev, stage, 0);
}

/* ---- probes ---- */

#define VNS_KP_SKB(regs, n) ((struct sk_buff *)vns_kprobe_arg((regs), (n)))

/* A kprobe whose argument @n is the skb, on the skb's device */
static int vns_lat_kp(struct kprobe *kp, struct pt_regs *regs, unsigned int n,
		      u8 stage)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, n);

	vns_lat_skb(skb, skb ? skb->dev : NULL, stage);
	return 0;
}

/* A kprobe whose argument @n is a struct sk_buff ** (rx_handlers) */
static int vns_lat_kp_pskb(struct kprobe *kp, struct pt_regs *regs,
			   unsigned int n, u8 stage)
{
	struct sk_buff **pskb = (struct sk_buff **)vns_kprobe_arg(regs, n);
	struct sk_buff *skb = pskb ? *pskb : NULL;

	vns_lat_skb(skb, skb ? skb->dev : NULL, stage);
	return 0;
}

static int vns_lat_ip_out_proto(struct kprobe *kp, struct pt_regs *regs,
				u16 proto)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, VNS_IP_OUTPUT_SKB_ARG);
	struct dst_entry *dst = skb ? skb_dst(skb) : NULL;

	vns_lat_skb_proto(skb, dst ? dst->dev : NULL, VNS_STAGE_IP_OUT, proto);
	return 0;
}

/* ip_output(): IPv4, even before skb->protocol says so (3.10) */
VNS_KPROBE_HANDLER(vns_lat_ip_out)
{
	return vns_lat_ip_out_proto(kp, regs, ETH_P_IP);
}

VNS_KPROBE_HANDLER(vns_lat_ip6_out)
{
	return vns_lat_ip_out_proto(kp, regs, ETH_P_IPV6);
}

VNS_KPROBE_HANDLER(vns_lat_l4_rcv)
{
	return vns_lat_kp(kp, regs, 0, VNS_STAGE_L4_RCV);
}

VNS_KPROBE_HANDLER(vns_lat_phy_queue)
{
	return vns_lat_kp(kp, regs, 0, VNS_STAGE_PHY_QUEUE);
}

/* OVS: internal_dev_xmit(skb, netdev), the stack sending into OVS */
VNS_KPROBE_HANDLER(vns_lat_ovs_internal)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, 0);

	vns_lat_skb(skb, (struct net_device *)vns_kprobe_arg(regs, 1),
		    VNS_STAGE_OVS_INTERNAL_XMIT);
	return 0;
}

/* OVS: netdev_frame_hook(struct sk_buff **), a port's rx_handler */
VNS_KPROBE_HANDLER(vns_lat_ovs_frame_hook)
{
	return vns_lat_kp_pskb(kp, regs, 0, VNS_STAGE_OVS_FRAME_HOOK);
}

/* OVS: ovs_dp_process_packet(skb, key), the flow key extracted */
VNS_KPROBE_HANDLER(vns_lat_ovs_process)
{
	return vns_lat_kp(kp, regs, 0, VNS_STAGE_OVS_DP_PROCESS);
}

/* OVS: ovs_dp_upcall(dp, skb, ...), a flow miss going to ovs-vswitchd */
VNS_KPROBE_HANDLER(vns_lat_ovs_upcall)
{
	return vns_lat_kp(kp, regs, 1, VNS_STAGE_OVS_UPCALL);
}

/*
 * OVS: ovs_flow_key_extract_userspace(net, attr, skb, ...), the packet
 * coming back from ovs-vswitchd (a new skb, headers not set yet); before 4.3
 * (attr, skb, ...): see compat.h
 */
VNS_KPROBE_HANDLER(vns_lat_ovs_userspace)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, VNS_OVS_USERSPACE_SKB_ARG);

	vns_lat_skb(skb, NULL, VNS_STAGE_OVS_USERSPACE);
	return 0;
}

/* OVS: ovs_vport_send(vport, skb, ...), out of the datapath */
VNS_KPROBE_HANDLER(vns_lat_ovs_send)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, 1);

	vns_lat_skb(skb, NULL, VNS_STAGE_OVS_VPORT_SEND);
	return 0;
}

/* bridge: br_handle_frame(struct sk_buff **), a port's rx_handler */
VNS_KPROBE_HANDLER(vns_lat_br_rx)
{
	return vns_lat_kp_pskb(kp, regs, 0, VNS_STAGE_BRIDGE_RX);
}

/* bridge: __br_forward(to, skb, ...), forwarded or flooded to a port */
VNS_KPROBE_HANDLER(vns_lat_br_forward)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, 1);

	vns_lat_skb(skb, NULL, VNS_STAGE_BRIDGE_FORWARD);
	return 0;
}

/* socket: (sk, skb), the packet queued on its socket */
VNS_KPROBE_HANDLER(vns_lat_sock_queue)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, 1);

	vns_lat_skb(skb, NULL, VNS_STAGE_SOCK_QUEUE);
	return 0;
}

/* socket: (skb, offset, ...), the packet copied to user space */
VNS_KPROBE_HANDLER(vns_lat_app_read)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, 0);

	vns_lat_skb(skb, NULL, VNS_STAGE_APP_READ);
	return 0;
}

/* socket: skb_consume_udp(sk, skb, len), after UDP copied it to user space */
VNS_KPROBE_HANDLER(vns_lat_sock_consume)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, 1);

	vns_lat_skb(skb, NULL, VNS_STAGE_APP_READ);
	return 0;
}

/* TUN: tun_net_xmit(skb, dev), the packet queued for the VM to read */
VNS_KPROBE_HANDLER(vns_lat_tun_xmit)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, 0);

	vns_lat_skb(skb, (struct net_device *)vns_kprobe_arg(regs, 1),
		    VNS_STAGE_VNET_TX);
	return 0;
}

VNS_TP_HANDLER(vns_lat_tp_dev_queue,
	       VNS_TP_PROTO(void *data, struct sk_buff *skb),
	       VNS_TP_ARGS(data, skb))
{
	vns_lat_skb(skb, skb->dev, VNS_STAGE_QDISC_ENQ);
}

/* A bulk dequeue hands over a list of @packets skbs */
VNS_TP_HANDLER(vns_lat_tp_qdisc_dequeue,
	       VNS_TP_PROTO(void *data, struct Qdisc *q,
			    const struct netdev_queue *txq, int packets,
			    struct sk_buff *skb),
	       VNS_TP_ARGS(data, q, txq, packets, skb))
{
	int i;

	for (i = 0; skb && i < packets && i < 64; i++, skb = skb->next)
		vns_lat_skb(skb, skb->dev, VNS_STAGE_QDISC_DEQ);
}

/*
 * TX_QUEUE: the driver gets the skb.  net_dev_xmit, after the driver, may
 * not read the skb (the driver may have freed it): vns_lat_skb() keeps the
 * identity of a followed packet here, and net_dev_xmit matches the skb by
 * address only.
 */
VNS_TP_HANDLER(vns_lat_tp_start_xmit,
	       VNS_TP_PROTO(void *data, const struct sk_buff *skb,
			    const struct net_device *dev),
	       VNS_TP_ARGS(data, skb, dev))
{
	vns_lat_skb(skb, dev, VNS_STAGE_TX_QUEUE);
}

VNS_TP_HANDLER(vns_lat_tp_xmit,
	       VNS_TP_PROTO(void *data, struct sk_buff *skb, int rc,
			    struct net_device *dev, unsigned int skb_len),
	       VNS_TP_ARGS(data, skb, rc, dev, skb_len))
{
	struct vns_latency *l;
	struct vns_lat_cpu *pc;
	unsigned long flags;

	l = READ_ONCE(vns_lat);
	if (!vns_active(&vns_latency_collector) || !l)
		return;
	local_irq_save(flags);
	pc = l->cpu[smp_processor_id()];
	/*
	 * Only packets that passed the filter at TX_QUEUE, on the physical
	 * port, were kept.  Always forget the skb: it may be freed now.
	 */
	if (pc->xmit_skb == (unsigned long)skb && rc == NETDEV_TX_OK &&
	    vns_lat_is_phy(l, dev))
		vns_lat_at(l, pc, &pc->xmit_key, pc->xmit_tag,
			   VNS_STAGE_TX_XMIT, VNS_NO_PATH, true, dev);
	pc->xmit_skb = 0;
	local_irq_restore(flags);
}

VNS_TP_HANDLER(vns_lat_tp_receive,
	       VNS_TP_PROTO(void *data, struct sk_buff *skb),
	       VNS_TP_ARGS(data, skb))
{
	vns_lat_skb(skb, skb->dev, VNS_STAGE_PHY_RX);
}

#ifdef VNS_SELFTEST
/*
 * The cost benchmark's stage (tests/vm/bench.sh): vns_fixture_stage(skb)
 * of the test-only module vns_fixtures, handled as PHY_RX is
 */
VNS_KPROBE_HANDLER(vns_lat_bench_stage)
{
	return vns_lat_kp(kp, regs, 0, VNS_STAGE_PHY_RX);
}
#endif

/* conntrack: nf_conntrack_in() entry and exit (VM path only) */
VNS_KRETPROBE_ENTRY(vns_lat_ct_in)
{
	struct sk_buff *skb = VNS_KP_SKB(regs, VNS_NF_CONNTRACK_IN_SKB_ARG);

	*(struct sk_buff **)ri->data = skb;
	vns_lat_skb(skb, skb ? skb->dev : NULL, VNS_STAGE_CT_RX);
	return 0;
}

VNS_KRETPROBE_RETURN(vns_lat_ct_out)
{
	struct sk_buff *skb = *(struct sk_buff **)ri->data;

	/* NF_DROP, NF_STOLEN: the skb may be gone */
	if (regs_return_value(regs) == NF_ACCEPT)
		vns_lat_skb(skb, skb ? skb->dev : NULL, VNS_STAGE_CT_OUT_RX);
	return 0;
}

#define VNS_LAT_KPROBE(sym, fn)					\
	{							\
		.name = sym,					\
		.type = VNS_PROBE_KPROBE,			\
		.kp_pre = fn,					\
	}

/* In module @mod, unless the kernel has @cfg built in */
#define VNS_LAT_MODPROBE(sym, mod, cfg, fn)			\
	{							\
		.name = sym,					\
		.module = IS_BUILTIN(cfg) ? NULL : mod,		\
		.type = VNS_PROBE_KPROBE,			\
		.kp_pre = fn,					\
	}

static struct vns_probe vns_lat_probes[] = {
	VNS_LAT_KPROBE("ip_output", vns_lat_ip_out),
	VNS_LAT_KPROBE("ip6_output", vns_lat_ip6_out),
	VNS_LAT_KPROBE("__dev_queue_xmit", vns_lat_phy_queue),
	{
		.name = "net_dev_queue",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_lat_tp_dev_queue,
	},
	{
		.name = "qdisc_dequeue",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_lat_tp_qdisc_dequeue,
	},
	{
		.name = "net_dev_start_xmit",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_lat_tp_start_xmit,
	},
	{
		.name = "net_dev_xmit",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_lat_tp_xmit,
	},
	{
		.name = "netif_receive_skb",
		.type = VNS_PROBE_TRACEPOINT,
		.tp_func = vns_lat_tp_receive,
	},
	VNS_LAT_KPROBE("icmp_rcv", vns_lat_l4_rcv),
	VNS_LAT_KPROBE("tcp_v4_rcv", vns_lat_l4_rcv),
	VNS_LAT_KPROBE("udp_rcv", vns_lat_l4_rcv),
	VNS_LAT_KPROBE("icmpv6_rcv", vns_lat_l4_rcv),
	VNS_LAT_KPROBE("tcp_v6_rcv", vns_lat_l4_rcv),
	VNS_LAT_KPROBE("__udp6_lib_rcv", vns_lat_l4_rcv),
	VNS_LAT_KPROBE("__udp_enqueue_schedule_skb", vns_lat_sock_queue),
	VNS_LAT_KPROBE("tcp_queue_rcv", vns_lat_sock_queue),
	VNS_LAT_KPROBE("__sock_queue_rcv_skb", vns_lat_sock_queue),
	VNS_LAT_KPROBE("skb_copy_datagram_iter", vns_lat_app_read),
	VNS_LAT_KPROBE("skb_copy_and_csum_datagram_msg", vns_lat_app_read),
	/* UDP copies a linear skb inline (copy_linear_skb), then consumes it */
	VNS_LAT_KPROBE("skb_consume_udp", vns_lat_sock_consume),
	VNS_LAT_MODPROBE("internal_dev_xmit", "openvswitch",
			 CONFIG_OPENVSWITCH, vns_lat_ovs_internal),
	VNS_LAT_MODPROBE("netdev_frame_hook", "openvswitch",
			 CONFIG_OPENVSWITCH, vns_lat_ovs_frame_hook),
	VNS_LAT_MODPROBE("ovs_dp_process_packet", "openvswitch",
			 CONFIG_OPENVSWITCH, vns_lat_ovs_process),
	VNS_LAT_MODPROBE("ovs_dp_upcall", "openvswitch",
			 CONFIG_OPENVSWITCH, vns_lat_ovs_upcall),
	VNS_LAT_MODPROBE("ovs_flow_key_extract_userspace", "openvswitch",
			 CONFIG_OPENVSWITCH, vns_lat_ovs_userspace),
	VNS_LAT_MODPROBE("ovs_vport_send", "openvswitch",
			 CONFIG_OPENVSWITCH, vns_lat_ovs_send),
	VNS_LAT_MODPROBE("br_handle_frame", "bridge", CONFIG_BRIDGE,
			 vns_lat_br_rx),
	VNS_LAT_MODPROBE("__br_forward", "bridge", CONFIG_BRIDGE,
			 vns_lat_br_forward),
	VNS_LAT_MODPROBE("tun_net_xmit", "tun", CONFIG_TUN, vns_lat_tun_xmit),
#ifdef VNS_SELFTEST
	{
		.name = "vns_fixture_stage",
		.module = "vns_fixtures",
		.type = VNS_PROBE_KPROBE,
		.kp_pre = vns_lat_bench_stage,
	},
#endif
	{
		.name = "nf_conntrack_in",
		.module = IS_BUILTIN(CONFIG_NF_CONNTRACK) ? NULL :
			  "nf_conntrack",
		.type = VNS_PROBE_KRETPROBE,
		.krp_entry = vns_lat_ct_in,
		.krp_ret = vns_lat_ct_out,
		.krp_data_size = sizeof(struct sk_buff *),
	},
};

/* ---- details records: the events file's line, the netlink message ---- */

struct vns_line {
	char *buf;
	size_t len;
	size_t n;
	bool full;
};

static __printf(2, 3) void vns_line_add(struct vns_line *l,
					 const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->n, l->len - l->n, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= l->len - l->n)
		l->full = true;
	else
		l->n += n;
}

/* @s (at most @max bytes) as one value: blanks, ',' and '=' become '_' */
static void vns_line_word(struct vns_line *l, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++) {
		char c = s[i];

		if (c <= ' ' || c == ',' || c == '=' || c == 0x7f)
			c = '_';
		vns_line_add(l, "%c", c);
	}
}

static void vns_line_stage(struct vns_line *l, u8 stage)
{
	const char *name = vns_stage_name(stage);

	if (name)
		vns_line_add(l, "%s", name);
	else
		vns_line_add(l, "STAGE_%u", stage);
}

static void vns_line_addr(struct vns_line *l, const char *key, u8 family,
			  const u8 *a)
{
	char buf[VNS_ADDR_TEXT_MAX];

	vns_snprint_addr(buf, sizeof(buf), family, a);
	vns_line_add(l, " %s=%s", key, buf);
}

/* The longest stage of @e: false if there is none */
static bool vns_lat_event_slow(const struct vns_lat_event *e,
			       unsigned int nr, const struct vns_lat_hop **a,
			       const struct vns_lat_hop **b)
{
	if (e->slow < 1 || e->slow >= nr)
		return false;
	*a = &e->hop[e->slow - 1];
	*b = &e->hop[e->slow];
	return true;
}

static int vns_lat_event_show(char *buf, size_t len, const void *rec)
{
	const struct vns_lat_event *e = rec;
	const struct vns_flow *f = &e->key.flow;
	const char *proto = vns_proto_name(f->proto);
	struct vns_line l = { .buf = buf, .len = len };
	unsigned int i, nr = min_t(unsigned int, e->nr, VNS_LAT_HOPS);
	const struct vns_lat_hop *a, *b;

	vns_line_add(&l, "ts_ns=%llu cpu=%u dir=%s family=%s",
		     e->first_ns, e->cpu, e->dir == VNS_DIR_RX ? "rx" : "tx",
		     f->family == VNS_AF_INET6 ? "ipv6" : "ipv4");
	if (proto)
		vns_line_add(&l, " proto=%s", proto);
	else
		vns_line_add(&l, " proto=%u", f->proto);
	vns_line_addr(&l, "src", f->family, f->src);
	vns_line_addr(&l, "dst", f->family, f->dst);
	if (vns_proto_has_ports(f->proto))
		vns_line_add(&l, " sport=%u dport=%u", f->sport, f->dport);
	else if (vns_proto_is_icmp(f->proto))
		vns_line_add(&l, " type=%u code=%u", f->icmp_type,
			     f->icmp_code);
	vns_line_add(&l, " ip_id=%u l4=0x%08x total_us=%llu why=%s",
		     e->key.id.ip_id, e->key.id.l4,
		     div_u64(e->total_ns, NSEC_PER_USEC),
		     e->why == (VNS_LAT_WHY_TOTAL | VNS_LAT_WHY_STAGE) ?
		     "total,stage" : e->why == VNS_LAT_WHY_STAGE ? "stage" :
		     "total");
	vns_line_add(&l, " slow=");
	if (vns_lat_event_slow(e, nr, &a, &b)) {
		vns_line_stage(&l, a->stage);
		vns_line_add(&l, "->");
		vns_line_stage(&l, b->stage);
		vns_line_add(&l, " slow_us=%llu",
			     b->ts_ns >= a->ts_ns ?
			     div_u64(b->ts_ns - a->ts_ns, NSEC_PER_USEC) : 0);
	} else {
		vns_line_add(&l, "- slow_us=0");
	}
	vns_line_add(&l, " pid=%u comm=", e->slow_pid);
	if (e->slow_comm[0])
		vns_line_word(&l, e->slow_comm, sizeof(e->slow_comm));
	else
		vns_line_add(&l, "-");
	vns_line_add(&l, " hops=%u", nr);
	for (i = 0; i < nr; i++) {
		const struct vns_lat_hop *h = &e->hop[i];
		u64 prev = i ? e->hop[i - 1].ts_ns : h->ts_ns;
		u64 off = h->ts_ns >= e->first_ns ? h->ts_ns - e->first_ns : 0;

		vns_line_add(&l, " hop%u=", i + 1);
		vns_line_stage(&l, h->stage);
		vns_line_add(&l, ",");
		if (h->dev[0])
			vns_line_word(&l, h->dev, sizeof(h->dev));
		else
			vns_line_add(&l, "-");
		vns_line_add(&l, ",%u,%llu,%llu", h->cpu, off,
			     h->ts_ns >= prev ? h->ts_ns - prev : 0);
	}
	vns_line_add(&l, "\n");
	return l.full ? (int)len : (int)l.n;
}

static int vns_lat_hop_fill(struct sk_buff *skb, const struct vns_lat_event *e,
			    unsigned int i)
{
	const struct vns_lat_hop *h = &e->hop[i];
	u64 prev = i ? e->hop[i - 1].ts_ns : h->ts_ns;
	u64 off = h->ts_ns >= e->first_ns ? h->ts_ns - e->first_ns : 0;
	struct nlattr *nest = nla_nest_start(skb, VNS_LAT_EVENT_A_HOP);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, VNS_LAT_HOP_A_STAGE, h->stage) ||
	    (h->dev[0] &&
	     vns_nl_put_strn(skb, VNS_LAT_HOP_A_DEV, h->dev, sizeof(h->dev))) ||
	    nla_put_u32(skb, VNS_LAT_HOP_A_CPU, h->cpu) ||
	    vns_nla_put_u64(skb, VNS_LAT_HOP_A_OFFSET_NS, off,
			    VNS_LAT_HOP_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_LAT_HOP_A_DELTA_NS,
			    h->ts_ns >= prev ? h->ts_ns - prev : 0,
			    VNS_LAT_HOP_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One struct vns_lat_event as VNS_A_LAT_EVENT: what its line says */
static int vns_lat_event_fill(struct sk_buff *skb, const void *rec)
{
	const struct vns_lat_event *e = rec;
	unsigned int i, nr = min_t(unsigned int, e->nr, VNS_LAT_HOPS);
	const struct vns_lat_hop *a, *b;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VNS_A_LAT_EVENT);
	if (!nest)
		return -EMSGSIZE;
	if (vns_nla_put_u64(skb, VNS_LAT_EVENT_A_TIME_NS, e->first_ns,
			    VNS_LAT_EVENT_A_PAD) ||
	    nla_put_u32(skb, VNS_LAT_EVENT_A_CPU, e->cpu) ||
	    nla_put_u8(skb, VNS_LAT_EVENT_A_DIR, e->dir) ||
	    vns_nl_put_flow(skb, VNS_LAT_EVENT_A_FLOW, &e->key.flow) ||
	    nla_put_u32(skb, VNS_LAT_EVENT_A_IP_ID, e->key.id.ip_id) ||
	    nla_put_u32(skb, VNS_LAT_EVENT_A_L4, e->key.id.l4) ||
	    vns_nla_put_u64(skb, VNS_LAT_EVENT_A_TOTAL_NS, e->total_ns,
			    VNS_LAT_EVENT_A_PAD) ||
	    nla_put_u8(skb, VNS_LAT_EVENT_A_WHY, e->why))
		goto cancel;
	if (vns_lat_event_slow(e, nr, &a, &b) &&
	    (nla_put_u8(skb, VNS_LAT_EVENT_A_SLOW_FROM, a->stage) ||
	     nla_put_u8(skb, VNS_LAT_EVENT_A_SLOW_TO, b->stage) ||
	     vns_nla_put_u64(skb, VNS_LAT_EVENT_A_SLOW_NS,
			     b->ts_ns >= a->ts_ns ? b->ts_ns - a->ts_ns : 0,
			     VNS_LAT_EVENT_A_PAD)))
		goto cancel;
	if (nla_put_u32(skb, VNS_LAT_EVENT_A_PID, e->slow_pid) ||
	    (e->slow_comm[0] &&
	     vns_nl_put_strn(skb, VNS_LAT_EVENT_A_COMM, e->slow_comm,
			     sizeof(e->slow_comm))))
		goto cancel;
	for (i = 0; i < nr; i++)
		if (vns_lat_hop_fill(skb, e, i))
			goto cancel;
	if (nla_put_u32(skb, VNS_LAT_EVENT_A_HOPS_DROPPED, e->dropped_hops))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- tables ---- */

static void vns_lat_reap_work(struct work_struct *w)
{
	struct vns_latency *l = container_of(to_delayed_work(w),
					     struct vns_latency, reaper);
	unsigned int n;

	n = vns_lat_reap(&l->table, ktime_get_ns(), l->timeout_ns);
	if (n)
		atomic64_add(n, &l->incomplete);
	schedule_delayed_work(&l->reaper,
			      max(1UL, nsecs_to_jiffies(l->timeout_ns / 2)));
}

/* The details thresholds of @set, in ns (0: off) */
static void vns_lat_thresholds(const struct vns_settings *set, u64 *thr,
			       u64 *stage_thr)
{
	*thr = 0;
	*stage_thr = 0;
	if (set->given & VNS_SET_THRESHOLD)
		*thr = (u64)set->threshold_us * NSEC_PER_USEC;
	if (set->given & VNS_SET_STAGE_THRESHOLD)
		*stage_thr = (u64)set->stage_threshold_us * NSEC_PER_USEC;
}

static int vns_lat_events_alloc(struct vns_collector *c)
{
	return vns_events_alloc(c, clamp(latency_events, 16U, 65536U),
				sizeof(struct vns_lat_event));
}

/* Packets followed at once, as latency_entries= is clamped and rounded */
static unsigned int vns_lat_entries(void)
{
	return roundup_pow_of_two(clamp(latency_entries, 64U, 1U << 20));
}

static u64 vns_latency_mem_size(const struct vns_settings *s)
{
	u64 thr, stage_thr, mem;

	mem = struct_size((struct vns_latency *)NULL, cpu, nr_cpu_ids) +
	      (u64)vns_lat_entries() * sizeof(struct vns_lat_slot) +
	      (u64)num_possible_cpus() *
	      (sizeof(struct vns_lat_cpu) + sizeof(u64));
	vns_lat_thresholds(s, &thr, &stage_thr);
	if (thr | stage_thr)
		mem += vns_events_size(clamp(latency_events, 16U, 65536U),
				       sizeof(struct vns_lat_event));
	return mem;
}

static void vns_latency_free(struct vns_collector *c)
{
	struct vns_latency *l = vns_lat;
	int cpu;

	if (!l)
		return;
	WRITE_ONCE(vns_lat, NULL);
	cancel_delayed_work_sync(&l->reaper);
	vns_events_free();
	for_each_possible_cpu(cpu)
		vfree(l->cpu[cpu]);
	vfree(l->table.slots);
	free_percpu(l->filtered);
	kfree(l);
}

static int vns_latency_alloc(struct vns_collector *c)
{
	struct vns_latency *l;
	unsigned int n;
	int cpu;

	l = kzalloc(struct_size(l, cpu, nr_cpu_ids), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	INIT_DELAYED_WORK(&l->reaper, vns_lat_reap_work);
	n = vns_lat_entries();
	l->table.mask = n - 1;
	l->table.slots = vzalloc(array_size(n, sizeof(struct vns_lat_slot)));
	l->filtered = alloc_percpu(u64);
	if (!l->table.slots || !l->filtered)
		goto nomem;
	for_each_possible_cpu(cpu) {
		l->cpu[cpu] = vzalloc_node(sizeof(struct vns_lat_cpu),
					   cpu_to_node(cpu));
		if (!l->cpu[cpu])
			goto nomem;
	}
	l->timeout_ns = (u64)clamp(latency_timeout_ms, 10U, 60000U) *
			NSEC_PER_MSEC;
	l->dir = c->set.dir;
	vns_lat_thresholds(&c->set, &l->thr_ns, &l->stage_thr_ns);
	if ((l->thr_ns | l->stage_thr_ns) && vns_lat_events_alloc(c))
		goto nomem;
	/* by name: the port may be in any namespace, or come and go */
	if (c->set.given & VNS_SET_PHY)
		memcpy(l->phy, c->set.phy, IFNAMSIZ);
	if (c->set.given & VNS_SET_VM)
		memcpy(l->vm, c->set.vm, IFNAMSIZ);
	vns_lat = l;
	schedule_delayed_work(&l->reaper,
			      max(1UL, nsecs_to_jiffies(l->timeout_ns / 2)));
	return 0;
nomem:
	vns_lat = l;
	vns_latency_free(c);
	return -ENOMEM;
}

/*
 * The details mode changes while the handlers run, the tables kept: rings
 * published (vns_events_alloc()) before a threshold turns them on, the
 * thresholds off before the rings go (vns_events_free() waits for the
 * handlers that may hold them).  Any other setting needs a restart.
 */
static int vns_latency_update(struct vns_collector *c,
			      const struct vns_settings *next)
{
	const u32 live = VNS_SET_THRESHOLD | VNS_SET_STAGE_THRESHOLD;
	struct vns_latency *l = vns_lat;
	struct vns_settings cur = c->set;
	bool was_on, on;
	u64 thr, stage_thr;
	int ret;

	cur.given = (cur.given & ~live) | (next->given & live);
	cur.threshold_us = next->threshold_us;
	cur.stage_threshold_us = next->stage_threshold_us;
	if (!l || !vns_settings_same(&cur, next))
		return -EAGAIN;
	vns_lat_thresholds(next, &thr, &stage_thr);
	was_on = l->thr_ns | l->stage_thr_ns;
	on = thr | stage_thr;
	if (on && !was_on) {
		ret = vns_lat_events_alloc(c);
		if (ret)
			return ret;
	}
	WRITE_ONCE(l->thr_ns, thr);
	WRITE_ONCE(l->stage_thr_ns, stage_thr);
	if (was_on && !on)
		vns_events_free();
	return 0;
}

/*
 * With handlers paused, and the reaper stopped: a pass that straddled the
 * memset would put back a tag it had locked before (a phantom entry, with
 * a zeroed packet) or add the packets it aged before the reset to the
 * incomplete count after it.
 */
static void vns_latency_clear(struct vns_collector *c)
{
	struct vns_latency *l = vns_lat;
	int cpu;

	cancel_delayed_work_sync(&l->reaper);
	memset(l->table.slots, 0,
	       array_size(l->table.mask + 1, sizeof(struct vns_lat_slot)));
	memset(l->pairs, 0, sizeof(l->pairs));
	atomic64_set(&l->incomplete, 0);
	for_each_possible_cpu(cpu) {
		memset(l->cpu[cpu], 0, sizeof(struct vns_lat_cpu));
		*per_cpu_ptr(l->filtered, cpu) = 0;
	}
	schedule_delayed_work(&l->reaper,
			      max(1UL, nsecs_to_jiffies(l->timeout_ns / 2)));
}

static void vns_latency_status(struct vns_collector *c,
			       struct vns_coll_status *st)
{
	struct vns_latency *l = vns_lat;
	u64 tracked = 0, completed = 0, busy = 0, filtered = 0, hops = 0;
	u64 events = 0;
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vns_lat_cpu *pc = l->cpu[cpu];

		tracked += READ_ONCE(pc->tracked);
		completed += READ_ONCE(pc->completed);
		busy += READ_ONCE(pc->busy);
		filtered += READ_ONCE(*per_cpu_ptr(l->filtered, cpu));
		hops += READ_ONCE(pc->hops_dropped);
		events += READ_ONCE(pc->events);
		st->lost += READ_ONCE(pc->lost);
	}
	for (i = 0; i <= l->table.mask; i++)
		st->entries += READ_ONCE(l->table.slots[i].tag) != 0;
	st->capacity = l->table.mask + 1;
	vns_status_counter(st, "tracked", tracked);
	vns_status_counter(st, "completed", completed);
	vns_status_counter(st, "incomplete", atomic64_read(&l->incomplete));
	vns_status_counter(st, "filtered", filtered);
	vns_status_counter(st, "busy", busy);
	vns_status_counter(st, "hops_dropped", hops);
	if (l->thr_ns | l->stage_thr_ns) {
		vns_status_counter(st, "events", events);
		vns_status_counter(st, "events_lost", vns_events_lost());
	}
}

/* ---- snapshots for readers ---- */

/* Pairs in path order: the stages are numbered along their paths */
static int vns_lat_rec_cmp(const void *a, const void *b)
{
	const struct vns_lat_rec *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

/*
 * One record per observed pair of stages, in path order, then one per
 * direction for the end-to-end time (vns_lat_rec.kind).
 */
static struct vns_snap *vns_latency_snapshot(struct vns_collector *c)
{
	struct vns_latency *l = vns_lat;
	struct vns_lat_rec *r;
	struct vns_snap *s;
	unsigned int i, n = 0;
	int cpu;

	lockdep_assert_held(&vns_lock);
	if (!vns_latency_collector.on || !l)
		return NULL;
	s = vns_snap_alloc(VNS_LAT_PAIRS + 3, sizeof(*r));
	if (!s)
		return ERR_PTR(-ENOMEM);
	r = vns_snap_recs(s, struct vns_lat_rec);
	for (i = 0; i < VNS_LAT_PAIRS; i++) {
		u8 from, to;

		if (!vns_lat_pair_get(READ_ONCE(l->pairs[i]), &from, &to))
			continue;
		r[n].kind = VNS_LAT_REC_PAIR;
		r[n].from = from;
		r[n].to = to;
		for_each_possible_cpu(cpu)
			vns_hist_merge(&r[n].hist, &l->cpu[cpu]->pair[i]);
		n++;
	}
	sort(r, n, sizeof(*r), vns_lat_rec_cmp, NULL);
	for (i = 0; i < 2; i++) {
		r[n].kind = VNS_LAT_REC_TOTAL;
		r[n].dir = i + 1;
		for_each_possible_cpu(cpu)
			vns_hist_merge(&r[n].hist, &l->cpu[cpu]->total[i]);
		n++;
	}
	s->nr = n;
	return s;
}

/* ---- the record over netlink (VNS_CMD_LATENCY_GET) ---- */

static int vns_latency_fill(struct sk_buff *skb, const struct vns_snap *s,
			    const void *rec)
{
	const struct vns_lat_rec *r = rec;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VNS_A_LATENCY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, VNS_LATENCY_A_KIND,
		       r->kind == VNS_LAT_REC_PAIR ? VNS_LATENCY_PAIR :
						     VNS_LATENCY_TOTAL))
		goto cancel;
	if (r->kind == VNS_LAT_REC_PAIR ?
	    nla_put_u8(skb, VNS_LATENCY_A_FROM, r->from) ||
	    nla_put_u8(skb, VNS_LATENCY_A_TO, r->to) :
	    nla_put_u8(skb, VNS_LATENCY_A_DIR, r->dir))
		goto cancel;
	if (vns_nl_put_hist(skb, VNS_LATENCY_A_HIST, &r->hist))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- the record in the text view ---- */

static void vns_latency_show(struct seq_file *m, const struct vns_snap *s,
			     const void *rec)
{
	const struct vns_lat_rec *r = rec;
	const char *from = vns_stage_name(r->from), *to = vns_stage_name(r->to);

	if (r->kind == VNS_LAT_REC_PAIR)
		seq_printf(m, "type=pair from=%s to=%s", from ? from : "-",
			   to ? to : "-");
	else
		seq_printf(m, "type=total dir=%s",
			   r->dir == VNS_DIR_RX ? "rx" : "tx");
	seq_printf(m, " count=%llu sum_us=%llu max_us=%llu", r->hist.count,
		   r->hist.sum, r->hist.max);
	vns_seq_hist(m, "hist_us", &r->hist);
	seq_putc(m, '\n');
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_latency_collector = {
	.name = "latency",
	.probes = vns_lat_probes,
	.nr_probes = ARRAY_SIZE(vns_lat_probes),
	.has_filter = true,
	.settings = VNS_SET_PHY | VNS_SET_VM | VNS_SET_DIR | VNS_SET_THRESHOLD |
		    VNS_SET_STAGE_THRESHOLD,
	.alloc = vns_latency_alloc,
	.mem_size = vns_latency_mem_size,
	.free = vns_latency_free,
	.clear = vns_latency_clear,
	.status = vns_latency_status,
	.update = vns_latency_update,
	.nl_cmd = VNS_CMD_LATENCY_GET,
	.rec_size = sizeof(struct vns_lat_rec),
	.snapshot = vns_latency_snapshot,
	.fill = vns_latency_fill,
	.show = vns_latency_show,
	.event_show = vns_lat_event_show,
	.event_fill = vns_lat_event_fill,
};

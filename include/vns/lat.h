/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Per-stage packet latency: the stage vocabulary and the in-flight table
 * that follows packets from stage to stage.
 *
 * A packet is known by its identity (struct vns_pkt_key: the flow and what
 * tells two packets of the flow apart), never by its skb, which is cloned,
 * copied and freed between stages.  The in-flight table is one bounded,
 * preallocated open-addressing array shared by every CPU (a packet may enter
 * on one CPU and leave on another).  A slot is owned through its tag word:
 *
 *	0			free
 *	hash			in use, idle        (bit 0 clear)
 *	hash | VNS_LAT_LOCKED	in use, one CPU is updating it
 *
 * Taking a slot is one compare-and-swap that may fail; nothing ever waits
 * for a slot (a handler that finds it locked counts "busy" and goes on), so
 * probe handlers never spin.  A lookup looks at VNS_LAT_PROBE slots at most.
 *
 * In the kernel the atomics are cmpxchg() and the acquire/release helpers;
 * in user space (the unit tests) the compiler's __atomic builtins.
 */
#ifndef _VNS_LAT_H
#define _VNS_LAT_H

#include "types.h"
#include "../uapi/linux/vnetscope.h"
#include "flow.h"
#include "hash.h"
#include "hist.h"

#ifdef __KERNEL__
#include <asm/barrier.h>
#include <linux/atomic.h>
#define vns_cmpxchg64(p, o, n)		cmpxchg64((p), (o), (n))
#define vns_cmpxchg32(p, o, n)		cmpxchg((p), (o), (n))
#define vns_load_acquire(p)		smp_load_acquire(p)
#define vns_store_release(p, v)		smp_store_release((p), (v))
#define vns_read_once(x)		READ_ONCE(x)
#else
static inline u64 vns_cmpxchg64(u64 *p, u64 o, u64 n)
{
	__atomic_compare_exchange_n(p, &o, n, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	return o;
}

static inline u32 vns_cmpxchg32(u32 *p, u32 o, u32 n)
{
	__atomic_compare_exchange_n(p, &o, n, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	return o;
}
#define vns_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define vns_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define vns_read_once(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#endif

/* ---- what identifies one packet ---- */

struct vns_pkt_key {
	struct vns_flow flow;
	struct vns_flow_id id;
	u32 pad;		/* hashed and compared as bytes: no holes */
};

#define VNS_LAT_LOCKED	1ULL

/* The slot tag of @k: never 0, bit 0 clear */
static inline u64 vns_pkt_tag(const struct vns_pkt_key *k)
{
	u64 h = vns_hash_bytes(k, sizeof(*k), 0) & ~VNS_LAT_LOCKED;

	return h ? h : 2;
}

static inline bool vns_pkt_key_eq(const struct vns_pkt_key *a,
				  const struct vns_pkt_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* ---- the in-flight table ---- */

#define VNS_LAT_HOPS	16	/* stages one packet record keeps */
#define VNS_LAT_PROBE	8	/* slots a lookup looks at */

struct vns_lat_hop {
	u64 ts_ns;
	u32 ifindex;
	u32 pid;		/* on CPU at the stage (0: the idle task) */
	u16 cpu;
	u8 stage;		/* enum vns_stage */
	u8 pad[5];
	char dev[VNS_IFNAMSIZ];	/* "": no device at this stage */
};

struct vns_lat_slot {
	u64 tag;
	struct vns_pkt_key key;
	u64 first_ns;		/* the first hop's time */
	u32 nr;			/* hops recorded, at most VNS_LAT_HOPS */
	u32 dropped_hops;	/* hops past VNS_LAT_HOPS, not recorded */
	u64 slow_ns;		/* the longest stage so far ... */
	u32 slow_pid;		/* ... the task on CPU at its end ... */
	u8 slow;		/* ... and the hop that ended it */
	u8 path;		/* the collector's: which path it is on */
	u8 done;		/* measured end to end, kept for the socket */
	u8 pad;
	char slow_comm[16];
	struct vns_lat_hop hop[VNS_LAT_HOPS];
};

struct vns_lat_table {
	u32 mask;		/* slots - 1; slots is a power of two */
	struct vns_lat_slot *slots;
};

/*
 * Find @k and lock its slot.  Returns the slot, or NULL: not there, or
 * there but locked by another CPU (then *busy is set).
 */
static inline struct vns_lat_slot *
vns_lat_lookup(struct vns_lat_table *t, const struct vns_pkt_key *k,
	       u64 tag, bool *busy)
{
	unsigned int i;

	*busy = false;
	for (i = 0; i < VNS_LAT_PROBE; i++) {
		struct vns_lat_slot *s = &t->slots[(tag + i) & t->mask];
		u64 cur = vns_load_acquire(&s->tag);

		if ((cur & ~VNS_LAT_LOCKED) != tag)
			continue;
		if (cur & VNS_LAT_LOCKED ||
		    vns_cmpxchg64(&s->tag, tag, tag | VNS_LAT_LOCKED) != tag) {
			*busy = true;
			return NULL;
		}
		if (vns_pkt_key_eq(&s->key, k))
			return s;
		vns_store_release(&s->tag, tag);	/* a hash collision */
	}
	return NULL;
}

/* Was the packet in locked slot @s last seen more than @timeout_ns ago? */
static inline bool vns_lat_stale(const struct vns_lat_slot *s, u64 now,
				 u64 timeout_ns)
{
	u64 last = s->nr ? s->hop[s->nr - 1].ts_ns : s->first_ns;

	return now > last && now - last > timeout_ns;
}

/*
 * Take a slot for @k, first seen at @now: a free one, or one whose packet
 * was last seen more than @timeout_ns ago (it never reached its last stage:
 * *aged is set, the caller counts it as incomplete), or one whose packet is
 * done (measured end to end, kept only for the stages after).  Returns the
 * slot, locked and holding @k with no hops, or NULL when every slot in reach
 * is taken (the caller counts the packet as lost).
 */
static inline struct vns_lat_slot *
vns_lat_claim(struct vns_lat_table *t, const struct vns_pkt_key *k, u64 tag,
	      u64 now, u64 timeout_ns, bool *aged)
{
	struct vns_lat_slot *s = NULL;
	unsigned int i;

	*aged = false;
	for (i = 0; i < VNS_LAT_PROBE; i++) {
		s = &t->slots[(tag + i) & t->mask];
		if (!vns_read_once(s->tag) && !vns_cmpxchg64(&s->tag, 0, tag |
							   VNS_LAT_LOCKED))
			goto got;
	}
	/* Full in reach: age out the stalest idle slot, if stale enough */
	for (i = 0; i < VNS_LAT_PROBE; i++) {
		u64 cur;

		s = &t->slots[(tag + i) & t->mask];
		cur = vns_load_acquire(&s->tag);
		if (!cur || cur & VNS_LAT_LOCKED)
			continue;
		if (vns_cmpxchg64(&s->tag, cur, cur | VNS_LAT_LOCKED) != cur)
			continue;
		if (s->done || vns_lat_stale(s, now, timeout_ns)) {
			/* locked: move it to the new tag */
			vns_store_release(&s->tag, tag | VNS_LAT_LOCKED);
			*aged = !s->done;
			goto got;
		}
		vns_store_release(&s->tag, cur);
	}
	return NULL;
got:
	s->key = *k;
	s->first_ns = now;
	s->nr = 0;
	s->dropped_hops = 0;
	s->slow_ns = 0;
	s->slow = 0;
	s->path = 0;
	s->done = 0;
	return s;
}

/* Let go of a locked slot, keeping the packet */
static inline void vns_lat_unlock(struct vns_lat_slot *s)
{
	vns_store_release(&s->tag, vns_read_once(s->tag) & ~VNS_LAT_LOCKED);
}

/* Let go of a locked slot and forget the packet */
static inline void vns_lat_free(struct vns_lat_slot *s)
{
	vns_store_release(&s->tag, 0);
}

/*
 * Record a hop on a locked slot.  Returns the previous hop (NULL for the
 * first one), whose stage and time give the pair and its delta.  A hop past
 * VNS_LAT_HOPS replaces the last one (the pair is still measured; the record
 * counts dropped_hops).  A stage seen again right after itself (a packet
 * looping through one probe point, e.g. a second dev_queue_xmit on a bond)
 * counts as a new hop too.
 */
static inline const struct vns_lat_hop *
vns_lat_hop_add(struct vns_lat_slot *s, u8 stage, u64 ts, u32 ifindex,
		u16 cpu, struct vns_lat_hop *prev)
{
	struct vns_lat_hop *h;
	bool had = s->nr > 0;

	if (had)
		*prev = s->hop[s->nr - 1];
	if (s->nr < VNS_LAT_HOPS) {
		h = &s->hop[s->nr++];
	} else {
		h = &s->hop[VNS_LAT_HOPS - 1];
		s->dropped_hops++;
	}
	memset(h, 0, sizeof(*h));
	h->ts_ns = ts;
	h->ifindex = ifindex;
	h->cpu = cpu;
	h->stage = stage;
	return had ? prev : NULL;
}

/*
 * Age out every idle slot last touched more than @timeout_ns before @now.
 * Returns how many went that never reached their last stage (not done).
 */
static inline unsigned int vns_lat_reap(struct vns_lat_table *t, u64 now,
					u64 timeout_ns)
{
	unsigned int i, n = 0;

	for (i = 0; i <= t->mask; i++) {
		struct vns_lat_slot *s = &t->slots[i];
		u64 cur = vns_load_acquire(&s->tag);

		if (!cur || cur & VNS_LAT_LOCKED)
			continue;
		if (vns_cmpxchg64(&s->tag, cur, cur | VNS_LAT_LOCKED) != cur)
			continue;
		if (vns_lat_stale(s, now, timeout_ns)) {
			n += !s->done;
			vns_lat_free(s);
		} else {
			vns_store_release(&s->tag, cur);
		}
	}
	return n;
}

/* ---- details: one record per packet past a threshold ---- */


/*
 * What the latency collector emits, at a packet's last stage, for a packet
 * whose end-to-end time or one of whose stages passed its threshold.  Fixed
 * size: it is copied into a preallocated per-CPU ring in the handler.
 */
struct vns_lat_event {
	u64 first_ns;		/* the first hop's time (CLOCK_MONOTONIC) */
	u64 total_ns;		/* first hop to last */
	struct vns_pkt_key key;
	u32 cpu;		/* where it reached its last stage */
	u32 dropped_hops;	/* hops past VNS_LAT_HOPS, not recorded */
	u32 slow_pid;		/* the task on CPU at the end of ... */
	u8 slow;		/* ... the longest stage, hop[slow - 1..slow] */
	u8 nr;			/* hops in hop[] */
	u8 dir;			/* enum vns_dir */
	u8 why;			/* VNS_LAT_WHY_* */
	char slow_comm[16];
	struct vns_lat_hop hop[VNS_LAT_HOPS];
};

/* ---- stages ---- */

/* The name of @st ("QDISC_ENQ"), or NULL if there is no such stage */
static inline const char *vns_stage_name(unsigned int st)
{
	static const char *const names[__VNS_STAGE_MAX] = {
		[VNS_STAGE_APP_SEND] = "APP_SEND",
		[VNS_STAGE_IP_OUT] = "IP_OUT",
		[VNS_STAGE_OVS_INTERNAL_XMIT] = "OVS_INTERNAL_XMIT",
		[VNS_STAGE_OVS_DP_PROCESS] = "OVS_DP_PROCESS",
		[VNS_STAGE_OVS_UPCALL] = "OVS_UPCALL",
		[VNS_STAGE_OVS_USERSPACE] = "OVS_USERSPACE",
		[VNS_STAGE_OVS_VPORT_SEND] = "OVS_VPORT_SEND",
		[VNS_STAGE_PHY_QUEUE] = "PHY_QUEUE",
		[VNS_STAGE_QDISC_ENQ] = "QDISC_ENQ",
		[VNS_STAGE_QDISC_DEQ] = "QDISC_DEQ",
		[VNS_STAGE_TX_QUEUE] = "TX_QUEUE",
		[VNS_STAGE_TX_XMIT] = "TX_XMIT",
		[VNS_STAGE_PHY_RX] = "PHY_RX",
		[VNS_STAGE_OVS_FRAME_HOOK] = "OVS_FRAME_HOOK",
		[VNS_STAGE_BRIDGE_RX] = "BRIDGE_RX",
		[VNS_STAGE_BRIDGE_FORWARD] = "BRIDGE_FORWARD",
		[VNS_STAGE_L4_RCV] = "L4_RCV",
		[VNS_STAGE_SOCK_QUEUE] = "SOCK_QUEUE",
		[VNS_STAGE_APP_READ] = "APP_READ",
		[VNS_STAGE_VNET_RX] = "VNET_RX",
		[VNS_STAGE_OVS_RX] = "OVS_RX",
		[VNS_STAGE_FLOW_EXTRACT_END_RX] = "FLOW_EXTRACT_END_RX",
		[VNS_STAGE_OVS_UPCALL_RX] = "OVS_UPCALL_RX",
		[VNS_STAGE_OVS_USERSPACE_RX] = "OVS_USERSPACE_RX",
		[VNS_STAGE_CT_RX] = "CT_RX",
		[VNS_STAGE_CT_OUT_RX] = "CT_OUT_RX",
		[VNS_STAGE_OVS_TX] = "OVS_TX",
		[VNS_STAGE_FLOW_EXTRACT_END_TX] = "FLOW_EXTRACT_END_TX",
		[VNS_STAGE_OVS_UPCALL_TX] = "OVS_UPCALL_TX",
		[VNS_STAGE_OVS_USERSPACE_TX] = "OVS_USERSPACE_TX",
		[VNS_STAGE_CT_TX] = "CT_TX",
		[VNS_STAGE_CT_OUT_TX] = "CT_OUT_TX",
		[VNS_STAGE_VNET_QDISC_ENQ] = "VNET_QDISC_ENQ",
		[VNS_STAGE_VNET_QDISC_DEQ] = "VNET_QDISC_DEQ",
		[VNS_STAGE_VNET_TX] = "VNET_TX",
	};

	return st < __VNS_STAGE_MAX ? names[st] : NULL;
}

/* ---- stage pairs ---- */

#define VNS_LAT_PAIRS	64	/* distinct (from, to) pairs kept */

/*
 * The index of the pair (@from, @to) in @dict (VNS_LAT_PAIRS words shared
 * by every CPU; 0 is a free entry), adding it if new.  Returns -1 when the
 * dictionary is full.  Entries are never removed while the table lives, so
 * an index, once given, keeps its meaning and per-CPU histograms can be
 * indexed by it.
 */
static inline int vns_lat_pair(u32 *dict, u8 from, u8 to)
{
	u32 want = ((u32)from << 8 | to) + 1;
	unsigned int i, start = (from * 31u + to) % VNS_LAT_PAIRS;

	for (i = 0; i < VNS_LAT_PAIRS; i++) {
		unsigned int j = (start + i) % VNS_LAT_PAIRS;
		u32 cur = vns_load_acquire(&dict[j]);

		if (cur == want)
			return (int)j;
		if (!cur) {
			cur = vns_cmpxchg32(&dict[j], 0, want);
			if (!cur || cur == want)
				return (int)j;
		}
	}
	return -1;
}

/* Decode a dictionary entry: false if free */
static inline bool vns_lat_pair_get(u32 v, u8 *from, u8 *to)
{
	if (!v)
		return false;
	v--;
	*from = (u8)(v >> 8);
	*to = (u8)v;
	return true;
}

#endif /* _VNS_LAT_H */

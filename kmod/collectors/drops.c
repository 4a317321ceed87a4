// SPDX-License-Identifier: GPL-2.0
/*
 * The drop collector: where in the kernel are packets dropped, for which
 * flow, how often.  One probe on skb:kfree_skb.  Each drop that passes the
 * filter is counted in a per-CPU table keyed by (location, stack, device,
 * the device's queue, reason, flow); the stack is captured only after the
 * filter matched.
 * Readers merge the per-CPU tables into a ranked snapshot.
 */
#include <linux/if_ether.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <vns/hash.h>

#include "../core/collector.h"
#include "../core/probe.h"
#include "../core/skb.h"
#include "../core/snap.h"
#include "../core/stack.h"
#include "../netlink/fill.h"
#include "../views/text.h"

static unsigned int drop_entries = 1024;
module_param(drop_entries, uint, 0444);
MODULE_PARM_DESC(drop_entries, "drop table entries per CPU (default 1024)");

static unsigned int stack_entries = 2048;
module_param(stack_entries, uint, 0444);
MODULE_PARM_DESC(stack_entries, "distinct drop stacks kept (default 2048)");

static unsigned int stack_depth = 32;
module_param(stack_depth, uint, 0444);
MODULE_PARM_DESC(stack_depth, "frames kept per stack (default 32, max 64)");

#define VNS_DROP_PROBES 32	/* slots tried before an insert is lost */

#ifdef VNS_HAVE_DROP_REASON
static const bool vns_have_drop_reason = true;
#else
static const bool vns_have_drop_reason;
#endif

/* VNS_DROP_A_QUEUE absent: no device, or no queue recorded */
#define VNS_DROP_NO_QUEUE	U32_MAX

/* One record of a snapshot: a (stack, device, reason, flow) and its count */
struct vns_drop_rec {
	u64 count;
	unsigned long location;
	u32 ifindex;
	u32 queue;
	u32 reason;
	u32 stack_id;
	char dev[IFNAMSIZ];
	struct vns_flow flow;
	unsigned int nr_frames;
	unsigned long frames[VNS_STACK_MAX_DEPTH];
};

struct vns_drop_key {
	unsigned long location;
	u32 stack_id;
	u32 ifindex;
	u32 reason;
	u32 queue;		/* VNS_DROP_NO_QUEUE: none */
	struct vns_flow flow;
};

struct vns_drop_entry {
	u64 hash;			/* 0: free; published last */
	u64 count;
	struct vns_drop_key key;
	char dev[IFNAMSIZ];
};

/* Written only by its own CPU, with interrupts disabled */
struct vns_drop_cpu {
	u64 lost;
	u64 stack_lost;
	u32 used;
	struct vns_drop_entry entries[];
};

/*
 * Counted before the handler decides whether to take the table (with
 * interrupts enabled): this_cpu_inc(), which an interrupt on this CPU
 * cannot tear.
 */
struct vns_drop_stats {
	u64 seen;
	u64 filtered;
	u64 consumed;
};

struct vns_drops {
	unsigned int entries;		/* per CPU, a power of two */
	struct vns_stack_table *stacks;
	struct vns_drop_stats __percpu *stats;
	struct vns_drop_cpu *cpu[];	/* nr_cpu_ids */
};

static struct vns_drops *vns_drops;

/*
 * The network header of @skb, for its flow: only an skb that says it is
 * IP (vns_skb_ip_proto(), into @proto), from its network header, or a
 * received one's data when that is not set yet (vns_skb_nh_rx()).  NULL:
 * the drop has no flow (family 0).
 */
static const unsigned char *vns_drop_nh(const struct sk_buff *skb,
					u16 *proto)
{
	*proto = vns_skb_ip_proto(skb);
	return *proto ? vns_skb_nh_rx(skb) : NULL;
}

/*
 * The queue of @skb on @dev: where it was received (its device still
 * @dev, skb_iif), the rx queue the driver recorded, if it did; else (sent,
 * or forwarded from elsewhere) the tx queue that was picked for it.
 */
static u32 vns_skb_queue(const struct sk_buff *skb,
			 const struct net_device *dev)
{
	if (!dev)
		return VNS_DROP_NO_QUEUE;
	if (skb->skb_iif == dev->ifindex)
		return skb_rx_queue_recorded(skb) ? skb_get_rx_queue(skb) :
						    VNS_DROP_NO_QUEUE;
	return skb_get_queue_mapping(skb);
}

static void vns_drop_insert(struct vns_drops *d, struct vns_drop_cpu *pc,
			    const struct vns_drop_key *key,
			    const struct net_device *dev)
{
	u64 h = vns_hash_words((const u64 *)key, sizeof(*key) / 8, 0) | 1;
	unsigned int i;

	for (i = 0; i < VNS_DROP_PROBES; i++) {
		struct vns_drop_entry *e =
			&pc->entries[(h + i) & (d->entries - 1)];

		if (e->hash == h && !memcmp(&e->key, key, sizeof(*key))) {
			WRITE_ONCE(e->count, e->count + 1);
			return;
		}
		if (!e->hash) {
			e->key = *key;
			e->count = 1;
			if (dev)
				memcpy(e->dev, dev->name, IFNAMSIZ);
			e->dev[IFNAMSIZ - 1] = 0;
			/* publish the filled entry to readers */
			smp_store_release(&e->hash, h);
			pc->used++;
			return;
		}
	}
	pc->lost++;
}

/*
 * The cheap part first, with interrupts enabled: the filter, on what it
 * needs (the device, the IP header's fields, then the parsed flow).  Only
 * a drop it keeps takes this CPU's table and the stack.
 */
VNS_KFREE_SKB_HANDLER(VNS_TP_HANDLER, vns_drop_probe, data, skb, location)
{
	struct vns_collector *c = &vns_drops_collector;
	const struct net_device *dev;
	const unsigned char *nh;
	struct vns_drop_key key;
	struct vns_drop_cpu *pc;
	struct vns_drops *d;
	unsigned long flags;
	u32 reason = VNS_KFREE_SKB_REASON;
	u16 proto;

	if (!vns_active(c))
		return;
	d = READ_ONCE(vns_drops);
	if (!d)
		return;
	if (VNS_REASON_IS_CONSUMED(reason)) {
		this_cpu_inc(d->stats->consumed);
		return;
	}
	this_cpu_inc(d->stats->seen);
	dev = skb->dev;
	if (!vns_filter_dev_match(&c->filter, dev ? dev->name : NULL))
		goto filtered;
	nh = vns_drop_nh(skb, &proto);
	if (nh && vns_filter_refuses_hdr(&c->filter, nh, vns_skb_lin(skb, nh)))
		goto filtered;
	memset(&key, 0, sizeof(key));
	if (nh)
		vns_skb_parse(skb, nh, proto, &key.flow, NULL);
	if (vns_filter_needs_flow(&c->filter) &&
	    !vns_filter_match(&c->filter, &key.flow, dev ? dev->name : NULL))
		goto filtered;
	key.location = (unsigned long)location;
	key.ifindex = dev ? dev->ifindex : 0;
	key.queue = vns_skb_queue(skb, dev);
	key.reason = reason;
	/* Exclusive use of this CPU's table and stack scratch */
	local_irq_save(flags);
	pc = d->cpu[smp_processor_id()];
	key.stack_id = vns_stack_capture(d->stacks);
	if (key.stack_id == VNS_STACK_NONE)
		pc->stack_lost++;
	vns_drop_insert(d, pc, &key, dev);
	local_irq_restore(flags);
	return;
filtered:
	this_cpu_inc(d->stats->filtered);
}

static struct vns_probe vns_drop_probes[] = {
	{
		.name = "kfree_skb",
		.type = VNS_PROBE_TRACEPOINT,
		.required = true,
		.tp_func = vns_drop_probe,
	},
};

static size_t vns_drop_cpu_size(unsigned int entries)
{
	return sizeof(struct vns_drop_cpu) +
	       (size_t)entries * sizeof(struct vns_drop_entry);
}

/* Table entries per CPU, as drop_entries= is clamped and rounded */
static unsigned int vns_drop_entries(void)
{
	return roundup_pow_of_two(clamp(drop_entries, 64U, 1U << 20));
}

static u64 vns_drops_mem_size(const struct vns_settings *s)
{
	u64 per_cpu = vns_drop_cpu_size(vns_drop_entries());

	return struct_size((struct vns_drops *)NULL, cpu, nr_cpu_ids) +
	       num_possible_cpus() * (per_cpu + sizeof(struct vns_drop_stats)) +
	       vns_stack_table_size(stack_entries, stack_depth);
}

static void vns_drops_free(struct vns_collector *c)
{
	struct vns_drops *d = vns_drops;
	int cpu;

	if (!d)
		return;
	WRITE_ONCE(vns_drops, NULL);
	for_each_possible_cpu(cpu)
		vfree(d->cpu[cpu]);
	vns_stack_table_free(d->stacks);
	free_percpu(d->stats);
	kfree(d);
}

static int vns_drops_alloc(struct vns_collector *c)
{
	struct vns_drops *d;
	int cpu;

	BUILD_BUG_ON(sizeof(struct vns_drop_key) % 8);
	d = kzalloc(struct_size(d, cpu, nr_cpu_ids), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->entries = vns_drop_entries();
	for_each_possible_cpu(cpu) {
		d->cpu[cpu] = vzalloc_node(vns_drop_cpu_size(d->entries),
					   cpu_to_node(cpu));
		if (!d->cpu[cpu])
			goto nomem;
	}
	d->stacks = vns_stack_table_alloc(stack_entries, stack_depth);
	d->stats = alloc_percpu(struct vns_drop_stats);
	if (!d->stacks || !d->stats)
		goto nomem;
	vns_drops = d;
	return 0;
nomem:
	vns_drops = d;
	vns_drops_free(c);
	return -ENOMEM;
}

/* With handlers paused */
static void vns_drops_clear(struct vns_collector *c)
{
	struct vns_drops *d = vns_drops;
	int cpu;

	for_each_possible_cpu(cpu) {
		memset(d->cpu[cpu], 0, vns_drop_cpu_size(d->entries));
		memset(per_cpu_ptr(d->stats, cpu), 0, sizeof(*d->stats));
		cond_resched();
	}
	vns_stack_table_clear(d->stacks);
}

static void vns_drops_status(struct vns_collector *c,
			     struct vns_coll_status *st)
{
	struct vns_drops *d = vns_drops;
	u64 seen = 0, filtered = 0, consumed = 0, stack_lost = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vns_drop_cpu *pc = d->cpu[cpu];
		struct vns_drop_stats *ps = per_cpu_ptr(d->stats, cpu);

		seen += READ_ONCE(ps->seen);
		filtered += READ_ONCE(ps->filtered);
		consumed += READ_ONCE(ps->consumed);
		stack_lost += READ_ONCE(pc->stack_lost);
		st->lost += READ_ONCE(pc->lost);
		st->entries += READ_ONCE(pc->used);
		st->capacity += d->entries;
	}
	vns_status_counter(st, "seen", seen);
	vns_status_counter(st, "filtered", filtered);
	vns_status_counter(st, "consumed", consumed);
	vns_status_counter(st, "stack_lost", stack_lost);
	vns_status_counter(st, "stacks", vns_stack_table_used(d->stacks));
}

/* ---- snapshots for readers ---- */

static int vns_rec_cmp(const void *a, const void *b)
{
	const struct vns_drop_rec *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return 0;
}

static bool vns_rec_same(const struct vns_drop_rec *r,
			 const struct vns_drop_key *k)
{
	return r->location == k->location && r->stack_id == k->stack_id &&
	       r->ifindex == k->ifindex && r->queue == k->queue &&
	       r->reason == k->reason &&
	       !memcmp(&r->flow, &k->flow, sizeof(k->flow));
}

/*
 * Merge the per-CPU tables (an entry may live on several CPUs) into one
 * ranked array.  Entries that arrive while merging may be left for the next
 * read.  Called under vns_lock, so the tables cannot go away.
 */
static struct vns_snap *vns_drops_snapshot(struct vns_collector *c)
{
	struct vns_drops *d = vns_drops;
	struct vns_drop_rec *recs;
	struct vns_snap *s;
	unsigned int n = 0, cap, mask, i;
	u64 used = 0;
	u32 *index;
	int cpu;

	lockdep_assert_held(&vns_lock);
	if (!vns_drops_collector.on || !d)
		return NULL;
	for_each_possible_cpu(cpu)
		used += READ_ONCE(d->cpu[cpu]->used);
	/* the index below has 2 * cap + 2 slots in a u32 */
	cap = min_t(u64, used, U32_MAX / 4);
	s = vns_snap_alloc(cap, sizeof(*recs));
	mask = roundup_pow_of_two(2 * cap + 2) - 1;
	index = vmalloc(array_size(mask + 1, sizeof(u32)));
	if (!s || !index) {
		vns_snap_free(s);
		vfree(index);
		return ERR_PTR(-ENOMEM);
	}
	recs = vns_snap_recs(s, struct vns_drop_rec);
	memset(index, 0xff, array_size(mask + 1, sizeof(u32)));
	for_each_possible_cpu(cpu) {
		struct vns_drop_cpu *pc = d->cpu[cpu];

		for (i = 0; i < d->entries; i++) {
			struct vns_drop_entry *e = &pc->entries[i];
			struct vns_drop_rec *r;
			/* pairs with the handler's release: key is filled */
			u64 h = smp_load_acquire(&e->hash);
			u32 slot;

			/* up to 2^20 entries per CPU: vns_lock is a mutex */
			if (!(i & 1023))
				cond_resched();
			if (!h)
				continue;
			for (slot = h & mask; index[slot] != U32_MAX;
			     slot = (slot + 1) & mask)
				if (vns_rec_same(&recs[index[slot]], &e->key))
					break;
			if (index[slot] != U32_MAX) {
				recs[index[slot]].count += READ_ONCE(e->count);
				continue;
			}
			if (n == cap)
				continue;
			r = &recs[n];
			index[slot] = n++;
			r->count = READ_ONCE(e->count);
			r->location = e->key.location;
			r->stack_id = e->key.stack_id;
			r->ifindex = e->key.ifindex;
			r->queue = e->key.queue;
			r->reason = e->key.reason;
			r->flow = e->key.flow;
			memcpy(r->dev, e->dev, IFNAMSIZ);
		}
	}
	vfree(index);
	s->nr = n;
	sort(recs, n, sizeof(recs[0]), vns_rec_cmp, NULL);
	for (i = 0; i < n; i++) {
		struct vns_drop_rec *r = &recs[i];

		if (!(i & 1023))
			cond_resched();
		if (r->stack_id != VNS_STACK_NONE)
			r->nr_frames = vns_stack_read(d->stacks, r->stack_id,
						      r->frames,
						      ARRAY_SIZE(r->frames));
	}
	return s;
}

/* ---- the record over netlink (VNS_CMD_DROP_GET) ---- */

static int vns_drop_fill(struct sk_buff *skb, const struct vns_snap *s,
			 const void *rec)
{
	const struct vns_drop_rec *r = rec;
	char buf[KSYM_SYMBOL_LEN + 32];
	struct nlattr *nest;

	nest = nla_nest_start(skb, VNS_A_DROP);
	if (!nest)
		return -EMSGSIZE;
	if (vns_nla_put_u64(skb, VNS_DROP_A_COUNT, r->count, VNS_DROP_A_PAD) ||
	    nla_put_u32(skb, VNS_DROP_A_IFINDEX, r->ifindex) ||
	    (r->dev[0] && nla_put_string(skb, VNS_DROP_A_DEV, r->dev)) ||
	    (r->queue != VNS_DROP_NO_QUEUE &&
	     nla_put_u32(skb, VNS_DROP_A_QUEUE, r->queue)) ||
	    vns_nl_put_sym(skb, VNS_DROP_A_LOCATION, r->location, true) ||
	    nla_put_u32(skb, VNS_DROP_A_STACK_ID, r->stack_id))
		goto cancel;
	if (vns_have_drop_reason) {
		if (nla_put_u32(skb, VNS_DROP_A_REASON, r->reason))
			goto cancel;
		if (vns_drop_reason_name(r->reason, buf, sizeof(buf)) &&
		    nla_put_string(skb, VNS_DROP_A_REASON_NAME, buf))
			goto cancel;
	}
	if (vns_nl_put_flow(skb, VNS_DROP_A_FLOW, &r->flow))
		goto cancel;
	if (r->nr_frames &&
	    vns_nl_put_stack(skb, VNS_DROP_A_STACK, r->frames, r->nr_frames))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- the record in the text view ---- */

static void vns_drop_show(struct seq_file *m, const struct vns_snap *s,
			  const void *rec)
{
	const struct vns_drop_rec *r = rec;
	const struct vns_flow *f = &r->flow;
	char reason[64];
	unsigned int i;

	seq_printf(m, "count=%llu dev=%s ifindex=%u queue=", r->count,
		   r->dev[0] ? r->dev : "-", r->ifindex);
	if (r->queue != VNS_DROP_NO_QUEUE)
		seq_printf(m, "%u", r->queue);
	else
		seq_putc(m, '-');
	seq_puts(m, " reason=");
	if (!vns_have_drop_reason)
		seq_puts(m, "-");
	else if (vns_drop_reason_name(r->reason, reason, sizeof(reason)))
		vns_seq_word(m, reason);
	else
		seq_printf(m, "%u", r->reason);
	seq_puts(m, " location=");
	vns_seq_sym(m, r->location, true);
	vns_seq_flow(m, f);
	seq_puts(m, " stack=");
	if (!r->nr_frames)
		seq_puts(m, "-");
	for (i = 0; i < r->nr_frames; i++) {
		if (i)
			seq_putc(m, ',');
		vns_seq_sym(m, r->frames[i], true);
	}
	seq_putc(m, '\n');
}

/* Listed in the registry, core/registry.h */
struct vns_collector vns_drops_collector = {
	.name = "drops",
	.probes = vns_drop_probes,
	.nr_probes = ARRAY_SIZE(vns_drop_probes),
	.has_filter = true,
	.alloc = vns_drops_alloc,
	.free = vns_drops_free,
	.clear = vns_drops_clear,
	.status = vns_drops_status,
	.mem_size = vns_drops_mem_size,
	.nl_cmd = VNS_CMD_DROP_GET,
	.rec_size = sizeof(struct vns_drop_rec),
	.snapshot = vns_drops_snapshot,
	.fill = vns_drop_fill,
	.show = vns_drop_show,
};

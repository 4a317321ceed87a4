// SPDX-License-Identifier: GPL-2.0
/*
 * The "vnetscope" generic netlink family.  Every operation needs
 * CAP_NET_ADMIN (GENL_ADMIN_PERM): stacks reveal kernel addresses.  Requests
 * are validated strictly on every kernel (see vns_genl_validate()), and
 * every rejection carries an extended-ack message where the kernel has them.
 */
#include <linux/module.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <net/genetlink.h>

#include "../core/vns.h"
#include "fill.h"

static const struct nla_policy vns_policy[VNS_A_MAX + 1] = {
	[VNS_A_COLLECTOR_NAME] = { .type = NLA_NUL_STRING,
				   .len = VNS_NAME_MAX - 1 },
	[VNS_A_FILTER] = { .type = NLA_NESTED },
	[VNS_A_CONFIG] = { .type = NLA_NESTED },
	[VNS_A_ENABLE_FLAGS] = { .type = NLA_U32 },
};

static const struct nla_policy vns_config_policy[VNS_CFG_A_MAX + 1] = {
	[VNS_CFG_A_PERIOD_US] = { .type = NLA_U32 },
	[VNS_CFG_A_THRESHOLD_US] = { .type = NLA_U32 },
	[VNS_CFG_A_STAGE_THRESHOLD_US] = { .type = NLA_U32 },
	[VNS_CFG_A_PHY_IF] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[VNS_CFG_A_VM_IF] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[VNS_CFG_A_DIRECTION] = { .type = NLA_U8 },
};

static const struct nla_policy vns_filter_policy[VNS_FILTER_A_MAX + 1] = {
	[VNS_FILTER_A_SRC] = { .type = NLA_BINARY, .len = 16 },
	[VNS_FILTER_A_SRC_PREFIX] = { .type = NLA_U8 },
	[VNS_FILTER_A_DST] = { .type = NLA_BINARY, .len = 16 },
	[VNS_FILTER_A_DST_PREFIX] = { .type = NLA_U8 },
	[VNS_FILTER_A_PROTO] = { .type = NLA_U8 },
	[VNS_FILTER_A_SPORT] = { .type = NLA_U16 },
	[VNS_FILTER_A_DPORT] = { .type = NLA_U16 },
	[VNS_FILTER_A_DEV] = { .type = NLA_NUL_STRING,
			       .len = VNS_IFNAME_MAX - 1 },
};

static struct genl_family vns_genl_family;

static int vns_nl_validate(struct genl_info *info)
{
	return vns_genl_validate(info->nlhdr, VNS_A_MAX, vns_policy,
				 VNS_INFO_EXTACK(info));
}

static int vns_nl_dump_start(struct netlink_callback *cb)
{
	return vns_genl_validate(cb->nlh, VNS_A_MAX, vns_policy,
				 VNS_CB_EXTACK(cb));
}

/* ---- status ---- */

static int vns_nl_put_filter(struct sk_buff *skb, int type,
			     const struct vns_filter *f)
{
	struct nlattr *nest;

	if (vns_filter_is_empty(f))
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if ((f->src_family &&
	     (nla_put(skb, VNS_FILTER_A_SRC,
		      f->src_family == VNS_AF_INET ? 4 : 16, f->src) ||
	      nla_put_u8(skb, VNS_FILTER_A_SRC_PREFIX, f->src_prefix))) ||
	    (f->dst_family &&
	     (nla_put(skb, VNS_FILTER_A_DST,
		      f->dst_family == VNS_AF_INET ? 4 : 16, f->dst) ||
	      nla_put_u8(skb, VNS_FILTER_A_DST_PREFIX, f->dst_prefix))) ||
	    (f->proto && nla_put_u8(skb, VNS_FILTER_A_PROTO, f->proto)) ||
	    (f->has_sport && nla_put_u16(skb, VNS_FILTER_A_SPORT, f->sport)) ||
	    (f->has_dport && nla_put_u16(skb, VNS_FILTER_A_DPORT, f->dport)) ||
	    (f->has_dev && nla_put_string(skb, VNS_FILTER_A_DEV, f->dev)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The settings given, as a nest of enum vns_config_attr; none: nothing */
static int vns_nl_put_settings(struct sk_buff *skb, int type,
			       const struct vns_settings *s)
{
	struct nlattr *nest;

	if (!s->given)
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if ((s->given & VNS_SET_PERIOD &&
	     nla_put_u32(skb, VNS_CFG_A_PERIOD_US, s->period_us)) ||
	    (s->given & VNS_SET_THRESHOLD &&
	     nla_put_u32(skb, VNS_CFG_A_THRESHOLD_US, s->threshold_us)) ||
	    (s->given & VNS_SET_STAGE_THRESHOLD &&
	     nla_put_u32(skb, VNS_CFG_A_STAGE_THRESHOLD_US,
			 s->stage_threshold_us)) ||
	    (s->given & VNS_SET_PHY &&
	     nla_put_string(skb, VNS_CFG_A_PHY_IF, s->phy)) ||
	    (s->given & VNS_SET_VM &&
	     nla_put_string(skb, VNS_CFG_A_VM_IF, s->vm)) ||
	    (s->given & VNS_SET_DIR &&
	     nla_put_u8(skb, VNS_CFG_A_DIRECTION, s->dir))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vns_nl_put_collector(struct sk_buff *skb, struct vns_collector *c)
{
	struct vns_coll_status st;
	struct nlattr *nest, *cnt;
	unsigned int i;

	vns_collector_status(c, &st);
	nest = nla_nest_start(skb, VNS_A_COLLECTOR);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, VNS_COLL_A_NAME, c->name) ||
	    nla_put_u8(skb, VNS_COLL_A_STATE,
		       c->on ? VNS_COLL_ON : VNS_COLL_OFF) ||
	    vns_nla_put_u64(skb, VNS_COLL_A_MEM_BYTES, st.mem_bytes,
			    VNS_COLL_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_COLL_A_LOST, st.lost, VNS_COLL_A_PAD) ||
	    nla_put_u32(skb, VNS_COLL_A_ENTRIES, st.entries) ||
	    nla_put_u32(skb, VNS_COLL_A_CAPACITY, st.capacity))
		goto cancel;
	if (c->on && (vns_nl_put_filter(skb, VNS_COLL_A_FILTER, &c->filter) ||
		      vns_nl_put_settings(skb, VNS_COLL_A_CONFIG, &c->set)))
		goto cancel;
	for (i = 0; i < st.nr_counters; i++) {
		cnt = nla_nest_start(skb, VNS_COLL_A_COUNTER);
		if (!cnt ||
		    nla_put_string(skb, VNS_CNT_A_NAME, st.counters[i].name) ||
		    vns_nla_put_u64(skb, VNS_CNT_A_VALUE, st.counters[i].value,
				    VNS_CNT_A_PAD))
			goto cancel;
		nla_nest_end(skb, cnt);
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int vns_nl_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;
	int err;

	err = vns_nl_validate(info);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vns_genl_family, 0,
				VNS_CMD_STATUS_GET);
	if (!hdr)
		goto too_big;
	mutex_lock(&vns_lock);
	err = nla_put_string(msg, VNS_A_VERSION, VNS_VERSION) ||
	      nla_put_string(msg, VNS_A_KERNEL, utsname()->release) ||
	      vns_nla_put_u64(msg, VNS_A_MEM_BYTES, vns_mem_total(),
			      VNS_A_PAD);
	for (i = 0; !err && i < vns_nr_collectors; i++)
		err = vns_nl_put_collector(msg, vns_collectors[i]);
	mutex_unlock(&vns_lock);
	if (err)
		goto too_big;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- probes: one message per probe; args[0] collector, args[1] probe ---- */

static int vns_nl_put_probe(struct sk_buff *skb, const struct vns_probe *p)
{
	struct nlattr *nest = nla_nest_start(skb, VNS_A_PROBE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, VNS_PROBE_A_NAME, p->name) ||
	    nla_put_u8(skb, VNS_PROBE_A_TYPE, p->type) ||
	    nla_put_string(skb, VNS_PROBE_A_COLLECTOR, p->coll->name) ||
	    (p->module && nla_put_string(skb, VNS_PROBE_A_MODULE, p->module)) ||
	    nla_put_u8(skb, VNS_PROBE_A_STATE, p->state) ||
	    (p->state == VNS_PROBE_UNAVAILABLE && p->reason &&
	     nla_put_string(skb, VNS_PROBE_A_REASON, p->reason)) ||
	    vns_nla_put_u64(skb, VNS_PROBE_A_HITS, vns_probe_hits(p),
			    VNS_PROBE_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vns_nl_probe_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long ci = cb->args[0], pi = cb->args[1];
	int err = 0;

	mutex_lock(&vns_lock);
	for (; ci < vns_nr_collectors; ci++, pi = 0) {
		struct vns_collector *c = vns_collectors[ci];

		for (; pi < c->nr_probes; pi++) {
			void *hdr = genlmsg_put(skb,
						NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq,
						&vns_genl_family, NLM_F_MULTI,
						VNS_CMD_PROBE_GET);

			if (!hdr) {
				err = -EMSGSIZE;
				goto out;
			}
			if (vns_nl_put_probe(skb, &c->probes[pi])) {
				genlmsg_cancel(skb, hdr);
				err = -EMSGSIZE;
				goto out;
			}
			genlmsg_end(skb, hdr);
		}
	}
out:
	mutex_unlock(&vns_lock);
	cb->args[0] = ci;
	cb->args[1] = pi;
	/* a full skb ends this round; the next recvmsg continues */
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* ---- drops: one message per (stack, device, reason, flow) record ---- */

static int vns_nl_put_drop(struct sk_buff *skb, const struct vns_snap *s,
			   const void *rec)
{
	const struct vns_drop_rec *r = rec;
	char buf[KSYM_SYMBOL_LEN + 32];
	struct nlattr *nest, *stack;
	unsigned int i;

	nest = nla_nest_start(skb, VNS_A_DROP);
	if (!nest)
		return -EMSGSIZE;
	snprintf(buf, sizeof(buf), "%pS", (void *)r->location);
	if (vns_nla_put_u64(skb, VNS_DROP_A_COUNT, r->count, VNS_DROP_A_PAD) ||
	    nla_put_u32(skb, VNS_DROP_A_IFINDEX, r->ifindex) ||
	    (r->dev[0] && nla_put_string(skb, VNS_DROP_A_DEV, r->dev)) ||
	    nla_put_string(skb, VNS_DROP_A_LOCATION, buf) ||
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
	if (r->nr_frames) {
		stack = nla_nest_start(skb, VNS_DROP_A_STACK);
		if (!stack)
			goto cancel;
		for (i = 0; i < r->nr_frames; i++) {
			snprintf(buf, sizeof(buf), "%pS", (void *)r->frames[i]);
			if (nla_put_string(skb, VNS_STACK_A_FRAME, buf))
				goto cancel;
		}
		nla_nest_end(skb, stack);
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- drops, softirqs, timers, irqoff: snapshot at the first read ---- */

static int vns_nl_put_sirq(struct sk_buff *skb, const struct vns_snap *s,
			   const void *rec)
{
	const struct vns_sirq_rec *r = rec;
	struct nlattr *nest;

	if (r->vec >= VNS_NR_SOFTIRQS) {
		nest = nla_nest_start(skb, VNS_A_KSOFTIRQD);
		if (!nest || nla_put_u32(skb, VNS_KSIRQD_A_CPU, r->cpu) ||
		    (r->pid && nla_put_u32(skb, VNS_KSIRQD_A_PID, r->pid)) ||
		    nla_put_u64_64bit(skb, VNS_KSIRQD_A_RUNTIME_NS,
				      r->runtime_ns, VNS_KSIRQD_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
		return 0;
	}
	nest = nla_nest_start(skb, VNS_A_SOFTIRQ);
	if (!nest || nla_put_u32(skb, VNS_SIRQ_A_CPU, r->cpu) ||
	    nla_put_u8(skb, VNS_SIRQ_A_VEC, r->vec) ||
	    nla_put_string(skb, VNS_SIRQ_A_NAME, vns_softirq_names[r->vec]) ||
	    nla_put_u64_64bit(skb, VNS_SIRQ_A_COUNT, r->count,
			      VNS_SIRQ_A_PAD) ||
	    nla_put_u64_64bit(skb, VNS_SIRQ_A_TOTAL_NS, r->total_ns,
			      VNS_SIRQ_A_PAD) ||
	    nla_put_u64_64bit(skb, VNS_SIRQ_A_MAX_NS, r->max_ns,
			      VNS_SIRQ_A_PAD) ||
	    vns_nl_put_hist(skb, VNS_SIRQ_A_HIST, &r->hist) ||
	    nla_put_u64_64bit(skb, VNS_SIRQ_A_RAISED, r->raised,
			      VNS_SIRQ_A_PAD) ||
	    nla_put_u64_64bit(skb, VNS_SIRQ_A_WAIT_TOTAL_NS, r->wait_total_ns,
			      VNS_SIRQ_A_PAD) ||
	    nla_put_u64_64bit(skb, VNS_SIRQ_A_WAIT_MAX_NS, r->wait_max_ns,
			      VNS_SIRQ_A_PAD) ||
	    vns_nl_put_hist(skb, VNS_SIRQ_A_WAIT_HIST, &r->wait))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int vns_nl_put_timer(struct sk_buff *skb, const struct vns_snap *s,
			    const void *rec)
{
	const struct vns_timer_rec *r = rec;
	char sym[KSYM_SYMBOL_LEN + 32];
	struct nlattr *nest;

	snprintf(sym, sizeof(sym), "%ps", (void *)r->func);
	nest = nla_nest_start(skb, VNS_A_TIMER);
	if (!nest || nla_put_string(skb, VNS_TIMER_A_FUNC, sym) ||
	    nla_put_u8(skb, VNS_TIMER_A_KIND, r->kind) ||
	    nla_put_u64_64bit(skb, VNS_TIMER_A_COUNT, r->count,
			      VNS_TIMER_A_PAD) ||
	    nla_put_u64_64bit(skb, VNS_TIMER_A_TOTAL_NS, r->total_ns,
			      VNS_TIMER_A_PAD) ||
	    nla_put_u64_64bit(skb, VNS_TIMER_A_MAX_NS, r->max_ns,
			      VNS_TIMER_A_PAD) ||
	    nla_put_u32(skb, VNS_TIMER_A_MAX_CPU, r->max_cpu) ||
	    nla_put_u64_64bit(skb, VNS_TIMER_A_MAX_AGE_NS,
			      s->now_ns - min(s->now_ns, r->max_when_ns),
			      VNS_TIMER_A_PAD) ||
	    vns_nl_put_hist(skb, VNS_TIMER_A_HIST, &r->hist))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int vns_nl_put_irqoff(struct sk_buff *skb, const struct vns_snap *s,
			     const void *rec)
{
	const struct vns_irqoff_rec *r = rec;
	struct nlattr *nest, *st;
	unsigned int i, skip = 0;
	char sym[KSYM_SYMBOL_LEN + 32];

	if (r->summary) {
		nest = nla_nest_start(skb, VNS_A_IRQOFF_SUMMARY);
		if (!nest || nla_put_u8(skb, VNS_IRQSUM_A_KIND, r->kind) ||
		    nla_put_u32(skb, VNS_IRQSUM_A_CPU, r->cpu) ||
		    nla_put_u64_64bit(skb, VNS_IRQSUM_A_EVENTS, r->events,
				      VNS_IRQSUM_A_PAD) ||
		    vns_nl_put_hist(skb, VNS_IRQSUM_A_HIST, &r->hist))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
		return 0;
	}
	nest = nla_nest_start(skb, VNS_A_IRQOFF_EVENT);
	if (!nest || nla_put_u8(skb, VNS_IRQOFF_A_KIND, r->kind) ||
	    nla_put_u32(skb, VNS_IRQOFF_A_CPU, r->cpu) ||
	    nla_put_u64_64bit(skb, VNS_IRQOFF_A_LATENCY_NS, r->ev.latency_ns,
			      VNS_IRQOFF_A_PAD) ||
	    nla_put_u64_64bit(skb, VNS_IRQOFF_A_AGE_NS,
			      s->now_ns - min(s->now_ns, r->ev.when_ns),
			      VNS_IRQOFF_A_PAD) ||
	    nla_put_u32(skb, VNS_IRQOFF_A_PID, r->ev.pid) ||
	    nla_put_string(skb, VNS_IRQOFF_A_COMM, r->ev.comm))
		return -EMSGSIZE;
	st = nla_nest_start(skb, VNS_IRQOFF_A_STACK);
	if (!st)
		return -EMSGSIZE;
	while (skip < r->ev.nr_frames && vns_frame_is_ours(r->ev.frames[skip]))
		skip++;
	for (i = skip; i < r->ev.nr_frames; i++) {
		snprintf(sym, sizeof(sym), "%pS", (void *)r->ev.frames[i]);
		if (nla_put_string(skb, VNS_STACK_A_FRAME, sym))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, st);
	nla_nest_end(skb, nest);
	return 0;
}

static int vns_nl_put_latency(struct sk_buff *skb, const struct vns_snap *s,
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

#define VNS_SNAP_EMPTY	1UL	/* args[1] when the collector was off */

struct vns_nl_snap_dump {
	u8 cmd;
	struct vns_snap *(*snapshot)(void);
	size_t rec_size;
	int (*put)(struct sk_buff *skb, const struct vns_snap *s,
		   const void *rec);
};

/* cb->args[0]: next record; cb->args[1]: the snapshot (or EMPTY) */
static int vns_nl_snap_dump(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct vns_nl_snap_dump *d)
{
	struct vns_snap *s;
	unsigned long i;

	if (!cb->args[1]) {
		mutex_lock(&vns_lock);
		s = d->snapshot();
		mutex_unlock(&vns_lock);
		if (IS_ERR(s))
			return PTR_ERR(s);
		cb->args[1] = s ? (unsigned long)s : VNS_SNAP_EMPTY;
	}
	if (cb->args[1] == VNS_SNAP_EMPTY)
		return 0;
	s = (struct vns_snap *)cb->args[1];
	for (i = cb->args[0]; i < s->nr; i++) {
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, &vns_genl_family,
					NLM_F_MULTI, d->cmd);

		if (!hdr)
			break;
		if (d->put(skb, s, (char *)s->data + i * d->rec_size)) {
			genlmsg_cancel(skb, hdr);
			if (!skb->len)
				return -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	return skb->len;
}

static int vns_nl_snap_done(struct netlink_callback *cb)
{
	if (cb->args[1] && cb->args[1] != VNS_SNAP_EMPTY)
		vns_snap_free((struct vns_snap *)cb->args[1]);
	cb->args[1] = 0;
	return 0;
}

static const struct vns_nl_snap_dump vns_nl_drop_dump_def = {
	VNS_CMD_DROP_GET, vns_drops_snapshot,
	sizeof(struct vns_drop_rec), vns_nl_put_drop,
};
static const struct vns_nl_snap_dump vns_nl_sirq_dump_def = {
	VNS_CMD_SOFTIRQ_GET, vns_softirqs_snapshot,
	sizeof(struct vns_sirq_rec), vns_nl_put_sirq,
};
static const struct vns_nl_snap_dump vns_nl_timer_dump_def = {
	VNS_CMD_TIMER_GET, vns_timers_snapshot,
	sizeof(struct vns_timer_rec), vns_nl_put_timer,
};
static const struct vns_nl_snap_dump vns_nl_irqoff_dump_def = {
	VNS_CMD_IRQOFF_GET, vns_irqoff_snapshot,
	sizeof(struct vns_irqoff_rec), vns_nl_put_irqoff,
};

static const struct vns_nl_snap_dump vns_nl_latency_dump_def = {
	VNS_CMD_LATENCY_GET, vns_latency_snapshot,
	sizeof(struct vns_lat_rec), vns_nl_put_latency,
};

static int vns_nl_latency_dump(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return vns_nl_snap_dump(skb, cb, &vns_nl_latency_dump_def);
}

static int vns_nl_drop_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vns_nl_snap_dump(skb, cb, &vns_nl_drop_dump_def);
}

static int vns_nl_sirq_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vns_nl_snap_dump(skb, cb, &vns_nl_sirq_dump_def);
}

static int vns_nl_timer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vns_nl_snap_dump(skb, cb, &vns_nl_timer_dump_def);
}

static int vns_nl_irqoff_dump(struct sk_buff *skb,
			      struct netlink_callback *cb)
{
	return vns_nl_snap_dump(skb, cb, &vns_nl_irqoff_dump_def);
}

/* ---- events: the details records, taken from the rings ---- */

/* Records one round takes from the rings at most, in bytes */
#define VNS_NL_EV_STAGE		(16 * 1024)

/*
 * The state of one VNS_CMD_EVENT_GET dump (cb->args[0]): it holds the
 * events reader from start to done.  Records taken from the rings but not
 * sent yet (the skb filled up) wait here for the next round.
 */
struct vns_nl_ev_dump {
	unsigned int nr;		/* records in stage[] */
	unsigned int next;		/* the next one to send */
	size_t rec_size;
	const struct vns_collector *owner;
	u8 stage[VNS_NL_EV_STAGE];
};

static int vns_nl_event_start(struct netlink_callback *cb)
{
	struct netlink_ext_ack *extack = VNS_CB_EXTACK(cb);
	struct vns_nl_ev_dump *d;
	int err;

	err = vns_nl_dump_start(cb);
	if (err)
		return err;
	err = vns_events_open();
	/* the message reaches user space where start has an extack (6.2+) */
	if (err == -EBUSY)
		NL_SET_ERR_MSG(extack, "another reader holds the events");
	if (err)
		return err;
	d = vzalloc(sizeof(*d));
	if (!d) {
		vns_events_close();
		return -ENOMEM;
	}
	cb->args[0] = (unsigned long)d;
	return 0;
}

static int vns_nl_event_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vns_nl_ev_dump *d = (struct vns_nl_ev_dump *)cb->args[0];
	void *hdr;

	if (!d) {
		/* no genl_ops.start before 4.5: the first round starts */
		int err = vns_nl_event_start(cb);

		if (err)
			return err;
		d = (struct vns_nl_ev_dump *)cb->args[0];
	}
	for (;;) {
		if (d->next >= d->nr) {
			d->next = 0;
			d->nr = vns_events_take(d->stage, sizeof(d->stage),
						&d->rec_size, &d->owner);
			if (!d->nr)
				break;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vns_genl_family,
				  NLM_F_MULTI, VNS_CMD_EVENT_GET);
		if (!hdr)
			break;
		if (d->owner->event_fill(skb, d->stage +
					 (size_t)d->next * d->rec_size)) {
			genlmsg_cancel(skb, hdr);
			if (!skb->len)
				return -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		d->next++;
	}
	/* a full skb ends this round, the records left wait in d */
	return skb->len;
}

static int vns_nl_event_done(struct netlink_callback *cb)
{
	struct vns_nl_ev_dump *d = (struct vns_nl_ev_dump *)cb->args[0];

	if (d) {
		cb->args[0] = 0;
		vfree(d);
		vns_events_close();
	}
	return 0;
}

static struct vns_collector *vns_nl_collector(struct genl_info *info)
{
	struct netlink_ext_ack *extack = VNS_INFO_EXTACK(info);
	struct nlattr *a = info->attrs[VNS_A_COLLECTOR_NAME];
	struct vns_collector *c;

	if (!a) {
		NL_SET_ERR_MSG(extack, "missing collector name");
		return ERR_PTR(-EINVAL);
	}
	c = vns_collector_find(nla_data(a));
	if (!c) {
		NL_SET_ERR_MSG_ATTR(extack, a, "unknown collector");
		return ERR_PTR(-ENOENT);
	}
	return c;
}

static int vns_nl_addr(struct nlattr *a, struct nlattr *plen, u8 *family,
		       u8 *addr, u8 *prefix, struct netlink_ext_ack *extack)
{
	unsigned int bits;

	if (!a) {
		if (plen) {
			NL_SET_ERR_MSG_ATTR(extack, plen,
					    "prefix length without an address");
			return -EINVAL;
		}
		return 0;
	}
	if (nla_len(a) != 4 && nla_len(a) != 16) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "address must be 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	*family = nla_len(a) == 4 ? VNS_AF_INET : VNS_AF_INET6;
	bits = vns_family_bits(*family);
	memcpy(addr, nla_data(a), nla_len(a));
	*prefix = bits;
	if (plen) {
		if (nla_get_u8(plen) > bits) {
			NL_SET_ERR_MSG_ATTR(extack, plen,
					    "prefix length out of range");
			return -EINVAL;
		}
		*prefix = nla_get_u8(plen);
	}
	return 0;
}

static int vns_nl_filter(struct nlattr *nest, struct vns_filter *f,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VNS_FILTER_A_MAX + 1];
	int err;

	memset(f, 0, sizeof(*f));
	if (!nest)
		return 0;
	err = vns_nla_parse_nested(tb, VNS_FILTER_A_MAX, nest,
				   vns_filter_policy, extack);
	if (err)
		return err;
	err = vns_nl_addr(tb[VNS_FILTER_A_SRC], tb[VNS_FILTER_A_SRC_PREFIX],
			  &f->src_family, f->src, &f->src_prefix, extack);
	if (err)
		return err;
	err = vns_nl_addr(tb[VNS_FILTER_A_DST], tb[VNS_FILTER_A_DST_PREFIX],
			  &f->dst_family, f->dst, &f->dst_prefix, extack);
	if (err)
		return err;
	if (tb[VNS_FILTER_A_PROTO]) {
		f->proto = nla_get_u8(tb[VNS_FILTER_A_PROTO]);
		if (!f->proto) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VNS_FILTER_A_PROTO],
					    "protocol 0 matches nothing");
			return -EINVAL;
		}
	}
	if (tb[VNS_FILTER_A_SPORT]) {
		f->sport = nla_get_u16(tb[VNS_FILTER_A_SPORT]);
		f->has_sport = 1;
	}
	if (tb[VNS_FILTER_A_DPORT]) {
		f->dport = nla_get_u16(tb[VNS_FILTER_A_DPORT]);
		f->has_dport = 1;
	}
	if (tb[VNS_FILTER_A_DEV]) {
		if (!nla_len(tb[VNS_FILTER_A_DEV]) ||
		    !*(char *)nla_data(tb[VNS_FILTER_A_DEV])) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VNS_FILTER_A_DEV],
					    "empty device name");
			return -EINVAL;
		}
		strscpy(f->dev, nla_data(tb[VNS_FILTER_A_DEV]),
			sizeof(f->dev));
		f->has_dev = 1;
	}
	return 0;
}

/* The policy made it a NUL-terminated string of at most IFNAMSIZ - 1 */
static void vns_nla_ifname(char *dst, const struct nlattr *a)
{
	size_t n = strnlen(nla_data(a), min_t(size_t, nla_len(a),
					       IFNAMSIZ - 1));

	memcpy(dst, nla_data(a), n);
	dst[n] = 0;
}

static int vns_nl_settings(struct nlattr *nest, struct vns_settings *s,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VNS_CFG_A_MAX + 1];
	int err;

	vns_settings_default(s);
	if (!nest)
		return 0;
	err = vns_nla_parse_nested(tb, VNS_CFG_A_MAX, nest, vns_config_policy,
				   extack);
	if (err)
		return err;
	if (tb[VNS_CFG_A_PERIOD_US]) {
		s->period_us = nla_get_u32(tb[VNS_CFG_A_PERIOD_US]);
		s->given |= VNS_SET_PERIOD;
	}
	if (tb[VNS_CFG_A_THRESHOLD_US]) {
		s->threshold_us = nla_get_u32(tb[VNS_CFG_A_THRESHOLD_US]);
		s->given |= VNS_SET_THRESHOLD;
	}
	if (tb[VNS_CFG_A_STAGE_THRESHOLD_US]) {
		s->stage_threshold_us =
			nla_get_u32(tb[VNS_CFG_A_STAGE_THRESHOLD_US]);
		s->given |= VNS_SET_STAGE_THRESHOLD;
	}
	if (tb[VNS_CFG_A_PHY_IF]) {
		vns_nla_ifname(s->phy, tb[VNS_CFG_A_PHY_IF]);
		s->given |= VNS_SET_PHY;
	}
	if (tb[VNS_CFG_A_VM_IF]) {
		vns_nla_ifname(s->vm, tb[VNS_CFG_A_VM_IF]);
		s->given |= VNS_SET_VM;
	}
	if (tb[VNS_CFG_A_DIRECTION]) {
		s->dir = nla_get_u8(tb[VNS_CFG_A_DIRECTION]);
		s->given |= VNS_SET_DIR;
		if (s->dir > VNS_DIR_TX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VNS_CFG_A_DIRECTION],
					    "direction must be 0..2");
			return -EINVAL;
		}
	}
	if ((s->given & VNS_SET_PHY && !s->phy[0]) ||
	    (s->given & VNS_SET_VM && !s->vm[0])) {
		NL_SET_ERR_MSG(extack, "empty interface name");
		return -EINVAL;
	}
	return 0;
}

static int vns_nl_enable(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = VNS_INFO_EXTACK(info);
	const char *msg = NULL;
	struct vns_collector *c;
	struct nlattr *fa = info->attrs[VNS_A_ENABLE_FLAGS];
	struct vns_settings set;
	struct vns_filter f;
	u32 flags = 0;
	int err;

	err = vns_nl_validate(info);
	if (err)
		return err;
	if (fa) {
		flags = nla_get_u32(fa);
		if (flags & ~VNS_ENABLE_F_ALL) {
			NL_SET_ERR_MSG_ATTR(extack, fa, "unknown enable flags");
			return -EINVAL;
		}
	}
	c = vns_nl_collector(info);
	if (IS_ERR(c))
		return PTR_ERR(c);
	err = vns_nl_filter(info->attrs[VNS_A_FILTER], &f, extack);
	if (err)
		return err;
	err = vns_nl_settings(info->attrs[VNS_A_CONFIG], &set, extack);
	if (err)
		return err;
	mutex_lock(&vns_lock);
	err = vns_collector_update(c, &f, &set, flags, &msg);
	mutex_unlock(&vns_lock);
	if (err && msg)
		vns_extack_msg(extack, msg);
	return err;
}

static int vns_nl_disable(struct sk_buff *skb, struct genl_info *info)
{
	struct vns_collector *c;
	int err;

	err = vns_nl_validate(info);
	if (err)
		return err;
	c = vns_nl_collector(info);
	if (IS_ERR(c))
		return PTR_ERR(c);
	mutex_lock(&vns_lock);
	vns_collector_disable(c);
	mutex_unlock(&vns_lock);
	return 0;
}

static int vns_nl_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct vns_collector *c = NULL;
	unsigned int i;
	int err;

	err = vns_nl_validate(info);
	if (err)
		return err;
	if (info->attrs[VNS_A_COLLECTOR_NAME]) {
		c = vns_nl_collector(info);
		if (IS_ERR(c))
			return PTR_ERR(c);
	}
	mutex_lock(&vns_lock);
	for (i = 0; i < vns_nr_collectors; i++)
		if (!c || c == vns_collectors[i])
			vns_collector_reset(vns_collectors[i]);
	mutex_unlock(&vns_lock);
	return 0;
}

static const struct genl_ops vns_genl_ops[] = {
	{
		.cmd = VNS_CMD_STATUS_GET,
		.doit = vns_nl_status,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_PROBE_GET,
		VNS_GENL_OP_START(vns_nl_dump_start)
		.dumpit = vns_nl_probe_dump,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_DROP_GET,
		VNS_GENL_OP_START(vns_nl_dump_start)
		.dumpit = vns_nl_drop_dump,
		.done = vns_nl_snap_done,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_SOFTIRQ_GET,
		VNS_GENL_OP_START(vns_nl_dump_start)
		.dumpit = vns_nl_sirq_dump,
		.done = vns_nl_snap_done,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_TIMER_GET,
		VNS_GENL_OP_START(vns_nl_dump_start)
		.dumpit = vns_nl_timer_dump,
		.done = vns_nl_snap_done,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_IRQOFF_GET,
		VNS_GENL_OP_START(vns_nl_dump_start)
		.dumpit = vns_nl_irqoff_dump,
		.done = vns_nl_snap_done,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_LATENCY_GET,
		VNS_GENL_OP_START(vns_nl_dump_start)
		.dumpit = vns_nl_latency_dump,
		.done = vns_nl_snap_done,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_EVENT_GET,
		VNS_GENL_OP_START(vns_nl_event_start)
		.dumpit = vns_nl_event_dump,
		.done = vns_nl_event_done,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_ENABLE,
		.doit = vns_nl_enable,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_DISABLE,
		.doit = vns_nl_disable,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
	{
		.cmd = VNS_CMD_RESET,
		.doit = vns_nl_reset,
		.flags = GENL_ADMIN_PERM,
		VNS_GENL_OP_POLICY(vns_policy)
	},
};

static struct genl_family vns_genl_family = {
	.name = VNS_GENL_NAME,
	.version = VNS_GENL_VERSION,
	.maxattr = VNS_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	VNS_GENL_FAMILY_POLICY(vns_policy)
	VNS_GENL_FAMILY_OPS(vns_genl_ops)
};

int vns_genl_init(void)
{
	return vns_genl_register(&vns_genl_family, vns_genl_ops,
				 ARRAY_SIZE(vns_genl_ops));
}

void vns_genl_exit(void)
{
	genl_unregister_family(&vns_genl_family);
}

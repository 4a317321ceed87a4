// SPDX-License-Identifier: GPL-2.0
/*
 * The "vnetscope" generic netlink family.  Every operation needs
 * CAP_NET_ADMIN (GENL_ADMIN_PERM): stacks reveal kernel addresses.  Requests
 * are validated strictly on every kernel (see vns_genl_validate()), and
 * every rejection carries an extended-ack message where the kernel has them.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "../core/collector.h"
#include "../core/events.h"
#include "../core/probe.h"
#include "../core/snap.h"
#include "genl.h"

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
	[VNS_CFG_A_PHY_IF] = { .type = NLA_NUL_STRING,
			       .len = VNS_IFNAME_MAX - 1 },
	[VNS_CFG_A_VM_IF] = { .type = NLA_NUL_STRING,
			      .len = VNS_IFNAME_MAX - 1 },
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
	    nla_put_u32(skb, VNS_COLL_A_CAPACITY, st.capacity) ||
	    vns_nla_put_u64(skb, VNS_COLL_A_CALLS, st.calls, VNS_COLL_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_COLL_A_TIMED, st.timed, VNS_COLL_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_COLL_A_TIMED_NS, st.timed_ns,
			    VNS_COLL_A_PAD))
		goto cancel;
	if (c->on && (vns_filter_put(skb, VNS_COLL_A_FILTER, &c->filter) ||
		      vns_settings_put(skb, VNS_COLL_A_CONFIG, &c->set)))
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
			      VNS_A_PAD) ||
	      vns_nla_put_u64(msg, VNS_A_MEM_LIMIT, vns_mem_limit(),
			      VNS_A_PAD) ||
	      nla_put_string(msg, VNS_A_KPROBE_ARGS, VNS_KPROBE_ARGS_NAME);
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
	struct vns_probe_cost cost = { 0 };

	if (!nest)
		return -EMSGSIZE;
	vns_probe_cost_add(p, &cost);
	if (nla_put_string(skb, VNS_PROBE_A_NAME, p->name) ||
	    nla_put_u8(skb, VNS_PROBE_A_TYPE, p->type) ||
	    nla_put_string(skb, VNS_PROBE_A_COLLECTOR, p->coll->name) ||
	    (p->module && nla_put_string(skb, VNS_PROBE_A_MODULE, p->module)) ||
	    nla_put_u8(skb, VNS_PROBE_A_STATE, p->state) ||
	    (p->state == VNS_PROBE_UNAVAILABLE && p->reason &&
	     nla_put_string(skb, VNS_PROBE_A_REASON, p->reason)) ||
	    vns_nla_put_u64(skb, VNS_PROBE_A_HITS, vns_probe_hits(p),
			    VNS_PROBE_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_PROBE_A_MISSED, vns_probe_missed(p),
			    VNS_PROBE_A_PAD) ||
	    (p->type == VNS_PROBE_KRETPROBE &&
	     nla_put_u32(skb, VNS_PROBE_A_MAXACTIVE, p->krp_maxactive)) ||
	    vns_nla_put_u64(skb, VNS_PROBE_A_CALLS, cost.calls,
			    VNS_PROBE_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_PROBE_A_TIMED, cost.timed,
			    VNS_PROBE_A_PAD) ||
	    vns_nla_put_u64(skb, VNS_PROBE_A_TIMED_NS, cost.ns,
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

#ifndef HAVE_GENL_OPS_START
	/* no genl_ops.start before 4.5: the first round validates */
	if (!cb->args[2]) {
		err = vns_nl_dump_start(cb);
		if (err)
			return err;
		cb->args[2] = 1;
	}
#endif
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

/* ---- a record too big for a message of its own ---- */

/* Room for any record: 64 frames of the longest "%pS" fit */
#define VNS_NL_SCRATCH	(64 * 1024)

/*
 * A record does not fit a message even alone in it (a deep stack of long
 * symbol names, on a socket whose dump skb is one page): @scratch holds
 * it, filled whole (its top-level nest, as fill() and event_fill() put
 * it).  Copy into @skb, whose message is begun, that nest with as many of
 * its attributes as fit, in order; an attribute that does not fit is left
 * out, and so are later ones of its type (the rest of the hops).  Then flag
 * the message VNS_A_TRUNCATED.  0, or -EMSGSIZE if not even that fits.
 */
static int vns_nl_put_cut(struct sk_buff *skb, const struct sk_buff *scratch)
{
	const struct nlattr *top = (const struct nlattr *)scratch->data;
	const struct nlattr *a;
	struct nlattr *nest;
	u64 left_out = 0;
	int rem;

	if (scratch->len < NLA_HDRLEN || nla_len(top) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, nla_type(top));
	if (!nest)
		return -EMSGSIZE;
	nest->nla_type = top->nla_type;		/* and its flags */
	nla_for_each_nested(a, top, rem) {
		int type = nla_type(a), len = nla_total_size(nla_len(a));

		if (type < 64 && left_out & BIT_ULL(type))
			continue;
		/* the flag after it must fit too */
		if (len + nla_total_size(0) > skb_tailroom(skb)) {
			if (type < 64)
				left_out |= BIT_ULL(type);
			continue;
		}
		memcpy(skb_put(skb, len), a, len);
	}
	nla_nest_end(skb, nest);
	if (nla_put_flag(skb, VNS_A_TRUNCATED)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	return 0;
}

/* ---- records: one dump for every collector that has them ---- */

#define VNS_SNAP_EMPTY	1UL	/* args[1] when the collector was off */

/* Record @rec of @s, alone in @skb, cut to fit (vns_nl_put_cut()) */
static int vns_nl_snap_cut(struct sk_buff *skb, struct netlink_callback *cb,
			   struct vns_collector *c, const struct vns_snap *s,
			   const void *rec)
{
	struct sk_buff *scratch;
	void *hdr;
	int err = -EMSGSIZE;

	scratch = alloc_skb(VNS_NL_SCRATCH, GFP_KERNEL | __GFP_NOWARN);
	if (!scratch)
		return -ENOMEM;
	if (c->fill(scratch, s, rec))
		goto out;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vns_genl_family, NLM_F_MULTI, c->nl_cmd);
	if (!hdr)
		goto out;
	err = vns_nl_put_cut(skb, scratch);
	if (err)
		genlmsg_cancel(skb, hdr);
	else
		genlmsg_end(skb, hdr);
out:
	consume_skb(scratch);		/* not a drop */
	return err;
}

/*
 * VNS_CMD_DROP_GET, VNS_CMD_SOFTIRQ_GET, ...: the collector whose records
 * the command dumps (vns_collector.nl_cmd) sends a snapshot taken at the
 * first round, one message per record (vns_collector.fill).
 * cb->args[0]: the next record; cb->args[1]: the snapshot (or EMPTY).
 */
static int vns_nl_snap_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genlmsghdr *gh = nlmsg_data(cb->nlh);
	struct vns_collector *c = vns_collector_by_cmd(gh->cmd);
	struct vns_snap *s;
	const void *rec;
	unsigned long i;
	int err;

	if (!c)
		return -EOPNOTSUPP;
	if (!cb->args[1]) {
#ifndef HAVE_GENL_OPS_START
		/* no genl_ops.start before 4.5: the first round validates */
		err = vns_nl_dump_start(cb);
		if (err)
			return err;
#endif
		s = vns_collector_snapshot(c);
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
					NLM_F_MULTI, c->nl_cmd);

		if (!hdr)
			break;
		rec = (char *)s->data + i * c->rec_size;
		if (c->fill(skb, s, rec)) {
			genlmsg_cancel(skb, hdr);
			if (skb->len)
				break;
			/* alone, it does not fit: send it cut */
			err = vns_nl_snap_cut(skb, cb, c, s, rec);
			if (err)
				return err;
			i++;
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

/* ---- events: the details records, taken from the rings ---- */

/*
 * A VNS_CMD_EVENT_GET dump sends the records waiting when it starts
 * (cb->args[1]: how many it may still send; cb->args[0]: started), oldest
 * first, and no more, so that it ends under a steady flow.  Each round
 * holds the events reader slot (the socket's lease) while it reads the
 * rings and consumes a record only once its message is complete in the
 * skb: a dump abandoned between rounds loses nothing and holds nothing.
 */
static int vns_nl_event_round(struct netlink_callback *cb)
{
	int err;

	err = vns_events_round_begin(NETLINK_CB(cb->skb).portid,
				     sock_net(cb->skb->sk));
	/* the message reaches user space where start has an extack (6.2+) */
	if (err == -EBUSY)
		NL_SET_ERR_MSG(VNS_CB_EXTACK(cb),
			       "another reader holds the events");
	return err;
}

static int vns_nl_event_start(struct netlink_callback *cb)
{
	int err;

	err = vns_nl_dump_start(cb);
	if (err)
		return err;
	err = vns_nl_event_round(cb);
	if (err)
		return err;
	cb->args[1] = vns_events_count();
	vns_events_round_end();
	cb->args[0] = 1;
	return 0;
}

struct vns_nl_ev_put {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct sk_buff *scratch;	/* for a record to cut, or NULL */
};

/* Under RCU (vns_events_send()): nothing sleeps */
static int vns_nl_event_put(void *arg, const struct vns_collector *owner,
			    const void *rec)
{
	struct vns_nl_ev_put *p = arg;
	void *hdr;
	int err;

	hdr = genlmsg_put(p->skb, NETLINK_CB(p->cb->skb).portid,
			  p->cb->nlh->nlmsg_seq, &vns_genl_family, NLM_F_MULTI,
			  VNS_CMD_EVENT_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (!owner->event_fill(p->skb, rec)) {
		genlmsg_end(p->skb, hdr);
		return 0;
	}
	genlmsg_cancel(p->skb, hdr);
	/* alone, it does not fit: send it cut (vns_nl_put_cut()) */
	if (p->skb->len || !p->scratch)
		return -EMSGSIZE;
	skb_trim(p->scratch, 0);
	if (owner->event_fill(p->scratch, rec))
		return -EMSGSIZE;
	hdr = genlmsg_put(p->skb, NETLINK_CB(p->cb->skb).portid,
			  p->cb->nlh->nlmsg_seq, &vns_genl_family, NLM_F_MULTI,
			  VNS_CMD_EVENT_GET);
	if (!hdr)
		return -EMSGSIZE;
	err = vns_nl_put_cut(p->skb, p->scratch);
	if (err) {
		genlmsg_cancel(p->skb, hdr);
		return err;
	}
	genlmsg_end(p->skb, hdr);
	return 0;
}

static int vns_nl_event_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vns_nl_ev_put p = { .skb = skb, .cb = cb };
	unsigned int n;
	int err;

	if (!cb->args[0]) {
		/* no genl_ops.start before 4.5: the first round starts */
		err = vns_nl_event_start(cb);
		if (err)
			return err;
	}
	if (!cb->args[1])
		return 0;
	err = vns_nl_event_round(cb);
	if (err)
		return err;
	n = vns_events_send(vns_nl_event_put, &p, cb->args[1]);
	/* a record that does not fit an empty message: cut it */
	if (!n && vns_events_count() && !skb->len) {
		p.scratch = alloc_skb(VNS_NL_SCRATCH,
				      GFP_KERNEL | __GFP_NOWARN);
		n = p.scratch ? vns_events_send(vns_nl_event_put, &p, 1) : 0;
		consume_skb(p.scratch);
		if (!n && vns_events_count() && !skb->len)
			err = -EMSGSIZE;
	}
	vns_events_round_end();
	if (err)
		return err;
	cb->args[1] -= n;
	/* none sent: the rings are empty or gone, the dump ends */
	return n ? skb->len : 0;
}

/* A closed socket lets go of its events lease at once */
static int vns_nl_notify(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC)
		vns_events_unlease(n->portid, n->net);
	return NOTIFY_DONE;
}

static struct notifier_block vns_nl_notifier = {
	.notifier_call = vns_nl_notify,
};

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

/* A filter nest (none: the empty filter), by the filter codec */
static int vns_nl_filter(struct nlattr *nest, struct vns_filter *f,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VNS_FILTER_A_MAX + 1];
	const char *msg;
	int err, bad;

	memset(f, 0, sizeof(*f));
	if (!nest)
		return 0;
	err = vns_nla_parse_nested(tb, VNS_FILTER_A_MAX, nest,
				   vns_filter_policy, extack);
	if (err)
		return err;
	if (vns_filter_get(tb, f, &msg, &bad)) {
		vns_extack_attr(extack, tb[bad], msg);
		return -EINVAL;
	}
	return 0;
}

/* A settings nest (none: the defaults), by the settings codec */
static int vns_nl_settings(struct nlattr *nest, struct vns_settings *s,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VNS_CFG_A_MAX + 1];
	const char *msg;
	int err, bad;

	vns_settings_default(s);
	if (!nest)
		return 0;
	err = vns_nla_parse_nested(tb, VNS_CFG_A_MAX, nest, vns_config_policy,
				   extack);
	if (err)
		return err;
	if (vns_settings_get(tb, s, &msg, &bad)) {
		vns_extack_attr(extack, tb[bad], msg);
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

/* The operations on the family itself; init adds one per collector's dump */
static const struct genl_ops vns_genl_fixed_ops[] = {
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
		.cmd = VNS_CMD_EVENT_GET,
		VNS_GENL_OP_START(vns_nl_event_start)
		.dumpit = vns_nl_event_dump,
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

/* The dump of a collector's records: .cmd is its nl_cmd */
static const struct genl_ops vns_genl_snap_op = {
	VNS_GENL_OP_START(vns_nl_dump_start)
	.dumpit = vns_nl_snap_dump,
	.done = vns_nl_snap_done,
	.flags = GENL_ADMIN_PERM,
	VNS_GENL_OP_POLICY(vns_policy)
};

static struct genl_ops *vns_genl_ops;

/*
 * Every command is validated strictly: no op is flagged GENL_DONT_VALIDATE_*,
 * and .resv_start_op (6.1+) stays 0, so that genetlink also treats every
 * command as one added after the strict rules (all of them are).
 */
static struct genl_family vns_genl_family = {
	.name = VNS_GENL_NAME,
	.version = VNS_GENL_VERSION,
	.maxattr = VNS_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	VNS_GENL_FAMILY_POLICY(vns_policy)
	VNS_GENL_FAMILY_ID
};

/* The ops table: the family's own, then a dump per collector with records */
int vns_genl_init(void)
{
	unsigned int i, n = ARRAY_SIZE(vns_genl_fixed_ops);
	struct vns_collector *c;
	struct genl_ops *ops;
	int err;

	ops = kcalloc(n + vns_nr_collectors, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	memcpy(ops, vns_genl_fixed_ops, sizeof(vns_genl_fixed_ops));
	vns_for_each_collector(c, i) {
		if (!c->snapshot)
			continue;
		ops[n] = vns_genl_snap_op;
		ops[n].cmd = c->nl_cmd;
		n++;
	}
	err = vns_genl_register(&vns_genl_family, ops, n);
	if (err) {
		kfree(ops);
		return err;
	}
	vns_genl_ops = ops;
	netlink_register_notifier(&vns_nl_notifier);
	return 0;
}

void vns_genl_exit(void)
{
	netlink_unregister_notifier(&vns_nl_notifier);
	genl_unregister_family(&vns_genl_family);
	kfree(vns_genl_ops);
	vns_genl_ops = NULL;
}

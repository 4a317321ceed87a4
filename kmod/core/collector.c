// SPDX-License-Identifier: GPL-2.0
/*
 * The collector registry and its lifecycle: enable (allocate, then attach),
 * reset (pause, clear, resume), disable (detach, wait, free).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "collector.h"
#include "probe.h"
#include "snap.h"

DEFINE_MUTEX(vns_lock);

/*
 * mem_limit=: the bytes all collectors may hold together (suffixes K, M,
 * G); 0, the default, is 1/64 of RAM and at least VNS_MEM_LIMIT_MIN.
 * Reading it gives the limit in force.  An enable (or a live settings
 * change) that would take the total past it is refused with -ENOSPC and a
 * message naming the numbers; what runs already is never cut.
 */
#define VNS_MEM_LIMIT_MIN	(64ULL << 20)

static unsigned long long vns_mem_limit_param;
/*
 * The refusal's text, written under vns_lock and read after it by
 * netlink_ack() (the family runs requests in parallel) or the control file:
 * each refusal takes the next of several buffers, so a message is not
 * rewritten while the ack of its request copies it.
 */
#define VNS_MEM_MSGS	16
static char vns_mem_msg[VNS_MEM_MSGS][192];
static unsigned int vns_mem_msg_next;

u64 vns_mem_limit(void)
{
	u64 limit = READ_ONCE(vns_mem_limit_param);
	struct sysinfo si;

	if (limit)
		return limit;
	si_meminfo(&si);
	return max_t(u64, VNS_MEM_LIMIT_MIN,
		     (u64)si.totalram * si.mem_unit / 64);
}

static int vns_mem_limit_set(const char *val, const struct kernel_param *kp)
{
	unsigned long long v;
	char *end;

	v = memparse(val, &end);
	if (end == val || (*end && *end != '\n'))
		return -EINVAL;
	WRITE_ONCE(vns_mem_limit_param, v);
	return 0;
}

static int vns_mem_limit_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%llu\n", vns_mem_limit());
}

static const struct kernel_param_ops vns_mem_limit_ops = {
	.set = vns_mem_limit_set,
	.get = vns_mem_limit_get,
};

module_param_cb(mem_limit, &vns_mem_limit_ops, NULL, 0644);
MODULE_PARM_DESC(mem_limit,
		 "bytes all collectors may hold (K, M, G; 0: RAM/64, at least 64M)");

/*
 * May @c hold @need bytes (instead of what it holds)?  Else -ENOSPC, and
 * *@err says by how much.
 */
static int vns_mem_check(struct vns_collector *c, u64 need, const char **err)
{
	u64 limit = vns_mem_limit(), others = vns_mem_total() - c->mem;
	char *msg;

	lockdep_assert_held(&vns_lock);
	if (need <= c->mem || others + need <= limit)
		return 0;
	msg = vns_mem_msg[vns_mem_msg_next++ % VNS_MEM_MSGS];
	snprintf(msg, sizeof(vns_mem_msg[0]),
		 "%s needs %llu bytes, the other collectors hold %llu: over mem_limit=%llu bytes (module parameter)",
		 c->name, need, others, limit);
	*err = msg;
	return -ENOSPC;
}

static u64 vns_mem_size(struct vns_collector *c, const struct vns_settings *s)
{
	return c->mem_size ? c->mem_size(s) : 0;
}

/* The registry: views, status and netlink dumps follow this order */
#define VNS_COLLECTOR(name)	(&vns_##name##_collector),
struct vns_collector *const vns_collectors[] = {
#include "registry.h"
};
#undef VNS_COLLECTOR
const unsigned int vns_nr_collectors = ARRAY_SIZE(vns_collectors);

struct vns_collector *vns_collector_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < vns_nr_collectors; i++)
		if (!strcmp(vns_collectors[i]->name, name))
			return vns_collectors[i];
	return NULL;
}

struct vns_collector *vns_collector_by_cmd(u8 cmd)
{
	unsigned int i;

	for (i = 0; i < vns_nr_collectors; i++)
		if (vns_collectors[i]->snapshot &&
		    vns_collectors[i]->nl_cmd == cmd)
			return vns_collectors[i];
	return NULL;
}

/* Allocate @c's tables for @f and @s, then attach its probes */
static int vns_collector_start(struct vns_collector *c,
			       const struct vns_filter *f,
			       const struct vns_settings *s, const char **err)
{
	u64 need = vns_mem_size(c, s);
	int ret;

	ret = vns_mem_check(c, need, err);
	if (ret)
		return ret;
	c->filter = *f;
	c->set = *s;
	ret = c->alloc(c);
	if (ret) {
		*err = "cannot allocate the collector's tables";
		return ret;
	}
	c->mem = need;
	/* Tables and filter are in place before any handler can run */
	WRITE_ONCE(c->active, true);
	ret = vns_probes_attach(c, err);
	if (ret) {
		WRITE_ONCE(c->active, false);
		c->free(c);
		c->mem = 0;
		return ret;
	}
	c->on = true;
	pr_info("collector %s enabled\n", c->name);
	return 0;
}

/*
 * Enable @c with filter @f (NULL: match everything) and settings @s (NULL:
 * the defaults).  Enabling a running collector with a different filter or
 * settings starts it afresh: counts gathered under others would mislead;
 * except settings its update() applies in place (the filter the same).
 * The same again is a no-op.  When a restart fails, the collector runs
 * again with its previous filter and settings (if it can).
 */
int vns_collector_enable(struct vns_collector *c, const struct vns_filter *f,
			 const struct vns_settings *s, const char **err)
{
	struct vns_settings def, prev_set;
	struct vns_filter prev_filter;
	static const struct vns_filter none;
	const char *perr;
	bool restart = false;
	int ret;

	lockdep_assert_held(&vns_lock);
	if (!f)
		f = &none;
	if (!c->has_filter && !vns_filter_is_empty(f)) {
		*err = "this collector takes no filter";
		return -EINVAL;
	}
	vns_settings_default(&def);
	if (!s)
		s = &def;
	ret = vns_settings_check(s, c->settings, err);
	if (ret)
		return ret;
	if (c->on) {
		if (vns_filter_equal(&c->filter, f)) {
			/* the same in effect: the settings given may differ */
			if (vns_settings_same(&c->set, s)) {
				c->set = *s;
				return 0;
			}
			ret = -EAGAIN;
			if (c->update) {
				u64 need = vns_mem_size(c, s);

				ret = vns_mem_check(c, need, err);
				if (ret)
					return ret;
				ret = c->update(c, s);
				if (!ret)
					c->mem = need;
			}
			if (!ret) {
				c->set = *s;
				return 0;
			}
			if (ret != -EAGAIN) {
				*err = "cannot apply the settings";
				return ret;
			}
		}
		/* refused before it stops: a restart never turns it off */
		ret = vns_mem_check(c, vns_mem_size(c, s), err);
		if (ret)
			return ret;
		prev_filter = c->filter;
		prev_set = c->set;
		restart = true;
		vns_collector_disable(c);
	}
	ret = vns_collector_start(c, f, s, err);
	if (ret && restart &&
	    vns_collector_start(c, &prev_filter, &prev_set, &perr))
		pr_warn("collector %s: cannot run it again as it was: %s\n",
			c->name, perr);
	return ret;
}

/*
 * Enable with VNS_ENABLE_F_* @flags.  UPDATE: the filter keys and settings
 * given replace the running ones, the others keep their running values (an
 * off collector starts with the defaults and those given).  IF_ON: an off
 * collector stays off (-ENODATA).  Either way the tables restart only if
 * the effective filter or settings change (vns_collector_enable()).
 */
int vns_collector_update(struct vns_collector *c, const struct vns_filter *f,
			 const struct vns_settings *s, u32 flags,
			 const char **err)
{
	struct vns_filter mf;
	struct vns_settings ms;

	lockdep_assert_held(&vns_lock);
	if (flags & ~VNS_ENABLE_F_ALL) {
		*err = "unknown enable flags";
		return -EINVAL;
	}
	if (!c->on && flags & VNS_ENABLE_F_IF_ON) {
		*err = "the collector is off";
		return -ENODATA;
	}
	if (!c->on || !(flags & VNS_ENABLE_F_UPDATE))
		return vns_collector_enable(c, f, s, err);
	mf = c->filter;
	ms = c->set;
	if (f)
		vns_filter_merge(&mf, f);
	if (s)
		vns_settings_merge(&ms, s);
	return vns_collector_enable(c, &mf, &ms, err);
}

void vns_collector_disable(struct vns_collector *c)
{
	lockdep_assert_held(&vns_lock);
	if (!c->on)
		return;
	WRITE_ONCE(c->active, false);
	vns_probes_detach(c);		/* waits for running handlers */
	c->free(c);
	c->mem = 0;
	c->on = false;
	pr_info("collector %s disabled\n", c->name);
}

void vns_collector_reset(struct vns_collector *c)
{
	lockdep_assert_held(&vns_lock);
	if (!c->on)
		return;
	WRITE_ONCE(c->active, false);
	vns_sync_handlers();
	c->clear(c);
	WRITE_ONCE(c->active, true);
}

void vns_collector_status(struct vns_collector *c, struct vns_coll_status *st)
{
	struct vns_probe_cost cost = { 0 };
	unsigned int i;

	lockdep_assert_held(&vns_lock);
	memset(st, 0, sizeof(*st));
	if (c->on)
		c->status(c, st);
	st->mem_bytes = c->mem;
	/* as the probes' hits: counted since the module loaded */
	for (i = 0; i < c->nr_probes; i++)
		vns_probe_cost_add(&c->probes[i], &cost);
	st->calls = cost.calls;
	st->timed = cost.timed;
	st->timed_ns = cost.ns;
}

struct vns_snap *vns_collector_snapshot(struct vns_collector *c)
{
	struct vns_snap *s;

	if (!c->snapshot)
		return NULL;
	mutex_lock(&vns_lock);
	s = c->on ? c->snapshot(c) : NULL;
	mutex_unlock(&vns_lock);
	return s;
}

struct vns_snap *vns_snap_alloc(unsigned int nr, size_t rec_size)
{
	struct vns_snap *s = vzalloc(sizeof(*s) + (size_t)nr * rec_size);

	if (s)
		s->now_ns = ktime_get_ns();
	return s;
}

void vns_snap_free(struct vns_snap *s)
{
	vfree(s);
}

u64 vns_mem_total(void)
{
	unsigned int i;
	u64 sum = 0;

	lockdep_assert_held(&vns_lock);
	for (i = 0; i < vns_nr_collectors; i++)
		sum += vns_collectors[i]->mem;
	return sum;
}

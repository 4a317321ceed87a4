// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "coll.h"
#include "nl.h"
#include "status.h"
#include "util.h"

void vns_read_plan(const struct vns_read_opts *o,
		   const struct vns_coll_now *now, struct vns_read_plan *p)
{
	bool given;

	memset(p, 0, sizeof(*p));
	p->cfg = o->cfg;	/* the defaults are never sent: not given */
	if (o->details &&
	    !VNS_GIVEN(&p->cfg, VNS_SET_THRESHOLD | VNS_SET_STAGE_THRESHOLD) &&
	    !(now->on && now->details)) {
		p->cfg.threshold_us = VNS_DETAILS_DEFAULT_US;
		p->cfg.given |= VNS_SET_THRESHOLD;
	}
	given = !vns_filter_is_empty(&o->filter) ||
		!vns_config_is_empty(&p->cfg);
	if (!given && now->on) {
		p->act = VNS_READ_KEEP;
		return;
	}
	if (!given && o->no_enable) {
		p->act = VNS_READ_OFF;
		return;
	}
	p->act = VNS_READ_ENABLE;
	p->flags = VNS_ENABLE_F_UPDATE;
	if (o->no_enable)
		p->flags |= VNS_ENABLE_F_IF_ON;
	else
		p->announce = !now->on;
}

int vns_enable_put(struct nl_msg *msg, const char *name,
		   const struct vns_filter *f, const struct vns_settings *cfg,
		   u32 flags)
{
	if (nla_put_string(msg, VNS_A_COLLECTOR_NAME, name) ||
	    (f && !vns_filter_is_empty(f) &&
	     vns_filter_put(msg, VNS_A_FILTER, f)) ||
	    (cfg && vns_config_put(msg, cfg)) ||
	    (flags && nla_put_u32(msg, VNS_A_ENABLE_FLAGS, flags)))
		return -ENOMEM;
	return 0;
}

int vns_enable(struct vns_nl *nl, const char *name, const struct vns_filter *f,
	       const struct vns_settings *cfg, u32 flags)
{
	struct nl_msg *msg = vns_nl_msg(nl, VNS_CMD_ENABLE);

	if (!msg || vns_enable_put(msg, name, f, cfg, flags))
		return vns_nl_nomem("enable", msg);
	return vns_nl_do_quiet(nl, msg, "enable", NULL, NULL,
			       flags & VNS_ENABLE_F_IF_ON ? ENODATA : 0);
}

static int vns_coll_off(const char *name)
{
	vns_err("the %s collector is off (--no-enable: not turning it on)",
		name);
	return VNS_EXIT_OFF;
}

int vns_read_prepare(struct vns_nl *nl, const struct vns_read_opts *o)
{
	const struct vns_collector *c;
	struct vns_coll_now now;
	struct vns_read_plan p;
	struct vns_status st;
	int ret;

	ret = vns_status_get(nl, &st);
	if (ret)
		return ret;
	c = vns_status_coll(&st, o->name);
	if (!c) {
		vns_err("the kernel module has no %s collector (an older module?)",
			o->name);
		vns_status_free(&st);
		return VNS_EXIT_FAIL;
	}
	memset(&now, 0, sizeof(now));
	now.on = VNS_HAS(c, VNS_COLL_A_STATE) && c->state == VNS_COLL_ON;
	now.details = VNS_GIVEN(&c->config,
				VNS_SET_THRESHOLD | VNS_SET_STAGE_THRESHOLD);
	vns_status_free(&st);

	vns_read_plan(o, &now, &p);
	switch (p.act) {
	case VNS_READ_KEEP:
		return 0;
	case VNS_READ_OFF:
		return vns_coll_off(o->name);
	case VNS_READ_ENABLE:
		break;
	}
	ret = vns_enable(nl, o->name, &o->filter, &p.cfg, p.flags);
	if (ret == -ENODATA)
		return vns_coll_off(o->name);
	if (!ret && p.announce)
		vns_err("enabled the %s collector", o->name);
	return ret;
}

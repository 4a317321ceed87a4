// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: what a read
 * command sends its collector (vns_read_plan(), coll.c) given its options
 * and the collector's state, and the VNS_CMD_ENABLE request it builds.
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "coll.h"

static struct vns_read_opts opts(const char *name)
{
	struct vns_read_opts o;

	memset(&o, 0, sizeof(o));
	o.name = name;
	return o;
}

static const struct vns_coll_now off = { .on = false };
static const struct vns_coll_now on = { .on = true };
static const struct vns_coll_now on_details = { .on = true, .details = true };

#define UPD	VNS_ENABLE_F_UPDATE
#define IF_ON	(VNS_ENABLE_F_UPDATE | VNS_ENABLE_F_IF_ON)

static void check_plan(int line, const struct vns_read_opts *o,
		       const struct vns_coll_now *now, enum vns_read_act act,
		       u32 flags, bool announce, u32 threshold_us)
{
	struct vns_read_plan p;

	vns_read_plan(o, now, &p);
	check(p.act == act && (act != VNS_READ_ENABLE || p.flags == flags) &&
	      p.announce == announce &&
	      VNS_GIVEN(&p.cfg, VNS_SET_THRESHOLD) == !!threshold_us &&
	      p.cfg.threshold_us == threshold_us, __FILE__, line,
	      "plan: act %d flags %u announce %d threshold %u", p.act,
	      p.flags, p.announce, p.cfg.threshold_us);
}

#define PLAN(o, now, act, flags, announce, thr)				\
	check_plan(__LINE__, o, now, act, flags, announce, thr)

static void test_read_plan(void)
{
	struct vns_read_opts o = opts("drops");

	/* no options: nothing if on, turned on (announced) if off */
	PLAN(&o, &on, VNS_READ_KEEP, 0, false, 0);
	PLAN(&o, &off, VNS_READ_ENABLE, UPD, true, 0);
	o.no_enable = true;
	PLAN(&o, &on, VNS_READ_KEEP, 0, false, 0);
	PLAN(&o, &off, VNS_READ_OFF, 0, false, 0);

	/* options: an update of only them; --no-enable lets the module say */
	o = opts("drops");
	o.filter.proto = 6;
	PLAN(&o, &on, VNS_READ_ENABLE, UPD, false, 0);
	PLAN(&o, &off, VNS_READ_ENABLE, UPD, true, 0);
	o.no_enable = true;
	PLAN(&o, &on, VNS_READ_ENABLE, IF_ON, false, 0);
	PLAN(&o, &off, VNS_READ_ENABLE, IF_ON, false, 0);

	/* latency --details: the default threshold only if it has none */
	o = opts("latency");
	o.details = true;
	PLAN(&o, &on_details, VNS_READ_KEEP, 0, false, 0);
	PLAN(&o, &on, VNS_READ_ENABLE, UPD, false, VNS_DETAILS_DEFAULT_US);
	PLAN(&o, &off, VNS_READ_ENABLE, UPD, true, VNS_DETAILS_DEFAULT_US);
	o.no_enable = true;
	PLAN(&o, &on_details, VNS_READ_KEEP, 0, false, 0);
	PLAN(&o, &on, VNS_READ_ENABLE, IF_ON, false, VNS_DETAILS_DEFAULT_US);
	PLAN(&o, &off, VNS_READ_ENABLE, IF_ON, false, VNS_DETAILS_DEFAULT_US);
	/* a threshold given is sent, the default never */
	o = opts("latency");
	o.details = true;
	o.cfg.given |= VNS_SET_THRESHOLD;
	o.cfg.threshold_us = 1;
	PLAN(&o, &on_details, VNS_READ_ENABLE, UPD, false, 1);
	o.cfg.given &= ~VNS_SET_THRESHOLD;
	o.cfg.threshold_us = 0;
	o.cfg.given |= VNS_SET_STAGE_THRESHOLD;
	o.cfg.stage_threshold_us = 5000;
	PLAN(&o, &on, VNS_READ_ENABLE, UPD, false, 0);
	/* without --details the thresholds are not its business */
	o = opts("latency");
	PLAN(&o, &on, VNS_READ_KEEP, 0, false, 0);
	o.cfg.given |= VNS_SET_DIR;
	o.cfg.dir = VNS_DIR_RX;
	PLAN(&o, &on, VNS_READ_ENABLE, UPD, false, 0);
}

static void test_enable_msg(void)
{
	struct nlattr *tb[VNS_A_MAX + 1], *ft[VNS_FILTER_A_MAX + 1];
	struct nlattr *ct[VNS_CFG_A_MAX + 1];
	struct vns_filter f;
	struct vns_settings cfg;
	struct nl_msg *msg;

	memset(&f, 0, sizeof(f));
	memset(&cfg, 0, sizeof(cfg));
	f.proto = 17;
	f.has_dport = 1;
	f.dport = 4242;
	cfg.given |= VNS_SET_THRESHOLD;
	cfg.threshold_us = 1;

	msg = nlmsg_alloc();
	CHECK_INT(vns_enable_put(msg, "latency", &f, &cfg, UPD), 0);
	msg_tb(msg, tb);
	CHECK(tb[VNS_A_COLLECTOR_NAME] &&
	      !strcmp(nla_get_string(tb[VNS_A_COLLECTOR_NAME]), "latency"),
	      "collector name");
	CHECK(tb[VNS_A_ENABLE_FLAGS] && nla_len(tb[VNS_A_ENABLE_FLAGS]) == 4 &&
	      nla_get_u32(tb[VNS_A_ENABLE_FLAGS]) == VNS_ENABLE_F_UPDATE,
	      "flags");
	CHECK(tb[VNS_A_FILTER] &&
	      !nla_parse_nested(ft, VNS_FILTER_A_MAX, tb[VNS_A_FILTER], NULL) &&
	      ft[VNS_FILTER_A_PROTO] && nla_get_u8(ft[VNS_FILTER_A_PROTO]) == 17 &&
	      ft[VNS_FILTER_A_DPORT] &&
	      nla_get_u16(ft[VNS_FILTER_A_DPORT]) == 4242 &&
	      !ft[VNS_FILTER_A_SPORT] && !ft[VNS_FILTER_A_SRC], "filter");
	CHECK(tb[VNS_A_CONFIG] &&
	      !nla_parse_nested(ct, VNS_CFG_A_MAX, tb[VNS_A_CONFIG], NULL) &&
	      ct[VNS_CFG_A_THRESHOLD_US] &&
	      nla_get_u32(ct[VNS_CFG_A_THRESHOLD_US]) == 1 &&
	      !ct[VNS_CFG_A_PERIOD_US] && !ct[VNS_CFG_A_DIRECTION], "config");
	nlmsg_free(msg);

	/* enable itself: no flags attribute, exactly these settings */
	msg = nlmsg_alloc();
	CHECK_INT(vns_enable_put(msg, "drops", NULL, NULL, 0), 0);
	msg_tb(msg, tb);
	CHECK(!tb[VNS_A_ENABLE_FLAGS] && !tb[VNS_A_FILTER] && !tb[VNS_A_CONFIG],
	      "plain enable");
	nlmsg_free(msg);

	/* a read with --no-enable and nothing given but the flags */
	msg = nlmsg_alloc();
	memset(&f, 0, sizeof(f));
	memset(&cfg, 0, sizeof(cfg));
	CHECK_INT(vns_enable_put(msg, "irqoff", &f, &cfg, IF_ON), 0);
	msg_tb(msg, tb);
	CHECK(tb[VNS_A_ENABLE_FLAGS] &&
	      nla_get_u32(tb[VNS_A_ENABLE_FLAGS]) == IF_ON &&
	      !tb[VNS_A_FILTER] && !tb[VNS_A_CONFIG], "IF_ON alone");
	nlmsg_free(msg);
}

int main(void)
{
	test_read_plan();
	test_enable_msg();
	return vns_test_done();
}

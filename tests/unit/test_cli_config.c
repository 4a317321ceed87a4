// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: collector settings, the words of enable
 * and the latency options that set the same, and their netlink nest
 * (config.c, ctl.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "cmd.h"
#include "config.h"

/* -------------------------------------------------------------- settings */

static void test_config(void)
{
	struct vns_settings cfg;
	struct nl_msg *msg;
	struct nlattr *nest, *a;
	int rem, n = 0;

	memset(&cfg, 0, sizeof(cfg));
	CHECK_INT(vns_config_parse_word(&cfg, "period=5ms", err, sizeof(err)),
		  0);
	CHECK(VNS_GIVEN(&cfg, VNS_SET_PERIOD) && cfg.period_us == 5000 && !VNS_GIVEN(&cfg, VNS_SET_THRESHOLD),
	      "period=5ms");
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=0.1s", err,
					sizeof(err)), 0);
	CHECK(VNS_GIVEN(&cfg, VNS_SET_THRESHOLD) && cfg.threshold_us == 100000,
	      "threshold=0.1s");
	CHECK_INT(vns_config_check(&cfg, err, sizeof(err)), 0);
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=20", err,
					sizeof(err)), 0);
	CHECK_INT(cfg.threshold_us, 20000);
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=5ms", err,
					sizeof(err)), 0);
	CHECK_INT(vns_config_check(&cfg, err, sizeof(err)), 0);
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=4ms", err,
					sizeof(err)), 0);
	CHECK_INT(vns_config_check(&cfg, err, sizeof(err)), -1);
	CHECK_STR(err,
		  "threshold 4.000ms is below the period (5.000ms): it must be at least 5.000ms");
	/* without a period, the default 10 ms counts */
	cfg.given &= ~VNS_SET_PERIOD;
	CHECK_INT(vns_config_check(&cfg, err, sizeof(err)), -1);

	CHECK_INT(vns_config_parse_word(&cfg, "period=999us", err,
					sizeof(err)), -1);
	CHECK_STR(err,
		  "invalid period '999us': expected a duration from 1ms to 1s, e.g. 10ms (units ns, us, ms, s; no unit: ms)");
	CHECK_INT(vns_config_parse_word(&cfg, "period=2s", err, sizeof(err)),
		  -1);
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=11s", err,
					sizeof(err)), -1);
	CHECK_STR(err,
		  "invalid threshold '11s': expected a duration from 1us to 10s, e.g. 20ms (units ns, us, ms, s; no unit: ms)");
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=10s", err,
					sizeof(err)), 0);
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=abc", err,
					sizeof(err)), -1);
	CHECK_STR(err,
		  "invalid threshold 'abc': expected a duration from 1us to 10s, e.g. 20ms (units ns, us, ms, s; no unit: ms)");
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=", err,
					sizeof(err)), -1);
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=0", err,
					sizeof(err)), -1);
	CHECK_INT(vns_config_parse_word(&cfg, "period", err, sizeof(err)), -1);
	CHECK_STR(err, "setting 'period' needs a value, e.g. period=10ms");
	CHECK_INT(vns_config_parse_word(&cfg, "periods=1", err, sizeof(err)),
		  -1);
	CHECK_STR(err, "unknown setting 'periods=1' (settings: period=, threshold=, stage_threshold=, phy=, vm=, dir=)");
	CHECK_INT(cfg.threshold_us, 10000000);	/* the last valid one */

	/* netlink: a VNS_A_CONFIG nest of u32s, none without settings */
	memset(&cfg, 0, sizeof(cfg));
	msg = nlmsg_alloc();
	CHECK_INT(vns_config_put(msg, &cfg), 0);
	CHECK(!nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_CONFIG),
	      "empty config nest");
	cfg.given |= VNS_SET_PERIOD;
	cfg.period_us = 5000;
	cfg.given |= VNS_SET_THRESHOLD;
	cfg.threshold_us = 20000;
	CHECK_INT(vns_config_put(msg, &cfg), 0);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_CONFIG);
	CHECK(nest, "no VNS_A_CONFIG nest");
	if (nest) {
		nla_for_each_nested(a, nest, rem) {
			n++;
			CHECK_INT(nla_len(a), 4);
			if (nla_type(a) == VNS_CFG_A_PERIOD_US)
				CHECK_INT(nla_get_u32(a), 5000);
			else if (nla_type(a) == VNS_CFG_A_THRESHOLD_US)
				CHECK_INT(nla_get_u32(a), 20000);
			else
				CHECK(0, "config attribute %d", nla_type(a));
		}
	}
	CHECK_INT(n, 2);
	nlmsg_free(msg);
}


/* --------------------------------------------------------------- latency */

static void test_latency_config(void)
{
	struct vns_settings cfg;
	struct nl_msg *msg;
	struct nlattr *nest, *a;
	int rem, n = 0;

	memset(&cfg, 0, sizeof(cfg));
	CHECK(vns_config_is_empty(&cfg), "empty config");
	CHECK_INT(vns_config_parse_word(&cfg, "phy=eth0", err, sizeof(err)),
		  0);
	CHECK_STR(cfg.phy, "eth0");
	CHECK(!cfg.vm[0] && !VNS_GIVEN(&cfg, VNS_SET_DIR) && !vns_config_is_empty(&cfg),
	      "phy=eth0 alone");
	CHECK_INT(vns_config_parse_word(&cfg, "vm=vnet0", err, sizeof(err)),
		  0);
	CHECK_STR(cfg.vm, "vnet0");
	CHECK_INT(vns_config_parse_word(&cfg, "dir=tx", err, sizeof(err)), 0);
	CHECK(VNS_GIVEN(&cfg, VNS_SET_DIR) && cfg.dir == VNS_DIR_TX, "dir=tx");
	CHECK_INT(vns_config_parse_word(&cfg, "dir=rx", err, sizeof(err)), 0);
	CHECK_INT(cfg.dir, VNS_DIR_RX);
	CHECK_INT(vns_config_parse_word(&cfg, "dir=both", err, sizeof(err)),
		  0);
	CHECK(VNS_GIVEN(&cfg, VNS_SET_DIR) && cfg.dir == VNS_DIR_BOTH, "dir=both");
	/* 15 bytes is the longest name */
	CHECK_INT(vns_config_parse_word(&cfg, "phy=abcdefghijklmno", err,
					sizeof(err)), 0);
	CHECK_STR(cfg.phy, "abcdefghijklmno");
	CHECK_INT(vns_config_parse_word(&cfg, "phy=bond0.100", err,
					sizeof(err)), 0);
	CHECK_STR(cfg.phy, "bond0.100");

	/* one-line errors; a bad value leaves the earlier one alone */
	CHECK_INT(vns_config_parse_word(&cfg, "dir=up", err, sizeof(err)), -1);
	CHECK_STR(err, "invalid dir 'up': expected rx, tx or both");
	CHECK_INT(vns_config_parse_word(&cfg, "dir=RX", err, sizeof(err)), -1);
	CHECK_INT(vns_config_parse_word(&cfg, "dir=", err, sizeof(err)), -1);
	CHECK_STR(err, "invalid dir '': expected rx, tx or both");
	CHECK_INT(cfg.dir, VNS_DIR_BOTH);
	CHECK_INT(vns_config_parse_word(&cfg, "dir", err, sizeof(err)), -1);
	CHECK_STR(err, "setting 'dir' needs a value, e.g. dir=rx");
	CHECK_INT(vns_config_parse_word(&cfg, "phy", err, sizeof(err)), -1);
	CHECK_STR(err, "setting 'phy' needs a value, e.g. phy=eth0");
	CHECK_INT(vns_config_parse_word(&cfg, "vm", err, sizeof(err)), -1);
	CHECK_STR(err, "setting 'vm' needs a value, e.g. vm=vnet0");
	CHECK_INT(vns_config_parse_word(&cfg, "phy=abcdefghijklmnop", err,
					sizeof(err)), -1);
	CHECK_STR(err,
		  "invalid phy 'abcdefghijklmnop': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)");
	CHECK_INT(vns_config_parse_word(&cfg, "phy=", err, sizeof(err)), -1);
	CHECK_STR(err,
		  "invalid phy '': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)");
	CHECK_INT(vns_config_parse_word(&cfg, "vm=a/b", err, sizeof(err)), -1);
	CHECK_STR(err,
		  "invalid vm 'a/b': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)");
	CHECK_INT(vns_config_parse_word(&cfg, "phy=eth0:1", err, sizeof(err)),
		  -1);
	CHECK_INT(vns_config_parse_word(&cfg, "phy=eth 0", err, sizeof(err)),
		  -1);
	CHECK_INT(vns_config_parse_word(&cfg, "phy=..", err, sizeof(err)), -1);
	CHECK_STR(cfg.phy, "bond0.100");
	CHECK_STR(cfg.vm, "vnet0");
	CHECK_INT(vns_config_parse_word(&cfg, "physical=eth0", err,
					sizeof(err)), -1);
	CHECK_STR(err, "unknown setting 'physical=eth0' (settings: period=, threshold=, stage_threshold=, phy=, vm=, dir=)");
	/* the option form names the option */
	CHECK_INT(vns_config_set_dir(&cfg, "--direction", "in", err,
				     sizeof(err)), -1);
	CHECK_STR(err, "invalid --direction 'in': expected rx, tx or both");
	CHECK_INT(vns_config_set_port(&cfg, false, "--phy-interface", "a:b",
				      err, sizeof(err)), -1);
	CHECK_STR(err,
		  "invalid --phy-interface 'a:b': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)");

	/* netlink: two NUL-terminated strings and a u8 */
	memset(&cfg, 0, sizeof(cfg));
	vns_config_parse_word(&cfg, "phy=eth0", err, sizeof(err));
	vns_config_parse_word(&cfg, "vm=vnet0", err, sizeof(err));
	vns_config_parse_word(&cfg, "dir=rx", err, sizeof(err));
	msg = nlmsg_alloc();
	CHECK_INT(vns_config_put(msg, &cfg), 0);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_CONFIG);
	CHECK(nest, "no VNS_A_CONFIG nest");
	if (nest) {
		nla_for_each_nested(a, nest, rem) {
			n++;
			switch (nla_type(a)) {
			case VNS_CFG_A_PHY_IF:
				CHECK_INT(nla_len(a), 5);
				CHECK(!memcmp(nla_data(a), "eth0", 5),
				      "phy attribute");
				break;
			case VNS_CFG_A_VM_IF:
				CHECK_INT(nla_len(a), 6);
				CHECK(!memcmp(nla_data(a), "vnet0", 6),
				      "vm attribute");
				break;
			case VNS_CFG_A_DIRECTION:
				CHECK_INT(nla_len(a), 1);
				CHECK_INT(nla_get_u8(a), VNS_DIR_RX);
				break;
			default:
				CHECK(0, "config attribute %d", nla_type(a));
			}
		}
	}
	CHECK_INT(n, 3);
	nlmsg_free(msg);

	/* details thresholds: two u32 in microseconds */
	memset(&cfg, 0, sizeof(cfg));
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=10ms", err,
					sizeof(err)), 0);
	CHECK_INT(vns_config_parse_word(&cfg, "stage_threshold=2500us", err,
					sizeof(err)), 0);
	CHECK(VNS_GIVEN(&cfg, VNS_SET_THRESHOLD) && cfg.threshold_us == 10000 &&
	      VNS_GIVEN(&cfg, VNS_SET_STAGE_THRESHOLD) && cfg.stage_threshold_us == 2500 &&
	      !vns_config_is_empty(&cfg), "thresholds");
	msg = nlmsg_alloc();
	CHECK_INT(vns_config_put(msg, &cfg), 0);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_CONFIG);
	a = nest ? nla_find(nla_data(nest), nla_len(nest),
			    VNS_CFG_A_THRESHOLD_US) : NULL;
	CHECK(a && nla_len(a) == 4 && nla_get_u32(a) == 10000, "threshold");
	a = nest ? nla_find(nla_data(nest), nla_len(nest),
			    VNS_CFG_A_STAGE_THRESHOLD_US) : NULL;
	CHECK(a && nla_len(a) == 4 && nla_get_u32(a) == 2500,
	      "stage threshold");
	nlmsg_free(msg);
	memset(&cfg, 0, sizeof(cfg));
	CHECK_INT(vns_config_parse_word(&cfg, "stage_threshold", err,
					sizeof(err)), -1);
	CHECK_STR(err,
		  "setting 'stage_threshold' needs a value, e.g. stage_threshold=5ms");
	CHECK_INT(vns_config_parse_word(&cfg, "stage_threshold=11s", err,
					sizeof(err)), -1);
	CHECK(vns_config_is_empty(&cfg), "a bad value sets nothing");

	/* dir=both is sent (0), a direction alone makes a nest */
	memset(&cfg, 0, sizeof(cfg));
	vns_config_parse_word(&cfg, "dir=both", err, sizeof(err));
	msg = nlmsg_alloc();
	CHECK_INT(vns_config_put(msg, &cfg), 0);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_CONFIG);
	a = nest ? nla_find(nla_data(nest), nla_len(nest),
			    VNS_CFG_A_DIRECTION) : NULL;
	CHECK(a && nla_get_u8(a) == VNS_DIR_BOTH && nla_len(nest) == 8,
	      "dir=both alone");
	nlmsg_free(msg);
}

/* ---------------------------------------------------------------- enable */

static void test_enable_args(void)
{
	int ret;

	ret = run(cmd_enable, "enable", "--help", NULL);
	CHECK(ret == 0 && strstr(cap_out, "\nExit status: 0 success"),
	      "enable --help");
	ret = run(cmd_disable, "disable", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: missing collector name (known: drops, softirqs, timers, irqoff, latency, tun, vhost, kvm, virtio)\n");
	ret = run(cmd_reset, "reset", "--help", NULL);
	CHECK(ret == 0 && strstr(cap_out, "Exit status:"), "reset --help");
}

int main(void)
{
	test_config();
	test_latency_config();
	test_enable_args();
	return vns_test_done();
}

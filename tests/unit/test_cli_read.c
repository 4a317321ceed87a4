// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the options
 * of every read command (drops, softirqs, timers, irqoff, latency; read.c
 * and the objects' own) and of enable, up to where they would reach the
 * kernel.
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "cmd.h"
#include "drops.h"
#include "irqoff.h"
#include "latency.h"
#include "softirqs.h"
#include "timers.h"

#define CMD_ENTRY(name, summary)	{ #name, cmd_##name },

static const struct {
	const char *name;
	int (*cmd)(int argc, char **argv);
} cmds[] = {
	VNS_COMMANDS(CMD_ENTRY)
};

/* The reads, whose --help is alike */
static const char *const reads[] = {
	"drops", "softirqs", "timers", "irqoff", "latency",
};

/* The command argv[0], as main() dispatches it */
static int cmd_any(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < VNS_ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[0], cmds[i].name))
			return cmds[i].cmd(argc, argv);
	return -100;
}

/* Usage errors: the status and the one line, before the kernel */
static const struct run_case bad[] = {
	{ { "drops", "--count", "2" }, VNS_EXIT_USAGE,
	  "vnetscope: --count needs --interval\n" },
	{ { "drops", "--no-enable=1" }, VNS_EXIT_USAGE,
	  "vnetscope: option '--no-enable' takes no value\n" },
	{ { "drops", "--top", "0" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --top '0': expected a positive integer\n" },
	{ { "softirqs", "--cpu", "x" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --cpu 'x': expected a CPU number\n" },
	{ { "softirqs", "--proto", "udp" }, VNS_EXIT_USAGE,
	  "vnetscope: unknown option '--proto'\n" },
	{ { "timers", "--sort", "name" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --sort 'name': expected max, total or count\n" },
	{ { "irqoff", "--threshold", "x" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --threshold 'x': expected milliseconds, e.g. 20 or 0.5 (or with a unit: ns, us, ms, s)\n" },
	{ { "irqoff", "--interval", "1" }, VNS_EXIT_USAGE,
	  "vnetscope: unknown option '--interval'\n" },
	{ { "latency", "--direction", "up" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --direction 'up': expected rx, tx or both\n" },
	{ { "latency", "--direction" }, VNS_EXIT_USAGE,
	  "vnetscope: option '--direction' needs a value\n" },
	{ { "latency", "--phy-interface", "0123456789abcdef" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --phy-interface '0123456789abcdef': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)\n" },
	{ { "latency", "--vm-interface", "a/b" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --vm-interface 'a/b': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)\n" },
	{ { "latency", "--proto", "icmp", "--dport", "9" }, VNS_EXIT_USAGE,
	  "vnetscope: --dport needs a protocol with ports (tcp, udp, sctp or udplite), not icmp\n" },
	{ { "latency", "--src-ip", "10.0.0.300" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --src-ip '10.0.0.300'\n" },
	{ { "latency", "--count", "2" }, VNS_EXIT_USAGE,
	  "vnetscope: --count needs --interval\n" },
	{ { "latency", "--interval", "0" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --interval '0': expected seconds > 0, e.g. 1 or 0.5\n" },
	{ { "latency", "--interval", "1", "--count", "0" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --count '0': expected a positive integer\n" },
	{ { "latency", "--cpu", "1" }, VNS_EXIT_USAGE,
	  "vnetscope: unknown option '--cpu'\n" },
	{ { "latency", "--hist" }, VNS_EXIT_USAGE,
	  "vnetscope: unknown option '--hist'\n" },
	{ { "latency", "--json=1" }, VNS_EXIT_USAGE,
	  "vnetscope: option '--json' takes no value\n" },
	{ { "latency", "extra" }, VNS_EXIT_USAGE,
	  "vnetscope: unexpected argument 'extra'\n" },
	{ { "latency", "--threshold", "10ms" }, VNS_EXIT_USAGE,
	  "vnetscope: --threshold needs --details\n" },
	{ { "latency", "--stage-threshold", "5ms" }, VNS_EXIT_USAGE,
	  "vnetscope: --stage-threshold needs --details\n" },
	{ { "latency", "--duration", "5" }, VNS_EXIT_USAGE,
	  "vnetscope: --duration needs --details\n" },
	{ { "latency", "--details", "--threshold", "0" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --threshold '0': expected a duration from 1us to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)\n" },
	{ { "latency", "--details", "--stage-threshold", "20s" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --stage-threshold '20s': expected a duration from 1us to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)\n" },
	{ { "latency", "--details", "--duration", "-1" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --duration '-1': expected seconds > 0, e.g. 10 or 0.5\n" },
	{ { "latency", "--details", "--duration", "0" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid --duration '0': expected seconds > 0, e.g. 10 or 0.5\n" },
	{ { "latency", "--details", "--interval", "1" }, VNS_EXIT_USAGE,
	  "vnetscope: --interval and --count do not apply to --details (see --duration)\n" },
	{ { "latency", "--details", "--threshold" }, VNS_EXIT_USAGE,
	  "vnetscope: option '--threshold' needs a value\n" },
	{ { "latency", "--details=1" }, VNS_EXIT_USAGE,
	  "vnetscope: option '--details' takes no value\n" },
	{ { "latency", "--details", "--bogus" }, VNS_EXIT_USAGE,
	  "vnetscope: unknown option '--bogus'\n" },
	{ { "latency", "--details", "--threshold", "1500ns" }, VNS_EXIT_USAGE,
	  NULL },
	{ { "latency", "--vm-interface", "vnet0" }, VNS_EXIT_USAGE,
	  "vnetscope: --vm-interface: the VM path needs the physical port too (phy=, --phy-interface)\n" },
	/* enable: which collector takes what */
	{ { "enable", "latency", "dir=up" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid dir 'up': expected rx, tx or both\n" },
	{ { "enable", "latency", "vm=vnet0" }, VNS_EXIT_USAGE,
	  "vnetscope: vm=: the VM path needs the physical port too (phy=, --phy-interface)\n" },
	{ { "enable", "irqoff", "phy=eth0" }, VNS_EXIT_USAGE,
	  "vnetscope: phy=, vm=, dir= and stage_threshold= apply to the latency collector only, not irqoff\n" },
	{ { "enable", "irqoff", "stage_threshold=5ms" }, VNS_EXIT_USAGE,
	  "vnetscope: phy=, vm=, dir= and stage_threshold= apply to the latency collector only, not irqoff\n" },
	{ { "enable", "latency", "period=5ms" }, VNS_EXIT_USAGE,
	  "vnetscope: period= applies to the irqoff collector only, not latency\n" },
	{ { "enable", "timers", "threshold=5ms" }, VNS_EXIT_USAGE,
	  "vnetscope: unexpected argument 'threshold=5ms' (only irqoff and latency take settings)\n" },
	{ { "enable", "latency", "stage_threshold=0" }, VNS_EXIT_USAGE,
	  "vnetscope: invalid stage_threshold '0': expected a duration from 1us to 10s, e.g. 5ms (units ns, us, ms, s; no unit: ms)\n" },
	{ { "enable", "drops", "dir=rx" }, VNS_EXIT_USAGE,
	  "vnetscope: unexpected argument 'dir=rx' (only irqoff and latency take settings)\n" },
	{ { "enable", "timers", "--proto", "udp" }, VNS_EXIT_USAGE,
	  "vnetscope: filter options apply to the drops and latency collectors only, not timers\n" },
	{ { "enable", "nosuch" }, VNS_EXIT_USAGE,
	  "vnetscope: unknown collector 'nosuch' (known: drops, softirqs, timers, irqoff, latency, tun, vhost, kvm, virtio)\n" },
};

static union {
	struct vns_drops_args drops;
	struct vns_softirqs_args softirqs;
	struct vns_timers_args timers;
	struct vns_irqoff_args irqoff;
	struct vns_latency_args latency;
} args;

/* vns_<argv[0]>_parse() into args */
static int parse(int argc, char **argv)
{
	if (!strcmp(argv[0], "drops"))
		return vns_drops_parse(&args.drops, argc, argv);
	if (!strcmp(argv[0], "softirqs"))
		return vns_softirqs_parse(&args.softirqs, argc, argv);
	if (!strcmp(argv[0], "timers"))
		return vns_timers_parse(&args.timers, argc, argv);
	if (!strcmp(argv[0], "irqoff"))
		return vns_irqoff_parse(&args.irqoff, argc, argv);
	return vns_latency_parse(&args.latency, argc, argv);
}

static void test_drops_args(void)
{
	struct vns_drops_args *a = &args.drops;

	CHECK_INT(run(parse, "drops", NULL), -1);
	CHECK(!a->read.no_enable && vns_filter_is_empty(&a->read.filter) &&
	      !strcmp(a->read.name, "drops"), "no options");
	CHECK_INT(run(parse, "drops", "--no-enable", "--proto", "tcp",
		      "--interval", "0.5", "--count", "2", "--top", "3",
		      "--json", NULL), -1);
	CHECK_STR(cap_out, "");
	CHECK(a->read.no_enable && a->read.filter.proto == 6 &&
	      a->read.interval == 0.5 && a->read.count == 2 && a->top == 3 &&
	      a->read.json, "all options");
	CHECK_INT(run(parse, "drops", "--help", NULL), VNS_EXIT_OK);
	CHECK(strstr(cap_out, "  --no-enable ") &&
	      strstr(cap_out, "\nExit status: 0 success, 1 runtime error, 2 usage error, 3 the module\n"),
	      "drops --help: %s", cap_out);
}

static void test_softirqs_args(void)
{
	struct vns_softirqs_args *a = &args.softirqs;

	CHECK_INT(run(parse, "softirqs", NULL), -1);
	CHECK(a->cpu == -1 && !a->read.no_enable && !a->hist, "defaults");
	CHECK_INT(run(parse, "softirqs", "--cpu", "3", "--hist",
		      "--no-enable", "--interval", "1", NULL), -1);
	CHECK(a->cpu == 3 && a->hist && a->read.no_enable &&
	      a->read.interval == 1, "options");
}

static void test_timers_args(void)
{
	struct vns_timers_args *a = &args.timers;

	CHECK_INT(run(parse, "timers", NULL), -1);
	CHECK(a->top == 20 && a->sort == VNS_SORT_MAX && !a->read.no_enable,
	      "defaults");
	CHECK_INT(run(parse, "timers", "--top", "0", "--sort", "count",
		      "--min-us", "5", "--no-enable", NULL), -1);
	CHECK(a->top == 0 && a->sort == VNS_SORT_COUNT && a->min_us == 5 &&
	      a->read.no_enable, "options");
}

static void test_irqoff_args(void)
{
	struct vns_irqoff_args *a = &args.irqoff;

	CHECK_INT(run(parse, "irqoff", NULL), -1);
	CHECK(a->sel.cpu == -1 && !a->sel.threshold_ns && !a->read.no_enable,
	      "defaults");
	CHECK_INT(run(parse, "irqoff", "--threshold", "0.5", "--cpu", "1",
		      "--no-enable", "--json", NULL), -1);
	CHECK(a->sel.threshold_ns == 500000 && a->sel.cpu == 1 &&
	      a->read.no_enable && a->read.json, "options");
}

static void test_latency_args(void)
{
	static const u8 dst[4] = { 10, 0, 0, 2 };
	struct vns_latency_args *a = &args.latency;

	CHECK_INT(run(parse, "latency", NULL), -1);
	CHECK_STR(cap_out, "");
	CHECK(vns_config_is_empty(&a->read.cfg) && vns_filter_is_empty(&a->read.filter)
	      && !a->read.interval && !a->read.count && !a->read.json,
	      "no options");

	CHECK_INT(run(parse, "latency", "--direction", "tx",
		      "--phy-interface", "eth0", "--proto", "udp", "--dst-ip",
		      "10.0.0.2", "--dport", "5001", "--interval", "0.5",
		      "--count", "3", "--json", NULL), -1);
	CHECK_STR(cap_out, "");
	CHECK(VNS_GIVEN(&a->read.cfg, VNS_SET_DIR) && a->read.cfg.dir == VNS_DIR_TX, "--direction tx");
	CHECK_STR(a->read.cfg.phy, "eth0");
	CHECK(!a->read.cfg.vm[0] && !VNS_GIVEN(&a->read.cfg, VNS_SET_PERIOD) && !VNS_GIVEN(&a->read.cfg, VNS_SET_THRESHOLD),
	      "only phy and dir");
	CHECK(a->read.filter.proto == 17 && a->read.filter.has_dport &&
	      a->read.filter.dport == 5001 && a->read.filter.dst_family == VNS_AF_INET &&
	      !memcmp(a->read.filter.dst, dst, 4) && !a->read.filter.has_dev,
	      "latency filter");
	CHECK(a->read.interval == 0.5 && a->read.count == 3 && a->read.json,
	      "interval, count, json");

	/* --details: no threshold unless given (vns_read_plan() decides) */
	CHECK_INT(run(parse, "latency", "--details", "--json",
		      "--phy-interface", "va", "--proto", "icmp", NULL), -1);
	CHECK_STR(cap_out, "");
	CHECK(a->read.details && a->read.json && !a->duration &&
	      !VNS_GIVEN(&a->read.cfg, VNS_SET_THRESHOLD) && !VNS_GIVEN(&a->read.cfg, VNS_SET_STAGE_THRESHOLD) &&
	      a->read.filter.proto == 1, "--details defaults");
	CHECK_INT(run(parse, "latency", "--details",
		      "--stage-threshold", "5", "--duration", "2.5", NULL), -1);
	CHECK(a->read.details && !VNS_GIVEN(&a->read.cfg, VNS_SET_THRESHOLD) &&
	      VNS_GIVEN(&a->read.cfg, VNS_SET_STAGE_THRESHOLD) && a->read.cfg.stage_threshold_us == 5000 &&
	      a->duration == 2.5, "--stage-threshold alone");
	CHECK_INT(run(parse, "latency", "--details", "--threshold",
		      "1us", "--stage-threshold", "500us", NULL), -1);
	CHECK(a->read.cfg.threshold_us == 1 &&
	      a->read.cfg.stage_threshold_us == 500, "1us and 500us");
	CHECK_INT(run(parse, "latency", "--details", "--threshold",
		      "1s", "--stage-threshold", "1.5ms", NULL), -1);
	CHECK(a->read.cfg.threshold_us == 1000000 &&
	      a->read.cfg.stage_threshold_us == 1500, "both thresholds");

	CHECK_INT(run(parse, "latency", "--help", NULL), VNS_EXIT_OK);
	CHECK(strstr(cap_out, "  --stage-threshold D ") &&
	      strstr(cap_out, "  --duration S ") &&
	      strstr(cap_out, "vnetscope latency --details [--threshold D]"),
	      "--details in latency --help");
	CHECK(!strncmp(cap_out, "Usage: vnetscope latency [--direction ",
		       38), "usage: %.60s", cap_out);
	CHECK(strstr(cap_out, "  --dev IFNAME     the device a packet starts on"),
	      "--dev in latency --help");

	/* --dev: the device a packet starts on */
	CHECK_INT(run(parse, "latency", "--dev", "eth0", "--proto", "udp",
		      NULL), -1);
	CHECK_STR(cap_out, "");
	CHECK(a->read.filter.has_dev && !strcmp(a->read.filter.dev, "eth0") &&
	      a->read.filter.proto == 17, "latency --dev");

	/* the VM path: needs the physical port, refused before the kernel */
	CHECK_INT(run(parse, "latency", "--vm-interface", "vnet0",
		      "--phy-interface", "eth0", NULL), -1);
	CHECK_STR(a->read.cfg.vm, "vnet0");
}

int main(void)
{
	size_t i;

	RUN_CASES(cmd_any, bad);
	for (i = 0; i < VNS_ARRAY_SIZE(reads); i++)
		check_read_help(cmd_any, reads[i]);
	test_drops_args();
	test_softirqs_args();
	test_timers_args();
	test_irqoff_args();
	test_latency_args();
	return vns_test_done();
}

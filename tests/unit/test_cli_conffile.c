// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the
 * configuration file of start and stop (conffile.c), each line through
 * enable's parser, and start's and stop's options up to where they would
 * reach the kernel.  The files are written in a fresh directory, named
 * relative to it ("t.conf") so that the messages are exact.
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include <sys/stat.h>

#include "cmd.h"
#include "conffile.h"
#include "ctl.h"

#define KNOWN	"(known: drops, softirqs, timers, irqoff, latency, tun, vhost, kvm, virtio)"

static struct vns_conf cf;

/* Write @len bytes of @text to file @name */
static void put_file(const char *name, const char *text, size_t len)
{
	FILE *f = fopen(name, "w");

	CHECK(f && fwrite(text, 1, len, f) == len && !fclose(f),
	      "write %s", name);
}

/* vns_conf_read(argv[1]) into cf, for run() */
static int conf_read(int argc, char **argv)
{
	(void)argc;
	return vns_conf_read(argv[1], &cf);
}

/* Parse @text as t.conf: the status, what was printed in cap_out */
static int parse_len(const char *text, size_t len)
{
	put_file("t.conf", text, len);
	return run(conf_read, "read", "t.conf", NULL);
}

static int parse(const char *text)
{
	return parse_len(text, strlen(text));
}

/* A file that parses: no message, @n lines */
#define PARSE_OK(text, nlines)						\
	do {								\
		CHECK_INT(parse(text), 0);				\
		CHECK_STR(cap_out, "");					\
		CHECK_INT(cf.n, nlines);				\
	} while (0)

/* A bad file: status 2, exactly @msg, nothing kept */
#define PARSE_BAD(text, msg)						\
	do {								\
		CHECK_INT(parse(text), VNS_EXIT_USAGE);			\
		CHECK_STR(cap_out, msg);				\
		CHECK(!cf.n && !cf.v, "nothing kept: %s", text);	\
	} while (0)

static void test_lines(void)
{
	const struct vns_conf_line *l;

	/* comments, blank lines, lines of blanks, a comment after words */
	PARSE_OK("# the collectors at boot\n"
		 "\n"
		 "   \n"
		 "\t \t\n"
		 "   # indented comment\n"
		 "drops --proto udp --dport 53   # DNS\n"
		 "irqoff\tperiod=5ms   threshold=30ms\n"
		 "#latency phy=eth0\n", 2);
	l = &cf.v[0];
	CHECK_INT(l->lineno, 6);
	CHECK_STR(l->text, "drops --proto udp --dport 53");
	CHECK_STR(l->args.name, "drops");
	CHECK(l->args.filter.proto == 17 && l->args.filter.has_dport &&
	      l->args.filter.dport == 53 && !l->args.filter.has_sport &&
	      !l->args.filter.src_family && !l->args.filter.has_dev &&
	      vns_config_is_empty(&l->args.cfg), "drops' filter");
	l = &cf.v[1];
	CHECK_INT(l->lineno, 7);
	CHECK_STR(l->text, "irqoff period=5ms threshold=30ms");
	CHECK_STR(l->args.name, "irqoff");
	CHECK(l->args.cfg.given == (VNS_SET_PERIOD | VNS_SET_THRESHOLD) &&
	      l->args.cfg.period_us == 5000 &&
	      l->args.cfg.threshold_us == 30000 &&
	      vns_filter_is_empty(&l->args.filter), "irqoff's settings");
	vns_conf_free(&cf);
	CHECK(!cf.n && !cf.v, "freed");

	/* the last line without its newline; options before the name */
	PARSE_OK("softirqs\n--proto tcp latency phy=eth0 dir=rx", 2);
	l = &cf.v[1];
	CHECK_INT(l->lineno, 2);
	CHECK_STR(l->text, "--proto tcp latency phy=eth0 dir=rx");
	CHECK_STR(l->args.name, "latency");
	CHECK(l->args.filter.proto == 6 &&
	      l->args.cfg.given == (VNS_SET_PHY | VNS_SET_DIR) &&
	      l->args.cfg.dir == VNS_DIR_RX, "latency's settings");
	CHECK_STR(l->args.cfg.phy, "eth0");
	vns_conf_free(&cf);

	/* nothing but blanks and comments, or nothing at all */
	PARSE_OK("   ", 0);
	PARSE_OK("  \n\t\n", 0);
	PARSE_OK("", 0);
	PARSE_OK("#", 0);
	PARSE_OK("\n\n\n# only comments\n", 0);

	/* a file from Windows: "\r\n" */
	PARSE_OK("drops --dport 9 --proto udp\r\ntimers\r\n", 2);
	CHECK_STR(cf.v[0].text, "drops --dport 9 --proto udp");
	CHECK_STR(cf.v[1].args.name, "timers");
	vns_conf_free(&cf);

	/* words are words: no quotes, no expansion; '#' inside a word */
	PARSE_OK("drops --dev $IF\nlatency phy=\"eth0\" vm=v#1\n", 2);
	CHECK_STR(cf.v[0].args.filter.dev, "$IF");
	CHECK_STR(cf.v[1].args.cfg.phy, "\"eth0\"");
	CHECK_STR(cf.v[1].args.cfg.vm, "v#1");
	vns_conf_free(&cf);

	/* every collector enable knows */
	PARSE_OK("drops\nsoftirqs\ntimers\nirqoff\nlatency\ntun\nvhost\n", 7);
	CHECK_STR(cf.v[6].args.name, "vhost");
	vns_conf_free(&cf);
}

/* A line means what the same words mean to `vnetscope enable` */
static void test_same_as_enable(void)
{
	static const char *const lines[][8] = {
		{ "drops", "--src-ip", "10.0.0.0/8", "--dst-ip", "10.1.2.3",
		  "--proto", "udp", "--sport", },
		{ "latency", "--dev", "eth1", "phy=eth0", "vm=vnet0",
		  "threshold=10ms", "stage_threshold=500us", },
		{ "irqoff", "threshold=50ms", },
		{ "--dport", "443", "--proto", "tcp", "drops", },
	};
	struct vns_enable_args want;
	char text[256], *argv[12];
	size_t i;
	int j, argc;

	for (i = 0; i < VNS_ARRAY_SIZE(lines); i++) {
		argv[0] = "enable";
		text[0] = '\0';
		for (argc = 1, j = 0; j < 8 && lines[i][j]; j++) {
			argv[argc++] = (char *)lines[i][j];
			strcat(text, lines[i][j]);
			strcat(text, "   ");
		}
		/* drops' --sport needs a value: give it one */
		if (i == 0) {
			argv[argc++] = "4000";
			strcat(text, "4000");
		}
		argv[argc] = NULL;
		strcat(text, "\n");
		CHECK_INT(vns_enable_parse(argc, argv, true, &want), -1);
		PARSE_OK(text, 1);
		if (cf.n != 1)
			continue;
		CHECK_STR(cf.v[0].args.name, want.name);
		CHECK(!memcmp(&cf.v[0].args.filter, &want.filter,
			      sizeof(want.filter)), "line %zu: filter", i);
		CHECK(!memcmp(&cf.v[0].args.cfg, &want.cfg, sizeof(want.cfg)),
		      "line %zu: settings", i);
		vns_conf_free(&cf);
	}
}

/* A bad line: FILE:LINE and enable's own message */
static void test_bad(void)
{
	char *big = malloc(5000);

	PARSE_BAD("# x\ndrops\ndorps --proto udp\n",
		  "vnetscope: t.conf:3: unknown collector 'dorps' " KNOWN "\n");
	PARSE_BAD("drops\n\n\nlatency --bogus 1\n",
		  "vnetscope: t.conf:4: unknown option '--bogus'\n");
	PARSE_BAD("drops --dport\n",
		  "vnetscope: t.conf:1: option '--dport' needs a value\n");
	PARSE_BAD("drops --dport 70000\n",
		  "vnetscope: t.conf:1: invalid --dport '70000': expected a port 0-65535\n");
	PARSE_BAD("drops --proto icmp --dport 9\n",
		  "vnetscope: t.conf:1: --dport needs a protocol with ports (tcp, udp, sctp or udplite), not icmp\n");
	PARSE_BAD("softirqs\ntimers --proto udp\n",
		  "vnetscope: t.conf:2: filter options apply to the drops and latency collectors only, not timers\n");
	PARSE_BAD("timers threshold=5ms\n",
		  "vnetscope: t.conf:1: unexpected argument 'threshold=5ms' (only irqoff and latency take settings)\n");
	PARSE_BAD("irqoff period=50ms threshold=20ms\n",
		  "vnetscope: t.conf:1: threshold 20.00ms is below the period (50.00ms): it must be at least 50.00ms\n");
	PARSE_BAD("latency dir=up\n",
		  "vnetscope: t.conf:1: invalid dir 'up': expected rx, tx or both\n");
	PARSE_BAD("latency vm=vnet0\n",
		  "vnetscope: t.conf:1: vm=: the VM path needs the physical port too (phy=, --phy-interface)\n");
	PARSE_BAD("drops softirqs\n",
		  "vnetscope: t.conf:1: unexpected argument 'softirqs' (only irqoff and latency take settings)\n");
	PARSE_BAD("--proto udp\n",
		  "vnetscope: t.conf:1: missing collector name " KNOWN "\n");
	PARSE_BAD("drops --help\n",
		  "vnetscope: t.conf:1: unknown option '--help'\n");
	PARSE_BAD("drops -h\n",
		  "vnetscope: t.conf:1: unknown option '-h'\n");
	PARSE_BAD("drops --json\n",
		  "vnetscope: t.conf:1: unknown option '--json'\n");
	PARSE_BAD("drops \"--proto udp\"\n",
		  "vnetscope: t.conf:1: unexpected argument '\"--proto' (only irqoff and latency take settings)\n");

	/* one collector a line */
	PARSE_BAD("drops\nsoftirqs\n  drops --proto tcp\n",
		  "vnetscope: t.conf:3: duplicate collector 'drops' (first on line 1)\n");
	PARSE_BAD("# a\n--proto udp drops\n\nirqoff\ndrops\n",
		  "vnetscope: t.conf:5: duplicate collector 'drops' (first on line 2)\n");

	/* a line of 4095 characters is the longest */
	memset(big, ' ', 4095);
	memcpy(big, "drops", 5);
	memcpy(big + 4090, "# end", 5);
	big[4095] = '\n';
	big[4096] = '\0';
	PARSE_OK(big, 1);
	CHECK_STR(cf.v[0].text, "drops");
	vns_conf_free(&cf);
	big[4095] = ' ';
	big[4096] = '\n';
	big[4097] = '\0';
	PARSE_BAD(big,
		  "vnetscope: t.conf:1: line longer than 4095 characters\n");
	/* ... a comment too, and without its newline */
	memset(big, '#', 4999);
	big[4999] = '\0';
	CHECK_INT(parse(big), VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: t.conf:1: line longer than 4095 characters\n");
	/* many words on a long line: as many as enable would take */
	strcpy(big, "drops");
	while (strlen(big) < 4000)
		strcat(big, " --proto udp");
	strcat(big, "\n");
	PARSE_OK(big, 1);
	CHECK(cf.n == 1 && cf.v[0].args.filter.proto == 17, "many words");
	vns_conf_free(&cf);
	free(big);

	/* not a text file */
	CHECK_INT(parse_len("drops\nsoft\0irqs\n", 16), VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: t.conf:2: a NUL byte (not a text file?)\n");

	/* the prefix is gone after a bad line */
	CHECK_INT(run(cmd_enable, "enable", "nosuch", NULL), VNS_EXIT_USAGE);
	CHECK_STR(cap_out, "vnetscope: unknown collector 'nosuch' " KNOWN "\n");
}

static void test_files(void)
{
	CHECK_INT(run(conf_read, "read", "nope.conf", NULL), VNS_EXIT_FAIL);
	CHECK_STR(cap_out,
		  "vnetscope: cannot open the configuration file nope.conf: No such file or directory\n");
	CHECK(mkdir("d.conf", 0755) == 0, "mkdir");
	CHECK_INT(run(conf_read, "read", "d.conf", NULL), VNS_EXIT_FAIL);
	CHECK_STR(cap_out, "vnetscope: cannot read d.conf: Is a directory\n");
	CHECK_STR(VNS_CONF_DEFAULT, "/etc/vnetscope.conf");
}

/*
 * The example scripts/vnetscope.conf: as shipped it names no collector;
 * with each "#name ..." line uncommented, it names every collector enable
 * knows, once, in enable's order, and parses.
 */
static void test_example(void)
{
	const char *src = __FILE__;
	char path[4096], known[256], *text = NULL, *p, *q;
	const char *k;
	size_t len = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "%.*s/../../scripts/vnetscope.conf",
		 (int)(strrchr(src, '/') - src), src);
	CHECK_INT(run(conf_read, "read", path, NULL), 0);
	CHECK_STR(cap_out, "");
	CHECK_INT(cf.n, 0);

	f = fopen(path, "r");
	CHECK(f && getdelim(&text, &len, '\0', f) > 0, "read %s", path);
	if (f)
		fclose(f);
	if (!text)
		return;
	/* "#drops" -> "drops": a '#' right before a lowercase letter */
	for (p = q = text; *p; p++)
		if (!(*p == '#' && (p == text || p[-1] == '\n') &&
		      p[1] >= 'a' && p[1] <= 'z'))
			*q++ = *p;
	*q = '\0';
	CHECK_INT(parse(text), 0);
	CHECK_STR(cap_out, "");
	free(text);

	/* enable's list of collectors, from its message */
	run(cmd_enable, "enable", "nosuch", NULL);
	k = strstr(cap_out, "(known: ");
	snprintf(known, sizeof(known), "%s", k ? k + 8 : "");
	p = strchr(known, ')');
	if (p)
		*p = '\0';
	path[0] = '\0';
	for (i = 0; i < cf.n; i++) {
		strcat(path, i ? ", " : "");
		strcat(path, cf.v[i].args.name);
	}
	CHECK_STR(path, known);
	CHECK_STR(path, "drops, softirqs, timers, irqoff, latency, tun, vhost, kvm, virtio");
	vns_conf_free(&cf);
}

/* start or stop, as argv[0] says */
static int cmd_any(int argc, char **argv)
{
	return !strcmp(argv[0], "start") ? cmd_start(argc, argv) :
					   cmd_stop(argc, argv);
}

/* start and stop, up to where they would reach the kernel */
static void test_commands(void)
{
	static const struct run_case cases[] = {
		{ { "start", "extra" }, VNS_EXIT_USAGE,
		  "vnetscope: unexpected argument 'extra'\n" },
		{ { "stop", "--config" }, VNS_EXIT_USAGE,
		  "vnetscope: option '--config' needs a value\n" },
		{ { "start", "--config", "" }, VNS_EXIT_USAGE,
		  "vnetscope: invalid --config '': expected a file\n" },
		{ { "start", "--json" }, VNS_EXIT_USAGE,
		  "vnetscope: unknown option '--json'\n" },
		{ { "stop", "--help=1" }, VNS_EXIT_USAGE,
		  "vnetscope: option '--help' takes no value\n" },
		{ { "start", "--config", "nope.conf" }, VNS_EXIT_FAIL,
		  "vnetscope: cannot open the configuration file nope.conf: No such file or directory\n" },
		{ { "stop", "--config=nope.conf" }, VNS_EXIT_FAIL,
		  "vnetscope: cannot open the configuration file nope.conf: No such file or directory\n" },
		{ { "start", "--config", "bad.conf" }, VNS_EXIT_USAGE,
		  "vnetscope: bad.conf:2: invalid dir 'x': expected rx, tx or both\n" },
		{ { "stop", "--config", "bad.conf" }, VNS_EXIT_USAGE,
		  "vnetscope: bad.conf:2: invalid dir 'x': expected rx, tx or both\n" },
		{ { "start", "--config", "empty.conf" }, VNS_EXIT_OK,
		  "vnetscope: empty.conf names no collector: nothing to turn on\n" },
		{ { "stop", "--config", "empty.conf" }, VNS_EXIT_OK,
		  "vnetscope: empty.conf names no collector: nothing to turn off\n" },
	};
	int ret;

	put_file("bad.conf", "drops\nlatency dir=x\n", 20);
	put_file("empty.conf", "# nothing yet\n", 14);
	RUN_CASES(cmd_any, cases);

	ret = run(cmd_start, "start", "--help", NULL);
	CHECK(ret == 0 &&
	      !strncmp(cap_out, "Usage: vnetscope start [--config FILE]\n", 39) &&
	      strstr(cap_out, "  --config FILE    the configuration file (default\n"
			      "                   /etc/vnetscope.conf)\n") &&
	      strstr(cap_out, "\nExit status: 0 success"), "start --help");
	ret = run(cmd_stop, "stop", "--help", NULL);
	CHECK(ret == 0 &&
	      !strncmp(cap_out, "Usage: vnetscope stop [--config FILE]\n", 38) &&
	      strstr(cap_out, "\nExit status: 0 success"), "stop --help");
}

int main(void)
{
	char dir[] = "/tmp/test_cli_conffile.XXXXXX";

	if (!mkdtemp(dir) || chdir(dir)) {
		perror(dir);
		return 1;
	}
	test_lines();
	test_same_as_enable();
	test_bad();
	test_files();
	test_example();
	test_commands();
	unlink("t.conf");
	unlink("bad.conf");
	unlink("empty.conf");
	rmdir("d.conf");
	if (chdir("/") || rmdir(dir))
		perror(dir);
	return vns_test_done();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: filter options parsed, checked and
 * formatted, and their netlink attributes both ways (filter.c).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include "filter.h"

/* ---------------------------------------------------------------- filter */

static int opt(struct vns_filter *f, const char *name, const char *val)
{
	err[0] = '\0';
	return vns_filter_parse_opt(f, name, val, err, sizeof(err));
}

static void test_filter_addr(void)
{
	static const u8 v4[4] = { 10, 0, 0, 1 };
	struct vns_filter f;
	u8 v6[16];

	memset(&f, 0, sizeof(f));
	CHECK_INT(opt(&f, "src-ip", "10.0.0.1"), 0);
	CHECK_INT(f.src_family, VNS_AF_INET);
	CHECK_INT(f.src_prefix, 32);
	CHECK(!memcmp(f.src, v4, 4), "10.0.0.1 in network order");
	CHECK_INT(f.dst_family, 0);

	CHECK_INT(opt(&f, "dst-ip", "10.0.0.0/8"), 0);
	CHECK_INT(f.dst_family, VNS_AF_INET);
	CHECK_INT(f.dst_prefix, 8);
	CHECK_INT(f.dst[0], 10);

	CHECK_INT(opt(&f, "src-ip", "0.0.0.0/0"), 0);
	CHECK_INT(f.src_prefix, 0);

	inet_pton(AF_INET6, "2001:db8::1", v6);
	memset(&f, 0, sizeof(f));
	CHECK_INT(opt(&f, "src-ip", "2001:db8::1"), 0);
	CHECK_INT(f.src_family, VNS_AF_INET6);
	CHECK_INT(f.src_prefix, 128);
	CHECK(!memcmp(f.src, v6, 16), "2001:db8::1 in network order");
	CHECK_INT(opt(&f, "dst-ip", "2001:db8::/32"), 0);
	CHECK_INT(f.dst_family, VNS_AF_INET6);
	CHECK_INT(f.dst_prefix, 32);
	CHECK_INT(opt(&f, "dst-ip", "::/0"), 0);
	CHECK_INT(f.dst_prefix, 0);
	CHECK_INT(opt(&f, "dst-ip", "::ffff:10.0.0.1/128"), 0);
	CHECK_INT(f.dst_family, VNS_AF_INET6);

	/* a later value replaces an earlier one, also across families */
	CHECK_INT(opt(&f, "src-ip", "192.168.1.1/24"), 0);
	CHECK_INT(f.src_family, VNS_AF_INET);
	CHECK_INT(f.src_prefix, 24);
	CHECK(!f.src[4] && !f.src[15], "IPv4 clears the IPv6 tail");
}

static void test_filter_addr_errors(void)
{
	static const char *const bad[] = {
		"10.0.0.300", "10.0.0", "10.1", "", "abc", "10.0.0.1.2",
		"1.2.3.4 ", " 1.2.3.4", "fe80::1%eth0", "::g", "1::2::3",
		"/8",
		"2001:0db8:0000:0000:0000:0000:0000:0001:0002/64",
		"10.0.0.1111111111111111111111111111111111111111111111111111",
	};
	static const struct {
		const char *val, *msg;
	} bad_prefix[] = {
		{ "10.0.0.1/40", "'/40' for IPv4" },
		{ "10.0.0.1/33", "'/33' for IPv4" },
		{ "10.0.0.1/", "'/' for IPv4" },
		{ "10.0.0.1/-1", "'/-1' for IPv4" },
		{ "10.0.0.1/+8", "'/+8' for IPv4" },
		{ "10.0.0.1/8x", "'/8x' for IPv4" },
		{ "10.0.0.1/8/8", "'/8/8' for IPv4" },
		{ "10.0.0.1/99999999999", "'/99999999999' for IPv4" },
		{ "::1/129", "'/129' for IPv6" },
		{ "::1/1000", "'/1000' for IPv6" },
	};
	struct vns_filter f;
	char want[256];
	size_t i;

	for (i = 0; i < VNS_ARRAY_SIZE(bad); i++) {
		memset(&f, 0, sizeof(f));
		CHECK(opt(&f, "src-ip", bad[i]) == -1, "'%s' accepted", bad[i]);
		snprintf(want, sizeof(want), "invalid --src-ip '%s'", bad[i]);
		CHECK_STR(err, want);
		CHECK_INT(f.src_family, 0);
	}
	CHECK_INT(opt(&f, "dst-ip", "10.0.0.300"), -1);
	CHECK_STR(err, "invalid --dst-ip '10.0.0.300'");

	for (i = 0; i < VNS_ARRAY_SIZE(bad_prefix); i++) {
		memset(&f, 0, sizeof(f));
		CHECK(opt(&f, "dst-ip", bad_prefix[i].val) == -1,
		      "'%s' accepted", bad_prefix[i].val);
		snprintf(want, sizeof(want), "invalid prefix length %s address",
			 bad_prefix[i].msg);
		CHECK_STR(err, want);
		CHECK_INT(f.dst_family, 0);
	}
	/* an invalid value leaves the earlier one alone */
	memset(&f, 0, sizeof(f));
	CHECK_INT(opt(&f, "src-ip", "10.0.0.1/8"), 0);
	CHECK_INT(opt(&f, "src-ip", "10.0.0.2/40"), -1);
	CHECK_INT(f.src_prefix, 8);
	CHECK_INT(f.src[3], 1);
}

static void test_filter_ports(void)
{
	static const char *const bad[] = {
		"70000", "65536", "", "-1", "+1", "1a", " 1", "0x10",
		"99999999999999999999",
	};
	struct vns_filter f;
	char want[256];
	size_t i;

	memset(&f, 0, sizeof(f));
	CHECK_INT(opt(&f, "dport", "9"), 0);
	CHECK(f.has_dport && f.dport == 9 && !f.has_sport, "dport 9");
	CHECK_INT(opt(&f, "sport", "65535"), 0);
	CHECK(f.has_sport && f.sport == 65535, "sport 65535");
	CHECK_INT(opt(&f, "sport", "0"), 0);
	CHECK(f.has_sport && f.sport == 0, "sport 0");

	for (i = 0; i < VNS_ARRAY_SIZE(bad); i++) {
		CHECK(opt(&f, "dport", bad[i]) == -1, "dport '%s' accepted",
		      bad[i]);
		snprintf(want, sizeof(want),
			 "invalid --dport '%s': expected a port 0-65535",
			 bad[i]);
		CHECK_STR(err, want);
	}
	CHECK_INT(opt(&f, "sport", "x"), -1);
	CHECK_STR(err, "invalid --sport 'x': expected a port 0-65535");
	CHECK_INT(f.dport, 9);
}

static void test_filter_proto_dev(void)
{
	static const struct {
		const char *val;
		int proto;
	} protos[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmp6", 58 },
		{ "icmpv6", 58 }, { "sctp", 132 }, { "udplite", 136 },
		{ "47", 47 }, { "1", 1 }, { "255", 255 },
		{ "foo", -1 }, { "0", -1 }, { "256", -1 }, { "", -1 },
		{ "TCP", -1 }, { "-6", -1 }, { "6x", -1 },
	};
	struct vns_filter f;
	char want[256];
	size_t i;

	for (i = 0; i < VNS_ARRAY_SIZE(protos); i++) {
		memset(&f, 0, sizeof(f));
		if (protos[i].proto > 0) {
			CHECK_INT(opt(&f, "proto", protos[i].val), 0);
			CHECK_INT(f.proto, protos[i].proto);
			continue;
		}
		CHECK(opt(&f, "proto", protos[i].val) == -1,
		      "proto '%s' accepted", protos[i].val);
		snprintf(want, sizeof(want),
			 "unknown protocol '%s' (expected tcp, udp, icmp, icmp6 or a number 1-255)",
			 protos[i].val);
		CHECK_STR(err, want);
		CHECK_INT(f.proto, 0);
	}

	memset(&f, 0, sizeof(f));
	CHECK_INT(opt(&f, "dev", "eth0"), 0);
	CHECK(f.has_dev && !strcmp(f.dev, "eth0"), "dev eth0");
	CHECK_INT(opt(&f, "dev", "abcdefghijklmno"), 0);
	CHECK_STR(f.dev, "abcdefghijklmno");
	CHECK_INT(opt(&f, "dev", "xxxxxxxxxxxxxxxxxx"), -1);
	CHECK_STR(err,
		  "interface name 'xxxxxxxxxxxxxxxxxx' is longer than 15 characters");
	CHECK_INT(opt(&f, "dev", "abcdefghijklmnop"), -1);
	CHECK_STR(err,
		  "interface name 'abcdefghijklmnop' is longer than 15 characters");
	CHECK_STR(f.dev, "abcdefghijklmno");
	CHECK_INT(opt(&f, "dev", ""), -1);
	CHECK_STR(err, "invalid --dev '': not an interface name");
	CHECK_INT(opt(&f, "dev", "a b"), -1);
	CHECK_INT(opt(&f, "dev", "a/b"), -1);
	CHECK_INT(opt(&f, "dev", ".."), -1);
	CHECK_INT(opt(&f, "dev", "veth0.100"), 0);

	CHECK_INT(opt(&f, "bogus", "1"), -1);
	CHECK_STR(err, "unknown filter option '--bogus'");
}

static void test_filter_check(void)
{
	struct vns_filter f;

	memset(&f, 0, sizeof(f));
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), 0);
	opt(&f, "proto", "udp");
	opt(&f, "dport", "53");
	opt(&f, "src-ip", "10.0.0.0/8");
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), 0);
	opt(&f, "dst-ip", "::1");
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), -1);
	CHECK_STR(err,
		  "--src-ip and --dst-ip are of different address families");

	memset(&f, 0, sizeof(f));
	opt(&f, "proto", "icmp");
	opt(&f, "sport", "1");
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), -1);
	CHECK_STR(err,
		  "--sport needs a protocol with ports (tcp, udp, sctp or udplite), not icmp");
	opt(&f, "proto", "47");
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), -1);
	CHECK_STR(err,
		  "--sport needs a protocol with ports (tcp, udp, sctp or udplite), not protocol 47");
	opt(&f, "proto", "sctp");
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), 0);

	memset(&f, 0, sizeof(f));
	opt(&f, "proto", "icmp");
	opt(&f, "dst-ip", "2001:db8::/32");
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), -1);
	CHECK_STR(err, "--proto icmp never matches IPv6 addresses (use icmp6)");
	opt(&f, "proto", "icmp6");
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), 0);
	opt(&f, "dst-ip", "10.0.0.1");
	CHECK_INT(vns_filter_check(&f, err, sizeof(err)), -1);
	CHECK_STR(err, "--proto icmp6 never matches IPv4 addresses (use icmp)");
}

/* The status line's filter text: the shared codec's, space separated */
static void test_filter_format(void)
{
	char buf[VNS_FILTER_FMT_MAX];
	struct vns_filter f;

	memset(&f, 0, sizeof(f));
	CHECK_INT(vns_filter_format(&f, buf, sizeof(buf), ' '), 4);
	CHECK_STR(buf, "none");

	opt(&f, "proto", "udp");
	opt(&f, "dport", "9");
	CHECK_INT(vns_filter_format(&f, buf, sizeof(buf), ' '), 17);
	CHECK_STR(buf, "proto=udp dport=9");

	opt(&f, "src-ip", "10.0.0.1");
	opt(&f, "dst-ip", "10.0.0.0/8");
	opt(&f, "sport", "40000");
	opt(&f, "dev", "veth0");
	vns_filter_format(&f, buf, sizeof(buf), ' ');
	CHECK_STR(buf,
		  "src=10.0.0.1/32 dst=10.0.0.0/8 proto=udp sport=40000 dport=9 dev=veth0");

	memset(&f, 0, sizeof(f));
	opt(&f, "src-ip", "2001:db8::/32");
	opt(&f, "dst-ip", "2001:db8::1/128");
	opt(&f, "proto", "icmp6");
	vns_filter_format(&f, buf, sizeof(buf), ' ');
	CHECK_STR(buf, "src=2001:db8::/32 dst=2001:db8::1/128 proto=icmpv6");

	memset(&f, 0, sizeof(f));
	opt(&f, "proto", "47");
	opt(&f, "src-ip", "0.0.0.0/0");
	vns_filter_format(&f, buf, sizeof(buf), ' ');
	CHECK_STR(buf, "src=0.0.0.0/0 proto=47");

	/* the longest filter fits VNS_FILTER_FMT_MAX */
	memset(&f, 0, sizeof(f));
	opt(&f, "src-ip", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/127");
	opt(&f, "dst-ip", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/127");
	opt(&f, "proto", "udplite");
	opt(&f, "sport", "65535");
	opt(&f, "dport", "65535");
	opt(&f, "dev", "abcdefghijklmno");
	CHECK(vns_filter_format(&f, buf, sizeof(buf), ' ') < sizeof(buf),
	      "longest filter truncated");

	/* like snprintf(): the length needed, the buffer stays a string */
	memset(&f, 0, sizeof(f));
	opt(&f, "proto", "udp");
	opt(&f, "dport", "9");
	memset(buf, 'x', sizeof(buf));
	CHECK_INT(vns_filter_format(&f, buf, 10, ' '), 17);
	CHECK_STR(buf, "proto=udp");
	CHECK_INT(vns_filter_format(&f, buf, 17, ' '), 17);
	CHECK_INT(strlen(buf), 16);
}

/* Put @f in a message, find the nest again, parse it back */
static void roundtrip(const struct vns_filter *f, struct vns_filter *back)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	memset(back, 0xaa, sizeof(*back));
	CHECK_INT(vns_filter_put(msg, VNS_A_FILTER, f), 0);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_FILTER);
	CHECK(nest, "no VNS_A_FILTER nest");
	if (nest)
		CHECK_INT(vns_filter_from_nest(back, nest), 0);
	nlmsg_free(msg);
}

static void test_filter_netlink(void)
{
	struct vns_filter f, back;
	/* malformed: a 5-byte address, a prefix longer than it */
	const struct tattr bad[][2] = {
		{ { VNS_FILTER_A_SRC, 5, f.src } },
		{ { VNS_FILTER_A_SRC, 4, f.src },
		  { VNS_FILTER_A_SRC_PREFIX, N(u8, 33) } },
	};
	struct nl_msg *msg;
	struct nlattr *nest, *a;
	int rem, n = 0;
	size_t i;

	/* libnl drops an empty nest: callers send no filter instead */
	memset(&f, 0, sizeof(f));
	msg = nlmsg_alloc();
	CHECK_INT(vns_filter_put(msg, VNS_A_FILTER, &f), 0);
	CHECK(!nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_FILTER),
	      "empty filter nest");
	nlmsg_free(msg);

	opt(&f, "src-ip", "10.1.2.3/16");
	opt(&f, "dst-ip", "10.0.0.2");
	opt(&f, "proto", "tcp");
	opt(&f, "sport", "1");
	opt(&f, "dport", "443");
	opt(&f, "dev", "eth0");
	roundtrip(&f, &back);
	CHECK(!memcmp(&f, &back, sizeof(f)), "IPv4 filter round trip");

	memset(&f, 0, sizeof(f));
	opt(&f, "dst-ip", "2001:db8::/48");
	roundtrip(&f, &back);
	CHECK(!memcmp(&f, &back, sizeof(f)), "IPv6 filter round trip");

	/* the attributes themselves: 4 address bytes, a u8 prefix */
	memset(&f, 0, sizeof(f));
	opt(&f, "src-ip", "10.0.0.1");
	opt(&f, "dport", "9");
	msg = nlmsg_alloc();
	vns_filter_put(msg, VNS_A_FILTER, &f);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_FILTER);
	nla_for_each_nested(a, nest, rem) {
		n++;
		switch (nla_type(a)) {
		case VNS_FILTER_A_SRC:
			CHECK_INT(nla_len(a), 4);
			CHECK_INT(((u8 *)nla_data(a))[0], 10);
			break;
		case VNS_FILTER_A_SRC_PREFIX:
			CHECK_INT(nla_len(a), 1);
			CHECK_INT(nla_get_u8(a), 32);
			break;
		case VNS_FILTER_A_DPORT:
			CHECK_INT(nla_len(a), 2);
			CHECK_INT(nla_get_u16(a), 9);
			break;
		default:
			CHECK(0, "unexpected filter attribute %d", nla_type(a));
		}
	}
	CHECK_INT(n, 3);
	nlmsg_free(msg);

	/* a kernel nest without a prefix means the full length */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_FILTER);
	nla_put(msg, VNS_FILTER_A_DST, 16, f.dst);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_filter_from_nest(&back, nest), 0);
	CHECK(back.dst_family == VNS_AF_INET6 && back.dst_prefix == 128,
	      "IPv6 default prefix");
	nlmsg_free(msg);

	for (i = 0; i < VNS_ARRAY_SIZE(bad); i++) {
		msg = nest_msg(VNS_A_FILTER, bad[i], 2, &nest);
		CHECK_INT(vns_filter_from_nest(&back, nest), -EBADMSG);
		nlmsg_free(msg);
	}
}


int main(void)
{
	test_filter_addr();
	test_filter_addr_errors();
	test_filter_ports();
	test_filter_proto_dev();
	test_filter_check();
	test_filter_format();
	test_filter_netlink();
	return vns_test_done();
}

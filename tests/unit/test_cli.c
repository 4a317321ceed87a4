// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: filter option
 * parsing and formatting, netlink attribute round trips built with libnl,
 * flow and drop formatting, deltas between two reads of the drop table;
 * durations and collector settings, histograms, and the softirqs, timers,
 * irqoff and latency reports built from synthetic dumps; the options of
 * latency and enable up to where they would reach the kernel; the lines of
 * the events file (latency --details) parsed and printed.
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "details.h"
#include "drops.h"
#include "filter.h"
#include "histo.h"
#include "lat.h"
#include "util.h"

static unsigned int passed, failed;

static void check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define CHECK(cond, ...) check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define CHECK_STR(got, want)						\
	do {								\
		const char *_g = (got), *_w = (want);			\
		CHECK(_g && !strcmp(_g, _w), "got '%s', want '%s'",	\
		      _g ? _g : "(null)", _w);				\
	} while (0)

#define CHECK_INT(got, want)						\
	do {								\
		long long _g = (long long)(got), _w = (long long)(want); \
		CHECK(_g == _w, "%s: got %lld, want %lld", #got, _g, _w); \
	} while (0)

/* ---------------------------------------------------------------- filter */

static char err[256];

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

static void test_filter_format(void)
{
	char buf[VNS_FILTER_STR_MAX];
	struct vns_filter f;

	memset(&f, 0, sizeof(f));
	CHECK_INT(vns_filter_format(&f, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");

	opt(&f, "proto", "udp");
	opt(&f, "dport", "9");
	CHECK_INT(vns_filter_format(&f, buf, sizeof(buf)), 17);
	CHECK_STR(buf, "proto=udp dport=9");

	opt(&f, "src-ip", "10.0.0.1");
	opt(&f, "dst-ip", "10.0.0.0/8");
	opt(&f, "sport", "40000");
	opt(&f, "dev", "veth0");
	vns_filter_format(&f, buf, sizeof(buf));
	CHECK_STR(buf,
		  "src=10.0.0.1/32 dst=10.0.0.0/8 proto=udp sport=40000 dport=9 dev=veth0");

	memset(&f, 0, sizeof(f));
	opt(&f, "src-ip", "2001:db8::/32");
	opt(&f, "dst-ip", "2001:db8::1/128");
	opt(&f, "proto", "icmp6");
	vns_filter_format(&f, buf, sizeof(buf));
	CHECK_STR(buf, "src=2001:db8::/32 dst=2001:db8::1/128 proto=icmpv6");

	memset(&f, 0, sizeof(f));
	opt(&f, "proto", "47");
	opt(&f, "src-ip", "0.0.0.0/0");
	vns_filter_format(&f, buf, sizeof(buf));
	CHECK_STR(buf, "src=0.0.0.0/0 proto=47");

	/* the longest filter fits VNS_FILTER_STR_MAX */
	memset(&f, 0, sizeof(f));
	opt(&f, "src-ip", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/127");
	opt(&f, "dst-ip", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/127");
	opt(&f, "proto", "udplite");
	opt(&f, "sport", "65535");
	opt(&f, "dport", "65535");
	opt(&f, "dev", "abcdefghijklmno");
	CHECK(vns_filter_format(&f, buf, sizeof(buf)) > 0,
	      "longest filter truncated");

	/* truncation is reported, and the buffer stays a string */
	memset(&f, 0, sizeof(f));
	opt(&f, "proto", "udp");
	opt(&f, "dport", "9");
	memset(buf, 'x', sizeof(buf));
	CHECK_INT(vns_filter_format(&f, buf, 10), -1);
	CHECK_STR(buf, "proto=udp");
	memset(buf, 'x', sizeof(buf));
	CHECK_INT(vns_filter_format(&f, buf, 12), -1);
	CHECK_STR(buf, "proto=udp d");
	CHECK_INT(vns_filter_format(&f, buf, 18), 17);
	CHECK_INT(vns_filter_format(&f, buf, 17), -1);
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
	struct nl_msg *msg;
	struct nlattr *nest, *a;
	int rem, n = 0;

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

	/* malformed: a 5-byte address, a prefix longer than it */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_FILTER);
	nla_put(msg, VNS_FILTER_A_SRC, 5, f.src);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_filter_from_nest(&back, nest), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_FILTER);
	nla_put(msg, VNS_FILTER_A_SRC, 4, f.src);
	nla_put_u8(msg, VNS_FILTER_A_SRC_PREFIX, 33);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_filter_from_nest(&back, nest), -EBADMSG);
	nlmsg_free(msg);
}

/* ------------------------------------------------------------------ flow */

static struct vns_flow_info flow(u8 family, u8 proto, const char *src,
				 const char *dst)
{
	struct vns_flow_info fi;
	int af = family == VNS_AF_INET ? AF_INET : AF_INET6;

	memset(&fi, 0, sizeof(fi));
	fi.key.family = family;
	fi.key.proto = proto;
	inet_pton(af, src, fi.key.src);
	inet_pton(af, dst, fi.key.dst);
	return fi;
}

static struct vns_flow_info ports(struct vns_flow_info fi, u16 sport,
				  u16 dport)
{
	fi.has_ports = true;
	fi.key.sport = sport;
	fi.key.dport = dport;
	return fi;
}

static struct vns_flow_info icmp(struct vns_flow_info fi, u8 type, u8 code)
{
	fi.has_icmp = true;
	fi.key.icmp_type = type;
	fi.key.icmp_code = code;
	return fi;
}

static const char *flow_str(struct vns_flow_info fi)
{
	static char buf[VNS_FLOW_STR_MAX];

	if (vns_flow_format(&fi, buf, sizeof(buf)) < 0)
		return "(truncated)";
	return buf;
}

static const char *json_str(struct json_object *o)
{
	static const int flags = JSON_C_TO_STRING_PLAIN |
				 JSON_C_TO_STRING_NOSLASHESCAPE;
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s",
		 json_object_to_json_string_ext(o, flags));
	json_object_put(o);
	return buf;
}

static void test_flow_format(void)
{
	const u8 v4 = VNS_AF_INET, v6 = VNS_AF_INET6;
	char small[8];
	struct vns_flow_info fi;

	CHECK_STR(flow_str(ports(flow(v4, 17, "127.0.0.1", "127.0.0.1"),
				 40000, 9)),
		  "udp 127.0.0.1:40000 -> 127.0.0.1:9");
	CHECK_STR(flow_str(ports(flow(v4, 6, "10.0.0.1", "10.0.0.2"), 1, 80)),
		  "tcp 10.0.0.1:1 -> 10.0.0.2:80");
	CHECK_STR(flow_str(icmp(flow(v4, 1, "10.0.0.1", "10.0.0.2"), 8, 0)),
		  "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0");
	CHECK_STR(flow_str(ports(flow(v6, 6, "::1", "2001:db8::2"), 40000,
				 443)),
		  "tcp [::1]:40000 -> [2001:db8::2]:443");
	CHECK_STR(flow_str(ports(flow(v6, 17, "fe80::1", "ff02::fb"), 5353,
				 5353)),
		  "udp [fe80::1]:5353 -> [ff02::fb]:5353");
	CHECK_STR(flow_str(icmp(flow(v6, 58, "fe80::1", "ff02::1"), 135, 0)),
		  "icmpv6 fe80::1 -> ff02::1 type 135 code 0");
	CHECK_STR(flow_str(ports(flow(v4, 132, "10.0.0.1", "10.0.0.2"), 1, 2)),
		  "sctp 10.0.0.1:1 -> 10.0.0.2:2");
	CHECK_STR(flow_str(flow(v4, 47, "10.0.0.1", "10.0.0.2")),
		  "proto 47 10.0.0.1 -> 10.0.0.2");
	/* a non-first fragment: the kernel sends no ports */
	CHECK_STR(flow_str(flow(v4, 17, "10.0.0.1", "10.0.0.2")),
		  "udp 10.0.0.1 -> 10.0.0.2");
	fi = flow(v4, 17, "10.0.0.1", "10.0.0.2");
	fi.key.family = 7;
	CHECK_STR(flow_str(fi), "family 7");
	fi = ports(flow(v4, 17, "10.0.0.1", "10.0.0.2"), 1, 2);
	CHECK_INT(vns_flow_format(&fi, small, sizeof(small)), -1);

	CHECK_STR(json_str(vns_flow_json(&fi)),
		  "{\"family\":\"ipv4\",\"src\":\"10.0.0.1\","
		  "\"dst\":\"10.0.0.2\",\"proto\":\"udp\",\"sport\":1,\"dport\":2}");
	fi = icmp(flow(v6, 58, "fe80::1", "ff02::1"), 135, 0);
	CHECK_STR(json_str(vns_flow_json(&fi)),
		  "{\"family\":\"ipv6\",\"src\":\"fe80::1\",\"dst\":\"ff02::1\","
		  "\"proto\":\"icmpv6\",\"type\":135,\"code\":0}");
	fi = flow(v4, 47, "10.0.0.1", "10.0.0.2");
	CHECK_STR(json_str(vns_flow_json(&fi)),
		  "{\"family\":\"ipv4\",\"src\":\"10.0.0.1\","
		  "\"dst\":\"10.0.0.2\",\"proto\":47}");
}

/* ----------------------------------------------------------------- drops */

struct tdrop {
	u64 count;
	u32 ifindex;
	const char *dev;
	int reason;			/* -1: absent */
	const char *reason_name;
	const char *location;
	const struct vns_flow_info *flow;
	long long stack_id;		/* -1: absent, and no stack */
	const char *stack[4];
};

/* Build a VNS_A_DROP nest as the kernel would and append it to @d */
static int add(struct vns_drops *d, const struct tdrop *t)
{
	const struct vns_flow *f = t->flow ? &t->flow->key : NULL;
	size_t alen = f && f->family == VNS_AF_INET ? 4 : 16;
	struct nlattr *nest, *fl, *st;
	struct nl_msg *msg;
	int i, ret;

	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_DROP);
	nla_put_u64(msg, VNS_DROP_A_COUNT, t->count);
	nla_put_u32(msg, VNS_DROP_A_IFINDEX, t->ifindex);
	if (t->dev)
		nla_put_string(msg, VNS_DROP_A_DEV, t->dev);
	if (t->reason >= 0)
		nla_put_u32(msg, VNS_DROP_A_REASON, (u32)t->reason);
	if (t->reason_name)
		nla_put_string(msg, VNS_DROP_A_REASON_NAME, t->reason_name);
	if (t->location)
		nla_put_string(msg, VNS_DROP_A_LOCATION, t->location);
	if (f) {
		fl = nla_nest_start(msg, VNS_DROP_A_FLOW);
		nla_put_u8(msg, VNS_FLOW_A_FAMILY, f->family);
		nla_put_u8(msg, VNS_FLOW_A_PROTO, f->proto);
		nla_put(msg, VNS_FLOW_A_SRC, (int)alen, f->src);
		nla_put(msg, VNS_FLOW_A_DST, (int)alen, f->dst);
		if (t->flow->has_ports) {
			nla_put_u16(msg, VNS_FLOW_A_SPORT, f->sport);
			nla_put_u16(msg, VNS_FLOW_A_DPORT, f->dport);
		}
		if (t->flow->has_icmp) {
			nla_put_u8(msg, VNS_FLOW_A_ICMP_TYPE, f->icmp_type);
			nla_put_u8(msg, VNS_FLOW_A_ICMP_CODE, f->icmp_code);
		}
		nla_nest_end(msg, fl);
	}
	if (t->stack_id >= 0) {
		nla_put_u32(msg, VNS_DROP_A_STACK_ID, (u32)t->stack_id);
		st = nla_nest_start(msg, VNS_DROP_A_STACK);
		for (i = 0; i < 4 && t->stack[i]; i++)
			nla_put_string(msg, VNS_STACK_A_FRAME, t->stack[i]);
		nla_nest_end(msg, st);
	}
	nla_nest_end(msg, nest);
	ret = vns_drops_add(d, nest);
	nlmsg_free(msg);
	return ret;
}

static struct vns_flow_info f_udp, f_icmp, f_tcp6;

static const struct tdrop t_udp = {
	.count = 23, .ifindex = 1, .dev = "lo", .reason = 3,
	.reason_name = "NO_SOCKET", .location = "__udp4_lib_rcv+0x5a/0xb40",
	.flow = &f_udp, .stack_id = 7,
	.stack = { "kfree_skb_reason+0x4e/0x110", "__udp4_lib_rcv+0x5a/0xb40" },
};

static const struct tdrop t_icmp = {
	.count = 4, .ifindex = 5, .dev = "veth0", .reason = -1,
	.reason_name = "NETFILTER_DROP", .location = "nf_hook_slow+0x8e/0xb0",
	.flow = &f_icmp, .stack_id = 9,
	.stack = { "kfree_skb_reason+0x4e/0x110", "nf_hook_slow+0x8e/0xb0" },
};

/* no device, numeric reason only, not IP, stack lost */
static const struct tdrop t_arp = {
	.count = 2, .ifindex = 0, .reason = 2, .location = "arp_rcv+0x1/0x2",
	.stack_id = VNS_STACK_ID_NONE,
};

static const struct tdrop t_tcp6 = {
	.count = 1, .ifindex = 3, .dev = "eth0", .reason = -1,
	.location = "tcp_v6_rcv+0x10/0x900", .flow = &f_tcp6, .stack_id = 1,
	.stack = { "tcp_v6_rcv+0x10/0x900" },
};

static char *print(const struct vns_drop *e, size_t rank, u64 count)
{
	static char out[2048];
	size_t len = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);

	vns_drop_print(f, rank, e, count);
	fclose(f);
	snprintf(out, sizeof(out), "%s", buf);
	free(buf);
	return out;
}

static void test_drop_parse_print(void)
{
	struct vns_drops d = { NULL, 0 };
	struct vns_drop *e;
	struct nl_msg *msg;
	struct nlattr *nest;

	CHECK_INT(add(&d, &t_udp), 0);
	CHECK_INT(add(&d, &t_icmp), 0);
	CHECK_INT(add(&d, &t_arp), 0);
	CHECK_INT(add(&d, &t_tcp6), 0);
	CHECK_INT(d.n, 4);
	if (d.n != 4)
		goto out;

	e = &d.v[0];
	CHECK(e->count == 23 && e->ifindex == 1 && e->has_reason &&
	      e->reason == 3 && e->has_stack_id && e->stack_id == 7 &&
	      e->has_flow && e->has_stack && e->nstack == 2,
	      "udp entry fields");
	CHECK_STR(print(e, 1, e->count),
		  "#1 Count: 23 [device: lo] [reason: NO_SOCKET]\n"
		  "    udp 127.0.0.1:40000 -> 127.0.0.1:9\n"
		  "    location: __udp4_lib_rcv+0x5a/0xb40\n"
		  "    kfree_skb_reason+0x4e/0x110\n"
		  "    __udp4_lib_rcv+0x5a/0xb40\n");
	CHECK_STR(print(&d.v[1], 2, 4),
		  "#2 Count: 4 [device: veth0] [reason: NETFILTER_DROP]\n"
		  "    icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0\n"
		  "    location: nf_hook_slow+0x8e/0xb0\n"
		  "    kfree_skb_reason+0x4e/0x110\n"
		  "    nf_hook_slow+0x8e/0xb0\n");
	CHECK_STR(print(&d.v[2], 3, 2),
		  "#3 Count: 2 [device: -] [reason: 2]\n"
		  "    non-IP\n"
		  "    location: arp_rcv+0x1/0x2\n"
		  "    [stack lost: table full]\n");
	CHECK_STR(print(&d.v[3], 4, 1),
		  "#4 Count: 1 [device: eth0]\n"
		  "    tcp [2001:db8::1]:40000 -> [2001:db8::2]:22\n"
		  "    location: tcp_v6_rcv+0x10/0x900\n"
		  "    tcp_v6_rcv+0x10/0x900\n");

	CHECK_STR(json_str(vns_drop_json(&d.v[0], 23)),
		  "{\"count\":23,\"dev\":\"lo\",\"ifindex\":1,"
		  "\"reason\":\"NO_SOCKET\",\"reason_code\":3,"
		  "\"location\":\"__udp4_lib_rcv+0x5a/0xb40\","
		  "\"flow\":{\"family\":\"ipv4\",\"src\":\"127.0.0.1\","
		  "\"dst\":\"127.0.0.1\",\"proto\":\"udp\","
		  "\"sport\":40000,\"dport\":9},"
		  "\"stack\":[\"kfree_skb_reason+0x4e/0x110\","
		  "\"__udp4_lib_rcv+0x5a/0xb40\"]}");
	CHECK_STR(json_str(vns_drop_json(&d.v[2], 5)),
		  "{\"count\":5,\"dev\":null,\"ifindex\":0,\"reason\":null,"
		  "\"reason_code\":2,\"location\":\"arp_rcv+0x1/0x2\","
		  "\"flow\":null,\"stack\":null}");

	/* malformed entries are refused and not added */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_DROP);
	nla_put_u32(msg, VNS_DROP_A_IFINDEX, 1);	/* no count */
	nla_nest_end(msg, nest);
	CHECK_INT(vns_drops_add(&d, nest), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_DROP);
	nla_put_u64(msg, VNS_DROP_A_COUNT, 1);
	nla_put_u8(msg, VNS_DROP_A_IFINDEX, 1);		/* too short */
	nla_nest_end(msg, nest);
	CHECK_INT(vns_drops_add(&d, nest), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_DROP);
	nla_put_u64(msg, VNS_DROP_A_COUNT, 1);
	nla_put_string(msg, VNS_DROP_A_LOCATION, "x");
	nest = nla_nest_start(msg, VNS_DROP_A_STACK);
	nla_put(msg, VNS_STACK_A_FRAME, 3, "abc");	/* no NUL */
	nla_nest_end(msg, nest);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_A_DROP);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_drops_add(&d, nest), -EBADMSG);
	nlmsg_free(msg);
	CHECK_INT(d.n, 4);
out:
	vns_drops_free(&d);
}

static struct tdrop with_count(struct tdrop t, u64 count)
{
	t.count = count;
	return t;
}

static void test_drop_delta(void)
{
	struct vns_drops prev = { NULL, 0 }, cur = { NULL, 0 };
	struct vns_drop_view *v = NULL;
	struct vns_flow_info f_other;
	struct tdrop t;
	size_t n;

	/* prev: udp 23, icmp 4, arp 2 */
	add(&prev, &t_udp);
	add(&prev, &t_icmp);
	add(&prev, &t_arp);

	/* nothing changed: no entries */
	add(&cur, &t_udp);
	add(&cur, &t_icmp);
	add(&cur, &t_arp);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 0);
	free(v);
	vns_drops_free(&cur);

	/*
	 * cur, in the kernel's order: udp 30 (+7), icmp 14 (+10), a new tcp6
	 * entry 3, arp 2 (+0), and the udp flow from another port 7 (new).
	 */
	add(&cur, &(struct tdrop){ .count = 30 });	/* placeholder */
	vns_drops_free(&cur);
	t = with_count(t_udp, 30);
	add(&cur, &t);
	t = with_count(t_icmp, 14);
	add(&cur, &t);
	t = with_count(t_tcp6, 3);
	add(&cur, &t);
	add(&cur, &t_arp);
	f_other = f_udp;
	f_other.key.sport = 40001;
	t = with_count(t_udp, 7);
	t.flow = &f_other;
	add(&cur, &t);

	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK(v[0].e == &cur.v[1] && v[0].count == 10, "#1 icmp +10");
		CHECK(v[1].e == &cur.v[0] && v[1].count == 7, "#2 udp +7");
		/* a tie: the kernel's order decides */
		CHECK(v[2].e == &cur.v[4] && v[2].count == 7,
		      "#3 new udp flow 7");
		CHECK(v[3].e == &cur.v[2] && v[3].count == 3, "#4 new tcp6 3");
	}
	free(v);

	/* every identity field counts: ifindex, reason, location, stack */
	vns_drops_free(&cur);
	t = with_count(t_udp, 24);
	t.ifindex = 2;
	add(&cur, &t);
	t = with_count(t_udp, 25);
	t.reason = 4;
	add(&cur, &t);
	t = with_count(t_udp, 26);
	t.location = "elsewhere+0x1/0x2";
	add(&cur, &t);
	t = with_count(t_udp, 27);
	t.stack_id = 8;
	add(&cur, &t);
	t = with_count(t_udp, 28);
	t.dev = "renamed";		/* the device name is not identity */
	add(&cur, &t);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 5);
	if (n == 5) {
		CHECK_INT(v[0].count, 27);
		CHECK_INT(v[1].count, 26);
		CHECK_INT(v[2].count, 25);
		CHECK_INT(v[3].count, 24);
		CHECK_INT(v[4].count, 5);	/* 28 - 23 */
	}
	free(v);

	/* a count that went down was reset: all of it is new */
	vns_drops_free(&cur);
	t = with_count(t_udp, 5);
	add(&cur, &t);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK(n == 1 && v[0].count == 5, "reset entry counts from 0");
	free(v);

	/* an empty previous read: everything, ranked */
	vns_drops_free(&cur);
	vns_drops_free(&prev);
	add(&cur, &t_arp);
	add(&cur, &t_udp);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK(n == 2 && v[0].count == 23 && v[1].count == 2,
	      "delta from nothing");
	free(v);
	CHECK_INT(vns_drops_view(&cur, &v, &n), 0);
	CHECK(n == 2 && v[0].count == 2 && v[1].count == 23,
	      "cumulative view keeps the kernel's order");
	free(v);

	/* both empty */
	vns_drops_free(&cur);
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 0);
	free(v);
	vns_drops_free(&prev);
}

/* Many entries: the hash table finds every one of them */
static void test_drop_delta_many(void)
{
	struct vns_drops prev = { NULL, 0 }, cur = { NULL, 0 };
	struct vns_drop_view *v = NULL;
	struct tdrop t;
	bool ok = true;
	size_t n, i;

	for (i = 0; i < 3000; i++) {
		t = with_count(t_arp, 100);
		t.ifindex = (u32)i;
		add(&prev, &t);
		t.count = 100 + (i % 7 == 0 ? i : 0);
		add(&cur, &t);
	}
	CHECK_INT(vns_drops_delta(&prev, &cur, &v, &n), 0);
	CHECK_INT(n, 428);		/* i = 7, 14, ..., 2996 */
	for (i = 0; i < n; i++)
		ok = ok && v[i].count == v[i].e->ifindex &&
		     (!i || v[i].count < v[i - 1].count);
	CHECK(ok, "3000 entries: growth and ranking");
	free(v);
	vns_drops_free(&prev);
	vns_drops_free(&cur);
}

/* -------------------------------------------------------------- settings */

static void test_duration(void)
{
	static const struct {
		const char *s;
		long long us;		/* -1: rejected */
	} cases[] = {
		{ "10ms", 10000 }, { "10", 10000 }, { "1.5ms", 1500 },
		{ "1.5", 1500 }, { "250us", 250 }, { "1s", 1000000 },
		{ "0.25s", 250000 }, { "2000ns", 2 }, { "0", 0 },
		{ "0.001", 1 }, { "1.000", 1000 },
		{ "1500ns", -1 }, { "0.0001", -1 }, { "", -1 }, { "ms", -1 },
		{ "10xs", -1 }, { "-1", -1 }, { "+1", -1 }, { "1.", -1 },
		{ ".5", -1 }, { "10 ms", -1 }, { " 10", -1 }, { "1e3", -1 },
		{ "10MS", -1 }, { "10m", -1 }, { "1.0000000001s", -1 },
		{ "99999999999999999999", -1 }, { "18446744073709551615s", -1 },
	};
	size_t i;
	u64 us;

	for (i = 0; i < VNS_ARRAY_SIZE(cases); i++) {
		us = 12345;
		if (cases[i].us < 0) {
			CHECK(vns_parse_duration_us(cases[i].s, 0, UINT64_MAX,
						    &us) == -1 && us == 12345,
			      "'%s' accepted", cases[i].s);
			continue;
		}
		CHECK(!vns_parse_duration_us(cases[i].s, 0, UINT64_MAX, &us),
		      "'%s' rejected", cases[i].s);
		CHECK_INT(us, cases[i].us);
	}
	CHECK_INT(vns_parse_duration_us("999us", 1000, 1000000, &us), -1);
	CHECK_INT(vns_parse_duration_us("1ms", 1000, 1000000, &us), 0);
	CHECK_INT(vns_parse_duration_us("1s", 1000, 1000000, &us), 0);
	CHECK_INT(vns_parse_duration_us("1.000001s", 1000, 1000000, &us), -1);
}

static void test_dur_str(void)
{
	char b[VNS_DUR_STR_MAX];

	CHECK_STR(vns_dur_str(0, b, sizeof(b)), "0ns");
	CHECK_STR(vns_dur_str(512, b, sizeof(b)), "512ns");
	CHECK_STR(vns_dur_str(999, b, sizeof(b)), "999ns");
	CHECK_STR(vns_dur_str(1000, b, sizeof(b)), "1.000us");
	CHECK_STR(vns_dur_str(1234, b, sizeof(b)), "1.234us");
	CHECK_STR(vns_dur_str(12345, b, sizeof(b)), "12.35us");
	CHECK_STR(vns_dur_str(123456, b, sizeof(b)), "123.5us");
	CHECK_STR(vns_dur_str(999999, b, sizeof(b)), "1.000ms");
	CHECK_STR(vns_dur_str(12345678, b, sizeof(b)), "12.35ms");
	CHECK_STR(vns_dur_str(123456789, b, sizeof(b)), "123.5ms");
	CHECK_STR(vns_dur_str(3000000000ULL, b, sizeof(b)), "3.000s");
	CHECK_STR(vns_dur_str(12300000000ULL, b, sizeof(b)), "12.30s");
	CHECK_STR(vns_dur_str(4000000000000ULL, b, sizeof(b)), "4000.0s");
}

static void test_config(void)
{
	struct vns_config cfg;
	struct nl_msg *msg;
	struct nlattr *nest, *a;
	int rem, n = 0;

	memset(&cfg, 0, sizeof(cfg));
	CHECK_INT(vns_config_parse_word(&cfg, "period=5ms", err, sizeof(err)),
		  0);
	CHECK(cfg.has_period && cfg.period_us == 5000 && !cfg.has_threshold,
	      "period=5ms");
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=0.1s", err,
					sizeof(err)), 0);
	CHECK(cfg.has_threshold && cfg.threshold_us == 100000,
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
	cfg.has_period = false;
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
		  "invalid threshold '11s': expected a duration from 1ms to 10s, e.g. 20ms (units ns, us, ms, s; no unit: ms)");
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=10s", err,
					sizeof(err)), 0);
	CHECK_INT(vns_config_parse_word(&cfg, "threshold=abc", err,
					sizeof(err)), -1);
	CHECK_STR(err,
		  "invalid threshold 'abc': expected a duration from 1ms to 10s, e.g. 20ms (units ns, us, ms, s; no unit: ms)");
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
	cfg.has_period = true;
	cfg.period_us = 5000;
	cfg.has_threshold = true;
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

/* ------------------------------------------------------------ histograms */

/* A VNS_HIST_A_* nest of @type in @msg: count, sum, max, buckets */
static void put_hist(struct nl_msg *msg, int type, u64 sum, u64 max,
		     const u64 *buckets, int n)
{
	struct nlattr *h = nla_nest_start(msg, type), *b;
	u64 count = 0;
	int i;

	for (i = 0; i < n; i++)
		count += buckets[i];
	nla_put_u64(msg, VNS_HIST_A_COUNT, count);
	nla_put_u64(msg, VNS_HIST_A_SUM, sum);
	nla_put_u64(msg, VNS_HIST_A_MAXVAL, max);
	for (i = 0; i < n; i++) {
		if (!buckets[i])
			continue;
		b = nla_nest_start(msg, VNS_HIST_A_BUCKET);
		nla_put_u8(msg, VNS_BUCKET_A_INDEX, (u8)i);
		nla_put_u64(msg, VNS_BUCKET_A_COUNT, buckets[i]);
		nla_nest_end(msg, b);
	}
	nla_nest_end(msg, h);
}

static char *memout_buf;
static size_t memout_len;

static FILE *out_open(void)
{
	free(memout_buf);
	memout_buf = NULL;
	return open_memstream(&memout_buf, &memout_len);
}

static const char *out_close(FILE *f)
{
	fclose(f);
	return memout_buf;
}

static void test_hist(void)
{
	static const u64 b[] = { 1, 0, 0, 2, 5, 0, 1 };
	struct vns_hist h, prev;
	struct nl_msg *msg;
	struct nlattr *nest, *bk;
	FILE *f;

	msg = nlmsg_alloc();
	put_hist(msg, VNS_SIRQ_A_HIST, 180, 70, b, 7);
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, VNS_SIRQ_A_HIST);
	CHECK_INT(vns_hist_from_nest(&h, nest), 0);
	nlmsg_free(msg);
	CHECK(h.count == 9 && h.sum == 180 && h.max == 70 &&
	      h.buckets[0] == 1 && h.buckets[3] == 2 && h.buckets[4] == 5 &&
	      h.buckets[6] == 1 && h.buckets[1] == 0, "hist fields");
	CHECK_INT(vns_hist_top(&h), 6);

	f = out_open();
	vns_hist_print(f, &h, "usecs");
	CHECK_STR(out_close(f),
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 1        |********                                |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 2        |****************                        |\n"
		  "        16 -> 31         : 5        |****************************************|\n"
		  "        32 -> 63         : 0        |                                        |\n"
		  "        64 -> 127        : 1        |********                                |\n");
	CHECK_STR(json_str(vns_hist_json(&h)),
		  "{\"count\":9,\"sum_us\":180,\"max_us\":70,\"buckets\":["
		  "{\"low_us\":0,\"high_us\":1,\"count\":1},"
		  "{\"low_us\":8,\"high_us\":15,\"count\":2},"
		  "{\"low_us\":16,\"high_us\":31,\"count\":5},"
		  "{\"low_us\":64,\"high_us\":127,\"count\":1}]}");

	/* empty: nothing printed */
	memset(&prev, 0, sizeof(prev));
	f = out_open();
	vns_hist_print(f, &prev, "usecs");
	CHECK_STR(out_close(f), "");

	/* growth: the max did not grow, so it is the top bucket's bound */
	prev = h;
	h.buckets[3] += 3;
	h.count += 3;
	h.sum += 30;
	CHECK(!vns_hist_delta(&h, &prev), "max is a bound");
	CHECK(h.count == 3 && h.sum == 30 && h.buckets[3] == 3 &&
	      h.buckets[4] == 0 && h.max == 15, "hist delta");
	/* a reset leaves it whole */
	memset(&h, 0, sizeof(h));
	h.count = 1;
	h.buckets[0] = 1;
	CHECK(vns_hist_delta(&h, &prev), "reset");
	CHECK_INT(h.count, 1);

	/* malformed: a bucket without a count; an index past the last */
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_TIMER_A_HIST);
	bk = nla_nest_start(msg, VNS_HIST_A_BUCKET);
	nla_put_u8(msg, VNS_BUCKET_A_INDEX, 1);
	nla_nest_end(msg, bk);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_hist_from_nest(&h, nest), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_TIMER_A_HIST);
	bk = nla_nest_start(msg, VNS_HIST_A_BUCKET);
	nla_put_u8(msg, VNS_BUCKET_A_INDEX, 200);
	nla_put_u64(msg, VNS_BUCKET_A_COUNT, 4);
	nla_nest_end(msg, bk);
	nla_nest_end(msg, nest);
	CHECK_INT(vns_hist_from_nest(&h, nest), 0);
	CHECK(h.buckets[VNS_HIST_BUCKETS - 1] == 4 && h.count == 4,
	      "index folded into the last bucket, count from buckets");
	nlmsg_free(msg);
}

/* -------------------------------------------------------------- softirqs */

/* Parse @msg's attributes as a dump callback sees them */
static void msg_tb(struct nl_msg *msg, struct nlattr **tb)
{
	CHECK_INT(nlmsg_parse(nlmsg_hdr(msg), 0, tb, VNS_A_MAX, NULL), 0);
}

static int add_ksirqd(struct vns_softirqs *s, u32 cpu, u32 pid, u64 rt)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_KSOFTIRQD);
	nla_put_u32(msg, VNS_KSIRQD_A_CPU, cpu);
	nla_put_u32(msg, VNS_KSIRQD_A_PID, pid);
	nla_put_u64(msg, VNS_KSIRQD_A_RUNTIME_NS, rt);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_softirqs_add(s, tb);
	nlmsg_free(msg);
	return ret;
}

struct tsirq {
	u32 cpu;
	u8 vec;
	u64 count, total, max, raised, wtotal, wmax;
	u64 hist[8];
	u64 whist[8];
};

static int add_sirq(struct vns_softirqs *s, const struct tsirq *t)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_SOFTIRQ);
	nla_put_u32(msg, VNS_SIRQ_A_CPU, t->cpu);
	nla_put_u8(msg, VNS_SIRQ_A_VEC, t->vec);
	nla_put_string(msg, VNS_SIRQ_A_NAME, vns_sirq_name(t->vec));
	nla_put_u64(msg, VNS_SIRQ_A_COUNT, t->count);
	nla_put_u64(msg, VNS_SIRQ_A_TOTAL_NS, t->total);
	nla_put_u64(msg, VNS_SIRQ_A_MAX_NS, t->max);
	put_hist(msg, VNS_SIRQ_A_HIST, t->total / 1000, t->max / 1000,
		 t->hist, 8);
	nla_put_u64(msg, VNS_SIRQ_A_RAISED, t->raised);
	nla_put_u64(msg, VNS_SIRQ_A_WAIT_TOTAL_NS, t->wtotal);
	nla_put_u64(msg, VNS_SIRQ_A_WAIT_MAX_NS, t->wmax);
	put_hist(msg, VNS_SIRQ_A_WAIT_HIST, t->wtotal / 1000, t->wmax / 1000,
		 t->whist, 8);
	nla_put_u32(msg, 200, 1);	/* unknown: ignored */
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_softirqs_add(s, tb);
	nlmsg_free(msg);
	return ret;
}

static const struct tsirq t_netrx0 = {
	.cpu = 0, .vec = 3, .count = 4, .total = 40000, .max = 20000,
	.raised = 4, .wtotal = 8000, .wmax = 5000,
	.hist = { [3] = 2, [4] = 2 }, .whist = { [0] = 2, [1] = 1, [2] = 1 },
};

static const struct tsirq t_timer0 = {
	.cpu = 0, .vec = 1, .count = 10, .total = 15000, .max = 3000,
	.raised = 10, .wtotal = 1000, .wmax = 400,
	.hist = { [0] = 8, [1] = 2 }, .whist = { [0] = 10 },
};

static const struct tsirq t_netrx1 = {
	.cpu = 1, .vec = 3, .count = 1, .total = 2000000, .max = 2000000,
	.raised = 1, .wtotal = 30000, .wmax = 30000,
	.hist = { [7] = 1 }, .whist = { [4] = 1 },
};

static void softirqs_read(struct vns_softirqs *s, u64 extra)
{
	struct tsirq t;

	memset(s, 0, sizeof(*s));
	/* CPU 1 first: the report orders them */
	CHECK_INT(add_ksirqd(s, 1, 22, 5000000 + extra * 1000), 0);
	CHECK_INT(add_sirq(s, &t_netrx1), 0);
	CHECK_INT(add_ksirqd(s, 0, 14, 1000000), 0);
	t = t_timer0;
	t.count += extra;
	t.total += extra * 1000;
	t.raised += extra;
	t.hist[0] += extra;
	t.whist[0] += extra;
	CHECK_INT(add_sirq(s, &t), 0);
	CHECK_INT(add_sirq(s, &t_netrx0), 0);
	vns_softirqs_sort(s);
}

static void test_softirqs(void)
{
	struct vns_softirqs s, prev;
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct vns_sirq_vec sum;
	struct nl_msg *msg;
	struct tsirq t;
	FILE *f;

	softirqs_read(&s, 0);
	CHECK_INT(s.n, 2);
	if (s.n != 2)
		goto out;
	CHECK(s.cpus[0].cpu == 0 && s.cpus[1].cpu == 1, "CPUs in order");
	CHECK(s.cpus[0].pid == 14 && s.cpus[0].runtime_ns == 1000000,
	      "ksoftirqd/0");
	CHECK(s.cpus[0].vec[3].present && s.cpus[0].vec[1].present &&
	      !s.cpus[0].vec[0].present, "vectors present");
	CHECK_STR(s.cpus[0].vec[3].name, "NET_RX");

	vns_sirq_total(&s, -1, 3, &sum);
	CHECK(sum.count == 5 && sum.total_ns == 2040000 &&
	      sum.max_ns == 2000000 && sum.raised == 5 &&
	      sum.wait_total_ns == 38000 && sum.wait_max_ns == 30000 &&
	      sum.hist.count == 5 && sum.hist.buckets[7] == 1,
	      "NET_RX over all CPUs");

	f = out_open();
	vns_softirqs_print(f, &s, 0, false);
	CHECK_STR(out_close(f),
		  "CPU 0: ksoftirqd/0 pid 14, runtime 1.000ms\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  TIMER             10    15.00us    1.500us    3.000us         10      100ns      400ns\n"
		  "  NET_RX             4    40.00us    10.00us    20.00us          4    2.000us    5.000us\n");
	f = out_open();
	vns_softirqs_print(f, &s, -1, false);
	CHECK_STR(out_close(f),
		  "CPU 0: ksoftirqd/0 pid 14, runtime 1.000ms\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  TIMER             10    15.00us    1.500us    3.000us         10      100ns      400ns\n"
		  "  NET_RX             4    40.00us    10.00us    20.00us          4    2.000us    5.000us\n"
		  "CPU 1: ksoftirqd/1 pid 22, runtime 5.000ms\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  NET_RX             1    2.000ms    2.000ms    2.000ms          1    30.00us    30.00us\n"
		  "all 2 CPUs:\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  TIMER             10    15.00us    1.500us    3.000us         10      100ns      400ns\n"
		  "  NET_RX             5    2.040ms    408.0us    2.000ms          5    7.600us    30.00us\n");
	f = out_open();
	vns_softirqs_print(f, &s, 1, true);
	CHECK_STR(out_close(f),
		  "CPU 1: ksoftirqd/1 pid 22, runtime 5.000ms\n"
		  "  VECTOR         COUNT      TOTAL        AVG        MAX     RAISED   WAIT AVG   WAIT MAX\n"
		  "  NET_RX             1    2.000ms    2.000ms    2.000ms          1    30.00us    30.00us\n"
		  "\n"
		  "NET_RX run time, CPU 1:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 0        |                                        |\n"
		  "        32 -> 63         : 0        |                                        |\n"
		  "        64 -> 127        : 0        |                                        |\n"
		  "       128 -> 255        : 1        |****************************************|\n"
		  "\n"
		  "NET_RX raise-to-entry wait, CPU 1:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 1        |****************************************|\n");
	f = out_open();
	vns_softirqs_print(f, &s, 7, false);
	CHECK_STR(out_close(f), "CPU 7: no softirq data\n");

	CHECK_STR(json_str(vns_softirqs_json(&s, 1)),
		  "{\"cpus\":[{\"cpu\":1,\"ksoftirqd\":{\"pid\":22,"
		  "\"runtime_ns\":5000000},\"vectors\":[{\"vec\":3,"
		  "\"name\":\"NET_RX\",\"count\":1,\"total_ns\":2000000,"
		  "\"max_ns\":2000000,\"raised\":1,\"wait_total_ns\":30000,"
		  "\"wait_max_ns\":30000,\"hist\":{\"count\":1,\"sum_us\":2000,"
		  "\"max_us\":2000,\"buckets\":[{\"low_us\":128,"
		  "\"high_us\":255,\"count\":1}]},\"wait_hist\":{\"count\":1,"
		  "\"sum_us\":30,\"max_us\":30,\"buckets\":[{\"low_us\":16,"
		  "\"high_us\":31,\"count\":1}]}}]}]}");

	/* delta: 5 more TIMER runs of 1 us on CPU 0, ksoftirqd/1 +5 us */
	prev = s;
	softirqs_read(&s, 5);
	vns_softirqs_delta(&s, &prev);
	CHECK(s.cpus[0].vec[1].count == 5 && s.cpus[0].vec[1].total_ns == 5000 &&
	      s.cpus[0].vec[1].raised == 5 &&
	      s.cpus[0].vec[1].wait_total_ns == 0 &&
	      s.cpus[0].vec[1].hist.count == 5 &&
	      s.cpus[0].vec[1].hist.buckets[0] == 5 &&
	      s.cpus[0].vec[1].hist.buckets[1] == 0, "TIMER growth");
	/* the max did not grow: bounded by the histogram (bucket 0: 1 us) */
	CHECK(s.cpus[0].vec[1].max_bound && s.cpus[0].vec[1].max_ns == 1999,
	      "TIMER max bound: %llu",
	      (unsigned long long)s.cpus[0].vec[1].max_ns);
	CHECK(s.cpus[0].vec[3].count == 0 && s.cpus[0].vec[3].max_ns == 0 &&
	      !s.cpus[0].vec[3].max_bound, "NET_RX did not run");
	CHECK_INT(s.cpus[1].runtime_ns, 5000);
	CHECK_INT(s.cpus[0].runtime_ns, 0);
	vns_softirqs_free(&prev);

	/* a reset (count went down) counts from 0 again */
	vns_softirqs_free(&s);
	softirqs_read(&prev, 5);
	softirqs_read(&s, 0);
	vns_softirqs_delta(&s, &prev);
	CHECK(s.cpus[0].vec[1].count == 10 && !s.cpus[0].vec[1].max_bound &&
	      s.cpus[0].vec[1].max_ns == 3000, "reset TIMER");
	vns_softirqs_free(&prev);

	/* malformed: no CPU; an unknown vector is skipped */
	msg = nlmsg_alloc();
	n = nla_nest_start(msg, VNS_A_SOFTIRQ);
	nla_put_u8(msg, VNS_SIRQ_A_VEC, 1);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	CHECK_INT(vns_softirqs_add(&s, tb), -EBADMSG);
	nlmsg_free(msg);
	t = t_netrx0;
	t.vec = 12;
	CHECK_INT(add_sirq(&s, &t), 0);
	CHECK_INT(s.n, 2);
out:
	vns_softirqs_free(&s);
}

/* ---------------------------------------------------------------- timers */

static int add_timer(struct vns_timers *t, const char *func, u8 kind,
		     u64 count, u64 total, u64 max, u32 cpu, u64 age)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	u64 b[8] = { 0 };
	int ret;

	b[vns_hist_bucket(max / 1000)] = count;
	n = nla_nest_start(msg, VNS_A_TIMER);
	nla_put_string(msg, VNS_TIMER_A_FUNC, func);
	nla_put_u8(msg, VNS_TIMER_A_KIND, kind);
	nla_put_u64(msg, VNS_TIMER_A_COUNT, count);
	nla_put_u64(msg, VNS_TIMER_A_TOTAL_NS, total);
	nla_put_u64(msg, VNS_TIMER_A_MAX_NS, max);
	nla_put_u32(msg, VNS_TIMER_A_MAX_CPU, cpu);
	nla_put_u64(msg, VNS_TIMER_A_MAX_AGE_NS, age);
	put_hist(msg, VNS_TIMER_A_HIST, total / 1000, max / 1000, b, 8);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_timers_add(t, tb[VNS_A_TIMER]);
	nlmsg_free(msg);
	return ret;
}

static void timers_read(struct vns_timers *t, u64 extra)
{
	memset(t, 0, sizeof(*t));
	add_timer(t, "estimation_timer [ip_vs]", VNS_TIMER_LIST, 100,
		  5000000, 120000, 2, 12300000000ULL);
	add_timer(t, "tick_sched_timer", VNS_TIMER_HRTIMER, 5000 + extra,
		  20000000 + extra * 4000, 30000, 0, 1000000000);
	add_timer(t, "delayed_work_timer_fn", VNS_TIMER_LIST, 40, 400000,
		  30000, 1, 500000);
	add_timer(t, "tcp_keepalive_timer", VNS_TIMER_LIST, 3, 3000, 1500, 3,
		  2000);
}

static const char *rank_names(const struct vns_timers *t,
			      enum vns_timer_sort sort, u64 min_us, u64 top)
{
	static char buf[256];
	const struct vns_timer **v;
	size_t n, i, len = 0;

	buf[0] = '\0';
	CHECK_INT(vns_timers_rank(t, sort, min_us, top, &v, &n), 0);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? "," : "", v[i]->func);
	free(v);
	return buf;
}

static void test_timers(void)
{
	struct vns_timers t, prev;
	const struct vns_timer **v;
	struct nlattr *n;
	struct nl_msg *msg;
	size_t cnt;
	FILE *f;

	timers_read(&t, 0);
	CHECK_INT(t.n, 4);
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 0, 0),
		  "estimation_timer [ip_vs],delayed_work_timer_fn,"
		  "tick_sched_timer,tcp_keepalive_timer");
	CHECK_STR(rank_names(&t, VNS_SORT_TOTAL, 0, 0),
		  "tick_sched_timer,estimation_timer [ip_vs],"
		  "delayed_work_timer_fn,tcp_keepalive_timer");
	CHECK_STR(rank_names(&t, VNS_SORT_COUNT, 0, 2),
		  "tick_sched_timer,estimation_timer [ip_vs]");
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 30, 0),
		  "estimation_timer [ip_vs],delayed_work_timer_fn,"
		  "tick_sched_timer");
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 31, 0),
		  "estimation_timer [ip_vs]");
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 1000, 0), "");
	CHECK_STR(rank_names(&t, VNS_SORT_MAX, 0, 1),
		  "estimation_timer [ip_vs]");

	CHECK_INT(vns_timers_rank(&t, VNS_SORT_MAX, 0, 2, &v, &cnt), 0);
	f = out_open();
	vns_timers_print(f, v, cnt, false);
	CHECK_STR(out_close(f),
		  "FUNCTION                 KIND         COUNT      TOTAL        AVG        MAX MAX CPU      MAX AGE\n"
		  "estimation_timer [ip_vs] timer          100    5.000ms    50.00us    120.0us       2   12.30s ago\n"
		  "delayed_work_timer_fn    timer           40    400.0us    10.00us    30.00us       1  500.0us ago\n");
	CHECK_STR(json_str(vns_timers_json(v, 1)),
		  "{\"timers\":[{\"func\":\"estimation_timer [ip_vs]\","
		  "\"kind\":\"timer\",\"count\":100,\"total_ns\":5000000,"
		  "\"max_ns\":120000,\"max_cpu\":2,\"max_age_ns\":12300000000,"
		  "\"hist\":{\"count\":100,\"sum_us\":5000,\"max_us\":120,"
		  "\"buckets\":[{\"low_us\":64,\"high_us\":127,"
		  "\"count\":100}]}}]}");
	f = out_open();
	vns_timers_print(f, v + 1, 1, true);
	CHECK_STR(out_close(f),
		  "FUNCTION              KIND         COUNT      TOTAL        AVG        MAX MAX CPU      MAX AGE\n"
		  "delayed_work_timer_fn timer           40    400.0us    10.00us    30.00us       1  500.0us ago\n"
		  "\n"
		  "delayed_work_timer_fn (timer) run time:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 40       |****************************************|\n");
	free(v);
	f = out_open();
	vns_timers_print(f, NULL, 0, false);
	CHECK_STR(out_close(f), "no timers\n");

	/* delta: only tick_sched_timer ran, 10 more times */
	prev = t;
	timers_read(&t, 10);
	vns_timers_delta(&t, &prev);
	CHECK_INT(t.n, 1);
	if (t.n == 1) {
		CHECK_STR(t.v[0].func, "tick_sched_timer");
		CHECK(t.v[0].count == 10 && t.v[0].total_ns == 40000 &&
		      t.v[0].max_bound && t.v[0].max_ns == 30000,
		      "tick_sched_timer growth");
		CHECK(!(t.v[0].present & (1u << VNS_TIMER_A_MAX_CPU)),
		      "max cpu unknown in a delta");
		CHECK_INT(t.v[0].hist.count, 10);
	}
	vns_timers_free(&prev);
	vns_timers_free(&t);

	/* malformed: no function name */
	memset(&t, 0, sizeof(t));
	msg = nlmsg_alloc();
	n = nla_nest_start(msg, VNS_A_TIMER);
	nla_put_u64(msg, VNS_TIMER_A_COUNT, 1);
	nla_nest_end(msg, n);
	CHECK_INT(vns_timers_add(&t, n), -EBADMSG);
	nlmsg_free(msg);
	CHECK_INT(t.n, 0);
	vns_timers_free(&t);
}

/* ---------------------------------------------------------------- irqoff */

static int add_irqsum(struct vns_irqoff *q, u8 kind, u32 cpu, u64 events,
		      const u64 *b, int nb)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_IRQOFF_SUMMARY);
	nla_put_u8(msg, VNS_IRQSUM_A_KIND, kind);
	nla_put_u32(msg, VNS_IRQSUM_A_CPU, cpu);
	nla_put_u64(msg, VNS_IRQSUM_A_EVENTS, events);
	put_hist(msg, VNS_IRQSUM_A_HIST, 0, 0, b, nb);
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_irqoff_add(q, tb);
	nlmsg_free(msg);
	return ret;
}

static int add_irqevent(struct vns_irqoff *q, u8 kind, u32 cpu, u64 lat,
			u64 age, u32 pid, const char *comm,
			const char *const *stack)
{
	struct nlattr *tb[VNS_A_MAX + 1], *n, *st;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	n = nla_nest_start(msg, VNS_A_IRQOFF_EVENT);
	nla_put_u8(msg, VNS_IRQOFF_A_KIND, kind);
	nla_put_u32(msg, VNS_IRQOFF_A_CPU, cpu);
	nla_put_u64(msg, VNS_IRQOFF_A_LATENCY_NS, lat);
	nla_put_u64(msg, VNS_IRQOFF_A_AGE_NS, age);
	nla_put_u32(msg, VNS_IRQOFF_A_PID, pid);
	nla_put_string(msg, VNS_IRQOFF_A_COMM, comm);
	if (stack) {
		st = nla_nest_start(msg, VNS_IRQOFF_A_STACK);
		for (; *stack; stack++)
			nla_put_string(msg, VNS_STACK_A_FRAME, *stack);
		nla_nest_end(msg, st);
	}
	nla_nest_end(msg, n);
	msg_tb(msg, tb);
	ret = vns_irqoff_add(q, tb);
	nlmsg_free(msg);
	return ret;
}

static void test_irqoff(void)
{
	static const char *const stk1[] = {
		"delay_tsc+0x2a/0x50", "spin_hog+0x40/0x80 [hog]", NULL,
	};
	static const char *const stk2[] = { "net_rx_action+0x1/0x2", NULL };
	static const u64 h0[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10 };
	static const u64 h1[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 30,
				  0, 2 };
	struct vns_irqoff_sel sel = { .cpu = -1, .threshold_ns = 0 };
	struct vns_irqoff q;
	FILE *f;

	memset(&q, 0, sizeof(q));
	CHECK_INT(add_irqsum(&q, VNS_IRQOFF_HARD, 0, 0, h0, 14), 0);
	CHECK_INT(add_irqsum(&q, VNS_IRQOFF_HARD, 1, 2, h1, 16), 0);
	CHECK_INT(add_irqevent(&q, VNS_IRQOFF_HARD, 1, 41234567, 3200000000ULL,
			       1234, "hog", stk1), 0);
	CHECK_INT(add_irqevent(&q, VNS_IRQOFF_HARD, 1, 25000000, 9000000000ULL,
			       1234, "hog", NULL), 0);
	CHECK_INT(add_irqsum(&q, VNS_IRQOFF_SOFT, 0, 1, h0, 14), 0);
	CHECK_INT(add_irqevent(&q, VNS_IRQOFF_SOFT, 0, 21000000, 1000000,
			       0, "swapper/0", stk2), 0);
	CHECK(q.nsums == 3 && q.nevents == 3, "irqoff counts");

	f = out_open();
	vns_irqoff_print(f, &q, &sel);
	CHECK_STR(out_close(f),
		  "interrupts off (hard): 2 events\n"
		  "  CPU 1: 2 events, 2 shown\n"
		  "    41.235 ms, 3.200s ago, pid 1234 (hog)\n"
		  "        delay_tsc+0x2a/0x50\n"
		  "        spin_hog+0x40/0x80 [hog]\n"
		  "    25.000 ms, 9.000s ago, pid 1234 (hog)\n"
		  "        [no stack]\n"
		  "  sampler delay, all CPUs:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 0        |                                        |\n"
		  "        32 -> 63         : 0        |                                        |\n"
		  "        64 -> 127        : 0        |                                        |\n"
		  "       128 -> 255        : 0        |                                        |\n"
		  "       256 -> 511        : 0        |                                        |\n"
		  "       512 -> 1023       : 0        |                                        |\n"
		  "      1024 -> 2047       : 0        |                                        |\n"
		  "      2048 -> 4095       : 0        |                                        |\n"
		  "      4096 -> 8191       : 0        |                                        |\n"
		  "      8192 -> 16383      : 40       |****************************************|\n"
		  "     16384 -> 32767      : 0        |                                        |\n"
		  "     32768 -> 65535      : 2        |**                                      |\n"
		  "\n"
		  "softirqs off (soft): 1 events\n"
		  "  CPU 0: 1 events, 1 shown\n"
		  "    21.000 ms, 1.000ms ago, pid 0 (swapper/0)\n"
		  "        net_rx_action+0x1/0x2\n"
		  "  sampler delay, all CPUs:\n"
		  "     usecs               : count     distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 0        |                                        |\n"
		  "        32 -> 63         : 0        |                                        |\n"
		  "        64 -> 127        : 0        |                                        |\n"
		  "       128 -> 255        : 0        |                                        |\n"
		  "       256 -> 511        : 0        |                                        |\n"
		  "       512 -> 1023       : 0        |                                        |\n"
		  "      1024 -> 2047       : 0        |                                        |\n"
		  "      2048 -> 4095       : 0        |                                        |\n"
		  "      4096 -> 8191       : 0        |                                        |\n"
		  "      8192 -> 16383      : 10       |****************************************|\n");

	/* --threshold 30 --cpu 1 */
	sel.cpu = 1;
	sel.threshold_ns = 30000000;
	CHECK_STR(json_str(vns_irqoff_json(&q, &sel)),
		  "{\"summary\":[{\"kind\":\"hard\",\"cpu\":1,\"events\":2,"
		  "\"hist\":{\"count\":32,\"sum_us\":0,\"max_us\":0,"
		  "\"buckets\":[{\"low_us\":8192,\"high_us\":16383,"
		  "\"count\":30},{\"low_us\":32768,\"high_us\":65535,"
		  "\"count\":2}]}}],"
		  "\"events\":[{\"kind\":\"hard\",\"cpu\":1,"
		  "\"latency_ns\":41234567,\"age_ns\":3200000000,"
		  "\"pid\":1234,\"comm\":\"hog\",\"stack\":["
		  "\"delay_tsc+0x2a/0x50\",\"spin_hog+0x40/0x80 [hog]\"]}]}");
	sel.cpu = 0;
	sel.threshold_ns = 0;
	CHECK_STR(json_str(vns_irqoff_json(&q, &sel)),
		  "{\"summary\":[{\"kind\":\"hard\",\"cpu\":0,\"events\":0,"
		  "\"hist\":{\"count\":10,\"sum_us\":0,\"max_us\":0,"
		  "\"buckets\":[{\"low_us\":8192,\"high_us\":16383,"
		  "\"count\":10}]}},{\"kind\":\"soft\",\"cpu\":0,\"events\":1,"
		  "\"hist\":{\"count\":10,\"sum_us\":0,\"max_us\":0,"
		  "\"buckets\":[{\"low_us\":8192,\"high_us\":16383,"
		  "\"count\":10}]}}],"
		  "\"events\":[{\"kind\":\"soft\",\"cpu\":0,"
		  "\"latency_ns\":21000000,\"age_ns\":1000000,\"pid\":0,"
		  "\"comm\":\"swapper/0\",\"stack\":[\"net_rx_action+0x1/0x2\"]}]}");
	vns_irqoff_free(&q);
}

/* --------------------------------------------------------------- latency */

static void test_latency_config(void)
{
	struct vns_config cfg;
	struct nl_msg *msg;
	struct nlattr *nest, *a;
	int rem, n = 0;

	memset(&cfg, 0, sizeof(cfg));
	CHECK(vns_config_is_empty(&cfg), "empty config");
	CHECK_INT(vns_config_parse_word(&cfg, "phy=eth0", err, sizeof(err)),
		  0);
	CHECK_STR(cfg.phy, "eth0");
	CHECK(!cfg.vm[0] && !cfg.has_dir && !vns_config_is_empty(&cfg),
	      "phy=eth0 alone");
	CHECK_INT(vns_config_parse_word(&cfg, "vm=vnet0", err, sizeof(err)),
		  0);
	CHECK_STR(cfg.vm, "vnet0");
	CHECK_INT(vns_config_parse_word(&cfg, "dir=tx", err, sizeof(err)), 0);
	CHECK(cfg.has_dir && cfg.dir == VNS_DIR_TX, "dir=tx");
	CHECK_INT(vns_config_parse_word(&cfg, "dir=rx", err, sizeof(err)), 0);
	CHECK_INT(cfg.dir, VNS_DIR_RX);
	CHECK_INT(vns_config_parse_word(&cfg, "dir=both", err, sizeof(err)),
		  0);
	CHECK(cfg.has_dir && cfg.dir == VNS_DIR_BOTH, "dir=both");
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
	CHECK(cfg.has_threshold && cfg.threshold_us == 10000 &&
	      cfg.has_stage_threshold && cfg.stage_threshold_us == 2500 &&
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

/* What a command or its option parser printed, stdout and stderr */
static char cap_out[4096];
static struct vns_lat_args cap_args;

static int run_latency_parse(int argc, char **argv)
{
	return vns_latency_parse(&cap_args, argc, argv);
}

/* Run @fn on the NULL-terminated arguments that follow, output to cap_out */
static int run(int (*fn)(int, char **), ...)
{
	char *argv[32];
	int argc = 0, ret, sout, serr;
	FILE *tmp = tmpfile();
	va_list ap;
	size_t n;

	va_start(ap, fn);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	cap_out[0] = '\0';
	if (!tmp)
		return -100;
	fflush(stdout);
	fflush(stderr);
	sout = dup(1);
	serr = dup(2);
	dup2(fileno(tmp), 1);
	dup2(fileno(tmp), 2);
	optind = 0;		/* glibc: start afresh */
	opterr = 0;
	ret = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(sout, 1);
	dup2(serr, 2);
	close(sout);
	close(serr);
	rewind(tmp);
	n = fread(cap_out, 1, sizeof(cap_out) - 1, tmp);
	cap_out[n] = '\0';
	fclose(tmp);
	return ret;
}

static void test_latency_args(void)
{
	static const u8 dst[4] = { 10, 0, 0, 2 };
	struct vns_lat_args *a = &cap_args;
	static const struct {
		const char *args[6];
		const char *msg;
	} bad[] = {
		{ { "--direction", "up" },
		  "invalid --direction 'up': expected rx, tx or both" },
		{ { "--direction" }, "option '--direction' needs a value" },
		{ { "--phy-interface", "0123456789abcdef" },
		  "invalid --phy-interface '0123456789abcdef': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)" },
		{ { "--vm-interface", "a/b" },
		  "invalid --vm-interface 'a/b': expected an interface name (1 to 15 bytes, no '/', ':' or blanks)" },
		{ { "--dev", "eth0" },
		  "--dev applies to the drops collector only, not latency" },
		{ { "--proto", "icmp", "--dport", "9" },
		  "--dport needs a protocol with ports (tcp, udp, sctp or udplite), not icmp" },
		{ { "--src-ip", "10.0.0.300" }, "invalid --src-ip '10.0.0.300'" },
		{ { "--count", "2" }, "--count needs --interval" },
		{ { "--interval", "0" },
		  "invalid --interval '0': expected seconds > 0, e.g. 1 or 0.5" },
		{ { "--interval", "1", "--count", "0" },
		  "invalid --count '0': expected a positive integer" },
		{ { "--cpu", "1" }, "unknown option '--cpu'" },
		{ { "--hist" }, "unknown option '--hist'" },
		{ { "--json=1" }, "option '--json' takes no value" },
		{ { "extra" }, "unexpected argument 'extra'" },
		{ { "--threshold", "10ms" }, "--threshold needs --details" },
		{ { "--stage-threshold", "5ms" },
		  "--stage-threshold needs --details" },
		{ { "--duration", "5" }, "--duration needs --details" },
		{ { "--details", "--threshold", "0" },
		  "invalid --threshold '0': expected a duration from 1ms to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)" },
		{ { "--details", "--stage-threshold", "20s" },
		  "invalid --stage-threshold '20s': expected a duration from 1ms to 10s, e.g. 10ms (units ns, us, ms, s; no unit: ms)" },
		{ { "--details", "--duration", "-1" },
		  "invalid --duration '-1': expected seconds > 0, e.g. 10 or 0.5" },
		{ { "--details", "--duration", "0" },
		  "invalid --duration '0': expected seconds > 0, e.g. 10 or 0.5" },
		{ { "--details", "--interval", "1" },
		  "--interval and --count do not apply to --details (see --duration)" },
		{ { "--details", "--threshold" },
		  "option '--threshold' needs a value" },
		{ { "--details=1" }, "option '--details' takes no value" },
		{ { "--details", "--bogus" }, "unknown option '--bogus'" },
	};
	char want[512];
	size_t i;
	int ret;

	for (i = 0; i < VNS_ARRAY_SIZE(bad); i++) {
		ret = run(run_latency_parse, "latency", bad[i].args[0],
			  bad[i].args[1], bad[i].args[2], bad[i].args[3],
			  bad[i].args[4], NULL);
		CHECK(ret == VNS_EXIT_USAGE, "%s: exit %d", bad[i].args[0],
		      ret);
		snprintf(want, sizeof(want), "vnetscope: %s\n", bad[i].msg);
		CHECK_STR(cap_out, want);
	}

	ret = run(run_latency_parse, "latency", NULL);
	CHECK_INT(ret, -1);
	CHECK_STR(cap_out, "");
	CHECK(vns_config_is_empty(&a->cfg) && vns_filter_is_empty(&a->filter)
	      && !a->interval && !a->count && !a->json, "no options");

	ret = run(run_latency_parse, "latency", "--direction", "tx",
		  "--phy-interface", "eth0", "--proto", "udp", "--dst-ip",
		  "10.0.0.2", "--dport", "5001", "--interval", "0.5",
		  "--count", "3", "--json", NULL);
	CHECK_INT(ret, -1);
	CHECK_STR(cap_out, "");
	CHECK(a->cfg.has_dir && a->cfg.dir == VNS_DIR_TX, "--direction tx");
	CHECK_STR(a->cfg.phy, "eth0");
	CHECK(!a->cfg.vm[0] && !a->cfg.has_period && !a->cfg.has_threshold,
	      "only phy and dir");
	CHECK(a->filter.proto == 17 && a->filter.has_dport &&
	      a->filter.dport == 5001 && a->filter.dst_family == VNS_AF_INET &&
	      !memcmp(a->filter.dst, dst, 4) && !a->filter.has_dev,
	      "latency filter");
	CHECK(a->interval == 0.5 && a->count == 3 && a->json,
	      "interval, count, json");

	/* --details: 10 ms end to end unless a threshold is given */
	ret = run(run_latency_parse, "latency", "--details", "--json",
		  "--phy-interface", "va", "--proto", "icmp", NULL);
	CHECK_INT(ret, -1);
	CHECK_STR(cap_out, "");
	CHECK(a->details && a->json && !a->duration && a->cfg.has_threshold &&
	      a->cfg.threshold_us == 10000 && !a->cfg.has_stage_threshold &&
	      a->filter.proto == 1, "--details defaults");
	ret = run(run_latency_parse, "latency", "--details",
		  "--stage-threshold", "5", "--duration", "2.5", NULL);
	CHECK_INT(ret, -1);
	CHECK(a->details && !a->cfg.has_threshold &&
	      a->cfg.has_stage_threshold && a->cfg.stage_threshold_us == 5000 &&
	      a->duration == 2.5, "--stage-threshold alone");
	ret = run(run_latency_parse, "latency", "--details", "--threshold",
		  "1s", "--stage-threshold", "500us", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	ret = run(run_latency_parse, "latency", "--details", "--threshold",
		  "1s", "--stage-threshold", "1.5ms", NULL);
	CHECK_INT(ret, -1);
	CHECK(a->cfg.threshold_us == 1000000 &&
	      a->cfg.stage_threshold_us == 1500, "both thresholds");

	ret = run(run_latency_parse, "latency", "--help", NULL);
	CHECK_INT(ret, VNS_EXIT_OK);
	CHECK(strstr(cap_out, "  --stage-threshold D ") &&
	      strstr(cap_out, "  --duration S ") &&
	      strstr(cap_out, "vnetscope latency --details [--threshold D]"),
	      "--details in latency --help");
	CHECK(!strncmp(cap_out, "Usage: vnetscope latency [--direction ",
		       38), "usage: %.60s", cap_out);
	CHECK(!strstr(cap_out, "--dev"), "--dev in latency --help");

	/* the VM path: needs the physical port, refused before the kernel */
	ret = run(run_latency_parse, "latency", "--vm-interface", "vnet0",
		  NULL);
	CHECK_INT(ret, -1);
	CHECK_STR(a->cfg.vm, "vnet0");
	ret = run(cmd_latency, "latency", "--vm-interface", "vnet0", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: --vm-interface: the VM path needs the physical port too (phy=, --phy-interface)\n");

	/* enable: which collector takes what, all before the kernel */
	ret = run(cmd_enable, "enable", "latency", "dir=up", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: invalid dir 'up': expected rx, tx or both\n");
	ret = run(cmd_enable, "enable", "latency", "vm=vnet0", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: vm=: the VM path needs the physical port too (phy=, --phy-interface)\n");
	ret = run(cmd_enable, "enable", "irqoff", "phy=eth0", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: phy=, vm=, dir= and stage_threshold= apply to the latency collector only, not irqoff\n");
	ret = run(cmd_enable, "enable", "irqoff", "stage_threshold=5ms", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: phy=, vm=, dir= and stage_threshold= apply to the latency collector only, not irqoff\n");
	ret = run(cmd_enable, "enable", "latency", "period=5ms", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: period= applies to the irqoff collector only, not latency\n");
	ret = run(cmd_enable, "enable", "timers", "threshold=5ms", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: unexpected argument 'threshold=5ms' (only irqoff and latency take settings)\n");
	ret = run(cmd_enable, "enable", "latency", "stage_threshold=0", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: invalid stage_threshold '0': expected a duration from 1ms to 10s, e.g. 5ms (units ns, us, ms, s; no unit: ms)\n");
	ret = run(cmd_enable, "enable", "drops", "dir=rx", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: unexpected argument 'dir=rx' (only irqoff and latency take settings)\n");
	ret = run(cmd_enable, "enable", "latency", "--dev", "eth0", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: --dev applies to the drops collector only, not latency\n");
	ret = run(cmd_enable, "enable", "timers", "--proto", "udp", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: filter options apply to the drops and latency collectors only, not timers\n");
	ret = run(cmd_enable, "enable", "nosuch", NULL);
	CHECK_INT(ret, VNS_EXIT_USAGE);
	CHECK_STR(cap_out,
		  "vnetscope: unknown collector 'nosuch' (known: drops, softirqs, timers, irqoff, latency)\n");
}

/* One VNS_CMD_LATENCY_GET message: a pair (@to != 0) or a direction */
static int add_lat(struct vns_stage_lats *l, u8 kind, u8 from, u8 to,
		   u8 dir, u64 sum, u64 max, const u64 *buckets, int n)
{
	struct nlattr *tb[VNS_A_MAX + 1], *nest;
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	nest = nla_nest_start(msg, VNS_A_LATENCY);
	nla_put_u8(msg, VNS_LATENCY_A_KIND, kind);
	if (kind == VNS_LATENCY_PAIR) {
		nla_put_u8(msg, VNS_LATENCY_A_FROM, from);
		nla_put_u8(msg, VNS_LATENCY_A_TO, to);
	} else {
		nla_put_u8(msg, VNS_LATENCY_A_DIR, dir);
	}
	put_hist(msg, VNS_LATENCY_A_HIST, sum, max, buckets, n);
	nla_nest_end(msg, nest);
	msg_tb(msg, tb);
	ret = vns_stage_lats_add(l, tb[VNS_A_LATENCY]);
	nlmsg_free(msg);
	return ret;
}

/* 10 packets through a 20 ms netem delay; 100 from IP_OUT, spread */
static const u64 lb_qdisc[15] = { [14] = 10 };
static const u64 lb_ipout[11] = { [3] = 90, [5] = 9, [10] = 1 };
static const u64 lb_tx[16] = { [14] = 9, [15] = 1 };

/* A read: IP_OUT -> QDISC_ENQ, QDISC_ENQ -> QDISC_DEQ, rx (none), tx */
static void latency_read(struct vns_stage_lats *l, u64 more)
{
	u64 q[15], t[16];

	memcpy(q, lb_qdisc, sizeof(q));
	memcpy(t, lb_tx, sizeof(t));
	q[14] += more;
	t[14] += more;
	memset(l, 0, sizeof(*l));
	CHECK_INT(add_lat(l, VNS_LATENCY_PAIR, VNS_STAGE_IP_OUT,
			  VNS_STAGE_QDISC_ENQ, 0, 1500, 1500, lb_ipout, 11), 0);
	CHECK_INT(add_lat(l, VNS_LATENCY_PAIR, VNS_STAGE_QDISC_ENQ,
			  VNS_STAGE_QDISC_DEQ, 0, 201000 + more * 20000, 20112,
			  q, 15), 0);
	CHECK_INT(add_lat(l, VNS_LATENCY_TOTAL, 0, 0, VNS_DIR_RX, 0, 0, NULL,
			  0), 0);
	CHECK_INT(add_lat(l, VNS_LATENCY_TOTAL, 0, 0, VNS_DIR_TX,
			  240000 + more * 20000, 40000, t, 16), 0);
	l->has[VNS_LSUM_TRACKED] = true;
	l->sum[VNS_LSUM_TRACKED] = 112 + more;
	l->has[VNS_LSUM_COMPLETED] = true;
	l->sum[VNS_LSUM_COMPLETED] = 110 + more;
	l->has[VNS_LSUM_INCOMPLETE] = true;
	l->sum[VNS_LSUM_INCOMPLETE] = 1;
	l->has[VNS_LSUM_LOST] = true;
	l->sum[VNS_LSUM_LOST] = 0;
	l->has[VNS_LSUM_BUSY] = true;
	l->sum[VNS_LSUM_BUSY] = 3;
}

#define HIST_HEAD \
	"     usecs               : count     distribution\n"
#define HIST_ZEROS_0_13							\
	"         0 -> 1          : 0        |                                        |\n" \
	"         2 -> 3          : 0        |                                        |\n" \
	"         4 -> 7          : 0        |                                        |\n" \
	"         8 -> 15         : 0        |                                        |\n" \
	"        16 -> 31         : 0        |                                        |\n" \
	"        32 -> 63         : 0        |                                        |\n" \
	"        64 -> 127        : 0        |                                        |\n" \
	"       128 -> 255        : 0        |                                        |\n" \
	"       256 -> 511        : 0        |                                        |\n" \
	"       512 -> 1023       : 0        |                                        |\n" \
	"      1024 -> 2047       : 0        |                                        |\n" \
	"      2048 -> 4095       : 0        |                                        |\n" \
	"      4096 -> 8191       : 0        |                                        |\n" \
	"      8192 -> 16383      : 0        |                                        |\n"

static void test_latency_dump(void)
{
	struct nlattr *tb[VNS_A_MAX + 1], *nest;
	struct vns_stage_lats l, one;
	struct nl_msg *msg;
	char buf[16];
	FILE *f;

	latency_read(&l, 0);
	CHECK_INT(l.n, 4);
	if (l.n != 4)
		goto out;
	CHECK(l.v[0].kind == VNS_LATENCY_PAIR &&
	      l.v[0].from == VNS_STAGE_IP_OUT &&
	      l.v[0].to == VNS_STAGE_QDISC_ENQ && l.v[0].hist.count == 100 &&
	      l.v[0].hist.buckets[3] == 90 && l.v[0].hist.max == 1500,
	      "IP_OUT -> QDISC_ENQ");
	CHECK(l.v[1].kind == VNS_LATENCY_PAIR &&
	      l.v[1].from == VNS_STAGE_QDISC_ENQ &&
	      l.v[1].to == VNS_STAGE_QDISC_DEQ && l.v[1].hist.count == 10 &&
	      l.v[1].hist.buckets[14] == 10 && l.v[1].hist.sum == 201000 &&
	      l.v[1].hist.max == 20112, "QDISC_ENQ -> QDISC_DEQ");
	CHECK(l.v[2].kind == VNS_LATENCY_TOTAL && l.v[2].dir == VNS_DIR_RX &&
	      !l.v[2].hist.count, "rx total, empty");
	CHECK(l.v[3].kind == VNS_LATENCY_TOTAL && l.v[3].dir == VNS_DIR_TX &&
	      l.v[3].hist.count == 10 && l.v[3].hist.buckets[15] == 1,
	      "tx total");
	CHECK_INT(vns_hist_percentile(&l.v[0].hist, 500), 15);
	CHECK_INT(vns_hist_percentile(&l.v[0].hist, 990), 63);
	CHECK_INT(vns_hist_percentile(&l.v[0].hist, 999), 1500);

	/* a kind of a newer module is skipped; malformed records are not */
	CHECK_INT(add_lat(&l, 7, 0, 0, 1, 0, 0, NULL, 0), 0);
	CHECK_INT(l.n, 4);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LATENCY);
	nla_put_u8(msg, VNS_LATENCY_A_KIND, VNS_LATENCY_PAIR);
	nla_put_u8(msg, VNS_LATENCY_A_FROM, VNS_STAGE_IP_OUT);
	nla_nest_end(msg, nest);
	msg_tb(msg, tb);
	CHECK_INT(vns_stage_lats_add(&l, tb[VNS_A_LATENCY]), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LATENCY);
	nla_put_u8(msg, VNS_LATENCY_A_DIR, VNS_DIR_TX);
	nla_nest_end(msg, nest);
	msg_tb(msg, tb);
	CHECK_INT(vns_stage_lats_add(&l, tb[VNS_A_LATENCY]), -EBADMSG);
	nlmsg_free(msg);
	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, VNS_A_LATENCY);
	nla_put_u8(msg, VNS_LATENCY_A_KIND, VNS_LATENCY_TOTAL);
	nla_nest_end(msg, nest);
	msg_tb(msg, tb);
	CHECK_INT(vns_stage_lats_add(&l, tb[VNS_A_LATENCY]), -EBADMSG);
	nlmsg_free(msg);
	CHECK_INT(l.n, 4);

	CHECK_STR(vns_stage_str(VNS_STAGE_QDISC_ENQ, buf, sizeof(buf)),
		  "QDISC_ENQ");
	CHECK_STR(vns_stage_str(200, buf, sizeof(buf)), "STAGE_200");

	/* text: one pair, exactly */
	one = l;
	one.v = &l.v[1];
	one.n = 1;
	f = out_open();
	vns_stage_lats_print(f, &one);
	CHECK_STR(out_close(f),
		  "QDISC_ENQ -> QDISC_DEQ: count 10, p50 20112us, p90 20112us, p99 20112us, p99.9 20112us, max 20112us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 10       |****************************************|\n"
		  "\n"
		  "tracked 112, completed 110, incomplete 1, lost 0, busy 3\n");

	/* the whole read: pairs, then tx (rx had none), then counters */
	l.has[VNS_LSUM_BUSY] = false;
	f = out_open();
	vns_stage_lats_print(f, &l);
	CHECK_STR(out_close(f),
		  "IP_OUT -> QDISC_ENQ: count 100, p50 15us, p90 15us, p99 63us, p99.9 1500us, max 1500us\n"
		  HIST_HEAD
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 90       |****************************************|\n"
		  "        16 -> 31         : 0        |                                        |\n"
		  "        32 -> 63         : 9        |****                                    |\n"
		  "        64 -> 127        : 0        |                                        |\n"
		  "       128 -> 255        : 0        |                                        |\n"
		  "       256 -> 511        : 0        |                                        |\n"
		  "       512 -> 1023       : 0        |                                        |\n"
		  "      1024 -> 2047       : 1        |                                        |\n"
		  "\n"
		  "QDISC_ENQ -> QDISC_DEQ: count 10, p50 20112us, p90 20112us, p99 20112us, p99.9 20112us, max 20112us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 10       |****************************************|\n"
		  "\n"
		  "end to end (tx): count 10, p50 32767us, p90 32767us, p99 40000us, p99.9 40000us, max 40000us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 9        |****************************************|\n"
		  "     32768 -> 65535      : 1        |****                                    |\n"
		  "\n"
		  "tracked 112, completed 110, incomplete 1, lost 0, busy -\n");

	/* JSON: the same records, the same selection */
	CHECK_STR(json_str(vns_stage_lats_json(&l)),
		  "{\"stages\":["
		  "{\"from\":\"IP_OUT\",\"to\":\"QDISC_ENQ\",\"count\":100,"
		  "\"sum_us\":1500,\"max_us\":1500,\"p50_us\":15,\"p90_us\":15,"
		  "\"p99_us\":63,\"p999_us\":1500,\"buckets\":["
		  "{\"low_us\":8,\"high_us\":15,\"count\":90},"
		  "{\"low_us\":32,\"high_us\":63,\"count\":9},"
		  "{\"low_us\":1024,\"high_us\":2047,\"count\":1}]},"
		  "{\"from\":\"QDISC_ENQ\",\"to\":\"QDISC_DEQ\",\"count\":10,"
		  "\"sum_us\":201000,\"max_us\":20112,\"p50_us\":20112,"
		  "\"p90_us\":20112,\"p99_us\":20112,\"p999_us\":20112,"
		  "\"buckets\":[{\"low_us\":16384,\"high_us\":32767,"
		  "\"count\":10}]}],"
		  "\"totals\":[{\"dir\":\"tx\",\"count\":10,\"sum_us\":240000,"
		  "\"max_us\":40000,\"p50_us\":32767,\"p90_us\":32767,"
		  "\"p99_us\":40000,\"p999_us\":40000,\"buckets\":["
		  "{\"low_us\":16384,\"high_us\":32767,\"count\":9},"
		  "{\"low_us\":32768,\"high_us\":65535,\"count\":1}]}],"
		  "\"tracked\":112,\"completed\":110,\"incomplete\":1,"
		  "\"lost\":0,\"busy\":null}");

	/* nothing measured */
	vns_stage_lats_free(&l);
	vns_stage_lats_counters(&l, NULL);
	f = out_open();
	vns_stage_lats_print(f, &l);
	CHECK_STR(out_close(f),
		  "no latency data\n"
		  "tracked -, completed -, incomplete -, lost -, busy -\n");
	CHECK_STR(json_str(vns_stage_lats_json(&l)),
		  "{\"stages\":[],\"totals\":[],\"tracked\":null,"
		  "\"completed\":null,\"incomplete\":null,\"lost\":null,"
		  "\"busy\":null}");
out:
	vns_stage_lats_free(&l);
}

static void test_latency_delta(void)
{
	static const u64 lb_new[5] = { [4] = 2 };
	struct vns_stage_lats prev, cur, d;
	FILE *f;

	/* 5 more packets through the qdisc, none elsewhere, a new pair */
	latency_read(&prev, 0);
	latency_read(&cur, 5);
	CHECK_INT(add_lat(&cur, VNS_LATENCY_PAIR, VNS_STAGE_QDISC_DEQ,
			  VNS_STAGE_TX_QUEUE, 0, 40, 20, lb_new, 5), 0);
	cur.sum[VNS_LSUM_INCOMPLETE] = 0;	/* went down: a reset */
	CHECK_INT(vns_stage_lats_dup(&d, &cur), 0);
	vns_stage_lats_delta(&d, &prev);
	CHECK_INT(d.n, 5);
	if (d.n != 5)
		goto out;
	CHECK(d.v[0].hist.count == 0 && !d.v[0].max_bound, "no growth");
	CHECK(d.v[1].hist.count == 5 && d.v[1].hist.buckets[14] == 5 &&
	      d.v[1].hist.sum == 100000 && d.v[1].hist.max == 20112 &&
	      d.v[1].max_bound, "qdisc growth, max a bound");
	CHECK(d.v[4].hist.count == 2 && d.v[4].hist.max == 20 &&
	      !d.v[4].max_bound, "a new pair counts whole");
	CHECK(d.sum[VNS_LSUM_TRACKED] == 5 && d.sum[VNS_LSUM_COMPLETED] == 5 &&
	      d.sum[VNS_LSUM_INCOMPLETE] == 0 && d.sum[VNS_LSUM_BUSY] == 0,
	      "counter growth");
	CHECK(cur.v[1].hist.count == 15, "the read itself is left alone");

	f = out_open();
	vns_stage_lats_print(f, &d);
	CHECK_STR(out_close(f),
		  "QDISC_ENQ -> QDISC_DEQ: count 5, p50 20112us, p90 20112us, p99 20112us, p99.9 20112us, max <=20112us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 5        |****************************************|\n"
		  "\n"
		  "QDISC_DEQ -> TX_QUEUE: count 2, p50 20us, p90 20us, p99 20us, p99.9 20us, max 20us\n"
		  HIST_HEAD
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 0        |                                        |\n"
		  "         8 -> 15         : 0        |                                        |\n"
		  "        16 -> 31         : 2        |****************************************|\n"
		  "\n"
		  "end to end (tx): count 5, p50 32767us, p90 32767us, p99 32767us, p99.9 32767us, max <=32767us\n"
		  HIST_HEAD
		  HIST_ZEROS_0_13
		  "     16384 -> 32767      : 5        |****************************************|\n"
		  "\n"
		  "tracked 5, completed 5, incomplete 0, lost 0, busy 0\n");
	/* the bound shows in JSON too */
	d.n = 2;
	d.v[0] = d.v[1];
	d.v[1] = d.v[4];
	CHECK_STR(json_str(vns_stage_lats_json(&d)),
		  "{\"stages\":["
		  "{\"from\":\"QDISC_ENQ\",\"to\":\"QDISC_DEQ\",\"count\":5,"
		  "\"sum_us\":100000,\"max_us\":20112,\"p50_us\":20112,"
		  "\"p90_us\":20112,\"p99_us\":20112,\"p999_us\":20112,"
		  "\"buckets\":[{\"low_us\":16384,\"high_us\":32767,"
		  "\"count\":5}],\"max_bound\":true},"
		  "{\"from\":\"QDISC_DEQ\",\"to\":\"TX_QUEUE\",\"count\":2,"
		  "\"sum_us\":40,\"max_us\":20,\"p50_us\":20,\"p90_us\":20,"
		  "\"p99_us\":20,\"p999_us\":20,\"buckets\":[{\"low_us\":16,"
		  "\"high_us\":31,\"count\":2}]}],"
		  "\"totals\":[],\"tracked\":5,\"completed\":5,"
		  "\"incomplete\":0,\"lost\":0,\"busy\":0}");
out:
	vns_stage_lats_free(&d);
	vns_stage_lats_free(&cur);
	vns_stage_lats_free(&prev);
}

/* ------------------------------------------------------------------ util */

static void test_util(void)
{
	char buf[32];
	double s = 0;
	u64 v = 0;
	int *arr = NULL;
	bool ok = true;
	size_t i;

	CHECK_INT(vns_parse_u64("10", 1, 100, &v), 0);
	CHECK_INT(v, 10);
	CHECK_INT(vns_parse_u64("0", 1, 100, &v), -1);
	CHECK_INT(vns_parse_u64("101", 1, 100, &v), -1);
	CHECK_INT(vns_parse_u64("-1", 0, UINT64_MAX, &v), -1);
	CHECK_INT(vns_parse_u64(" 1", 0, 100, &v), -1);
	CHECK_INT(vns_parse_u64("1 ", 0, 100, &v), -1);
	CHECK_INT(vns_parse_u64("", 0, 100, &v), -1);
	CHECK_INT(vns_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX, "u64 max");
	CHECK_INT(vns_parse_u64("18446744073709551616", 0, UINT64_MAX, &v),
		  -1);

	CHECK_INT(vns_parse_seconds("0.5", &s), 0);
	CHECK(s == 0.5, "0.5 s");
	CHECK_INT(vns_parse_seconds("2", &s), 0);
	CHECK_INT(vns_parse_seconds(".25", &s), 0);
	CHECK(s == 0.25, ".25 s");
	CHECK_INT(vns_parse_seconds("0", &s), -1);
	CHECK_INT(vns_parse_seconds("-1", &s), -1);
	CHECK_INT(vns_parse_seconds("nan", &s), -1);
	CHECK_INT(vns_parse_seconds("inf", &s), -1);
	CHECK_INT(vns_parse_seconds("1e9", &s), -1);
	CHECK_INT(vns_parse_seconds("1s", &s), -1);
	CHECK_INT(vns_parse_seconds("", &s), -1);

	CHECK_STR(vns_bytes_str(0, buf, sizeof(buf)), "0 B");
	CHECK_STR(vns_bytes_str(1023, buf, sizeof(buf)), "1023 B");
	CHECK_STR(vns_bytes_str(1024, buf, sizeof(buf)), "1.0 KiB");
	CHECK_STR(vns_bytes_str(1258291, buf, sizeof(buf)), "1.2 MiB");
	CHECK_STR(vns_bytes_str(3ULL << 30, buf, sizeof(buf)), "3.0 GiB");
	CHECK_STR(vns_bytes_str(5ULL << 40, buf, sizeof(buf)), "5.0 TiB");

	for (i = 0; i < 1000; i++) {
		if (vns_grow(&arr, i, sizeof(*arr))) {
			ok = false;
			break;
		}
		arr[i] = (int)i;
	}
	for (i = 0; ok && i < 1000; i++)
		ok = arr[i] == (int)i;
	CHECK(ok, "vns_grow keeps elements");
	free(arr);
}

/* ---------------------------------------------------- latency --details */

/* A line from the 4.19 VM run (tests/vm/scenarios/91-details.sh) */
static const char ev_line[] =
	"ts_ns=34200598210 cpu=1 dir=tx family=ipv4 proto=icmp src=10.20.0.1 dst=10.20.0.3 type=8 code=0 ip_id=3066 l4=0x04510001 total_us=22198 why=total slow=QDISC_ENQ->QDISC_DEQ slow_us=20174 pid=0 comm=swapper/1 hops=6 hop1=IP_OUT,va,1,0,0 hop2=PHY_QUEUE,va,1,319040,319040 hop3=QDISC_ENQ,va,1,1756180,1437140 hop4=QDISC_DEQ,va,1,21930440,20174260 hop5=TX_QUEUE,va,1,21994420,63980 hop6=TX_XMIT,va,1,22198110,203690\n";

static const char ev_line6[] =
	"ts_ns=5000000123456 cpu=0 dir=rx family=ipv6 proto=udp src=2001:db8::1 dst=2001:db8::2 sport=40000 dport=53 ip_id=0 l4=0xdeadBEEF total_us=1 why=total,stage slow=- slow_us=0 pid=4242 comm=a_b hops=2 hop1=PHY_RX,eth0,3,0,0 hop2=STAGE_99,-,0,1500,1500 future=1 x=";

/* @line with the word starting with @key replaced by @word ("": gone) */
static char *ev_edit(const char *line, const char *key, const char *word)
{
	static char buf[2048];
	char in[2048];
	const char *p, *end;

	snprintf(in, sizeof(in), "%s", line);
	line = in;
	p = strstr(line, key);
	if (!p)
		return buf;
	end = strchr(p, ' ');
	if (!end)
		end = p + strlen(p);
	else if (!*word)
		end++;
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - line), line, word,
		 end);
	return buf;
}

static void test_event_parse(void)
{
	static const u8 a1[4] = { 10, 20, 0, 1 }, a3[4] = { 10, 20, 0, 3 };
	static const struct {
		const char *key, *word, *msg;
	} bad[] = {
		{ "ts_ns=", "ts_ns=12x", "bad ts_ns '12x'" },
		{ "ts_ns=", "ts_ns=-1", "bad ts_ns '-1'" },
		{ "cpu=", "cpu=4294967296", "bad cpu '4294967296'" },
		{ "dir=", "dir=up", "bad dir 'up'" },
		{ "family=", "family=ipv5", "bad family 'ipv5'" },
		{ "proto=", "proto=bogus", "bad proto 'bogus'" },
		{ "src=", "src=10.20.0.300", "bad src '10.20.0.300'" },
		{ "dst=", "dst=2001:db8::1", "bad dst '2001:db8::1'" },
		{ "type=", "type=256", "bad type '256'" },
		{ "l4=", "l4=04510001", "bad l4 '04510001'" },
		{ "l4=", "l4=0x", "bad l4 '0x'" },
		{ "l4=", "l4=0x123456789", "bad l4 '0x123456789'" },
		{ "l4=", "l4=0xg", "bad l4 '0xg'" },
		{ "total_us=", "total_us=", "bad total_us ''" },
		{ "why=", "why=slow", "bad why 'slow'" },
		{ "slow=", "slow=QDISC_ENQ-QDISC_DEQ", "bad slow 'QDISC_ENQ-QDISC_DEQ'" },
		{ "slow=", "slow=->QDISC_DEQ", "bad slow '->QDISC_DEQ'" },
		{ "slow=", "slow=qdisc->x", "bad slow 'qdisc->x'" },
		{ "comm=", "comm=", "bad comm ''" },
		{ "comm=", "comm=0123456789abcdefg", "bad comm '0123456789abcdefg'" },
		{ "hops=", "hops=33", "bad hops '33'" },
		{ "hops=", "hops=5", "hops=5 but hop6 is there" },
		{ "hops=", "hops=7", "hops=7 but hop7 is missing" },
		{ "hop3=", "", "hops=6 but hop3 is missing" },
		{ "hop2=", "hop2=PHY_QUEUE,va,1,319040", "bad hop2 'PHY_QUEUE,va,1,319040'" },
		{ "hop2=", "hop2=PHY_QUEUE,va,1,3,4,5", "bad hop2 'PHY_QUEUE,va,1,3,4,5'" },
		{ "hop2=", "hop2=PHY_QUEUE,,1,3,4", "bad hop2 'PHY_QUEUE,,1,3,4'" },
		{ "hop2=", "hop2=PHY_QUEUE,va,x,3,4", "bad hop2 'PHY_QUEUE,va,x,3,4'" },
		{ "hop2=", "hop2=phy,va,1,3,4", "bad hop2 'phy,va,1,3,4'" },
		{ "hop2=", "hop33=IP_OUT,va,1,0,0", "bad hop33 'IP_OUT,va,1,0,0'" },
		{ "hop2=", "hop0=IP_OUT,va,1,0,0", "bad hop0 'IP_OUT,va,1,0,0'" },
		{ "pid=", "pid", "'pid' is not key=value" },
		{ "pid=", "=0", "'=0' is not key=value" },
		{ "ts_ns=", "", "no ts_ns (a truncated line?)" },
		{ "why=", "", "no why (a truncated line?)" },
		{ "hops=", "", "no hops (a truncated line?)" },
	};
	struct vns_event e;
	char msg[160];
	size_t i;
	u8 v6[16];

	CHECK_INT(vns_event_parse(ev_line, &e, msg, sizeof(msg)), 0);
	CHECK(e.ts_ns == 34200598210ULL && e.cpu == 1 &&
	      e.dir == VNS_DIR_TX && e.family == VNS_AF_INET &&
	      e.proto == 1 && !memcmp(e.src, a1, 4) && !memcmp(e.dst, a3, 4),
	      "head of the line");
	CHECK(e.has_icmp && !e.has_ports && e.icmp_type == 8 &&
	      e.icmp_code == 0 && e.ip_id == 3066 && e.l4 == 0x04510001 &&
	      e.total_us == 22198 && e.why == VNS_EV_WHY_TOTAL, "flow, id");
	CHECK(e.has_slow && e.slow_us == 20174 && e.pid == 0, "slow");
	CHECK_STR(e.slow_from, "QDISC_ENQ");
	CHECK_STR(e.slow_to, "QDISC_DEQ");
	CHECK_STR(e.comm, "swapper/1");
	CHECK_INT(e.nr_hops, 6);
	CHECK_STR(e.hop[0].stage, "IP_OUT");
	CHECK_STR(e.hop[5].stage, "TX_XMIT");
	CHECK_STR(e.hop[3].dev, "va");
	CHECK(e.hop[3].cpu == 1 && e.hop[3].offset_ns == 21930440 &&
	      e.hop[3].delta_ns == 20174260, "hop4");

	/* IPv6, ports, no '\n', unknown keys skipped, slow=-, dev - */
	CHECK_INT(vns_event_parse(ev_line6, &e, msg, sizeof(msg)), 0);
	inet_pton(AF_INET6, "2001:db8::2", v6);
	CHECK(e.family == VNS_AF_INET6 && e.proto == 17 && e.has_ports &&
	      !e.has_icmp && e.sport == 40000 && e.dport == 53 &&
	      !memcmp(e.dst, v6, 16) && e.dir == VNS_DIR_RX, "IPv6 UDP");
	CHECK(e.l4 == 0xdeadbeef && e.why == 3 && !e.has_slow && e.pid == 4242,
	      "l4, why, slow -");
	CHECK(e.nr_hops == 2 && !e.hop[1].dev[0] && e.hop[0].cpu == 3,
	      "hops");
	CHECK_STR(e.hop[1].stage, "STAGE_99");
	/* hops=0 */
	CHECK_INT(vns_event_parse(ev_edit(ev_edit(ev_line6, "hop1=", ""),
					  "hop2=", ""), &e, msg, sizeof(msg)),
		  -1);
	CHECK_STR(msg, "hops=2 but hop1 is missing");
	CHECK_INT(vns_event_parse(ev_edit(ev_edit(ev_edit(ev_line6, "hop1=",
							  ""), "hop2=", ""),
					  "hops=", "hops=0"), &e, msg,
				  sizeof(msg)), 0);
	CHECK_INT(e.nr_hops, 0);

	for (i = 0; i < VNS_ARRAY_SIZE(bad); i++) {
		const char *l = ev_edit(ev_line, bad[i].key, bad[i].word);

		msg[0] = '\0';
		CHECK(strstr(ev_line, bad[i].key) &&
		      vns_event_parse(l, &e, msg, sizeof(msg)) == -1,
		      "accepted: %s", bad[i].word);
		CHECK_STR(msg, bad[i].msg);
	}
	/* cut anywhere: an error, never a crash (ASan) */
	for (i = 0; i + 1 < sizeof(ev_line) - 1; i++) {
		char *cut = strndup(ev_line, i);
		int r = vns_event_parse(cut, &e, msg, sizeof(msg));

		/* only a cut inside the last number still parses */
		if (r == 0 && i < sizeof(ev_line) - 8)
			CHECK(0, "a line cut at %zu parsed", i);
		free(cut);
	}
	CHECK_INT(vns_event_parse("", &e, msg, sizeof(msg)), -1);
	CHECK_STR(msg, "no ts_ns (a truncated line?)");
	CHECK_INT(vns_event_parse("\n", &e, msg, sizeof(msg)), -1);
}

static void test_event_print(void)
{
	struct vns_event e;
	struct json_object *o;
	char msg[160];
	FILE *f;

	CHECK_INT(vns_event_parse(ev_line, &e, msg, sizeof(msg)), 0);
	f = out_open();
	vns_event_print(f, &e, 0);
	CHECK_STR(out_close(f),
		  "34.200598 cpu1 tx icmp 10.20.0.1 -> 10.20.0.3 type 8 code 0 id 0xbfa l4 0x04510001  total 22.198 ms (end to end)  slowest QDISC_ENQ -> QDISC_DEQ 20.174 ms, pid 0 swapper/1\n"
		  "    IP_OUT               va              cpu1   +0.000 ms\n"
		  "    PHY_QUEUE            va              cpu1   +0.319 ms  (0.319)\n"
		  "    QDISC_ENQ            va              cpu1   +1.756 ms  (1.437)\n"
		  "    QDISC_DEQ            va              cpu1   +21.930 ms  (20.174)\n"
		  "    TX_QUEUE             va              cpu1   +21.994 ms  (0.064)\n"
		  "    TX_XMIT              va              cpu1   +22.198 ms  (0.204)\n");
	o = vns_event_json(&e);
	f = out_open();
	vns_json_print(f, o);
	CHECK_STR(out_close(f),
		  "{\"ts_ns\":34200598210,\"cpu\":1,\"dir\":\"tx\",\"flow\":{\"family\":\"ipv4\",\"proto\":\"icmp\",\"src\":\"10.20.0.1\",\"dst\":\"10.20.0.3\",\"type\":8,\"code\":0},\"ip_id\":3066,\"l4\":72417281,\"total_us\":22198,\"why\":[\"total\"],\"slow\":{\"from\":\"QDISC_ENQ\",\"to\":\"QDISC_DEQ\",\"us\":20174,\"pid\":0,\"comm\":\"swapper/1\"},\"hops\":[{\"stage\":\"IP_OUT\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":0,\"delta_ns\":0},{\"stage\":\"PHY_QUEUE\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":319040,\"delta_ns\":319040},{\"stage\":\"QDISC_ENQ\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":1756180,\"delta_ns\":1437140},{\"stage\":\"QDISC_DEQ\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":21930440,\"delta_ns\":20174260},{\"stage\":\"TX_QUEUE\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":21994420,\"delta_ns\":63980},{\"stage\":\"TX_XMIT\",\"dev\":\"va\",\"cpu\":1,\"offset_ns\":22198110,\"delta_ns\":203690}]}\n");

	CHECK_INT(vns_event_parse(ev_line6, &e, msg, sizeof(msg)), 0);
	f = out_open();
	vns_event_print(f, &e, 0);
	CHECK_STR(out_close(f),
		  "5000.000123 cpu0 rx udp [2001:db8::1]:40000 -> [2001:db8::2]:53 id 0x0 l4 0xdeadbeef  total 0.001 ms (end to end, one stage)\n"
		  "    PHY_RX               eth0            cpu3   +0.000 ms\n"
		  "    STAGE_99             -               cpu0   +0.002 ms  (0.002)\n");
	o = vns_event_json(&e);
	f = out_open();
	vns_json_print(f, o);
	CHECK_STR(out_close(f),
		  "{\"ts_ns\":5000000123456,\"cpu\":0,\"dir\":\"rx\",\"flow\":{\"family\":\"ipv6\",\"proto\":\"udp\",\"src\":\"2001:db8::1\",\"dst\":\"2001:db8::2\",\"sport\":40000,\"dport\":53},\"ip_id\":0,\"l4\":3735928559,\"total_us\":1,\"why\":[\"total\",\"stage\"],\"slow\":{\"from\":null,\"to\":null,\"us\":0,\"pid\":4242,\"comm\":\"a_b\"},\"hops\":[{\"stage\":\"PHY_RX\",\"dev\":\"eth0\",\"cpu\":3,\"offset_ns\":0,\"delta_ns\":0},{\"stage\":\"STAGE_99\",\"dev\":null,\"cpu\":0,\"offset_ns\":1500,\"delta_ns\":1500}]}\n");
}

int main(void)
{
	f_udp = ports(flow(VNS_AF_INET, 17, "127.0.0.1", "127.0.0.1"), 40000,
		      9);
	f_icmp = icmp(flow(VNS_AF_INET, 1, "10.0.0.1", "10.0.0.2"), 8, 0);
	f_tcp6 = ports(flow(VNS_AF_INET6, 6, "2001:db8::1", "2001:db8::2"),
		       40000, 22);

	test_filter_addr();
	test_filter_addr_errors();
	test_filter_ports();
	test_filter_proto_dev();
	test_filter_check();
	test_filter_format();
	test_filter_netlink();
	test_flow_format();
	test_drop_parse_print();
	test_drop_delta();
	test_drop_delta_many();
	test_util();
	test_duration();
	test_dur_str();
	test_config();
	test_hist();
	test_softirqs();
	test_timers();
	test_irqoff();
	test_latency_config();
	test_latency_args();
	test_latency_dump();
	test_latency_delta();
	test_event_parse();
	test_event_print();
	free(memout_buf);

	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

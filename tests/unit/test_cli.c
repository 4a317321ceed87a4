// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: filter option
 * parsing and formatting, netlink attribute round trips built with libnl,
 * flow and drop formatting, deltas between two reads of the drop table.
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "drops.h"
#include "filter.h"
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

	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

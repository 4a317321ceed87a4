// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "filter.h"
#include "print.h"
#include "util.h"

/* The filter options and the codec's keys they set */
static const struct {
	const char *opt;
	const char *key;
} vns_filter_keys[] = {
	{ "src-ip", "src" }, { "dst-ip", "dst" }, { "proto", "proto" },
	{ "sport", "sport" }, { "dport", "dport" }, { "dev", "dev" },
};

int vns_filter_parse_opt(struct vns_filter *f, const char *opt,
			 const char *val, char *err, size_t errlen)
{
	const char *key = NULL, *why;
	char word[256];
	size_t i;
	int ret;

	for (i = 0; i < VNS_ARRAY_SIZE(vns_filter_keys); i++)
		if (!strcmp(opt, vns_filter_keys[i].opt))
			key = vns_filter_keys[i].key;
	if (!key) {
		snprintf(err, errlen, "unknown filter option '--%s'", opt);
		return -1;
	}
	if ((size_t)snprintf(word, sizeof(word), "%s=%s", key, val) >=
	    sizeof(word))
		ret = -1, why = VNS_FILTER_ERR_ADDR;
	else
		ret = vns_filter_parse_word(f, word, &why);
	if (!ret)
		return 0;
	/* the codec's reason, in the words of the option */
	if (!strcmp(why, VNS_FILTER_ERR_PREFIX4) ||
	    !strcmp(why, VNS_FILTER_ERR_PREFIX6))
		snprintf(err, errlen,
			 "invalid prefix length '%s' for %s address",
			 strchr(val, '/'),
			 !strcmp(why, VNS_FILTER_ERR_PREFIX4) ? "IPv4" : "IPv6");
	else if (!strcmp(why, VNS_FILTER_ERR_PROTO))
		snprintf(err, errlen,
			 "unknown protocol '%s' (expected tcp, udp, icmp, icmp6 or a number 1-255)",
			 val);
	else if (!strcmp(why, VNS_FILTER_ERR_PORT))
		snprintf(err, errlen,
			 "invalid --%s '%s': expected a port 0-65535", opt, val);
	else if (!strcmp(why, VNS_FILTER_ERR_DEV_LONG))
		snprintf(err, errlen,
			 "interface name '%s' is longer than %d characters",
			 val, VNS_IFNAMSIZ - 1);
	else if (!strcmp(why, VNS_FILTER_ERR_DEV))
		snprintf(err, errlen,
			 "invalid --dev '%s': not an interface name", val);
	else
		snprintf(err, errlen, "invalid --%s '%s'", opt, val);
	return -1;
}

int vns_filter_check(const struct vns_filter *f, char *err, size_t errlen)
{
	u8 family = f->src_family ? f->src_family : f->dst_family;
	const char *name;
	char num[4];

	snprintf(num, sizeof(num), "%u", f->proto);
	if (f->src_family && f->dst_family && f->src_family != f->dst_family) {
		snprintf(err, errlen,
			 "--src-ip and --dst-ip are of different address families");
		return -1;
	}
	if ((f->has_sport || f->has_dport) && f->proto &&
	    !vns_proto_has_ports(f->proto)) {
		name = vns_proto_name(f->proto);
		snprintf(err, errlen,
			 "--%s needs a protocol with ports (tcp, udp, sctp or udplite), not %s%s",
			 f->has_sport ? "sport" : "dport",
			 name ? "" : "protocol ", name ? name : num);
		return -1;
	}
	if (f->proto == VNS_IPPROTO_ICMP && family == VNS_AF_INET6) {
		snprintf(err, errlen,
			 "--proto icmp never matches IPv6 addresses (use icmp6)");
		return -1;
	}
	if (f->proto == VNS_IPPROTO_ICMPV6 && family == VNS_AF_INET) {
		snprintf(err, errlen,
			 "--proto icmp6 never matches IPv4 addresses (use icmp)");
		return -1;
	}
	return 0;
}

static const struct nla_policy vns_filter_policy[VNS_FILTER_A_MAX + 1] = {
	[VNS_FILTER_A_SRC] = { .minlen = 4, .maxlen = 16 },
	[VNS_FILTER_A_SRC_PREFIX] = { .type = NLA_U8 },
	[VNS_FILTER_A_DST] = { .minlen = 4, .maxlen = 16 },
	[VNS_FILTER_A_DST_PREFIX] = { .type = NLA_U8 },
	[VNS_FILTER_A_PROTO] = { .type = NLA_U8 },
	[VNS_FILTER_A_SPORT] = { .type = NLA_U16 },
	[VNS_FILTER_A_DPORT] = { .type = NLA_U16 },
	[VNS_FILTER_A_DEV] = { .type = NLA_STRING, .maxlen = VNS_IFNAME_MAX },
};

int vns_filter_from_nest(struct vns_filter *f, struct nlattr *nest)
{
	struct nlattr *tb[VNS_FILTER_A_MAX + 1];
	const char *err;
	int bad;

	memset(f, 0, sizeof(*f));
	if (nla_parse_nested(tb, VNS_FILTER_A_MAX, nest, vns_filter_policy) ||
	    vns_filter_get(tb, f, &err, &bad))
		return -EBADMSG;
	return 0;
}

static void vns_print_addr(const char *key, const char *pkey, u8 family,
			   const u8 *addr, u8 prefix)
{
	char a[VNS_ADDR_STR_MAX];

	vns_addr_str(family, addr, a, sizeof(a));
	print_string(PRINT_JSON, key, NULL, a);
	print_uint(PRINT_JSON, pkey, NULL, prefix);
}

void vns_filter_print_json(const struct vns_filter *f)
{
	if (f->src_family)
		vns_print_addr("src", "src_prefix", f->src_family, f->src,
			       f->src_prefix);
	if (f->dst_family)
		vns_print_addr("dst", "dst_prefix", f->dst_family, f->dst,
			       f->dst_prefix);
	if (f->proto)
		print_proto(PRINT_JSON, "proto", NULL, f->proto);
	if (f->has_sport)
		print_uint(PRINT_JSON, "sport", NULL, f->sport);
	if (f->has_dport)
		print_uint(PRINT_JSON, "dport", NULL, f->dport);
	if (f->has_dev)
		print_string(PRINT_JSON, "dev", NULL, f->dev);
}

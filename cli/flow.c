// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>

#include "uapi/linux/vnetscope.h"
#include "flow.h"
#include "util.h"

static const struct nla_policy vns_flow_policy[VNS_FLOW_A_MAX + 1] = {
	[VNS_FLOW_A_FAMILY] = { .type = NLA_U8 },
	[VNS_FLOW_A_PROTO] = { .type = NLA_U8 },
	[VNS_FLOW_A_SRC] = { .minlen = 4, .maxlen = 16 },
	[VNS_FLOW_A_DST] = { .minlen = 4, .maxlen = 16 },
	[VNS_FLOW_A_SPORT] = { .type = NLA_U16 },
	[VNS_FLOW_A_DPORT] = { .type = NLA_U16 },
	[VNS_FLOW_A_ICMP_TYPE] = { .type = NLA_U8 },
	[VNS_FLOW_A_ICMP_CODE] = { .type = NLA_U8 },
};

int vns_flow_parse(struct vns_flow_info *fi, struct nlattr *nest)
{
	struct nlattr *tb[VNS_FLOW_A_MAX + 1];
	struct vns_flow *f = &fi->key;

	memset(fi, 0, sizeof(*fi));
	if (nla_parse_nested(tb, VNS_FLOW_A_MAX, nest, vns_flow_policy) ||
	    !tb[VNS_FLOW_A_FAMILY])
		return -EBADMSG;
	f->family = nla_get_u8(tb[VNS_FLOW_A_FAMILY]);
	if (tb[VNS_FLOW_A_PROTO])
		f->proto = nla_get_u8(tb[VNS_FLOW_A_PROTO]);
	if (tb[VNS_FLOW_A_SRC])
		memcpy(f->src, nla_data(tb[VNS_FLOW_A_SRC]),
		       (size_t)nla_len(tb[VNS_FLOW_A_SRC]));
	if (tb[VNS_FLOW_A_DST])
		memcpy(f->dst, nla_data(tb[VNS_FLOW_A_DST]),
		       (size_t)nla_len(tb[VNS_FLOW_A_DST]));
	if (tb[VNS_FLOW_A_SPORT] || tb[VNS_FLOW_A_DPORT]) {
		fi->has_ports = true;
		if (tb[VNS_FLOW_A_SPORT])
			f->sport = nla_get_u16(tb[VNS_FLOW_A_SPORT]);
		if (tb[VNS_FLOW_A_DPORT])
			f->dport = nla_get_u16(tb[VNS_FLOW_A_DPORT]);
	}
	if (tb[VNS_FLOW_A_ICMP_TYPE] || tb[VNS_FLOW_A_ICMP_CODE]) {
		fi->has_icmp = true;
		if (tb[VNS_FLOW_A_ICMP_TYPE])
			f->icmp_type = nla_get_u8(tb[VNS_FLOW_A_ICMP_TYPE]);
		if (tb[VNS_FLOW_A_ICMP_CODE])
			f->icmp_code = nla_get_u8(tb[VNS_FLOW_A_ICMP_CODE]);
	}
	return 0;
}

int vns_flow_format(const struct vns_flow_info *fi, char *buf, size_t len)
{
	const struct vns_flow *f = &fi->key;
	char src[VNS_ADDR_STR_MAX], dst[VNS_ADDR_STR_MAX], proto[16];
	const char *name = vns_proto_name(f->proto);
	bool v6 = f->family == VNS_AF_INET6;
	int n;

	if (f->family != VNS_AF_INET && !v6)
		return snprintf(buf, len, "family %u", f->family);
	if (name)
		snprintf(proto, sizeof(proto), "%s", name);
	else
		snprintf(proto, sizeof(proto), "proto %u", f->proto);
	vns_addr_str(f->family, f->src, src, sizeof(src));
	vns_addr_str(f->family, f->dst, dst, sizeof(dst));
	if (fi->has_ports)
		n = snprintf(buf, len,
			     v6 ? "%s [%s]:%u -> [%s]:%u" : "%s %s:%u -> %s:%u",
			     proto, src, f->sport, dst, f->dport);
	else if (fi->has_icmp)
		n = snprintf(buf, len, "%s %s -> %s type %u code %u", proto,
			     src, dst, f->icmp_type, f->icmp_code);
	else
		n = snprintf(buf, len, "%s %s -> %s", proto, src, dst);
	return n >= 0 && (size_t)n < len ? n : -1;
}

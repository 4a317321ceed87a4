// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "filter.h"
#include "print.h"
#include "util.h"

/* "A[/N]": an IPv4 or IPv6 address with an optional prefix length */
static int vns_parse_prefix(const char *opt, const char *val, u8 *family,
			    u8 *addr, u8 *prefix, char *err, size_t errlen)
{
	char buf[VNS_ADDR_STR_MAX + 8];
	unsigned int bits, n = 0;
	const char *p;
	char *slash;
	u8 a[16];
	u8 fam;

	if (strlen(val) >= sizeof(buf))
		goto bad_addr;
	strcpy(buf, val);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		fam = VNS_AF_INET;
	else if (inet_pton(AF_INET6, buf, a) == 1)
		fam = VNS_AF_INET6;
	else
		goto bad_addr;
	bits = vns_family_bits(fam);
	if (slash) {
		for (p = slash + 1; *p >= '0' && *p <= '9' && n <= bits; p++)
			n = n * 10 + (unsigned int)(*p - '0');
		if (*p || p == slash + 1 || n > bits) {
			snprintf(err, errlen,
				 "invalid prefix length '%s' for %s address",
				 strchr(val, '/'),
				 fam == VNS_AF_INET ? "IPv4" : "IPv6");
			return -1;
		}
		bits = n;
	}
	*family = fam;
	memset(addr, 0, 16);
	memcpy(addr, a, fam == VNS_AF_INET ? 4 : 16);
	*prefix = (u8)bits;
	return 0;

bad_addr:
	snprintf(err, errlen, "invalid --%s '%s'", opt, val);
	return -1;
}

static int vns_parse_port(const char *opt, const char *val, u16 *port,
			  u8 *has, char *err, size_t errlen)
{
	int v = vns_port_parse(val);

	if (v < 0) {
		snprintf(err, errlen,
			 "invalid --%s '%s': expected a port 0-65535", opt, val);
		return -1;
	}
	*port = (u16)v;
	*has = 1;
	return 0;
}

bool vns_ifname_valid(const char *name)
{
	const char *p;

	if (strlen(name) >= VNS_IFNAMSIZ)
		return false;
	/* what the kernel's dev_valid_name() rejects */
	for (p = name; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
	return *name && strcmp(name, ".") && strcmp(name, "..");
}

static int vns_parse_dev(const char *val, struct vns_filter *f, char *err,
			 size_t errlen)
{
	if (strlen(val) >= VNS_IFNAMSIZ) {
		snprintf(err, errlen,
			 "interface name '%s' is longer than %d characters",
			 val, VNS_IFNAMSIZ - 1);
		return -1;
	}
	if (!vns_ifname_valid(val)) {
		snprintf(err, errlen,
			 "invalid --dev '%s': not an interface name", val);
		return -1;
	}
	memset(f->dev, 0, sizeof(f->dev));
	strcpy(f->dev, val);
	f->has_dev = 1;
	return 0;
}

int vns_filter_parse_opt(struct vns_filter *f, const char *opt,
			 const char *val, char *err, size_t errlen)
{
	int proto;

	if (!strcmp(opt, "src-ip"))
		return vns_parse_prefix(opt, val, &f->src_family, f->src,
					&f->src_prefix, err, errlen);
	if (!strcmp(opt, "dst-ip"))
		return vns_parse_prefix(opt, val, &f->dst_family, f->dst,
					&f->dst_prefix, err, errlen);
	if (!strcmp(opt, "sport"))
		return vns_parse_port(opt, val, &f->sport, &f->has_sport, err,
				      errlen);
	if (!strcmp(opt, "dport"))
		return vns_parse_port(opt, val, &f->dport, &f->has_dport, err,
				      errlen);
	if (!strcmp(opt, "dev"))
		return vns_parse_dev(val, f, err, errlen);
	if (!strcmp(opt, "proto")) {
		proto = vns_proto_parse(val);
		if (proto < 0) {
			snprintf(err, errlen,
				 "unknown protocol '%s' (expected tcp, udp, icmp, icmp6 or a number 1-255)",
				 val);
			return -1;
		}
		f->proto = (u8)proto;
		return 0;
	}
	snprintf(err, errlen, "unknown filter option '--%s'", opt);
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

/* Append a word to @buf, which holds @*pos characters (more if truncated) */
static void vns_word(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void vns_word(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	char word[VNS_FILTER_STR_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(word, sizeof(word), fmt, ap);
	va_end(ap);
	n = snprintf(buf + (*pos < len ? *pos : 0), *pos < len ? len - *pos : 0,
		     "%s%s", *pos ? " " : "", word);
	*pos += n > 0 ? (size_t)n : 0;
}

static void vns_word_addr(char *buf, size_t len, size_t *pos, const char *key,
			  u8 family, const u8 *addr, u8 prefix)
{
	char a[VNS_ADDR_STR_MAX];

	vns_addr_str(family, addr, a, sizeof(a));
	vns_word(buf, len, pos, "%s=%s/%u", key, a, prefix);
}

int vns_filter_format(const struct vns_filter *f, char *buf, size_t len)
{
	const char *name;
	size_t pos = 0;

	if (len)
		buf[0] = '\0';
	if (f->src_family)
		vns_word_addr(buf, len, &pos, "src", f->src_family, f->src,
			      f->src_prefix);
	if (f->dst_family)
		vns_word_addr(buf, len, &pos, "dst", f->dst_family, f->dst,
			      f->dst_prefix);
	if (f->proto) {
		name = vns_proto_name(f->proto);
		if (name)
			vns_word(buf, len, &pos, "proto=%s", name);
		else
			vns_word(buf, len, &pos, "proto=%u", f->proto);
	}
	if (f->has_sport)
		vns_word(buf, len, &pos, "sport=%u", f->sport);
	if (f->has_dport)
		vns_word(buf, len, &pos, "dport=%u", f->dport);
	if (f->has_dev)
		vns_word(buf, len, &pos, "dev=%.*s", VNS_IFNAMSIZ - 1, f->dev);
	return pos < len ? (int)pos : -1;
}

static size_t vns_addr_len(u8 family)
{
	return family == VNS_AF_INET ? 4 : 16;
}

int vns_filter_put(struct nl_msg *msg, int attr, const struct vns_filter *f)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest)
		return -ENOMEM;
	if (f->src_family &&
	    (nla_put(msg, VNS_FILTER_A_SRC, (int)vns_addr_len(f->src_family),
		     f->src) ||
	     nla_put_u8(msg, VNS_FILTER_A_SRC_PREFIX, f->src_prefix)))
		goto nomem;
	if (f->dst_family &&
	    (nla_put(msg, VNS_FILTER_A_DST, (int)vns_addr_len(f->dst_family),
		     f->dst) ||
	     nla_put_u8(msg, VNS_FILTER_A_DST_PREFIX, f->dst_prefix)))
		goto nomem;
	if (f->proto && nla_put_u8(msg, VNS_FILTER_A_PROTO, f->proto))
		goto nomem;
	if (f->has_sport && nla_put_u16(msg, VNS_FILTER_A_SPORT, f->sport))
		goto nomem;
	if (f->has_dport && nla_put_u16(msg, VNS_FILTER_A_DPORT, f->dport))
		goto nomem;
	if (f->has_dev && nla_put_string(msg, VNS_FILTER_A_DEV, f->dev))
		goto nomem;
	nla_nest_end(msg, nest);
	return 0;

nomem:
	nla_nest_cancel(msg, nest);
	return -ENOMEM;
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

static int vns_filter_addr_attr(struct nlattr *a, struct nlattr *pfx,
				u8 *family, u8 *addr, u8 *prefix)
{
	if (!a)
		return 0;
	if (nla_len(a) == 4)
		*family = VNS_AF_INET;
	else if (nla_len(a) == 16)
		*family = VNS_AF_INET6;
	else
		return -EBADMSG;
	memcpy(addr, nla_data(a), (size_t)nla_len(a));
	*prefix = pfx ? nla_get_u8(pfx) : (u8)vns_family_bits(*family);
	if (*prefix > vns_family_bits(*family))
		return -EBADMSG;
	return 0;
}

int vns_filter_from_nest(struct vns_filter *f, struct nlattr *nest)
{
	struct nlattr *tb[VNS_FILTER_A_MAX + 1];

	memset(f, 0, sizeof(*f));
	if (nla_parse_nested(tb, VNS_FILTER_A_MAX, nest, vns_filter_policy))
		return -EBADMSG;
	if (vns_filter_addr_attr(tb[VNS_FILTER_A_SRC],
				 tb[VNS_FILTER_A_SRC_PREFIX], &f->src_family,
				 f->src, &f->src_prefix) ||
	    vns_filter_addr_attr(tb[VNS_FILTER_A_DST],
				 tb[VNS_FILTER_A_DST_PREFIX], &f->dst_family,
				 f->dst, &f->dst_prefix))
		return -EBADMSG;
	if (tb[VNS_FILTER_A_PROTO])
		f->proto = nla_get_u8(tb[VNS_FILTER_A_PROTO]);
	if (tb[VNS_FILTER_A_SPORT]) {
		f->sport = nla_get_u16(tb[VNS_FILTER_A_SPORT]);
		f->has_sport = 1;
	}
	if (tb[VNS_FILTER_A_DPORT]) {
		f->dport = nla_get_u16(tb[VNS_FILTER_A_DPORT]);
		f->has_dport = 1;
	}
	if (tb[VNS_FILTER_A_DEV]) {
		strncpy(f->dev, nla_get_string(tb[VNS_FILTER_A_DEV]),
			sizeof(f->dev) - 1);
		f->has_dev = 1;
	}
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

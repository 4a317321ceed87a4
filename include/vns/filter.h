/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The filter codec, the same in the module and in user space: the words of
 * the control language ("src=10.0.0.0/8 proto=udp dport=53 dev=eth0"),
 * their text, merging, and the VNS_FILTER_A_* netlink nest.  struct
 * vns_filter and its matching are flow.h's.
 *
 * Parsers return 0, VNS_PARSE_UNKNOWN (not a key of this codec) or -1 (a
 * bad value); on VNS_PARSE_UNKNOWN and -1 *@err is one of the static
 * VNS_FILTER_ERR_* messages and the filter is unchanged.  The messages of
 * bad values name neither the key nor the value: the CLI puts them in
 * ("invalid --dport '70000': expected a port 0-65535").
 */
#ifndef _VNS_FILTER_H
#define _VNS_FILTER_H

#include "types.h"
#include "flow.h"
#include "addr.h"
#include "nla.h"
#include "../uapi/linux/vnetscope.h"

#define VNS_FILTER_ERR_UNKNOWN	"unknown filter key"
#define VNS_FILTER_ERR_ADDR	"invalid address"
#define VNS_FILTER_ERR_PREFIX4	"invalid prefix length for IPv4 address"
#define VNS_FILTER_ERR_PREFIX6	"invalid prefix length for IPv6 address"
#define VNS_FILTER_ERR_PROTO \
	"unknown protocol (expected tcp, udp, icmp, icmp6 or a number 1-255)"
#define VNS_FILTER_ERR_PORT	"expected a port 0-65535"
#define VNS_FILTER_ERR_DEV_LONG	"interface name is longer than 15 characters"
#define VNS_FILTER_ERR_DEV	"not an interface name"

/* netlink (vns_filter_get()) */
#define VNS_FILTER_ERR_NL_ADDR	"address must be 4 (IPv4) or 16 (IPv6) bytes"
#define VNS_FILTER_ERR_NL_PREFIX	"prefix length out of range"
#define VNS_FILTER_ERR_NL_NOADDR	"prefix length without an address"
#define VNS_FILTER_ERR_NL_PROTO	"protocol 0 matches nothing"
#define VNS_FILTER_ERR_NL_DEV	"empty device name"
#define VNS_FILTER_ERR_NL_DEV_LONG	"device name is longer than 15 characters"
#define VNS_FILTER_ERR_NL_DEV_NUL	"device name is not NUL-terminated"
#define VNS_FILTER_ERR_NL_SIZE	"attribute has the wrong size"

/* Longest vns_filter_format() output, with the NUL */
#define VNS_FILTER_FMT_MAX	160

/*
 * True if @name can be an interface name, as the kernel's dev_valid_name()
 * has it: 1 to 15 bytes, no '/', ':' or blank, not "." or ".."
 */
static inline bool vns_ifname_valid(const char *name)
{
	const char *p;

	if (!*name || strlen(name) >= VNS_IFNAMSIZ || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' ||
		    (*p >= '\t' && *p <= '\r'))
			return false;
	return true;
}

/*
 * @word's key (before '=') is @key.  @*val: the value, NULL without '='.
 */
static inline bool vns_word_key(const char *word, const char *key,
				const char **val)
{
	size_t n = strlen(key);

	if (strncmp(word, key, n) || (word[n] && word[n] != '='))
		return false;
	*val = word[n] ? word + n + 1 : NULL;
	return true;
}

/* Decimal digits only, at most @max; 0 or -1 */
static inline int vns_parse_uint(const char *s, unsigned int max,
				 unsigned int *out)
{
	unsigned int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* "A[/N]" into @family, @addr (16 bytes) and @prefix; 0 or -1 and @err */
static inline int vns_filter_parse_prefix(const char *val, u8 *family,
					  u8 *addr, u8 *prefix,
					  const char **err)
{
	const char *slash = strchr(val, '/');
	unsigned int bits, n;
	u8 a[16], fam;

	if (vns_addr_parse_n(val, slash ? (size_t)(slash - val) : strlen(val),
			     &fam, a)) {
		*err = VNS_FILTER_ERR_ADDR;
		return -1;
	}
	bits = vns_family_bits(fam);
	if (slash) {
		if (vns_parse_uint(slash + 1, bits, &n)) {
			*err = fam == VNS_AF_INET ? VNS_FILTER_ERR_PREFIX4 :
						    VNS_FILTER_ERR_PREFIX6;
			return -1;
		}
		bits = n;
	}
	*family = fam;
	memcpy(addr, a, 16);
	*prefix = (u8)bits;
	return 0;
}

/*
 * One word of the control language into @f: "src=A[/N]", "dst=A[/N]"
 * (IPv4 or IPv6; /N defaults to the full length), "proto=P" (a name or
 * 1-255), "sport=N", "dport=N", "dev=IFNAME".  Keys match exactly.  A key
 * without '=' is a bad value ("filter key 'dport' needs a value, e.g.
 * dport=53").  Returns 0, VNS_PARSE_UNKNOWN or -1 (see above).
 */
static inline int vns_filter_parse_word(struct vns_filter *f,
					const char *word, const char **err)
{
	static const struct {
		const char *key;
		const char *novalue;
	} keys[] = {
		{ "src", "filter key 'src' needs a value, e.g. src=10.0.0.1" },
		{ "dst", "filter key 'dst' needs a value, e.g. dst=10.0.0.2" },
		{ "proto", "filter key 'proto' needs a value, e.g. proto=udp" },
		{ "sport", "filter key 'sport' needs a value, e.g. sport=53" },
		{ "dport", "filter key 'dport' needs a value, e.g. dport=53" },
		{ "dev", "filter key 'dev' needs a value, e.g. dev=eth0" },
	};
	const char *val = NULL;
	unsigned int i, v;
	int proto;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (vns_word_key(word, keys[i].key, &val))
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		*err = VNS_FILTER_ERR_UNKNOWN;
		return VNS_PARSE_UNKNOWN;
	}
	if (!val) {
		*err = keys[i].novalue;
		return -1;
	}
	switch (i) {
	case 0:
		return vns_filter_parse_prefix(val, &f->src_family, f->src,
					       &f->src_prefix, err);
	case 1:
		return vns_filter_parse_prefix(val, &f->dst_family, f->dst,
					       &f->dst_prefix, err);
	case 2:
		proto = vns_proto_parse(val);
		if (proto < 0) {
			*err = VNS_FILTER_ERR_PROTO;
			return -1;
		}
		f->proto = (u8)proto;
		return 0;
	case 3:
	case 4:
		if (vns_parse_uint(val, 65535, &v)) {
			*err = VNS_FILTER_ERR_PORT;
			return -1;
		}
		if (i == 3) {
			f->sport = (u16)v;
			f->has_sport = 1;
		} else {
			f->dport = (u16)v;
			f->has_dport = 1;
		}
		return 0;
	default:
		if (strlen(val) >= VNS_IFNAMSIZ) {
			*err = VNS_FILTER_ERR_DEV_LONG;
			return -1;
		}
		if (!vns_ifname_valid(val)) {
			*err = VNS_FILTER_ERR_DEV;
			return -1;
		}
		memset(f->dev, 0, sizeof(f->dev));
		memcpy(f->dev, val, strlen(val));
		f->has_dev = 1;
		return 0;
	}
}

/* Starts a word: @sep unless it is the first, then @key */
static inline void vns_out_key(struct vns_out *o, char sep, const char *key)
{
	if (o->pos)
		vns_out_c(o, sep);
	vns_out_s(o, key);
}

/*
 * @f as control language words separated by @sep, in the order src, dst,
 * proto, sport, dport, dev: "src=10.0.0.0/8,proto=udp,dport=53"; addresses
 * always with their prefix length, protocols by name where they have one.
 * An empty filter is "none".  Like snprintf(): returns the length the text
 * needs (without the NUL); at most @len bytes written, NUL-terminated unless
 * @len is 0.  VNS_FILTER_FMT_MAX always suffices.
 */
static inline size_t vns_filter_format(const struct vns_filter *f, char *buf,
				       size_t len, char sep)
{
	const char *name = vns_proto_name(f->proto);
	struct vns_out o;

	vns_out_init(&o, buf, len);
	if (f->src_family) {
		vns_out_key(&o, sep, "src=");
		vns_out_addr(&o, f->src_family, f->src);
		vns_out_c(&o, '/');
		vns_out_u32(&o, f->src_prefix);
	}
	if (f->dst_family) {
		vns_out_key(&o, sep, "dst=");
		vns_out_addr(&o, f->dst_family, f->dst);
		vns_out_c(&o, '/');
		vns_out_u32(&o, f->dst_prefix);
	}
	if (f->proto) {
		vns_out_key(&o, sep, "proto=");
		if (name)
			vns_out_s(&o, name);
		else
			vns_out_u32(&o, f->proto);
	}
	if (f->has_sport) {
		vns_out_key(&o, sep, "sport=");
		vns_out_u32(&o, f->sport);
	}
	if (f->has_dport) {
		vns_out_key(&o, sep, "dport=");
		vns_out_u32(&o, f->dport);
	}
	if (f->has_dev) {
		vns_out_key(&o, sep, "dev=");
		vns_out_sn(&o, f->dev, VNS_IFNAMSIZ - 1);
	}
	if (!o.pos)
		vns_out_s(&o, "none");
	return o.pos;
}

/* The keys set in @upd replace those of @dst; the others stay */
static inline void vns_filter_merge(struct vns_filter *dst,
				    const struct vns_filter *upd)
{
	if (upd->src_family) {
		dst->src_family = upd->src_family;
		dst->src_prefix = upd->src_prefix;
		memcpy(dst->src, upd->src, sizeof(dst->src));
	}
	if (upd->dst_family) {
		dst->dst_family = upd->dst_family;
		dst->dst_prefix = upd->dst_prefix;
		memcpy(dst->dst, upd->dst, sizeof(dst->dst));
	}
	if (upd->proto)
		dst->proto = upd->proto;
	if (upd->has_sport) {
		dst->sport = upd->sport;
		dst->has_sport = 1;
	}
	if (upd->has_dport) {
		dst->dport = upd->dport;
		dst->has_dport = 1;
	}
	if (upd->has_dev) {
		memcpy(dst->dev, upd->dev, sizeof(dst->dev));
		dst->has_dev = 1;
	}
}

static inline bool vns_filter_addr_equal(u8 fa, u8 pa, const u8 *a, u8 fb,
					 u8 pb, const u8 *b)
{
	if (fa != fb)
		return false;
	return !fa || (pa == pb && !memcmp(a, b, fa == VNS_AF_INET ? 4 : 16));
}

/*
 * The same keys with the same values (what is not set is not compared):
 * vns_filter_format() gives both the same text
 */
static inline bool vns_filter_equal(const struct vns_filter *a,
				    const struct vns_filter *b)
{
	return vns_filter_addr_equal(a->src_family, a->src_prefix, a->src,
				     b->src_family, b->src_prefix, b->src) &&
	       vns_filter_addr_equal(a->dst_family, a->dst_prefix, a->dst,
				     b->dst_family, b->dst_prefix, b->dst) &&
	       a->proto == b->proto &&
	       !a->has_sport == !b->has_sport &&
	       (!a->has_sport || a->sport == b->sport) &&
	       !a->has_dport == !b->has_dport &&
	       (!a->has_dport || a->dport == b->dport) &&
	       !a->has_dev == !b->has_dev &&
	       (!a->has_dev || !strncmp(a->dev, b->dev, VNS_IFNAMSIZ));
}

/*
 * @f as nest @type of VNS_FILTER_A_* attributes into @msg; nothing at all
 * for an empty filter.  0, or < 0 (the nest cancelled) when @msg is full.
 */
static inline int vns_filter_put(vns_nlmsg *msg, int type,
				 const struct vns_filter *f)
{
	struct nlattr *nest;
	int err = 0;

	if (vns_filter_is_empty(f))
		return 0;
	nest = nla_nest_start(msg, type);
	if (!nest)
		return -EMSGSIZE;
	if (f->src_family) {
		err = nla_put(msg, VNS_FILTER_A_SRC,
			      f->src_family == VNS_AF_INET ? 4 : 16, f->src);
		if (!err)
			err = nla_put_u8(msg, VNS_FILTER_A_SRC_PREFIX,
					 f->src_prefix);
	}
	if (!err && f->dst_family) {
		err = nla_put(msg, VNS_FILTER_A_DST,
			      f->dst_family == VNS_AF_INET ? 4 : 16, f->dst);
		if (!err)
			err = nla_put_u8(msg, VNS_FILTER_A_DST_PREFIX,
					 f->dst_prefix);
	}
	if (!err && f->proto)
		err = nla_put_u8(msg, VNS_FILTER_A_PROTO, f->proto);
	if (!err && f->has_sport)
		err = nla_put_u16(msg, VNS_FILTER_A_SPORT, f->sport);
	if (!err && f->has_dport)
		err = nla_put_u16(msg, VNS_FILTER_A_DPORT, f->dport);
	if (!err && f->has_dev)
		err = nla_put_string(msg, VNS_FILTER_A_DEV, f->dev);
	if (err) {
		nla_nest_cancel(msg, nest);
		return err < 0 ? err : -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Sets @err and @bad for attribute @type; returns -1 */
static inline int vns_nl_bad(const char **err, int *bad, int type,
			     const char *msg)
{
	*err = msg;
	*bad = type;
	return -1;
}

static inline bool vns_nla_size_ok(const struct nlattr *a, int size)
{
	return !a || nla_len(a) == size;
}

/*
 * Every attribute of @tb (@max + 1 entries) present with a fixed size in
 * @size (0: not checked here) has exactly that size.  Returns 0, or -1 with
 * "attribute has the wrong size" in @err and its type in @bad.
 */
static inline int vns_nla_sizes_ok(struct nlattr **tb, const u8 *size,
				   int max, const char **err, int *bad)
{
	int i;

	for (i = 0; i <= max; i++)
		if (size[i] && !vns_nla_size_ok(tb[i], size[i]))
			return vns_nl_bad(err, bad, i, VNS_FILTER_ERR_NL_SIZE);
	return 0;
}

static inline int vns_filter_get_addr(struct nlattr **tb, int atype,
				      int ptype, u8 *family, u8 *addr,
				      u8 *prefix, const char **err, int *bad)
{
	struct nlattr *a = tb[atype], *p = tb[ptype];
	unsigned int bits;

	if (!a) {
		if (p)
			return vns_nl_bad(err, bad, ptype,
					  VNS_FILTER_ERR_NL_NOADDR);
		return 0;
	}
	if (nla_len(a) != 4 && nla_len(a) != 16)
		return vns_nl_bad(err, bad, atype, VNS_FILTER_ERR_NL_ADDR);
	*family = nla_len(a) == 4 ? VNS_AF_INET : VNS_AF_INET6;
	bits = vns_family_bits(*family);
	memset(addr, 0, 16);
	memcpy(addr, nla_data(a), (size_t)nla_len(a));
	*prefix = (u8)bits;
	if (p) {
		if (nla_get_u8(p) > bits)
			return vns_nl_bad(err, bad, ptype,
					  VNS_FILTER_ERR_NL_PREFIX);
		*prefix = nla_get_u8(p);
	}
	return 0;
}

/*
 * A VNS_FILTER_A_* nest, already parsed by the caller (with its own
 * policy) into @tb (VNS_FILTER_A_MAX + 1 entries), into @f.  Checks every
 * attribute again: sizes, address 4 or 16 bytes, prefix length at most the
 * address's, protocol not 0, device name 1-15 bytes NUL-terminated.
 * Returns 0, or -1 with the message in @err and the attribute type at
 * fault in @bad (@f then holds part of the attributes).
 */
static inline int vns_filter_get(struct nlattr **tb, struct vns_filter *f,
				 const char **err, int *bad)
{
	static const u8 size[VNS_FILTER_A_MAX + 1] = {
		[VNS_FILTER_A_SRC_PREFIX] = 1,
		[VNS_FILTER_A_DST_PREFIX] = 1,
		[VNS_FILTER_A_PROTO] = 1,
		[VNS_FILTER_A_SPORT] = 2,
		[VNS_FILTER_A_DPORT] = 2,
	};
	struct nlattr *a;

	memset(f, 0, sizeof(*f));
	if (vns_nla_sizes_ok(tb, size, VNS_FILTER_A_MAX, err, bad))
		return -1;
	if (vns_filter_get_addr(tb, VNS_FILTER_A_SRC, VNS_FILTER_A_SRC_PREFIX,
				&f->src_family, f->src, &f->src_prefix, err,
				bad) ||
	    vns_filter_get_addr(tb, VNS_FILTER_A_DST, VNS_FILTER_A_DST_PREFIX,
				&f->dst_family, f->dst, &f->dst_prefix, err,
				bad))
		return -1;
	a = tb[VNS_FILTER_A_PROTO];
	if (a) {
		f->proto = nla_get_u8(a);
		if (!f->proto)
			return vns_nl_bad(err, bad, VNS_FILTER_A_PROTO,
					  VNS_FILTER_ERR_NL_PROTO);
	}
	a = tb[VNS_FILTER_A_SPORT];
	if (a) {
		f->sport = nla_get_u16(a);
		f->has_sport = 1;
	}
	a = tb[VNS_FILTER_A_DPORT];
	if (a) {
		f->dport = nla_get_u16(a);
		f->has_dport = 1;
	}
	a = tb[VNS_FILTER_A_DEV];
	if (a) {
		if (vns_nla_get_name(f->dev, sizeof(f->dev), a))
			return vns_nl_bad(err, bad, VNS_FILTER_A_DEV,
					  nla_len(a) >= VNS_IFNAMSIZ ?
					  VNS_FILTER_ERR_NL_DEV_LONG :
					  VNS_FILTER_ERR_NL_DEV_NUL);
		if (!f->dev[0])
			return vns_nl_bad(err, bad, VNS_FILTER_A_DEV,
					  VNS_FILTER_ERR_NL_DEV);
		f->has_dev = 1;
	}
	return 0;
}

#endif /* _VNS_FILTER_H */

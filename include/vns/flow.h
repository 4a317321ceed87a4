/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Flow keys and filters, shared by the module (which parses packet headers in
 * probe handlers) and user space (which parses filter arguments and is unit
 * tested).  The parser reads only from a bounded linear buffer that starts at
 * the network header: it never follows pointers and never reads past @len.
 */
#ifndef _VNS_FLOW_H
#define _VNS_FLOW_H

#include "types.h"

#define VNS_AF_INET	2	/* AF_INET, the same value on every Linux arch */
#define VNS_AF_INET6	10	/* AF_INET6 */

#define VNS_IPPROTO_ICMP	1
#define VNS_IPPROTO_TCP		6
#define VNS_IPPROTO_UDP		17
#define VNS_IPPROTO_ICMPV6	58
#define VNS_IPPROTO_SCTP	132
#define VNS_IPPROTO_UDPLITE	136

#define VNS_IFNAMSIZ	16

/* One IP flow.  Addresses in network byte order; IPv4 uses addr[0..3]. */
struct vns_flow {
	u8 family;		/* 0 when the packet was not IP (or unparsable) */
	u8 proto;
	u8 icmp_type;
	u8 icmp_code;
	u16 sport;		/* host order; 0 unless proto has ports */
	u16 dport;
	u8 src[16];
	u8 dst[16];
};

/*
 * Packet identity, for following one packet across stages (with its flow):
 * what tells two packets of one flow apart, and stays the same from the
 * socket to the wire as long as nothing rewrites the packet (NAT does).
 */
struct vns_flow_id {
	u32 ip_id;		/* IPv4 ID, or IPv6 fragment ID when present */
	u32 l4;			/* TCP seq, or ICMP id << 16 | seq */
	u32 aux;		/* TCP ack; UDP: the first 4 payload bytes */
};

static inline bool vns_proto_has_ports(u8 proto)
{
	return proto == VNS_IPPROTO_TCP || proto == VNS_IPPROTO_UDP ||
	       proto == VNS_IPPROTO_SCTP || proto == VNS_IPPROTO_UDPLITE;
}

static inline bool vns_proto_is_icmp(u8 proto)
{
	return proto == VNS_IPPROTO_ICMP || proto == VNS_IPPROTO_ICMPV6;
}

static inline u16 vns_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 vns_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Fill the L4 part of @f from @l4 (which has @len readable bytes) */
static inline void vns_flow_parse_l4(struct vns_flow *f, struct vns_flow_id *id,
				     const u8 *l4, size_t len)
{
	if (vns_proto_has_ports(f->proto) && len >= 4) {
		f->sport = vns_get_be16(l4);
		f->dport = vns_get_be16(l4 + 2);
		if (!id)
			return;
		if (f->proto == VNS_IPPROTO_TCP && len >= 8)
			id->l4 = vns_get_be32(l4 + 4);
		/*
		 * A pure ACK repeats the seq: the ack tells them apart.  UDP
		 * over IPv6 has no IP ID, so the payload's first word stands
		 * in for it (a sequence number, in most tools that measure).
		 */
		if ((f->proto == VNS_IPPROTO_TCP ||
		     f->proto == VNS_IPPROTO_UDP) && len >= 12)
			id->aux = vns_get_be32(l4 + 8);
	} else if (vns_proto_is_icmp(f->proto) && len >= 2) {
		f->icmp_type = l4[0];
		f->icmp_code = l4[1];
		if (len >= 8 && id)
			id->l4 = vns_get_be32(l4 + 4);	/* echo id and seq */
	}
}

/*
 * Parse the IPv4 header at @nh.  Returns false if @nh does not hold a
 * valid IPv4 header.  Non-first fragments carry no L4 header: their ports
 * stay 0.  The packet ends at its total length: what follows in the buffer
 * (the padding of a short Ethernet frame, which ip_rcv() trims) is not
 * part of it.
 */
static inline bool vns_flow_parse_ipv4(struct vns_flow *f,
				       struct vns_flow_id *id,
				       const u8 *nh, size_t len)
{
	size_t ihl, tot;
	u16 frag;

	memset(f, 0, sizeof(*f));
	if (id)
		memset(id, 0, sizeof(*id));
	if (len < 20 || (nh[0] >> 4) != 4)
		return false;
	ihl = (size_t)(nh[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return false;
	/*
	 * Shorter than its header: malformed (ip_rcv() drops it), or 0 (a
	 * TSO packet on its way out, BIG TCP): the buffer bounds it alone.
	 */
	tot = vns_get_be16(nh + 2);
	if (tot >= ihl && tot < len)
		len = tot;
	f->family = VNS_AF_INET;
	f->proto = nh[9];
	memcpy(f->src, nh + 12, 4);
	memcpy(f->dst, nh + 16, 4);
	if (id)
		id->ip_id = vns_get_be16(nh + 4);
	frag = vns_get_be16(nh + 6) & 0x1fff;
	if (!frag)
		vns_flow_parse_l4(f, id, nh + ihl, len - ihl);
	return true;
}

/*
 * Parse the IPv6 header at @nh, walking at most 8 extension headers
 * (hop-by-hop, routing, destination options, fragment).  The packet ends at
 * its payload length, as an IPv4 one at its total length.
 */
static inline bool vns_flow_parse_ipv6(struct vns_flow *f,
				       struct vns_flow_id *id,
				       const u8 *nh, size_t len)
{
	size_t off = 40, plen;
	u8 next;
	int i;

	memset(f, 0, sizeof(*f));
	if (id)
		memset(id, 0, sizeof(*id));
	if (len < 40 || (nh[0] >> 4) != 6)
		return false;
	/* 0: a jumbogram (or a GSO packet on its way out) */
	plen = vns_get_be16(nh + 4);
	if (plen && 40 + plen < len)
		len = 40 + plen;
	f->family = VNS_AF_INET6;
	memcpy(f->src, nh + 8, 16);
	memcpy(f->dst, nh + 24, 16);
	next = nh[6];
	for (i = 0; i < 8; i++) {
		if (next == 0 || next == 43 || next == 60) {
			/* hop-by-hop, routing, destination options */
			if (off + 8 > len)
				break;
			next = nh[off];
			off += ((size_t)nh[off + 1] + 1) * 8;
		} else if (next == 44) {
			/* fragment: only the first fragment has the L4 header */
			if (off + 8 > len)
				break;
			next = nh[off];
			if (id)
				id->ip_id = vns_get_be32(nh + off + 4);
			if (vns_get_be16(nh + off + 2) & 0xfff8) {
				f->proto = next;
				return true;
			}
			off += 8;
		} else {
			break;
		}
	}
	f->proto = next;
	if (off <= len)
		vns_flow_parse_l4(f, id, nh + off, len - off);
	return true;
}

/*
 * A filter: every field that is set must match.  An address filter applies
 * to one family only, so "src 10.0.0.0/8" never matches IPv6 traffic.
 */
struct vns_filter {
	u8 src_family;		/* 0: any source */
	u8 src_prefix;
	u8 dst_family;		/* 0: any destination */
	u8 dst_prefix;
	u8 proto;		/* 0: any */
	u8 has_sport;
	u8 has_dport;
	u8 has_dev;
	u16 sport;
	u16 dport;
	u8 src[16];
	u8 dst[16];
	char dev[VNS_IFNAMSIZ];
};

static inline unsigned int vns_family_bits(u8 family)
{
	return family == VNS_AF_INET6 ? 128 : 32;
}

/* True if the first @prefix bits (at most 128) of @a and @b are equal */
static inline bool vns_prefix_match(const u8 *a, const u8 *b,
				    unsigned int prefix)
{
	unsigned int full, rest;

	if (prefix > 128)
		prefix = 128;
	full = prefix / 8;
	rest = prefix % 8;

	if (full && memcmp(a, b, full))
		return false;
	if (rest) {
		u8 mask = (u8)(0xff << (8 - rest));

		if ((a[full] ^ b[full]) & mask)
			return false;
	}
	return true;
}

static inline bool vns_filter_is_empty(const struct vns_filter *flt)
{
	return !flt->src_family && !flt->dst_family && !flt->proto &&
	       !flt->has_sport && !flt->has_dport && !flt->has_dev;
}

/* Does the filter need the flow (rather than only the device)? */
static inline bool vns_filter_needs_flow(const struct vns_filter *flt)
{
	return flt->src_family || flt->dst_family || flt->proto ||
	       flt->has_sport || flt->has_dport;
}

/*
 * @dev may be NULL (the packet had no device): then a device filter never
 * matches.  Port filters match only protocols with ports.
 */
/* The filter's device alone: @dev NULL (no device) never matches one */
static inline bool vns_filter_dev_match(const struct vns_filter *flt,
					const char *dev)
{
	return !flt->has_dev || (dev && !strncmp(flt->dev, dev, VNS_IFNAMSIZ));
}

static inline bool vns_filter_match(const struct vns_filter *flt,
				    const struct vns_flow *f, const char *dev)
{
	if (!vns_filter_dev_match(flt, dev))
		return false;
	if (!vns_filter_needs_flow(flt))
		return true;
	if (!f->family)
		return false;
	if (flt->proto && flt->proto != f->proto)
		return false;
	if (flt->src_family && (flt->src_family != f->family ||
				!vns_prefix_match(flt->src, f->src,
						  flt->src_prefix)))
		return false;
	if (flt->dst_family && (flt->dst_family != f->family ||
				!vns_prefix_match(flt->dst, f->dst,
						  flt->dst_prefix)))
		return false;
	if ((flt->has_sport || flt->has_dport) &&
	    !vns_proto_has_ports(f->proto))
		return false;
	if (flt->has_sport && flt->sport != f->sport)
		return false;
	if (flt->has_dport && flt->dport != f->dport)
		return false;
	return true;
}

/*
 * Does @flt refuse the IP packet whose network header is at @nh (@len
 * bytes) on what that header alone says: the family, the addresses, the
 * protocol?  A test before the parse, for handlers that see many packets
 * a filter refuses.  True only where vns_filter_match() on the parsed
 * flow would say no; false where it may match or the header cannot tell
 * (not IP, too short, an IPv6 extension header before the protocol).
 */
static inline bool vns_filter_refuses_hdr(const struct vns_filter *flt,
					  const u8 *nh, size_t len)
{
	const u8 *src, *dst;
	u8 fam, proto;

	if (!vns_filter_needs_flow(flt) || len < 20)
		return false;
	if ((nh[0] >> 4) == 4 && (nh[0] & 0x0f) >= 5) {
		fam = VNS_AF_INET;
		proto = nh[9];
		src = nh + 12;
		dst = nh + 16;
	} else if ((nh[0] >> 4) == 6 && len >= 40) {
		fam = VNS_AF_INET6;
		proto = nh[6];
		/* the extension headers vns_flow_parse_ipv6() walks */
		if (proto == 0 || proto == 43 || proto == 44 || proto == 60)
			proto = 0;
		src = nh + 8;
		dst = nh + 24;
	} else {
		return false;
	}
	if (flt->proto && proto && flt->proto != proto)
		return true;
	if (flt->src_family && (flt->src_family != fam ||
				!vns_prefix_match(flt->src, src,
						  flt->src_prefix)))
		return true;
	if (flt->dst_family && (flt->dst_family != fam ||
				!vns_prefix_match(flt->dst, dst,
						  flt->dst_prefix)))
		return true;
	return false;
}

/* Protocol names as the CLI and the text views print and accept them */
static inline const char *vns_proto_name(u8 proto)
{
	switch (proto) {
	case VNS_IPPROTO_TCP: return "tcp";
	case VNS_IPPROTO_UDP: return "udp";
	case VNS_IPPROTO_ICMP: return "icmp";
	case VNS_IPPROTO_ICMPV6: return "icmpv6";
	case VNS_IPPROTO_SCTP: return "sctp";
	case VNS_IPPROTO_UDPLITE: return "udplite";
	default: return NULL;
	}
}

/*
 * Accepts "tcp", "udp", "icmp", "icmp6"/"icmpv6", "sctp", "udplite" or a
 * number 1..255.  Returns the protocol or -1.
 */
static inline int vns_proto_parse(const char *s)
{
	static const struct { const char *name; u8 proto; } names[] = {
		{ "tcp", VNS_IPPROTO_TCP }, { "udp", VNS_IPPROTO_UDP },
		{ "icmp", VNS_IPPROTO_ICMP }, { "icmp6", VNS_IPPROTO_ICMPV6 },
		{ "icmpv6", VNS_IPPROTO_ICMPV6 }, { "sctp", VNS_IPPROTO_SCTP },
		{ "udplite", VNS_IPPROTO_UDPLITE },
	};
	unsigned int i, v = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].proto;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > 255)
			return -1;
	}
	return v ? (int)v : -1;
}

/* Accepts a decimal port 0..65535.  Returns the port or -1. */
static inline int vns_port_parse(const char *s)
{
	unsigned int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > 65535)
			return -1;
	}
	return (int)v;
}

#endif /* _VNS_FLOW_H */

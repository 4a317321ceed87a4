/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the IP header of an skb is, for the collectors that parse packets in
 * probe handlers (latency, drops).  Nothing here writes to the skb.
 */
#ifndef _VNS_CORE_SKB_H
#define _VNS_CORE_SKB_H

#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <vns/flow.h>

/*
 * Was the network header of @skb set?  Unlike the mac and transport headers
 * it has no "unset" value of its own: an skb is allocated with the field
 * zeroed (an offset of 0 from head since 3.11, and on 3.10's 64-bit; a NULL
 * pointer on 3.10's 32-bit), and it stays so until skb_reset_network_header()
 * or skb_set_network_header().  A packet's network header is never at head
 * (there is always headroom below an IP header), so "at head or below" is
 * "not set".  Anything at or past the tail is unreadable too.
 */
static inline bool vns_skb_nh_set(const struct sk_buff *skb)
{
	const unsigned char *nh = skb_network_header(skb);

	return nh > skb->head && nh < skb_tail_pointer(skb);
}

/* The bytes readable from @p in the linear part of @skb (0: none) */
static inline size_t vns_skb_lin(const struct sk_buff *skb,
				 const unsigned char *p)
{
	const unsigned char *end = skb_tail_pointer(skb);

	return p > skb->head && p < end ? (size_t)(end - p) : 0;
}

/*
 * Is @skb an IP packet?  Only what the skb says: skb->protocol, set on every
 * received packet and on every IP packet from ip(6)_local_out() on (before
 * it on 3.10, where ip_output() sets it); an skb with none is IP only when
 * its socket is (an AF_UNIX or netlink skb has no protocol and holds what a
 * local user wrote).  Returns ETH_P_IP, ETH_P_IPV6, VNS_SKB_IP_ANY (an
 * AF_INET or AF_INET6 socket's: the header's version tells, as a v4-mapped
 * address sends IPv4 from an AF_INET6 socket) or 0.
 */
#define VNS_SKB_IP_ANY	1

static inline u16 vns_skb_ip_proto(const struct sk_buff *skb)
{
	u16 proto = ntohs(skb->protocol);

	if (proto == ETH_P_IP || proto == ETH_P_IPV6)
		return proto;
	if (proto || !skb->sk)
		return 0;
	if (skb->sk->sk_family == AF_INET || skb->sk->sk_family == AF_INET6)
		return VNS_SKB_IP_ANY;
	return 0;
}

/*
 * Parse the IP packet of family @proto (vns_skb_ip_proto()) whose header is
 * at @nh in the linear part of @skb.  @id may be NULL.
 */
static inline bool vns_skb_parse(const struct sk_buff *skb,
				 const unsigned char *nh, u16 proto,
				 struct vns_flow *f, struct vns_flow_id *id)
{
	size_t len = nh ? vns_skb_lin(skb, nh) : 0;

	if (!len)
		return false;
	if (proto == VNS_SKB_IP_ANY)
		proto = (nh[0] >> 4) == 4 ? ETH_P_IP : ETH_P_IPV6;
	if (proto == ETH_P_IP)
		return vns_flow_parse_ipv4(f, id, nh, len);
	if (proto == ETH_P_IPV6)
		return vns_flow_parse_ipv6(f, id, nh, len);
	return false;
}

/*
 * The IP header of a received @skb whose network header may not be set yet
 * (dropped before __netif_receive_skb_core() sets it: in the driver, the
 * backlog, generic XDP): once eth_type_trans() pulled the link header,
 * skb->data is the network header.  NULL when neither is known.
 */
static inline const unsigned char *vns_skb_nh_rx(const struct sk_buff *skb)
{
	if (vns_skb_nh_set(skb))
		return skb_network_header(skb);
	if (skb->protocol && skb_mac_header_was_set(skb) &&
	    skb->data > skb_mac_header(skb))
		return skb->data;
	return NULL;
}

#endif /* _VNS_CORE_SKB_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink attribute helpers for the collectors' fill functions: the shapes
 * several records share (a flow, a histogram, a stack frame).  Each returns
 * 0 or -EMSGSIZE, and on failure leaves nothing half-written behind.
 */
#ifndef _VNS_NETLINK_FILL_H
#define _VNS_NETLINK_FILL_H

#include <net/netlink.h>
#include <vns/flow.h>
#include <vns/hist.h>

/* A nest of enum vns_flow_attr; nothing when the flow is unknown */
int vns_nl_put_flow(struct sk_buff *skb, int type, const struct vns_flow *f);
/* A nest of enum vns_hist_attr */
int vns_nl_put_hist(struct sk_buff *skb, int type, const struct vns_hist *h);
/* @ip as "%pS" (@offset true) or "%ps", a string attribute */
int vns_nl_put_sym(struct sk_buff *skb, int type, unsigned long ip,
		   bool offset);
/* A nest of enum vns_stack_attr: each of @nr @frames as "%pS" */
int vns_nl_put_stack(struct sk_buff *skb, int type, const unsigned long *frames,
		     unsigned int nr);
/* A string of at most @max bytes, not necessarily NUL-terminated */
int vns_nl_put_strn(struct sk_buff *skb, int type, const char *s, size_t max);

#endif /* _VNS_NETLINK_FILL_H */

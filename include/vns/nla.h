/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Netlink attributes, the same calls in the module (struct sk_buff) and in
 * user space (libnl's struct nl_msg): nla_put(), nla_put_u8/u16/u32(),
 * nla_put_string(), nla_nest_start/end/cancel(), nla_data(), nla_len() and
 * nla_get_u8/u16/u32() have the same names and arguments in both.  64-bit
 * values go through vns_nla_put_u64(msg, type, v, pad): in the module it is
 * the compat wrapper of kmod/compat/compat.h (force-included there); libnl
 * has no pad attributes.
 *
 * Put functions return 0 or a negative value: -EMSGSIZE in the module, a
 * negative libnl error (or -EMSGSIZE) in user space.
 */
#ifndef _VNS_NLA_H
#define _VNS_NLA_H

#include "types.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#include <net/netlink.h>

typedef struct sk_buff vns_nlmsg;
#else
#include <errno.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

typedef struct nl_msg vns_nlmsg;

#define vns_nla_put_u64(msg, type, v, pad)	nla_put_u64(msg, type, v)
#endif

/*
 * A string attribute @a of at most @size - 1 characters, NUL-terminated
 * within its first @size bytes, into @dst (@size bytes, zero-padded).
 * 0 (also for an empty string), or -1 if too long or without its NUL.
 */
static inline int vns_nla_get_name(char *dst, size_t size,
				   const struct nlattr *a)
{
	const char *s = nla_data(a);
	size_t n = nla_len(a) > 0 ? (size_t)nla_len(a) : 0, i;

	if (n > size)
		n = size;
	for (i = 0; i < n; i++)
		if (!s[i])
			break;
	if (i == n)
		return -1;
	memset(dst, 0, size);
	memcpy(dst, s, i);
	return 0;
}

#endif /* _VNS_NLA_H */

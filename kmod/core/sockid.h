/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An opaque id of a socket (a TUN queue's) that two collectors can both
 * print, so that a reader joins their records (vhost's virtqueue to the TUN
 * queue it serves), without telling user space a kernel address: a hash of
 * the address with a key drawn at load (core/sockid.c).
 */
#ifndef _VNS_CORE_SOCKID_H
#define _VNS_CORE_SOCKID_H

#include <linux/hash.h>
#include <linux/types.h>

extern u64 vns_sock_key;

void vns_sock_key_init(void);

/* 0 for no socket; never 0 for one */
static inline u32 vns_sock_id(const void *sk)
{
	u32 id;

	if (!sk)
		return 0;
	id = hash_64((u64)(unsigned long)sk ^ vns_sock_key, 32);
	return id ? id : 1;
}

#endif /* _VNS_CORE_SOCKID_H */

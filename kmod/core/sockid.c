// SPDX-License-Identifier: GPL-2.0
/* The key of the sockets' opaque ids (core/sockid.h) */
#include <linux/cache.h>
#include <linux/random.h>

#include "sockid.h"

u64 vns_sock_key __read_mostly;

/* At a collector's alloc(), before its handlers run: drawn once */
void vns_sock_key_init(void)
{
	u64 k;

	if (READ_ONCE(vns_sock_key))
		return;
	do {
		get_random_bytes(&k, sizeof(k));
	} while (!k);
	cmpxchg(&vns_sock_key, 0, k);
}

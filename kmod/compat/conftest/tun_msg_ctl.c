// SPDX-License-Identifier: GPL-2.0
/* 4.20+: struct tun_msg_ctl, vhost_net's batches of XDP buffers to TUN */
/* 4.19's ptr_ring.h uses kvmalloc_array() and kvfree() without mm.h */
#include <linux/mm.h>
#include <linux/if_tun.h>
#include <net/xdp.h>
int vns_conftest(struct tun_msg_ctl *c, struct xdp_buff *x);
int vns_conftest(struct tun_msg_ctl *c, struct xdp_buff *x)
{
	return c->type == TUN_MSG_PTR ? c->num + (int)(x->data_end - x->data) :
	       0;
}

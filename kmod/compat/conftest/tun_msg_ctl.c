/* 4.19+: struct tun_msg_ctl, vhost_net's batches of XDP buffers to TUN */
#include <linux/if_tun.h>
#include <net/xdp.h>
int vns_conftest(struct tun_msg_ctl *c, struct xdp_buff *x);
int vns_conftest(struct tun_msg_ctl *c, struct xdp_buff *x)
{
	return c->type == TUN_MSG_PTR ? c->num + (int)(x->data_end - x->data) :
	       0;
}

// SPDX-License-Identifier: GPL-2.0
/* 4.1+: proto_ops.sendmsg(sock, msg, len); 3.10 has a kiocb first */
#include <linux/net.h>
#include <linux/socket.h>
static int vns_sendmsg(struct socket *sock, struct msghdr *m, size_t len)
{
	return 0;
}

const struct proto_ops vns_conftest_ops = {
	.sendmsg = vns_sendmsg,
};

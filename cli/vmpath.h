/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope vmpath: the join of the tun, vhost, kvm and drop collectors'
 * records for one VM port.
 */
#ifndef _VNS_CLI_VMPATH_H
#define _VNS_CLI_VMPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "coll.h"
#include "drops.h"
#include "tun.h"
#include "vhost.h"

struct vns_vmpath_args {
	struct vns_read_opts read;	/* --json, --no-enable, --interval */
	const char *dev;		/* the port: required */
};

int vns_vmpath_parse(struct vns_vmpath_args *a, int argc, char **argv);

/*
 * *@mine[i]: virtqueue @v->q[i] serves a queue of TUN device @dev (its
 * socket is one of @dev's queues' sockets).  0 or -ENOMEM; free(*@mine).
 */
int vns_vmpath_mine(const struct vns_tun *t, const struct vns_vhost *v,
		    const char *dev, bool **mine);

/* A virtqueue marked in @mine belongs to qemu @pid */
bool vns_vmpath_pid_seen(const struct vns_vhost *v, const bool *mine,
			 u32 pid);

/* The drops of @view (@n entries) on device @dev */
u64 vns_vmpath_drops(const struct vns_drop_view *view, size_t n,
		     const char *dev);

#endif /* _VNS_CLI_VMPATH_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope vhost: the vhost collector's dump (VNS_CMD_VHOST_GET) read into
 * plain structures, the growth between two reads, text and JSON.
 */
#ifndef _VNS_CLI_VHOST_H
#define _VNS_CLI_VHOST_H

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"
#include "coll.h"

struct nlattr;

struct vns_vhq {
	unsigned int present;		/* 1 << VNS_VHOST_A_* */
	u32 id, worker, qemu_pid, sock;
	u8 dir;
	u64 runs_kick, runs_net, packets, bytes;
	u64 signals, suppressed, empty, raced;
	u64 busy_loops, busy_ns;	/* known where present says */
	struct vns_hist pkts, bytes_hist, time;
};

struct vns_vhost {
	struct vns_vhq *q;
	size_t n;
};

int vns_vhost_add(struct vns_vhost *v, struct nlattr **tb);
/* Order by qemu pid, worker, device id, direction */
void vns_vhost_sort(struct vns_vhost *v);
void vns_vhost_free(struct vns_vhost *v);
void vns_vhost_delta(struct vns_vhost *cur, const struct vns_vhost *prev);

struct vns_tun;

struct vns_vhost_args {
	struct vns_read_opts read;	/* --json, --no-enable, --interval */
	long long pid;			/* qemu's pid; -1: all */
	const char *dev;		/* the TUN device served; NULL: all */
	long long queue;		/* its queue; -1: all */
	bool hist;
};

int vns_vhost_parse(struct vns_vhost_args *a, int argc, char **argv);
/*
 * The table (with @hist the histograms); the TUN queue each serves from
 * @t (the tun collector's dump, may be empty).  JSON "virtqueues":[...]
 */
void vns_vhost_print(const struct vns_vhost *v, const struct vns_tun *t,
		     const struct vns_vhost_args *a);

#endif /* _VNS_CLI_VHOST_H */

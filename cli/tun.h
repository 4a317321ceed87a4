/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope tun: the tun collector's dump (VNS_CMD_TUN_GET) read into plain
 * structures, the growth between two reads, text and JSON.
 */
#ifndef _VNS_CLI_TUN_H
#define _VNS_CLI_TUN_H

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"
#include "coll.h"

struct nlattr;

struct vns_tunq {
	unsigned int present;		/* 1 << VNS_TUN_A_* */
	u32 ifindex, queue, sock, ring_size;
	char dev[VNS_IFNAME_MAX];
	u64 tx_packets, tx_bytes;
	u64 drops[VNS_TUN_DROP_MAX + 1];
	u64 rx_packets, rx_bytes, rx_vhost, rx_write;
	u64 gso[VNS_TUN_GSO_MAX + 1];
	struct vns_hist fill;
};

struct vns_tun {
	struct vns_tunq *q;
	size_t n;
};

/* Add one message of the dump (its top-level attributes).  0 or -errno. */
int vns_tun_add(struct vns_tun *t, struct nlattr **tb);
/* Order by device, then queue */
void vns_tun_sort(struct vns_tun *t);
void vns_tun_free(struct vns_tun *t);
/* @cur becomes its growth since @prev; a counter that went down: from 0 */
void vns_tun_delta(struct vns_tun *cur, const struct vns_tun *prev);

const char *vns_tun_drop_name(unsigned int cause);
const char *vns_tun_gso_name(unsigned int type);

/* The options of tun */
struct vns_tun_args {
	struct vns_read_opts read;	/* --json, --no-enable, --interval */
	const char *dev;		/* NULL: all */
	long long queue;		/* -1: all */
	bool hist;
};

int vns_tun_parse(struct vns_tun_args *a, int argc, char **argv);
/* The table (and with @hist the fill histograms); JSON "queues":[...] */
void vns_tun_print(const struct vns_tun *t, const struct vns_tun_args *a);

#endif /* _VNS_CLI_TUN_H */

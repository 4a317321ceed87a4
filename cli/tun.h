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
#include "flow.h"

struct nlattr;

struct vns_tunq {
	unsigned int present;		/* 1 << VNS_TUN_A_* */
	u32 ifindex, queue, sock, ring_size;
	u32 net;			/* VNS_TUN_A_NETNS, 0: not sent */
	char dev[VNS_IFNAME_MAX];
	u64 tx_packets, tx_bytes;
	u64 drops[VNS_TUN_DROP_MAX + 1];
	u64 rx_packets, rx_bytes, rx_vhost, rx_write;
	u64 gso[VNS_TUN_GSO_MAX + 1];
	u64 stops, wakes, bad_vnet_hdr;
	struct vns_hist fill;
};

/* A drop event (VNS_A_TUN_EVENT) */
struct vns_tun_ev {
	u64 ns, age_ns;
	u32 cpu, ifindex, net, queue, fill, ring_size;
	u8 cause;
	bool has_fill;			/* fill and ring_size: the ring known */
	bool has_flow;
	char dev[VNS_IFNAME_MAX];
	struct vns_flow_info flow;
};

struct vns_tun {
	struct vns_tunq *q;
	size_t n;
	struct vns_tun_ev *ev;		/* oldest first */
	size_t nev;
};

/* What status says of the events and the ring (vns_tun_status_read()) */
struct vns_tun_info {
	bool has_events;		/* a module with events */
	u64 events_lost, event_capacity;
	bool has_ring;
	u64 ring, ring_errno;		/* enum vns_tun_ring_state */
};

/*
 * Add one message of the dump (its top-level attributes): a queue, or an
 * event.  0 or -errno.
 */
int vns_tun_add(struct vns_tun *t, struct nlattr **tb);
/* Order by device, then queue */
void vns_tun_sort(struct vns_tun *t);
void vns_tun_free(struct vns_tun *t);
/*
 * @cur becomes its growth since @prev; a counter that went down: from 0;
 * its events only those newer than @prev's newest
 */
void vns_tun_delta(struct vns_tun *cur, const struct vns_tun *prev);
/* Why the ring is not known, for enum vns_tun_ring_state @state; or NULL */
const char *vns_tun_ring_why(unsigned int state);
const char *vns_tun_drop_name(unsigned int cause);
const char *vns_tun_gso_name(unsigned int type);

/* The options of tun */
struct vns_tun_args {
	struct vns_read_opts read;	/* --json, --no-enable, --interval */
	const char *dev;		/* NULL: all */
	long long queue;		/* -1: all */
	bool hist;
	bool events;			/* --events: the drop events */
};

int vns_tun_parse(struct vns_tun_args *a, int argc, char **argv);
/* The table (and with @hist the fill histograms); JSON "queues":[...] */
void vns_tun_print(const struct vns_tun *t, const struct vns_tun_args *a);
/*
 * The drop events that match @a (--dev, --queue), oldest first, then what
 * was lost (@info); JSON "events":[...], "events_lost", "event_capacity"
 */
void vns_tun_print_events(const struct vns_tun *t,
			  const struct vns_tun_info *info,
			  const struct vns_tun_args *a);
#endif /* _VNS_CLI_TUN_H */

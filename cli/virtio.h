/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope virtio: the virtio collector's dump (VNS_CMD_VIRTIO_GET) read
 * into plain structures, the growth between two reads, text and JSON.
 */
#ifndef _VNS_CLI_VIRTIO_H
#define _VNS_CLI_VIRTIO_H

#include "uapi/linux/vnetscope.h"
#include "vns/hist.h"
#include "coll.h"

struct nlattr;

/* One virtqueue (or a NAPI context whose queue is not known) */
struct vns_vio_q {
	unsigned int present;		/* 1 << VNS_VIRTIO_A_* */
	char dev[VNS_IFNAME_MAX];	/* "" if not known */
	char name[VNS_NAME_MAX];	/* "input.0", "" if not known */
	u32 vdev, index, irq;		/* VNS_VIRTIO_NONE if not known */
	u64 c[VNS_VIRTIO_A_MAX + 1];	/* the u64 counters, by attribute */
	struct vns_hist hist;		/* packets a poll */
};

struct vns_virtio {
	struct vns_vio_q *q;
	size_t n;
};

int vns_virtio_add(struct vns_virtio *v, struct nlattr **tb);
/* By device, virtio device, queue index */
void vns_virtio_sort(struct vns_virtio *v);
void vns_virtio_free(struct vns_virtio *v);
void vns_virtio_delta(struct vns_virtio *cur, const struct vns_virtio *prev);
/* The queues of device @dev (NULL: all), receive queue @queue (-1: all) */
void vns_virtio_print(const struct vns_virtio *v, const char *dev,
		      long long queue);

struct vns_virtio_args {
	struct vns_read_opts read;
	const char *dev;		/* NULL: all */
	long long queue;		/* -1: all */
};

int vns_virtio_parse(struct vns_virtio_args *a, int argc, char **argv);

#endif /* _VNS_CLI_VIRTIO_H */

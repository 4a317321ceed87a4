/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshots of a collector's tables for readers (vns_collector.snapshot):
 * nr records of the collector's own type, taken under vns_lock, read by
 * the transports without it.
 */
#ifndef _VNS_CORE_SNAP_H
#define _VNS_CORE_SNAP_H

#include <linux/types.h>

struct vns_snap {
	unsigned int nr;
	u64 now_ns;			/* ktime_get_ns() at the snapshot */
	u64 data[];			/* nr records of one type */
};

#define vns_snap_recs(s, type)	((type *)(s)->data)

/* Room for @nr records of @rec_size bytes, zeroed; NULL without memory */
struct vns_snap *vns_snap_alloc(unsigned int nr, size_t rec_size);
void vns_snap_free(struct vns_snap *s);

#endif /* _VNS_CORE_SNAP_H */

// SPDX-License-Identifier: GPL-2.0
/* 4.8+: struct ptr_ring (TUN's per-queue tx ring since 4.16) */
/* 4.19's ptr_ring.h uses kvmalloc_array() and kvfree() without mm.h */
#include <linux/mm.h>
#include <linux/ptr_ring.h>
int vns_conftest(struct ptr_ring *r);
int vns_conftest(struct ptr_ring *r) { return r->producer + r->size; }

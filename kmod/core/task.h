/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-task slots for handlers of functions that may sleep or migrate
 * between their entry and their return (a vhost worker's run, a sendmsg):
 * the task claims a slot at the entry, probes nested in the call find it by
 * the task, the return releases it.  A fixed array of owners (a collector
 * keeps its data in a parallel array), claimed with cmpxchg(): no lock, no
 * allocation.  A task that finds no free slot is not followed (-1).
 */
#ifndef _VNS_CORE_TASK_H
#define _VNS_CORE_TASK_H

#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/sched.h>

#define VNS_TASK_SLOTS_SHIFT	6
#define VNS_TASK_SLOTS		(1U << VNS_TASK_SLOTS_SHIFT)

static inline unsigned int vns_task_hash(const struct task_struct *t)
{
	return hash_ptr((void *)t, VNS_TASK_SLOTS_SHIFT);
}

/* The slot @current owns in @owners, or -1 */
static inline int vns_task_slot(struct task_struct *const *owners)
{
	unsigned int h = vns_task_hash(current), i;

	for (i = 0; i < VNS_TASK_SLOTS; i++) {
		unsigned int n = (h + i) & (VNS_TASK_SLOTS - 1);

		if (READ_ONCE(owners[n]) == current)
			return n;
	}
	return -1;
}

/* A free slot of @owners for @current, or -1 when all are taken */
static inline int vns_task_claim(struct task_struct **owners)
{
	unsigned int h = vns_task_hash(current), i;

	for (i = 0; i < VNS_TASK_SLOTS; i++) {
		unsigned int n = (h + i) & (VNS_TASK_SLOTS - 1);

		if (!READ_ONCE(owners[n]) &&
		    !cmpxchg(&owners[n], NULL, current))
			return n;
	}
	return -1;
}

static inline void vns_task_release(struct task_struct **owners, int n)
{
	/* what the owner wrote in its slot's data precedes the release */
	smp_store_release(&owners[n], NULL);
}

#endif /* _VNS_CORE_TASK_H */

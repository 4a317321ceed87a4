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
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/slab.h>

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

/*
 * The same, sized at enable and with a generation per slot, for claims
 * that a reset may overtake: a task may sleep in the probed function while
 * the collector is reset (its slots freed) and another task claims its
 * slot.  The claim's generation goes with it (a kretprobe's ri->data); at
 * the return the claimer acts only if the slot is still its own, same
 * generation and owner (vns_tasks_mine()), and releases it only then.  A
 * lookup scans at most @window slots from the task's hash, so that a task
 * that owns none (every eventfd user, say) costs that many reads.
 */
struct vns_tasks {
	unsigned int nr;		/* a power of 2 */
	unsigned int window;		/* slots a task may use from its hash */
	struct task_struct **owner;
	unsigned int *gen;
};

/* A claim, kept by the claimer until its release */
struct vns_task_ref {
	int n;				/* -1: none */
	unsigned int gen;
};

/* The window: a claim fails only when that many slots in a row are taken */
#define VNS_TASKS_WINDOW	16

/* At enable: @nr slots (rounded up to a power of 2, at least 4) */
static inline int vns_tasks_alloc(struct vns_tasks *t, unsigned int nr)
{
	t->nr = roundup_pow_of_two(clamp(nr, 4U, 65536U));
	t->window = min_t(unsigned int, t->nr, VNS_TASKS_WINDOW);
	t->owner = kcalloc(t->nr, sizeof(*t->owner), GFP_KERNEL);
	t->gen = kcalloc(t->nr, sizeof(*t->gen), GFP_KERNEL);
	if (!t->owner || !t->gen) {
		kfree(t->owner);
		kfree(t->gen);
		t->owner = NULL;
		t->gen = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* With the probes detached and their handlers waited for */
static inline void vns_tasks_free(struct vns_tasks *t)
{
	kfree(t->owner);
	kfree(t->gen);
	t->owner = NULL;
	t->gen = NULL;
}

/*
 * Free every slot, in a new generation: a collector's reset, its handlers
 * waited for, but not the functions they probe (which may sleep)
 */
static inline void vns_tasks_reset(struct vns_tasks *t)
{
	unsigned int n;

	for (n = 0; n < t->nr; n++)
		WRITE_ONCE(t->gen[n], t->gen[n] + 1);
	/* a claim that sees a slot free sees its new generation */
	smp_wmb();
	for (n = 0; n < t->nr; n++)
		WRITE_ONCE(t->owner[n], NULL);
}

static inline size_t vns_tasks_mem_size(unsigned int nr)
{
	nr = roundup_pow_of_two(clamp(nr, 4U, 65536U));
	return (size_t)nr *
	       (sizeof(struct task_struct *) + sizeof(unsigned int));
}

static inline unsigned int vns_tasks_start(const struct vns_tasks *t)
{
	return hash_ptr(current, ilog2(t->nr));
}

/* The slot @current owns in @t, or -1 */
static inline int vns_tasks_slot(const struct vns_tasks *t)
{
	unsigned int h = vns_tasks_start(t), i;

	for (i = 0; i < t->window; i++) {
		unsigned int n = (h + i) & (t->nr - 1);

		if (READ_ONCE(t->owner[n]) == current)
			return n;
	}
	return -1;
}

/* Claim a free slot of @t for @current into @ref; false when none is */
static inline bool vns_tasks_claim(struct vns_tasks *t,
				   struct vns_task_ref *ref)
{
	unsigned int h = vns_tasks_start(t), i;

	for (i = 0; i < t->window; i++) {
		unsigned int n = (h + i) & (t->nr - 1);

		if (!READ_ONCE(t->owner[n]) &&
		    !cmpxchg(&t->owner[n], NULL, current)) {
			/* after the claim: a reset's new generation */
			ref->n = n;
			ref->gen = READ_ONCE(t->gen[n]);
			return true;
		}
	}
	ref->n = -1;
	return false;
}

/* Whether @ref's slot is still @current's, in the claim's generation */
static inline bool vns_tasks_mine(const struct vns_tasks *t,
				  const struct vns_task_ref *ref)
{
	return ref->n >= 0 && READ_ONCE(t->gen[ref->n]) == ref->gen &&
	       READ_ONCE(t->owner[ref->n]) == current;
}

static inline void vns_tasks_release(struct vns_tasks *t,
				     const struct vns_task_ref *ref)
{
	/*
	 * Only if still ours: a reset may have freed it and another task
	 * claimed it.  Fully ordered: what the owner wrote precedes it.
	 */
	if (ref->n >= 0 && READ_ONCE(t->gen[ref->n]) == ref->gen)
		cmpxchg(&t->owner[ref->n], current, NULL);
}

#endif /* _VNS_CORE_TASK_H */

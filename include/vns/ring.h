/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A single-producer, single-consumer ring of fixed-size records: the index
 * arithmetic and memory ordering of the details rings (kmod/core/events.c).
 *
 * head and tail are free-running 32-bit counters: head counts the records
 * the producer committed, tail the records the consumer took; head - tail
 * (modulo 2^32) is the number waiting, at most mask + 1.  Only the producer
 * writes head and lost, only the consumer writes tail:
 *
 *	producer: vns_ring_reserve() -> fill the record -> vns_ring_commit()
 *	consumer: vns_ring_peek() -> read the record -> vns_ring_consume()
 *
 * The producer publishes a record by storing head with release semantics
 * after filling it; the consumer loads head with acquire semantics before
 * reading it.  The consumer gives a slot back by storing tail with release
 * semantics after reading it; the producer loads tail with acquire
 * semantics before overwriting it.  Nothing waits: a full ring makes
 * reserve fail and counts the record as lost.
 *
 * In the kernel the acquire/release helpers are smp_load_acquire() and
 * smp_store_release(); in user space (the unit tests) the compiler's
 * __atomic builtins.
 */
#ifndef _VNS_RING_H
#define _VNS_RING_H

#include "types.h"

#ifdef __KERNEL__
#include <asm/barrier.h>
#include <linux/cache.h>
#include <linux/compiler.h>
/* acquire: pairs with the other side's release (see above) */
#define vns_ring_acquire(p)		smp_load_acquire(p)
/* release: pairs with the other side's acquire */
#define vns_ring_release(p, v)		smp_store_release((p), (v))
#define vns_ring_read(x)		READ_ONCE(x)
#define vns_ring_write(x, v)		WRITE_ONCE((x), (v))
#define VNS_RING_ALIGN			____cacheline_aligned_in_smp
#else
#define vns_ring_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define vns_ring_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define vns_ring_read(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define vns_ring_write(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define VNS_RING_ALIGN		_Alignas(64)
#endif

struct vns_ring {
	/* the producer's */
	u32 head;		/* records committed */
	u32 mask;		/* records - 1; a power of two minus one */
	u32 rec_size;		/* bytes per record, a multiple of 8 */
	u32 pad;
	u64 lost;		/* records refused: the ring was full */
	u8 *data;		/* (mask + 1) * rec_size bytes */
	/* the consumer's, on a cache line of its own */
	VNS_RING_ALIGN u32 tail;	/* records consumed */
};

/* The size of a ring of @records (a power of two) records of @rec_size */
static inline size_t vns_ring_data_size(u32 records, u32 rec_size)
{
	return (size_t)records * rec_size;
}

/* Set up @r over @data, empty */
static inline void vns_ring_init(struct vns_ring *r, void *data, u32 records,
				 u32 rec_size)
{
	memset(r, 0, sizeof(*r));
	r->mask = records - 1;
	r->rec_size = rec_size;
	r->data = (u8 *)data;
}

static inline void *vns_ring_slot(const struct vns_ring *r, u32 idx)
{
	return r->data + (size_t)(idx & r->mask) * r->rec_size;
}

/*
 * Producer: the next record to fill, or NULL (counted in lost) when the
 * ring is full.  Call vns_ring_commit() once the record is filled.
 */
static inline void *vns_ring_reserve(struct vns_ring *r)
{
	u32 head = r->head;

	if (head - vns_ring_acquire(&r->tail) > r->mask) {
		vns_ring_write(r->lost, r->lost + 1);
		return NULL;
	}
	return vns_ring_slot(r, head);
}

/* Producer: publish the record vns_ring_reserve() returned */
static inline void vns_ring_commit(struct vns_ring *r)
{
	vns_ring_release(&r->head, r->head + 1);
}

/* Consumer: the oldest record, or NULL if the ring is empty */
static inline const void *vns_ring_peek(const struct vns_ring *r)
{
	u32 tail = r->tail;

	if (vns_ring_acquire(&r->head) == tail)
		return NULL;
	return vns_ring_slot(r, tail);
}

/* Consumer: done with the record vns_ring_peek() returned */
static inline void vns_ring_consume(struct vns_ring *r)
{
	vns_ring_release(&r->tail, r->tail + 1);
}

/* Anyone: records waiting (a snapshot; exact for the consumer) */
static inline u32 vns_ring_count(const struct vns_ring *r)
{
	return vns_ring_acquire(&r->head) - vns_ring_acquire(&r->tail);
}

/* Anyone: records lost so far */
static inline u64 vns_ring_lost(const struct vns_ring *r)
{
	return vns_ring_read(r->lost);
}

#endif /* _VNS_RING_H */

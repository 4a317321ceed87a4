// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded, deduplicated table of kernel stacks shared by all CPUs.
 *
 * Insertion is lock-free: a slot is claimed by a cmpxchg on its hash, filled,
 * then published with a release store of ->ready.  Readers use only
 * published slots.  The id of a stack is its slot index.  A full table (or a
 * probe sequence that finds no free slot) returns VNS_STACK_NONE and counts
 * the loss; the caller goes on without a stack.
 */
#include <linux/kallsyms.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/vmalloc.h>
#include <vns/hash.h>

#include "stack.h"

#define VNS_STACK_PROBES 32

struct vns_stack_slot {
	u64 hash;			/* 0: free */
	u32 ready;
	u32 nr;
	unsigned long ips[];
};

struct vns_stack_table {
	unsigned int entries;		/* power of two */
	unsigned int depth;
	size_t slot_size;
	atomic_t used;
	unsigned long __percpu *scratch;
	void *slots;
};

static struct vns_stack_slot *vns_slot(const struct vns_stack_table *t,
				       u32 i)
{
	return t->slots + (size_t)i * t->slot_size;
}

/* The table's size as its parameters are clamped and rounded */
static unsigned int vns_stack_entries(unsigned int entries)
{
	return roundup_pow_of_two(clamp(entries, 16U, 1U << 20));
}

static unsigned int vns_stack_depth(unsigned int depth)
{
	return clamp(depth, 4U, (unsigned int)VNS_STACK_MAX_DEPTH);
}

static size_t vns_stack_slot_size(unsigned int depth)
{
	return sizeof(struct vns_stack_slot) + depth * sizeof(unsigned long);
}

size_t vns_stack_table_size(unsigned int entries, unsigned int depth)
{
	entries = vns_stack_entries(entries);
	depth = vns_stack_depth(depth);
	return sizeof(struct vns_stack_table) +
	       (size_t)entries * vns_stack_slot_size(depth) +
	       (size_t)num_possible_cpus() * depth * sizeof(unsigned long);
}

struct vns_stack_table *vns_stack_table_alloc(unsigned int entries,
					      unsigned int depth)
{
	struct vns_stack_table *t;

	BUILD_BUG_ON(sizeof(unsigned long) != sizeof(u64));
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->entries = vns_stack_entries(entries);
	t->depth = vns_stack_depth(depth);
	t->slot_size = vns_stack_slot_size(t->depth);
	t->slots = vzalloc((size_t)t->entries * t->slot_size);
	t->scratch = __alloc_percpu(t->depth * sizeof(unsigned long),
				    sizeof(unsigned long));
	if (!t->slots || !t->scratch) {
		vns_stack_table_free(t);
		return NULL;
	}
	return t;
}

void vns_stack_table_free(struct vns_stack_table *t)
{
	if (!t)
		return;
	vfree(t->slots);
	free_percpu(t->scratch);
	kfree(t);
}

/* With handlers paused */
void vns_stack_table_clear(struct vns_stack_table *t)
{
	memset(t->slots, 0, (size_t)t->entries * t->slot_size);
	atomic_set(&t->used, 0);
}

u32 vns_stack_table_used(const struct vns_stack_table *t)
{
	return atomic_read(&t->used);
}

unsigned long *vns_stack_scratch(struct vns_stack_table *t,
				 unsigned int *depth)
{
	*depth = t->depth;
	return this_cpu_ptr(t->scratch);
}

u32 vns_stack_intern(struct vns_stack_table *t, const unsigned long *ips,
		     unsigned int nr)
{
	unsigned int i;
	u64 h;

	h = vns_hash_words((const u64 *)ips, nr, 0) | 1;
	for (i = 0; i < VNS_STACK_PROBES; i++) {
		u32 idx = (u32)(h + i) & (t->entries - 1);
		struct vns_stack_slot *s = vns_slot(t, idx);
		u64 cur = READ_ONCE(s->hash);

		if (cur == h)
			return idx;
		if (cur)
			continue;
		cur = cmpxchg64(&s->hash, 0, h);
		if (cur == h)
			return idx;
		if (cur)
			continue;
		memcpy(s->ips, ips, nr * sizeof(unsigned long));
		s->nr = nr;
		/* publish the frames to readers */
		smp_store_release(&s->ready, 1);
		atomic_inc(&t->used);
		return idx;
	}
	return VNS_STACK_NONE;
}

/*
 * Frames at the top of a captured stack that belong to vnetscope itself or
 * to the tracepoint machinery (__traceiter_*, 5.10+) say nothing about the
 * event: the first frame reported is the traced function.
 */
bool vns_frame_is_ours(unsigned long ip)
{
	char sym[KSYM_SYMBOL_LEN];

	if (within_module(ip, THIS_MODULE))
		return true;
	sprint_symbol_no_offset(sym, ip);
	return !strncmp(sym, "__traceiter_", 12) ||
	       !strncmp(sym, "__bpf_trace_", 12);
}

unsigned int vns_stack_read(struct vns_stack_table *t, u32 id,
			    unsigned long *out, unsigned int max)
{
	struct vns_stack_slot *s;
	unsigned int nr, skip = 0;

	if (id >= t->entries)
		return 0;
	s = vns_slot(t, id);
	/* pairs with the release in vns_stack_intern() */
	if (!smp_load_acquire(&s->ready))
		return 0;
	nr = min(s->nr, max);
	while (skip < nr && vns_frame_is_ours(s->ips[skip]))
		skip++;
	memcpy(out, s->ips + skip, (nr - skip) * sizeof(unsigned long));
	return nr - skip;
}

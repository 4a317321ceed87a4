/* SPDX-License-Identifier: GPL-2.0 */
/* The stack table (core/stack.c): captured stacks, deduplicated, by id */
#ifndef _VNS_CORE_STACK_H
#define _VNS_CORE_STACK_H

#include <linux/types.h>
#include <uapi/linux/vnetscope.h>

#define VNS_STACK_NONE		VNS_STACK_ID_NONE
#define VNS_STACK_MAX_DEPTH	64

struct vns_stack_table;

struct vns_stack_table *vns_stack_table_alloc(unsigned int entries,
					      unsigned int depth);
void vns_stack_table_free(struct vns_stack_table *t);
void vns_stack_table_clear(struct vns_stack_table *t);
/* The bytes vns_stack_table_alloc(@entries, @depth) takes */
size_t vns_stack_table_size(unsigned int entries, unsigned int depth);
u32 vns_stack_table_used(const struct vns_stack_table *t);
/* Handlers, with interrupts disabled: this CPU's scratch for a capture */
unsigned long *vns_stack_scratch(struct vns_stack_table *t,
				 unsigned int *depth);
/* ... and the id of the stack in it, @nr frames, added if new */
u32 vns_stack_intern(struct vns_stack_table *t, const unsigned long *ips,
		     unsigned int nr);

/*
 * Handlers, with interrupts disabled: capture, dedup, return the id.
 * Inline: the unwinder starts in the handler, one frame of vnetscope's
 * fewer to walk (each frame is an ORC look-up, a module's the dearest).
 */
static __always_inline u32 vns_stack_capture(struct vns_stack_table *t)
{
	unsigned int depth;
	unsigned long *ips = vns_stack_scratch(t, &depth);

	return vns_stack_intern(t, ips, vns_stack_save(ips, depth));
}
/* Is @ip in vnetscope itself (or the tracepoint glue that called it)? */
bool vns_frame_is_ours(unsigned long ip);
/* Readers: frames of @id with the module's own frames trimmed */
unsigned int vns_stack_read(struct vns_stack_table *t, u32 id,
			    unsigned long *out, unsigned int max);

#endif /* _VNS_CORE_STACK_H */

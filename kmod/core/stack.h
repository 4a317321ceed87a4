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
/* Handlers, with interrupts disabled: capture, dedup, return the id */
u32 vns_stack_capture(struct vns_stack_table *t);
/* Is @ip in vnetscope itself (or the tracepoint glue that called it)? */
bool vns_frame_is_ours(unsigned long ip);
/* Readers: frames of @id with the module's own frames trimmed */
unsigned int vns_stack_read(struct vns_stack_table *t, u32 id,
			    unsigned long *out, unsigned int max);

#endif /* _VNS_CORE_STACK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Collectors and their registry (core/collector.c).
 *
 * Locking: vns_lock (a mutex) serialises every control operation (enable,
 * disable, reset, module notifier, snapshots for readers).  Probe handlers
 * never take it: they read c->active and per-CPU data only, and control
 * paths wait for running handlers with vns_sync_handlers() before touching
 * or freeing what handlers use.
 */
#ifndef _VNS_CORE_COLLECTOR_H
#define _VNS_CORE_COLLECTOR_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <uapi/linux/vnetscope.h>
#include <vns/filter.h>
#include <vns/flow.h>
#include <vns/settings.h>

extern struct mutex vns_lock;

struct seq_file;
struct sk_buff;
struct vns_probe;
struct vns_snap;

#define VNS_MAX_COUNTERS 12

struct vns_coll_status {
	u64 mem_bytes;			/* the core's: vns_collector.mem */
	u64 lost;
	u32 entries;
	u32 capacity;
	/* its probes' handlers since the module loaded (core's) */
	u64 calls;
	u64 timed;			/* calls timed: one in 64 per CPU */
	u64 timed_ns;			/* time in handlers, timed calls */
	unsigned int nr_counters;
	struct {
		const char *name;
		u64 value;
	} counters[VNS_MAX_COUNTERS];
};

static inline void vns_status_counter(struct vns_coll_status *st,
				      const char *name, u64 value)
{
	if (!WARN_ON_ONCE(st->nr_counters >= VNS_MAX_COUNTERS)) {
		st->counters[st->nr_counters].name = name;
		st->counters[st->nr_counters].value = value;
		st->nr_counters++;
	}
}

/*
 * A collector: a set of probes and the tables their handlers fill, and
 * everything the transports need to know of its records, so that they name
 * no collector.  alloc() sizes and allocates everything while the probes
 * are detached; clear() empties the tables while handlers are paused;
 * free() runs after the probes are gone.  status() may run at any time
 * under vns_lock.
 */
struct vns_collector {
	const char *name;		/* also its text view's name */
	struct vns_probe *probes;
	unsigned int nr_probes;
	bool has_filter;
	u32 settings;			/* VNS_SET_* it takes */
	int (*alloc)(struct vns_collector *c);
	void (*free)(struct vns_collector *c);
	void (*clear)(struct vns_collector *c);
	void (*status)(struct vns_collector *c, struct vns_coll_status *st);
	/*
	 * Optional: apply settings @next (checked, the filter unchanged)
	 * while running, the tables kept.  Returns 0 when applied in place,
	 * -EAGAIN when only a restart (disable, enable) can apply them, or
	 * another error with nothing changed.  Handlers keep running: what
	 * they read changes with WRITE_ONCE() or is published with RCU.
	 */
	int (*update)(struct vns_collector *c, const struct vns_settings *next);
	/*
	 * The bytes alloc() takes for settings @s (its tables as the module
	 * parameters size them, and what @s turns on; update() to @s the
	 * same): checked against vns_mem_limit() before alloc() or update()
	 * runs, and shown by status.  alloc() sizes its tables with the same
	 * helpers, so that the two agree.  NULL: nothing worth counting.
	 */
	u64 (*mem_size)(const struct vns_settings *s);

	/*
	 * Records (a collector without them leaves these NULL/0): snapshot()
	 * copies the tables under vns_lock (NULL when off, ERR_PTR on error)
	 * as records of rec_size bytes; the dump command nl_cmd sends each
	 * with fill() (its top-level nest: 0 or -EMSGSIZE), the text view
	 * named after the collector prints each as one line with show().
	 */
	u8 nl_cmd;			/* VNS_CMD_*_GET */
	size_t rec_size;
	struct vns_snap *(*snapshot)(struct vns_collector *c);
	int (*fill)(struct sk_buff *skb, const struct vns_snap *s,
		    const void *rec);
	void (*show)(struct seq_file *m, const struct vns_snap *s,
		     const void *rec);

	/*
	 * Details records (vns_events_alloc()): the record as its line of
	 * the events file, '\n' included, into @buf of @len bytes (returns
	 * the line's length, as snprintf(): it did not fit if >= @len); and
	 * as its netlink attribute (a nest) in @skb (0 or -EMSGSIZE).
	 */
	int (*event_show)(char *buf, size_t len, const void *rec);
	int (*event_fill)(struct sk_buff *skb, const void *rec);

	/* runtime, under vns_lock; handlers read only ->active and ->filter */
	u64 mem;			/* bytes held: mem_size(set); 0 off */
	bool on;
	bool active;
	struct vns_filter filter;
	struct vns_settings set;
};

/*
 * The collectors of the registry (registry.h), one declarator each, so
 * that each collector's definition is checked against its declaration
 */
extern struct vns_collector
#define VNS_COLLECTOR(name)	vns_##name##_collector,
#include "registry.h"
#undef VNS_COLLECTOR
	vns_collectors_end;		/* ends the list; never defined */

/* The registry: every collector, in the order views and status list them */
extern struct vns_collector *const vns_collectors[];
extern const unsigned int vns_nr_collectors;

#define vns_for_each_collector(c, i)					\
	for ((i) = 0; (i) < vns_nr_collectors &&			\
		      ((c) = vns_collectors[(i)], true); (i)++)

struct vns_collector *vns_collector_find(const char *name);
/* The collector whose records VNS_CMD_*_GET @cmd dumps, or NULL */
struct vns_collector *vns_collector_by_cmd(u8 cmd);
int vns_collector_enable(struct vns_collector *c, const struct vns_filter *f,
			 const struct vns_settings *s, const char **err);
int vns_collector_update(struct vns_collector *c, const struct vns_filter *f,
			 const struct vns_settings *s, u32 flags,
			 const char **err);
void vns_collector_disable(struct vns_collector *c);
void vns_collector_reset(struct vns_collector *c);
void vns_collector_status(struct vns_collector *c, struct vns_coll_status *st);
/* A snapshot of @c's records under vns_lock: NULL when off, or ERR_PTR */
struct vns_snap *vns_collector_snapshot(struct vns_collector *c);
/* Bytes held by all collectors, and how many they may hold (mem_limit=) */
u64 vns_mem_total(void);
u64 vns_mem_limit(void);

/* Handlers: is the collector recording?  Pairs with the control paths. */
static inline bool vns_active(const struct vns_collector *c)
{
	return READ_ONCE(c->active);
}

#endif /* _VNS_CORE_COLLECTOR_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope internals: collectors, probes, the stack table.
 *
 * Locking: vns_lock (a mutex) serialises every control operation (enable,
 * disable, reset, module notifier, snapshots for readers).  Probe handlers
 * never take it: they read c->active and per-CPU data only, and control
 * paths wait for running handlers with vns_sync_handlers() before touching
 * or freeing what handlers use.
 */
#ifndef _VNS_CORE_H
#define _VNS_CORE_H

#include <linux/if.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/tracepoint.h>
#include <uapi/linux/vnetscope.h>
#include <vns/flow.h>
#include <vns/hist.h>

#define VNS_VERSION	"0.1.0"

extern struct mutex vns_lock;

/* ---- probes ---- */

struct vns_collector;
struct seq_file;
struct sk_buff;

struct vns_probe {
	/* definition */
	const char *name;		/* symbol, or tracepoint name */
	const char *module;		/* NULL: in vmlinux */
	enum vns_probe_type type;
	bool required;			/* the collector needs it */
	void *tp_func;			/* tracepoint probe; data = this */
	kprobe_pre_handler_t kp_pre;
	kretprobe_handler_t krp_entry;
	kretprobe_handler_t krp_ret;
	size_t krp_data_size;
	int krp_maxactive;

	/* runtime, under vns_lock */
	struct vns_collector *coll;
	enum vns_probe_state state;
	const char *reason;		/* when unavailable */
	bool registered;
	struct tracepoint *tp;
	struct kprobe kp;
	struct kretprobe krp;
	u64 __percpu *hits;
};

static inline void vns_probe_hit(struct vns_probe *p)
{
	this_cpu_inc(*p->hits);
}

u64 vns_probe_hits(const struct vns_probe *p);
const char *vns_probe_type_name(enum vns_probe_type t);
const char *vns_probe_state_name(enum vns_probe_state s);

int vns_probes_init(void);
void vns_probes_exit(void);
int vns_probes_attach(struct vns_collector *c, const char **err);
void vns_probes_detach(struct vns_collector *c);
/* Wait until every handler that may have seen old state has returned */
void vns_sync_handlers(void);

/* ---- collectors ---- */

/* Settings given at enable ("period=10ms threshold=20ms"), in microseconds */
/* The settings a collector takes (vns_collector.settings) or was given */
#define VNS_SET_PERIOD		BIT(0)
#define VNS_SET_THRESHOLD	BIT(1)
#define VNS_SET_PHY		BIT(2)
#define VNS_SET_VM		BIT(3)
#define VNS_SET_DIR		BIT(4)
#define VNS_SET_STAGE_THRESHOLD	BIT(5)

struct vns_settings {
	u32 given;			/* VNS_SET_*: what the user set */
	u32 period_us;
	u32 threshold_us;		/* irqoff: events; latency: details */
	u32 stage_threshold_us;		/* latency: details, any one stage */
	u8 dir;				/* enum vns_dir */
	char phy[IFNAMSIZ];		/* latency: the physical port */
	char vm[IFNAMSIZ];		/* latency: the VM's port (VM path) */
};

#define VNS_MAX_COUNTERS 12

struct vns_coll_status {
	u64 mem_bytes;
	u64 lost;
	u32 entries;
	u32 capacity;
	unsigned int nr_counters;
	struct {
		const char *name;
		u64 value;
	} counters[VNS_MAX_COUNTERS];
};

static inline void vns_status_counter(struct vns_coll_status *st,
				      const char *name, u64 value)
{
	if (st->nr_counters < VNS_MAX_COUNTERS) {
		st->counters[st->nr_counters].name = name;
		st->counters[st->nr_counters].value = value;
		st->nr_counters++;
	}
}

/*
 * A collector: a set of probes and the tables their handlers fill.  alloc()
 * sizes and allocates everything while the probes are detached; clear()
 * empties the tables while handlers are paused; free() runs after the probes
 * are gone.  status() may run at any time under vns_lock.
 */
struct vns_collector {
	const char *name;
	struct vns_probe *probes;
	unsigned int nr_probes;
	bool has_filter;
	u32 settings;			/* VNS_SET_* it takes */
	int (*alloc)(struct vns_collector *c);
	void (*free)(struct vns_collector *c);
	void (*clear)(struct vns_collector *c);
	void (*status)(struct vns_collector *c, struct vns_coll_status *st);

	/*
	 * Details records (vns_events_alloc()): the record as its line of
	 * the events file, '\n' included, into @buf of @len bytes (returns
	 * the line's length, as snprintf(): it did not fit if >= @len); and
	 * as its netlink attribute (a nest) in @skb (0 or -EMSGSIZE).
	 */
	int (*event_show)(char *buf, size_t len, const void *rec);
	int (*event_fill)(struct sk_buff *skb, const void *rec);

	/* runtime, under vns_lock; handlers read only ->active and ->filter */
	bool on;
	bool active;
	struct vns_filter filter;
	struct vns_settings set;
};

extern struct vns_collector *vns_collectors[];
extern const unsigned int vns_nr_collectors;

struct vns_collector *vns_collector_find(const char *name);
int vns_collector_enable(struct vns_collector *c, const struct vns_filter *f,
			 const struct vns_settings *s, const char **err);
int vns_collector_update(struct vns_collector *c, const struct vns_filter *f,
			 const struct vns_settings *s, u32 flags,
			 const char **err);
void vns_collector_disable(struct vns_collector *c);
void vns_collector_reset(struct vns_collector *c);
void vns_collector_status(struct vns_collector *c, struct vns_coll_status *st);
u64 vns_mem_total(void);

/* Handlers: is the collector recording?  Pairs with the control paths. */
static inline bool vns_active(const struct vns_collector *c)
{
	return READ_ONCE(c->active);
}

/* Formats a filter in the control-file language ("proto=udp dport=9") */
int vns_filter_format(const struct vns_filter *f, char *buf, size_t len,
		      char sep);
/* Parses one "key=value" word of that language into @f */
int vns_filter_parse_word(struct vns_filter *f, char *word, const char **err);
/*
 * "period=10ms", "threshold=20ms", "phy=eth0", "vm=vnet0", "dir=rx": 0,
 * -ENOENT if not a setting, -EINVAL
 */
int vns_settings_parse_word(struct vns_settings *s, const char *word,
			    const char **err);
void vns_settings_default(struct vns_settings *s);

/* ---- events: details records, out through per-CPU rings ---- */

#define VNS_EVENT_REC_MAX	4096	/* bytes per record, at most */
#define VNS_EVENT_LINE_MAX	4096	/* bytes per line, '\n' included */

/*
 * One set of per-CPU rings of fixed-size records, owned by the collector
 * that runs a details mode (latency).  Every record starts with a u64
 * time (ktime_get_ns()), which orders them.  alloc() from the collector's
 * alloc (probes detached), free() from its free (probes gone); both under
 * vns_lock.  @per_cpu is rounded up to a power of two.  The pollable
 * "events" file (debugfs and procfs) prints each record with the owner's
 * event_show(), one line per event, oldest first, and VNS_CMD_EVENT_GET
 * sends each with its event_fill(); free() drops the records not read yet.
 */
int vns_events_alloc(const struct vns_collector *c, unsigned int per_cpu,
		     size_t rec_size);
void vns_events_free(void);
/*
 * Handlers, with interrupts disabled: a record to fill on this CPU's ring,
 * then vns_event_commit().  NULL when the ring is full (counted as lost)
 * or there are no rings.
 */
void *vns_event_reserve(void);
void vns_event_commit(void);
/* Records dropped because a ring was full, since alloc */
u64 vns_events_lost(void);
/* Bytes the rings take (0 without rings) */
size_t vns_events_mem(void);

/*
 * The events reader: the events file (views/events.c) or a VNS_CMD_EVENT_GET
 * dump.  open(): one reader at a time (-EBUSY), none once the module is
 * going (-ENODEV).  take(): moves records into @dst (@len bytes, at least
 * VNS_EVENT_REC_MAX), oldest first; *@owner formats them.  ready():
 * a record waits or the module is going (closed()).  wait(): blocks until
 * ready() or a signal (-ERESTARTSYS).  shutdown(): module exit, before the
 * files go: wakes every reader and poller for good.
 */
struct file;
struct poll_table_struct;
int vns_events_open(void);
void vns_events_close(void);
unsigned int vns_events_take(void *dst, size_t len, size_t *rec_size,
			     const struct vns_collector **owner);
bool vns_events_ready(void);
bool vns_events_closed(void);
int vns_events_wait(void);
void vns_events_poll_wait(struct file *file, struct poll_table_struct *pt);
void vns_events_shutdown(void);

/* ---- stack table ---- */

#define VNS_STACK_NONE		VNS_STACK_ID_NONE
#define VNS_STACK_MAX_DEPTH	64

struct vns_stack_table;

struct vns_stack_table *vns_stack_table_alloc(unsigned int entries,
					      unsigned int depth);
void vns_stack_table_free(struct vns_stack_table *t);
void vns_stack_table_clear(struct vns_stack_table *t);
size_t vns_stack_table_mem(const struct vns_stack_table *t);
u32 vns_stack_table_used(const struct vns_stack_table *t);
/* Handlers, with interrupts disabled: capture, dedup, return the id */
u32 vns_stack_capture(struct vns_stack_table *t);
/* Is @ip in vnetscope itself (or the tracepoint glue that called it)? */
bool vns_frame_is_ours(unsigned long ip);
/* Readers: frames of @id with the module's own frames trimmed */
unsigned int vns_stack_read(struct vns_stack_table *t, u32 id,
			    unsigned long *out, unsigned int max);

/* ---- drops ---- */

extern struct vns_collector vns_drops_collector;
#ifdef VNS_SELFTEST
extern struct vns_collector vns_selftest_collector;
#endif

struct vns_drop_rec {
	u64 count;
	unsigned long location;
	u32 ifindex;
	u32 reason;
	u32 stack_id;
	char dev[IFNAMSIZ];
	struct vns_flow flow;
	unsigned int nr_frames;
	unsigned long frames[VNS_STACK_MAX_DEPTH];
};

/*
 * Merged, ranked copy of the drop table (struct vns_drop_rec records); NULL
 * if off; ERR_PTR on error.  Freed with vns_snap_free().
 */
struct vns_snap *vns_drops_snapshot(void);
extern const bool vns_have_drop_reason;

/* ---- softirqs, timers, irq-off ---- */

extern struct vns_collector vns_softirqs_collector;
extern struct vns_collector vns_timers_collector;
extern struct vns_collector vns_irqoff_collector;
extern const char *const vns_softirq_names[VNS_NR_SOFTIRQS];

struct vns_sirq_rec {
	u32 cpu;
	u8 vec;				/* VNS_NR_SOFTIRQS: ksoftirqd's */
	u32 pid;			/* ksoftirqd: its pid, 0 if not found */
	u64 runtime_ns;			/* ksoftirqd: CPU time since enable */
	u64 count, total_ns, max_ns;
	u64 raised, wait_total_ns, wait_max_ns;
	struct vns_hist hist, wait;	/* us */
};

struct vns_timer_rec {
	unsigned long func;
	u8 kind;			/* enum vns_timer_kind */
	u32 max_cpu;
	u64 count, total_ns, max_ns, max_when_ns;
	struct vns_hist hist;		/* us */
};

#define VNS_IRQOFF_DEPTH	32

struct vns_irqoff_event {
	u64 latency_ns;
	u64 when_ns;			/* ktime_get_ns() when it ended */
	u32 pid;
	u8 kind;			/* enum vns_irqoff_kind */
	u8 nr_frames;
	char comm[TASK_COMM_LEN];
	unsigned long frames[VNS_IRQOFF_DEPTH];
};

struct vns_irqoff_rec {
	bool summary;			/* else an event */
	u8 kind;
	u32 cpu;
	u64 events;			/* summary */
	struct vns_hist hist;		/* summary: every sample's delay, us */
	struct vns_irqoff_event ev;	/* event */
};

/* Snapshots of a collector's tables for readers; NULL when it is off */
struct vns_snap {
	unsigned int nr;
	u64 now_ns;			/* ktime_get_ns() at the snapshot */
	u64 data[];			/* nr records of one type */
};

#define vns_snap_recs(s, type)	((type *)(s)->data)

/* ---- latency ---- */

extern struct vns_collector vns_latency_collector;

enum vns_lat_rec_kind {
	VNS_LAT_REC_PAIR,		/* from -> to */
	VNS_LAT_REC_TOTAL,		/* end to end, one direction */
};

struct vns_lat_rec {
	u8 kind;
	u8 from;			/* enum vns_stage */
	u8 to;
	u8 dir;				/* enum vns_dir */
	struct vns_hist hist;		/* us */
};

struct vns_snap *vns_latency_snapshot(void);
struct vns_snap *vns_softirqs_snapshot(void);
struct vns_snap *vns_timers_snapshot(void);
struct vns_snap *vns_irqoff_snapshot(void);
struct vns_snap *vns_snap_alloc(unsigned int nr, size_t rec_size);
void vns_snap_free(struct vns_snap *s);

/* ---- interfaces ---- */

int vns_genl_init(void);
void vns_genl_exit(void);
int vns_views_init(void);
void vns_views_exit(void);
/* The events file (views/events.c) */
extern const struct file_operations vns_events_fops;
extern const struct vns_proc_ops vns_events_pops;

#endif /* _VNS_CORE_H */

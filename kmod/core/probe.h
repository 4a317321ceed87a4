/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe layer (probes/probe.c): kprobes, kretprobes and tracepoints
 * attached by name, for a collector's probe table.  Handlers never take
 * vns_lock: control paths wait for them with vns_sync_handlers().
 */
#ifndef _VNS_CORE_PROBE_H
#define _VNS_CORE_PROBE_H

#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/tracepoint.h>
#include <uapi/linux/vnetscope.h>

struct vns_collector;

struct vns_probe {
	/* definition */
	const char *name;		/* symbol, or tracepoint name */
	const char *module;		/* NULL: in vmlinux; kprobes only */
	enum vns_probe_type type;
	bool required;			/* the collector needs it */
	void *tp_func;			/* tracepoint probe; data = this */
	kprobe_pre_handler_t kp_pre;
	kretprobe_handler_t krp_entry;
	kretprobe_handler_t krp_ret;
	size_t krp_data_size;
	int krp_maxactive;		/* 0: from the CPU count */
	/* set: this build cannot serve it (a header it needs is missing) */
	const char *unavail;

	/* set at init */
	struct vns_collector *coll;
	const char *sym;		/* name, or "module:name" (modsym) */
	char *modsym;
	/* runtime, under vns_lock */
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
u64 vns_probe_missed(const struct vns_probe *p);
const char *vns_probe_type_name(enum vns_probe_type t);
const char *vns_probe_state_name(enum vns_probe_state s);

int vns_probes_init(void);
void vns_probes_exit(void);
int vns_probes_attach(struct vns_collector *c, const char **err);
void vns_probes_detach(struct vns_collector *c);
/* Wait until every handler that may have seen old state has returned */
void vns_sync_handlers(void);

#endif /* _VNS_CORE_PROBE_H */

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

/*
 * A probe's per-CPU counters, summed on read.  A handler whose every call
 * is a hit counts it in @hits (vns_probe_enter()); one that counts only
 * some of its calls (vns_probe_hit()) counts every call in @calls
 * (vns_probe_enter_call()).  One call in VNS_PROBE_TIME_EVERY on each CPU
 * is timed: @timed of them, @ns in the handler over them.
 */
struct vns_probe_cpu {
	u64 hits;
	u64 calls;
	u64 timed;
	u64 ns;
};

#define VNS_PROBE_TIME_EVERY	64	/* a power of two */

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
	/*
	 * Its handlers work without the probed function's arguments: they
	 * read none (vns_kprobe_arg()) and need no probe that does.  Without
	 * argument access (VNS_HAVE_KPROBE_ARGS undefined) a kprobe, or a
	 * kretprobe with an entry handler, is registered only if this is set.
	 */
	bool no_args;
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
	struct vns_probe_cpu __percpu *pc;
};

/* A hit, counted by a handler that counts only some of its calls */
static inline void vns_probe_hit(struct vns_probe *p)
{
	this_cpu_inc(p->pc->hits);
}

/* The start of the call numbered @n on this CPU if it is timed, else 0 */
static __always_inline u64 vns_probe_start(u64 n)
{
	if (n & (VNS_PROBE_TIME_EVERY - 1))
		return 0;
	return vns_probe_clock() ?: 1;
}

/* A handler's entry: a hit; returns its start if timed, else 0 */
static __always_inline u64 vns_probe_enter(struct vns_probe *p)
{
	return vns_probe_start(this_cpu_inc_return(p->pc->hits));
}

/* The same for a handler that counts its hits itself: a call */
static __always_inline u64 vns_probe_enter_call(struct vns_probe *p)
{
	return vns_probe_start(this_cpu_inc_return(p->pc->calls));
}

/* Time spent since @t0 (a timed call's start), not one more call timed */
static __always_inline void vns_probe_add_ns(struct vns_probe *p, u64 t0)
{
	u64 now = vns_probe_clock();

	if (now > t0)
		this_cpu_add(p->pc->ns, now - t0);
}

/* A handler's exit: @t0 is what vns_probe_enter*() returned */
static __always_inline void vns_probe_exit(struct vns_probe *p, u64 t0)
{
	if (unlikely(t0)) {
		vns_probe_add_ns(p, t0);
		this_cpu_inc(p->pc->timed);
	}
}

/*
 * Kretprobes.  The entry handler's call is the hit; whether it was timed
 * is marked in the instance's data, after the collector's own (the probe
 * layer registers krp_data_size plus the mark), so that the return
 * handler adds its time to the same timed call.  A kretprobe without an
 * entry handler counts and times its returns.
 */
static __always_inline struct vns_probe *
vns_krp_probe(struct kretprobe_instance *ri)
{
	return container_of(vns_kretprobe_of(ri), struct vns_probe, krp);
}

static __always_inline u64 *vns_krp_mark(const struct vns_probe *p,
					 struct kretprobe_instance *ri)
{
	return (u64 *)(ri->data + ALIGN(p->krp_data_size, sizeof(u64)));
}

static __always_inline u64 vns_krp_ret_enter(struct vns_probe *p,
					     struct kretprobe_instance *ri)
{
	if (!p->krp_entry)
		return vns_probe_enter(p);
	return *vns_krp_mark(p, ri) ? vns_probe_clock() ?: 1 : 0;
}

static __always_inline void vns_krp_ret_exit(struct vns_probe *p, u64 t0)
{
	if (!p->krp_entry)
		vns_probe_exit(p, t0);
	else if (unlikely(t0))
		vns_probe_add_ns(p, t0);
}

/*
 * Handlers.  Each defines the handler the probe layer registers, which
 * counts and times the call around an inlined body: the code after the
 * macro, with the parameters named as below.  The _OWN_HITS variants
 * are for handlers that count their hits with vns_probe_hit().
 *
 *	VNS_KPROBE_HANDLER(fn)		kp, regs
 *	VNS_KRETPROBE_ENTRY(fn)		ri, regs
 *	VNS_KRETPROBE_RETURN(fn)	ri, regs
 *	VNS_TP_HANDLER(fn, VNS_TP_PROTO(void *data, type a, ...),
 *		       VNS_TP_ARGS(data, a, ...))
 *
 * A tracepoint's first parameter is named data: the struct vns_probe.
 * compat.h has the prototypes that vary with the kernel, as handler
 * macros: VNS_KFREE_SKB_HANDLER(), VNS_TIMER_ENTRY_HANDLER().
 */
#define __VNS_KPROBE_HANDLER(fn, enter)					\
static __always_inline int __##fn(struct kprobe *kp,			\
				  struct pt_regs *regs);		\
static int fn(struct kprobe *kp, struct pt_regs *regs)			\
{									\
	struct vns_probe *vns_p = container_of(kp, struct vns_probe, kp); \
	u64 vns_t0 = enter(vns_p);					\
	int vns_ret = __##fn(kp, regs);					\
									\
	vns_probe_exit(vns_p, vns_t0);					\
	return vns_ret;							\
}									\
static __always_inline int __##fn(struct kprobe *kp, struct pt_regs *regs)

#define VNS_KPROBE_HANDLER(fn)	__VNS_KPROBE_HANDLER(fn, vns_probe_enter)
#define VNS_KPROBE_HANDLER_OWN_HITS(fn)					\
	__VNS_KPROBE_HANDLER(fn, vns_probe_enter_call)

#define VNS_KRETPROBE_ENTRY(fn)						\
static __always_inline int __##fn(struct kretprobe_instance *ri,	\
				  struct pt_regs *regs);		\
static int fn(struct kretprobe_instance *ri, struct pt_regs *regs)	\
{									\
	struct vns_probe *vns_p = vns_krp_probe(ri);			\
	u64 vns_t0 = vns_probe_enter(vns_p);				\
	int vns_ret;							\
									\
	*vns_krp_mark(vns_p, ri) = vns_t0 != 0;				\
	vns_ret = __##fn(ri, regs);					\
	vns_probe_exit(vns_p, vns_t0);					\
	return vns_ret;							\
}									\
static __always_inline int __##fn(struct kretprobe_instance *ri,	\
				  struct pt_regs *regs)

#define VNS_KRETPROBE_RETURN(fn)					\
static __always_inline int __##fn(struct kretprobe_instance *ri,	\
				  struct pt_regs *regs);		\
static int fn(struct kretprobe_instance *ri, struct pt_regs *regs)	\
{									\
	struct vns_probe *vns_p = vns_krp_probe(ri);			\
	u64 vns_t0 = vns_krp_ret_enter(vns_p, ri);			\
	int vns_ret = __##fn(ri, regs);					\
									\
	vns_krp_ret_exit(vns_p, vns_t0);				\
	return vns_ret;							\
}									\
static __always_inline int __##fn(struct kretprobe_instance *ri,	\
				  struct pt_regs *regs)

#define VNS_TP_PROTO(...)	__VA_ARGS__
#define VNS_TP_ARGS(...)	__VA_ARGS__

#define __VNS_TP_HANDLER(fn, enter, proto, args)			\
static __always_inline void __##fn(proto);				\
static void fn(proto)							\
{									\
	struct vns_probe *vns_p = data;					\
	u64 vns_t0 = enter(vns_p);					\
									\
	__##fn(args);							\
	vns_probe_exit(vns_p, vns_t0);					\
}									\
static __always_inline void __##fn(proto)

#define VNS_TP_HANDLER(fn, proto, args)					\
	__VNS_TP_HANDLER(fn, vns_probe_enter, VNS_TP_PROTO(proto),	\
			 VNS_TP_ARGS(args))
#define VNS_TP_HANDLER_OWN_HITS(fn, proto, args)			\
	__VNS_TP_HANDLER(fn, vns_probe_enter_call, VNS_TP_PROTO(proto),	\
			 VNS_TP_ARGS(args))

/* What a probe's handlers cost: every call, and the timed ones */
struct vns_probe_cost {
	u64 calls;
	u64 timed;
	u64 ns;				/* over the timed calls */
};

u64 vns_probe_hits(const struct vns_probe *p);
/* Adds @p's to @cost */
void vns_probe_cost_add(const struct vns_probe *p,
			struct vns_probe_cost *cost);
/* The instance data a kretprobe registers: the collector's and the mark */
size_t vns_krp_data_size(const struct vns_probe *p);
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

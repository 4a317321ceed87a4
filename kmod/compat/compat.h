/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences live.  Force-included into every
 * vnetscope source (see Kbuild).  The rest of the module is written against
 * the newest kernel; each helper here picks its branch from vns_config.h,
 * which kmod/compat/conftest.sh generates by compiling tiny tests against the
 * target kernel.  Version numbers in comments say where an API changed
 * upstream; distribution kernels (RHEL 8's 4.18 above all) carry backports,
 * which is why no branch tests LINUX_VERSION_CODE.
 *
 * Supported: 3.10 (CentOS 7), 4.18 (RHEL 8), 4.19 (openEuler 20.03), 5.x, 6.x.
 * Tested in VMs: 4.19, 5.10, 6.1, 6.12.  The 3.10 branches are written from
 * the 3.10 sources; tests/build-3.10.sh compiles them against CentOS 7.8's
 * build tree (make build-el7), but no test runs them.
 */
#ifndef _VNS_COMPAT_H
#define _VNS_COMPAT_H

#include "vns_config.h"

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/stacktrace.h>
#ifdef HAVE_UNWIND_API
#include <asm/unwind.h>
#endif
#include <linux/tracepoint.h>
#include <net/genetlink.h>
#include <net/netlink.h>

/* --- strings ------------------------------------------------------------ */

/* strscpy(): 4.3+.  strlcpy() went away in 6.8. */
#ifndef HAVE_STRSCPY
static inline ssize_t vns_compat_strscpy(char *dst, const char *src,
					 size_t size)
{
	size_t len = strlcpy(dst, src, size);

	return len >= size ? -E2BIG : (ssize_t)len;
}
#define strscpy vns_compat_strscpy
#endif

/* struct_size(), array_size(): 4.18+ (<linux/overflow.h>) */
#ifdef HAVE_STRUCT_SIZE
#include <linux/overflow.h>
#else
#ifndef struct_size		/* RHEL 7 has it, but not for every header */
#define struct_size(p, member, n)					\
	(sizeof(*(p)) + (size_t)(n) * sizeof(*(p)->member))
#endif
#ifndef array_size
#define array_size(a, b)	((size_t)(a) * (size_t)(b))
#endif
#endif

/* --- stack capture ------------------------------------------------------ */

/* 3.19 added within_module(); before, the core and init parts one by one */
#ifndef HAVE_WITHIN_MODULE
#define within_module(addr, mod)					\
	(within_module_core(addr, mod) || within_module_init(addr, mod))
#endif

/*
 * x86 (4.14+): the unwinder's own loop, as arch_stack_walk() runs it, but
 * inline: no indirect call per frame, and with ORC no second look-up of
 * each address in the kernel's and the modules' text (ORC found the
 * entry of every address it unwound through; where it found none, it set
 * the error that ends the walk here).  Elsewhere stack_trace_save(),
 * 5.2+; before it, save_stack_trace() filled a struct stack_trace and
 * (before 4.15 on x86) ended the trace with ULONG_MAX.
 */
#ifdef HAVE_UNWIND_API
static __always_inline unsigned int vns_stack_save(unsigned long *store,
						   unsigned int size)
{
	struct unwind_state state;
	unsigned int nr = 0;
	unsigned long ip;

	for (unwind_start(&state, current, NULL, NULL);
	     nr < size && !unwind_done(&state) && !unwind_error(&state);
	     unwind_next_frame(&state)) {
#ifdef CONFIG_UNWINDER_ORC
		ip = state.ip;
#else
		ip = unwind_get_return_address(&state);
#endif
		if (!ip)
			break;
		store[nr++] = ip;
	}
	return nr;
}
#else
/*
 * The generic walkers (arm64 and the rest) may start inside themselves:
 * arm64 5.10's arch_stack_walk() begins at itself, which
 * stack_trace_save() skips, so stack_trace_save() comes first (5.16+
 * begin at the caller; 4.18 and 4.19's save_stack_trace() skips its own
 * two).  Frames before the first of this module's (the caller's) are
 * dropped, so that a stack starts where the x86 unwinder's does.
 */
static inline unsigned int vns_stack_trim(unsigned long *store,
					  unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr && i < 4; i++) {
		if (!within_module(store[i], THIS_MODULE))
			continue;
		if (i)
			memmove(store, store + i, (nr - i) * sizeof(*store));
		return nr - i;
	}
	return nr;
}

static inline unsigned int vns_stack_save(unsigned long *store,
					  unsigned int size)
{
#ifdef HAVE_STACK_TRACE_SAVE
	return vns_stack_trim(store, stack_trace_save(store, size, 0));
#else
	struct stack_trace t = {
		.entries = store,
		.max_entries = size,
	};

	save_stack_trace(&t);
	if (t.nr_entries && store[t.nr_entries - 1] == ULONG_MAX)
		t.nr_entries--;
	return vns_stack_trim(store, t.nr_entries);
#endif
}
#endif

/* --- tracepoints -------------------------------------------------------- */

/*
 * Tracepoints are registered by struct tracepoint * since 3.15 and found
 * with for_each_kernel_tracepoint(); 3.10 registers them by name.
 * vns_tp_register() takes the name and the struct (NULL on 3.10).
 */
#ifdef HAVE_FOR_EACH_KERNEL_TRACEPOINT
#define VNS_TP_BY_STRUCT 1
static inline int vns_tp_register(struct tracepoint *tp, const char *name,
				  void *probe, void *data)
{
	return tracepoint_probe_register(tp, probe, data);
}

static inline int vns_tp_unregister(struct tracepoint *tp, const char *name,
				    void *probe, void *data)
{
	return tracepoint_probe_unregister(tp, probe, data);
}
#else
/* 3.10: registering a name no tracepoint has succeeds; see compat.c */
bool vns_tp_exists(const char *name);

static inline int vns_tp_register(struct tracepoint *tp, const char *name,
				  void *probe, void *data)
{
	if (!vns_tp_exists(name))
		return -ENOENT;
	return tracepoint_probe_register(name, probe, data);
}

static inline int vns_tp_unregister(struct tracepoint *tp, const char *name,
				    void *probe, void *data)
{
	return tracepoint_probe_unregister(name, probe, data);
}
#endif

/*
 * skb:kfree_skb.  Its prototype grew a drop reason in 5.17 and the
 * receiving socket in 6.11; the probe must match the tracepoint exactly.
 * VNS_KFREE_SKB_REASON is 0 ("none") on kernels without reasons.
 * SKB_CONSUMED (6.3+) marks a free that is not a drop.
 */
#if defined(HAVE_KFREE_SKB_TP_RX_SK)
#define VNS_KFREE_SKB_PROTO(data, skb, loc)				\
	void *data, struct sk_buff *skb, void *loc,			\
	enum skb_drop_reason vns_reason, struct sock *vns_rx_sk
#define VNS_KFREE_SKB_REASON	((u32)vns_reason)
#define VNS_HAVE_DROP_REASON	1
#elif defined(HAVE_KFREE_SKB_TP_REASON)
#define VNS_KFREE_SKB_PROTO(data, skb, loc)				\
	void *data, struct sk_buff *skb, void *loc,			\
	enum skb_drop_reason vns_reason
#define VNS_KFREE_SKB_REASON	((u32)vns_reason)
#define VNS_HAVE_DROP_REASON	1
#else
#define VNS_KFREE_SKB_PROTO(data, skb, loc)				\
	void *data, struct sk_buff *skb, void *loc
#define VNS_KFREE_SKB_REASON	0U
#endif

/*
 * A kfree_skb handler defined by @wrap, VNS_TP_HANDLER() or its _OWN_HITS
 * variant (core/probe.h), with the parameters of VNS_KFREE_SKB_PROTO()
 */
#if defined(HAVE_KFREE_SKB_TP_RX_SK)
#define VNS_KFREE_SKB_HANDLER(wrap, fn, data, skb, loc)		\
	wrap(fn, VNS_KFREE_SKB_PROTO(data, skb, loc),			\
	     VNS_TP_ARGS(data, skb, loc, vns_reason, vns_rx_sk))
#elif defined(HAVE_KFREE_SKB_TP_REASON)
#define VNS_KFREE_SKB_HANDLER(wrap, fn, data, skb, loc)		\
	wrap(fn, VNS_KFREE_SKB_PROTO(data, skb, loc),			\
	     VNS_TP_ARGS(data, skb, loc, vns_reason))
#else
#define VNS_KFREE_SKB_HANDLER(wrap, fn, data, skb, loc)		\
	wrap(fn, VNS_KFREE_SKB_PROTO(data, skb, loc),			\
	     VNS_TP_ARGS(data, skb, loc))
#endif

#ifdef HAVE_SKB_CONSUMED
#define VNS_REASON_IS_CONSUMED(r)	((r) == SKB_CONSUMED)
#else
#define VNS_REASON_IS_CONSUMED(r)	false
#endif

/* Copies the name of a drop reason; false if the kernel has none */
bool vns_drop_reason_name(u32 reason, char *buf, size_t len);

/* --- kprobes ------------------------------------------------------------ */

/*
 * register_kretprobe() that says -ENOENT for a symbol that does not resolve
 * (a module not loaded, or going) on every kernel; see compat.c.
 */
struct kretprobe;
int vns_register_kretprobe(struct kretprobe *rp);

/*
 * The kretprobe of an instance, in its handlers: get_kretprobe() since 5.11
 * (commit "kprobes: Remove kretprobe hash": ri->rph, later the rethook's
 * data); ri->rp before.
 */
#ifdef HAVE_GET_KRETPROBE
#define vns_kretprobe_of(ri)	get_kretprobe(ri)
#else
#define vns_kretprobe_of(ri)	((ri)->rp)
#endif

/* --- netlink ------------------------------------------------------------ */

/* Extended acks: genl_info 4.12+, netlink_callback 4.20+ */
#ifdef HAVE_GENL_INFO_EXTACK
#define VNS_INFO_EXTACK(info)	((info)->extack)
#else
#define VNS_INFO_EXTACK(info)	NULL
#endif
#ifdef HAVE_NETLINK_CB_EXTACK
#define VNS_CB_EXTACK(cb)	((cb)->extack)
#else
#define VNS_CB_EXTACK(cb)	NULL
#endif
/*
 * 4.12 added extended acks; older kernels never see one (RHEL 7's
 * NL_SET_ERR_MSG() ignores its first argument: ours uses it)
 */
struct netlink_ext_ack;
#ifndef HAVE_GENL_INFO_EXTACK
#undef NL_SET_ERR_MSG
#undef NL_SET_ERR_MSG_ATTR
#endif
#ifndef NL_SET_ERR_MSG
#define NL_SET_ERR_MSG(extack, msg)	((void)(extack))
#endif
#ifndef NL_SET_ERR_MSG_ATTR
#define NL_SET_ERR_MSG_ATTR(extack, attr, msg)	NL_SET_ERR_MSG(extack, msg)
#endif

/* NL_SET_ERR_MSG() wants a literal; this takes any static string */
static inline void vns_extack_msg(struct netlink_ext_ack *extack,
				  const char *msg)
{
#ifdef HAVE_GENL_INFO_EXTACK
	if (extack)
		extack->_msg = msg;
#endif
}

/* The same, pointing at the attribute @attr at fault (may be NULL) */
static inline void vns_extack_attr(struct netlink_ext_ack *extack,
				   const struct nlattr *attr, const char *msg)
{
#ifdef HAVE_GENL_INFO_EXTACK
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
#endif
}

/* 4.7+: 64-bit attributes carry a pad attribute for alignment */
#ifdef HAVE_NLA_PUT_U64_64BIT
#define vns_nla_put_u64(skb, type, v, pad) nla_put_u64_64bit(skb, type, v, pad)
#else
#define vns_nla_put_u64(skb, type, v, pad) nla_put_u64(skb, type, v)
#endif

/*
 * Strict parsing.  Since 5.2 the kernel validates strictly: unknown types,
 * NLA_UNSPEC types, trailing bytes and wrong fixed lengths are errors.
 * Older kernels only check minimum lengths and ignore what they do not know;
 * there vns_nla_validate_strict() (compat.c) applies the 5.2 rules first.
 */
int vns_nla_validate_strict(const struct nlattr *head, int len, int maxtype,
			    const struct nla_policy *policy,
			    struct netlink_ext_ack *extack);

static inline int vns_nla_parse_nested(struct nlattr **tb, int maxtype,
				       const struct nlattr *nla,
				       const struct nla_policy *policy,
				       struct netlink_ext_ack *extack)
{
#ifdef HAVE_NL_VALIDATE_STRICT
	/* 5.2+: nla_parse_nested() is the strict parser */
	return nla_parse_nested(tb, maxtype, nla, policy, extack);
#else
	int err = vns_nla_validate_strict(nla_data(nla), nla_len(nla), maxtype,
					  policy, extack);

	if (err)
		return err;
#ifdef HAVE_NLA_PARSE_EXTACK
	return nla_parse_nested(tb, maxtype, nla, policy, extack);
#else
	return nla_parse_nested(tb, maxtype, nla, policy);
#endif
#endif
}

/*
 * Validate a whole genetlink request's attributes the 5.2 way; a no-op on
 * kernels that already did (family-level policy, strict by default).
 */
static inline int vns_genl_validate(const struct nlmsghdr *nlh, int maxtype,
				    const struct nla_policy *policy,
				    struct netlink_ext_ack *extack)
{
#ifdef HAVE_NL_VALIDATE_STRICT
	return 0;
#else
	int hdrlen = NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < hdrlen) {
		NL_SET_ERR_MSG(extack, "message shorter than its headers");
		return -EINVAL;
	}
	return vns_nla_validate_strict((const struct nlattr *)
				       ((const char *)nlh + hdrlen),
				       nlh->nlmsg_len - hdrlen, maxtype,
				       policy, extack);
#endif
}

/*
 * Genetlink families: 5.2+ keep the policy in the family; before, in each
 * op.  Before 4.10 the family id was GENL_ID_GENERATE and the ops were
 * registered beside the family.  The ops table is built at init (one dump
 * per collector), so vns_genl_register() takes it.
 */
#ifdef HAVE_GENL_FAMILY_POLICY
#define VNS_GENL_FAMILY_POLICY(p)	.policy = (p),
#define VNS_GENL_OP_POLICY(p)
#else
#define VNS_GENL_FAMILY_POLICY(p)
#define VNS_GENL_OP_POLICY(p)		.policy = (p),
#endif

#ifdef HAVE_GENL_OPS_START
#define VNS_GENL_OP_START(fn)		.start = (fn),
#else
#define VNS_GENL_OP_START(fn)
#endif

#ifdef HAVE_GENL_ID_GENERATE
#define VNS_GENL_FAMILY_ID		.id = GENL_ID_GENERATE,
static inline int vns_genl_register(struct genl_family *f,
				    const struct genl_ops *ops, size_t n)
{
	return _genl_register_family_with_ops_grps(f, ops, n, NULL, 0);
}
#else
#define VNS_GENL_FAMILY_ID
static inline int vns_genl_register(struct genl_family *f,
				    const struct genl_ops *ops, size_t n)
{
	f->ops = ops;
	f->n_ops = n;
	return genl_register_family(f);
}
#endif

/* --- modules ------------------------------------------------------------ */

/*
 * Before 5.0 module_init() and module_exit() alias init_module() and
 * cleanup_module() without the function's attributes, and gcc 9+ warns that
 * __init's cold is missing (-Wmissing-attributes).  As 5.0 does, copy them
 * where the compiler has the copy attribute (gcc 9+); the aliases' type
 * check (__inittest) is left to kernels that have it.
 */
#ifndef HAVE_MODULE_INIT_COPY
#include <linux/init.h>
#include <linux/module.h>
#ifdef __has_attribute
#if __has_attribute(__copy__)
#undef module_init
#undef module_exit
#define VNS_ALIAS_OF(fn)	__attribute__((__copy__(fn), alias(#fn)))
#define module_init(fn)		int init_module(void) VNS_ALIAS_OF(fn)
#define module_exit(fn)		void cleanup_module(void) VNS_ALIAS_OF(fn)
#endif
#endif
#endif

/* --- scheduler ---------------------------------------------------------- */

/* 4.11 moved for_each_process() and friends to <linux/sched/signal.h> */
#ifdef HAVE_SCHED_SIGNAL_H
#include <linux/sched/signal.h>
#else
#include <linux/sched.h>
#endif

/* --- procfs ------------------------------------------------------------- */

/* 5.17 renamed PDE_DATA() (3.10+) to pde_data() */
#ifndef HAVE_PDE_DATA
#define pde_data(inode)	PDE_DATA(inode)
#endif

/*
 * 5.6+: procfs takes struct proc_ops and holds no module reference (removal
 * runs down open files instead); before, a struct file_operations.
 */
#ifdef HAVE_PROC_OPS
#define VNS_PROC_OPS(name, open_fn, read_fn, lseek_fn, release_fn)	\
	static const struct proc_ops name = {				\
		.proc_open = open_fn,					\
		.proc_read = read_fn,					\
		.proc_lseek = lseek_fn,					\
		.proc_release = release_fn,				\
	}
#define vns_proc_ops	proc_ops
#else
#define VNS_PROC_OPS(name, open_fn, read_fn, lseek_fn, release_fn)	\
	static const struct file_operations name = {			\
		.owner = THIS_MODULE,					\
		.open = open_fn,					\
		.read = read_fn,					\
		.llseek = lseek_fn,					\
		.release = release_fn,					\
	}
#define vns_proc_ops	file_operations
#endif

/*
 * The events file: a stream (no seek: its open calls nonseekable_open())
 * that can be polled.  Not static: views.c registers what views/events.c
 * defines.
 */
#ifdef HAVE_PROC_OPS
#define VNS_PROC_OPS_POLL(name, open_fn, read_fn, poll_fn, release_fn)	\
	const struct proc_ops name = {					\
		.proc_open = open_fn,					\
		.proc_read = read_fn,					\
		.proc_poll = poll_fn,					\
		.proc_release = release_fn,				\
	}
#else
#define VNS_PROC_OPS_POLL(name, open_fn, read_fn, poll_fn, release_fn)	\
	const struct file_operations name = {				\
		.owner = THIS_MODULE,					\
		.open = open_fn,					\
		.read = read_fn,					\
		.poll = poll_fn,					\
		.release = release_fn,					\
	}
#endif

/*
 * __poll_t and the EPOLL* masks as its values: 4.16 (EPOLL* in
 * <uapi/linux/eventpoll.h> since 4.12).  Before, poll returned an
 * unsigned int of POLL* bits, the same values.
 */
#ifndef HAVE_POLL_T
#include <linux/poll.h>
#define __poll_t	unsigned int
#ifndef EPOLLIN
#define EPOLLIN		POLLIN
#endif
#ifndef EPOLLRDNORM
#define EPOLLRDNORM	POLLRDNORM
#endif
#ifndef EPOLLHUP
#define EPOLLHUP	POLLHUP
#endif
#endif

/*
 * in_hardirq(): 5.11 (commit "sched: Introduce in_hardirq()"), in_irq()
 * deprecated then.  Note that x86's int3 kprobes (5.8+) run inside
 * nmi_enter(), which counts as a hard interrupt: a test on it is only
 * meaningful in a handler entered through ftrace (a function's entry) or
 * a kretprobe's return.
 */
#ifndef HAVE_IN_HARDIRQ
#define in_hardirq()	in_irq()
#endif

/* A user worker (6.4+: io_uring's and vhost's threads of a process) */
#ifdef PF_USER_WORKER
#define VNS_PF_USER_WORKER	PF_USER_WORKER
#else
#define VNS_PF_USER_WORKER	0
#endif

/* ---- timers, hrtimers, tasklets, CPU hotplug ---- */

#ifndef HAVE_KTIME_GET_NS
#define ktime_get_ns()	ktime_to_ns(ktime_get())
#endif

/* timer:timer_expire_entry gained the base clock in 5.2 */
#ifdef HAVE_TIMER_TP_BASECLK
#define VNS_TIMER_ENTRY_PROTO(data, timer)				\
	void *data, struct timer_list *timer, unsigned long vns_baseclk
#define VNS_TIMER_ENTRY_HANDLER(wrap, fn, data, timer)			\
	wrap(fn, VNS_TIMER_ENTRY_PROTO(data, timer),			\
	     VNS_TP_ARGS(data, timer, vns_baseclk))
#else
#define VNS_TIMER_ENTRY_PROTO(data, timer)				\
	void *data, struct timer_list *timer
#define VNS_TIMER_ENTRY_HANDLER(wrap, fn, data, timer)			\
	wrap(fn, VNS_TIMER_ENTRY_PROTO(data, timer), VNS_TP_ARGS(data, timer))
#endif

/*
 * The clock that times probe handlers (core/probe.h): cheap, monotonic,
 * safe in any context, interrupts off and NMIs included, and advancing
 * where the TSC is unstable (TCG guests of 4.19 and 5.10, where
 * local_clock() is filtered through the tick and stands still with
 * interrupts off).  ktime_get_mono_fast_ns(): 3.17+, the clocksource read
 * through a latch, never a retry loop that a probe inside the timekeeping
 * code could spin in (ktime_get_ns() could).  3.10: local_clock().
 */
#ifdef HAVE_KTIME_GET_MONO_FAST_NS
#define vns_probe_clock()	ktime_get_mono_fast_ns()
#else
#define vns_probe_clock()	local_clock()
#endif

/* A pinned relative hrtimer that expires in hard interrupt context */
#ifdef HAVE_HRTIMER_MODE_HARD
#define VNS_HRTIMER_PINNED	HRTIMER_MODE_REL_PINNED_HARD
#else
#define VNS_HRTIMER_PINNED	HRTIMER_MODE_REL_PINNED
#endif

typedef enum hrtimer_restart (*vns_hrtimer_fn)(struct hrtimer *);

static inline void vns_hrtimer_setup(struct hrtimer *t, vns_hrtimer_fn fn)
{
#ifdef HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, VNS_HRTIMER_PINNED);
#else
	hrtimer_init(t, CLOCK_MONOTONIC, VNS_HRTIMER_PINNED);
	t->function = fn;
#endif
}

/* A tasklet whose function gets the tasklet itself */
#ifdef HAVE_TASKLET_SETUP
static inline void vns_tasklet_setup(struct tasklet_struct *t,
				     void (*fn)(struct tasklet_struct *))
{
	tasklet_setup(t, fn);
}
#define VNS_TASKLET_FN(name, arg) void name(struct tasklet_struct *arg)
#else
#define vns_tasklet_setup(t, fn)	tasklet_init(t, fn, (unsigned long)(t))
#define VNS_TASKLET_FN(name, arg)					\
	void name##_t(struct tasklet_struct *arg);			\
	void name(unsigned long vns_arg)				\
	{								\
		name##_t((struct tasklet_struct *)vns_arg);		\
	}								\
	void name##_t(struct tasklet_struct *arg)
#endif

/*
 * Per-CPU start/stop callbacks, run on the CPU concerned: for every online
 * CPU at setup and at remove, and as CPUs come and go in between.  Returns a
 * handle (> 0) for vns_cpuhp_remove(), or an error.
 */
int vns_cpuhp_setup(const char *name, int (*online)(unsigned int cpu),
		    int (*offline)(unsigned int cpu));
void vns_cpuhp_remove(int handle);

/*
 * The n-th (0-based) argument of a function, in a kprobe's pre-handler at
 * its entry (or a kretprobe's entry handler).  Three ways, in this order:
 *
 *  - accessor: the kernel's regs_get_kernel_argument()
 *    (HAVE_FUNCTION_ARG_ACCESS_API): x86 since 5.0; arm64 since 5.1 or
 *    5.2 (absent from 5.0.1 and 4.19, present in 5.2: sources checked);
 *    later RHEL 8 4.18 kernels backport it (an arm64 one checked).
 *    Feature-tested, not assumed from the version.
 *  - regs: where the accessor is missing, the architecture's calling
 *    convention read from struct pt_regs: x86_64 (SysV: rdi, rsi, rdx,
 *    rcx, r8, r9; 3.10 .. 4.19 kernels) and arm64 (AAPCS64: x0 .. x7,
 *    struct pt_regs's regs[0..7], as in 4.18 and 4.19; openEuler 20.03's
 *    4.19, RHEL 8's 4.18 before the backport).
 *  - none: any other architecture.  VNS_HAVE_KPROBE_ARGS is then undefined
 *    and the probe layer never registers a probe whose handler reads
 *    arguments (its table entry says .no_args if it reads none): see
 *    vns_probe_reads_args().
 *
 * Test builds force the two fallbacks (make VNS_KPROBE_ARGS=regs|none,
 * kmod/Makefile): regs ignores the accessor, none gives no access at all.
 * VNS_KPROBE_ARGS_NAME is what /proc/vnetscope/status reports
 * (kprobe_args=).
 */
#include <linux/ptrace.h>
#ifdef VNS_KPROBE_ARGS_REGS
#undef HAVE_REGS_GET_KERNEL_ARGUMENT
#endif
#if defined(VNS_KPROBE_ARGS_NONE)
#define VNS_KPROBE_ARGS_NAME	"none"
#elif defined(HAVE_REGS_GET_KERNEL_ARGUMENT)
#define VNS_HAVE_KPROBE_ARGS 1
#define VNS_KPROBE_ARGS_NAME	"accessor"
static __always_inline unsigned long vns_kprobe_arg(struct pt_regs *regs,
						    unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}
#elif defined(CONFIG_X86_64)
#define VNS_HAVE_KPROBE_ARGS 1
#define VNS_KPROBE_ARGS_NAME	"regs"
static __always_inline unsigned long vns_kprobe_arg(struct pt_regs *regs,
						    unsigned int n)
{
	switch (n) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->cx;
	case 4: return regs->r8;
	case 5: return regs->r9;
	}
	return 0;
}
#elif defined(CONFIG_ARM64)
#define VNS_HAVE_KPROBE_ARGS 1
#define VNS_KPROBE_ARGS_NAME	"regs"
static __always_inline unsigned long vns_kprobe_arg(struct pt_regs *regs,
						    unsigned int n)
{
	return n < 8 ? regs->regs[n] : 0;
}
#else
#define VNS_KPROBE_ARGS_NAME	"none"
#endif

#ifndef VNS_HAVE_KPROBE_ARGS
/* Never called: the probe layer registers no handler that reads them */
static inline unsigned long vns_kprobe_arg(struct pt_regs *regs,
					   unsigned int n)
{
	return 0;
}
#endif

/*
 * regs_return_value(), in a kretprobe's return handler, is every
 * architecture's with kretprobes (arm64: regs->regs[0], 4.19 too).
 */

/*
 * proto_ops sendmsg/recvmsg (tun_sendmsg, tun_recvmsg): (sock, msg, len...)
 * since 4.1; 3.10 (RHEL 7 too) has a kiocb first, where a handler reading
 * (sock, msg, len) would take &msg for a length.  Such probes get
 * VNS_SOCK_ARGS_UNAVAIL.
 */
#ifndef HAVE_PROTO_OPS_SENDMSG_SOCK
#define VNS_SOCK_ARGS_UNAVAIL	"3.10 prototypes (kiocb first)"
#else
#define VNS_SOCK_ARGS_UNAVAIL	NULL
#endif

/* dev->priv_flags of OVS internal ports (0: no such flag, 3.10) */
#ifdef HAVE_IFF_OPENVSWITCH
#define VNS_IFF_OPENVSWITCH	IFF_OPENVSWITCH
#else
#define VNS_IFF_OPENVSWITCH	0
#endif

/* Which argument of ip_output() and ip6_output() is the skb */
#if defined(HAVE_IP_OUTPUT_NET)
#define VNS_IP_OUTPUT_SKB_ARG	2	/* (net, sk, skb): 4.4+ */
#elif defined(HAVE_IP_OUTPUT_SK)
#define VNS_IP_OUTPUT_SKB_ARG	1	/* (sk, skb): 4.1 - 4.3 */
#else
#define VNS_IP_OUTPUT_SKB_ARG	0	/* (skb): 3.10 */
#endif

/*
 * Which argument of ovs_flow_key_extract_userspace() is the skb: 4.3+ and
 * RHEL 7 (CentOS 7.8's flow.h checked) have (net, attr, skb, key, log);
 * 3.17 .. 4.2 had (attr, skb, key[, log]); before 3.17 there is no such
 * function and the probe is unavailable.
 */
#ifdef HAVE_OVS_KEY_ATTR_CT_STATE
#define VNS_OVS_USERSPACE_SKB_ARG	2
#else
#define VNS_OVS_USERSPACE_SKB_ARG	1
#endif

/* Which argument of nf_conntrack_in() is the skb */
#ifdef HAVE_NF_CONNTRACK_IN_STATE
#define VNS_NF_CONNTRACK_IN_SKB_ARG	0	/* (skb, state): 4.20+ */
#else
#define VNS_NF_CONNTRACK_IN_SKB_ARG	3	/* (net, pf, hooknum, skb) */
#endif

/*
 * Reading through a pointer whose owner may be going (a probe's remembered
 * socket): 5.8 renamed probe_kernel_read() to copy_from_kernel_nofault().
 */
#include <linux/uaccess.h>
#ifndef HAVE_COPY_FROM_KERNEL_NOFAULT
#define copy_from_kernel_nofault(dst, src, size)			\
	probe_kernel_read(dst, src, size)
#endif

/*
 * A struct ptr_ring (4.8+; each TUN queue's tx ring since 4.16), read with
 * nofault copies: the entries it holds (its size when the producer's next
 * slot is taken: full, as the producer sees it) and its size.  false when
 * it cannot be read, or where there is no such ring (3.10).  Compat.c.
 */
bool vns_ptr_ring_state(const void *ring, u32 *used, u32 *size);
#ifdef HAVE_PTR_RING
#define VNS_HAVE_PTR_RING	1
#else
#define VNS_HAVE_PTR_RING	0
#endif

/*
 * A batch that vhost_net hands to TUN's sendmsg (4.20+: msg_control is a
 * struct tun_msg_ctl of type TUN_MSG_PTR, an array of XDP buffers): its
 * packets and their bytes.  false when @m carries one packet, and always
 * where there are no batches (4.19 and older).  Compat.c.
 */
struct msghdr;
bool vns_tun_msg_batch(const struct msghdr *m, u32 *pkts, u64 *bytes);

/*
 * A network namespace's stable id, as ip netns identify and /proc/PID/ns/net
 * show it (its inode number): net->ns.inum since 3.19 (ns_common), before
 * that net->proc_inum (3.10, RHEL 7).
 */
#ifdef HAVE_NET_NS_INUM
#define vns_net_id(net)	((u32)(net)->ns.inum)
#else
#define vns_net_id(net)	((u32)(net)->proc_inum)
#endif

#endif /* _VNS_COMPAT_H */

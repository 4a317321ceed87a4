// SPDX-License-Identifier: GPL-2.0
/*
 * The probe layer: attach kprobes, kretprobes and tracepoints by name.
 *
 * A probe is attached when its collector is enabled.  If its symbol or
 * tracepoint is missing it becomes "unavailable" with a reason and the
 * collector runs without it (unless the probe is required).  A probe that
 * lives in a module that is not loaded waits: the module notifier attaches it
 * when the module comes and detaches it before the module goes.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>

#include "../core/collector.h"
#include "../core/probe.h"

/* Hits the kernel did not deliver: reentrancy, and returns for kretprobes */
u64 vns_probe_missed(const struct vns_probe *p)
{
	switch (p->type) {
	case VNS_PROBE_KPROBE:
		return p->kp.nmissed;
	case VNS_PROBE_KRETPROBE:
		return p->krp.kp.nmissed + (unsigned int)p->krp.nmissed;
	default:
		return 0;
	}
}

const char *vns_probe_type_name(enum vns_probe_type t)
{
	switch (t) {
	case VNS_PROBE_KPROBE:
		return "kprobe";
	case VNS_PROBE_KRETPROBE:
		return "kretprobe";
	case VNS_PROBE_TRACEPOINT:
		return "tracepoint";
	}
	return "?";
}

const char *vns_probe_state_name(enum vns_probe_state s)
{
	switch (s) {
	case VNS_PROBE_DETACHED:
		return "detached";
	case VNS_PROBE_ATTACHED:
		return "attached";
	case VNS_PROBE_UNAVAILABLE:
		return "unavailable";
	case VNS_PROBE_WAITING:
		return "waiting";
	}
	return "?";
}

u64 vns_probe_hits(const struct vns_probe *p)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(p->pc, cpu)->hits;
	return sum;
}

/*
 * Calls: a handler that counts only some calls as hits counts its calls
 * apart, at least as many as its hits; one whose every call is a hit (or
 * that is not wrapped by the handler macros) counts hits only.
 */
void vns_probe_cost_add(const struct vns_probe *p, struct vns_probe_cost *cost)
{
	u64 hits = 0, calls = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct vns_probe_cpu *pc = per_cpu_ptr(p->pc, cpu);

		hits += READ_ONCE(pc->hits);
		calls += READ_ONCE(pc->calls);
		cost->timed += READ_ONCE(pc->timed);
		cost->ns += READ_ONCE(pc->ns);
	}
	cost->calls += max(hits, calls);
}

size_t vns_krp_data_size(const struct vns_probe *p)
{
	if (!p->krp_entry)
		return p->krp_data_size;
	return ALIGN(p->krp_data_size, sizeof(u64)) + sizeof(u64);
}

void vns_sync_handlers(void)
{
	/*
	 * Tracepoint and kprobe handlers run with preemption disabled (and
	 * under SRCU for rcuidle tracepoints): this waits for all of them.
	 */
	tracepoint_synchronize_unregister();
}

#ifdef VNS_TP_BY_STRUCT
struct vns_tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void vns_tp_match(struct tracepoint *tp, void *priv)
{
	struct vns_tp_lookup *l = priv;

	if (!l->tp && !strcmp(tp->name, l->name))
		l->tp = tp;
}
#endif

/*
 * Tracepoints are the kernel's own (3.15+: walked; 3.10: registered by name,
 * see vns_tp_register()).  Tracepoints of modules are not supported.
 */
static struct tracepoint *vns_tp_find(const char *name)
{
#ifdef VNS_TP_BY_STRUCT
	struct vns_tp_lookup l = { .name = name };

	for_each_kernel_tracepoint(vns_tp_match, &l);
	return l.tp;
#else
	return NULL;
#endif
}

static const char *vns_errno_reason(int err)
{
	switch (err) {
	case -ENOENT:
		return "symbol not found";
	case -EINVAL:
		return "blacklisted or not probeable";
	case -EILSEQ:
		return "not at an instruction boundary";
	case -EBUSY:
		return "already probed exclusively";
	case -EOPNOTSUPP:
		return "kprobes not supported";
	case -ENOMEM:
		return "out of memory";
	case -EEXIST:
		return "already registered";
	default:
		return "registration failed";
	}
}

static int vns_probe_register(struct vns_probe *p)
{
	int err;

	switch (p->type) {
	case VNS_PROBE_TRACEPOINT:
		p->tp = vns_tp_find(p->name);
#ifdef VNS_TP_BY_STRUCT
		if (!p->tp) {
			p->reason = "tracepoint not found";
			return -ENOENT;
		}
#endif
		err = vns_tp_register(p->tp, p->name, p->tp_func, p);
		if (err == -ENOENT)
			p->reason = "tracepoint not found";
		break;
	case VNS_PROBE_KPROBE:
		memset(&p->kp, 0, sizeof(p->kp));
		p->kp.symbol_name = p->sym;
		p->kp.pre_handler = p->kp_pre;
		err = register_kprobe(&p->kp);
		break;
	case VNS_PROBE_KRETPROBE:
		memset(&p->krp, 0, sizeof(p->krp));
		p->krp.kp.symbol_name = p->sym;
		p->krp.entry_handler = p->krp_entry;
		p->krp.handler = p->krp_ret;
		p->krp.data_size = vns_krp_data_size(p);
		p->krp.maxactive = p->krp_maxactive;
		err = vns_register_kretprobe(&p->krp);
		break;
	default:
		err = -EINVAL;
	}
	if (err) {
		if (!p->reason)
			p->reason = vns_errno_reason(err);
		return err;
	}
	p->registered = true;
	return 0;
}

static void vns_probe_unregister(struct vns_probe *p)
{
	if (!p->registered)
		return;
	switch (p->type) {
	case VNS_PROBE_TRACEPOINT:
		vns_tp_unregister(p->tp, p->name, p->tp_func, p);
		break;
	case VNS_PROBE_KPROBE:
		unregister_kprobe(&p->kp);
		break;
	case VNS_PROBE_KRETPROBE:
		unregister_kretprobe(&p->krp);
		break;
	}
	p->registered = false;
}

/*
 * Attach one probe and set its state; returns 0 unless it failed.  A kprobe
 * in a module is registered as "module:symbol", which the kernel resolves in
 * that module only (kallsyms_lookup_name() -> module_kallsyms_lookup_name(),
 * 3.10+), and -ENOENT there means the module is not loaded (or is going:
 * register_kprobe() refuses a module in MODULE_STATE_GOING): the probe waits
 * for the module notifier.  @mod_here: the module is known to be there (its
 * MODULE_STATE_COMING), so -ENOENT is a symbol it does not have.
 */
static int vns_probe_attach(struct vns_probe *p, bool mod_here)
{
	int err;

	p->reason = NULL;
	if (p->unavail) {
		p->state = VNS_PROBE_UNAVAILABLE;
		p->reason = p->unavail;
		return -EOPNOTSUPP;
	}
	err = vns_probe_register(p);
	/*
	 * A module going while we register: its symbol resolved, then its
	 * text left the module tree (-EINVAL, "not kernel text").  Once more:
	 * a module that is gone now gives -ENOENT.
	 */
	if (err && err != -ENOENT && p->module && !mod_here &&
	    p->type != VNS_PROBE_TRACEPOINT) {
		p->reason = NULL;
		err = vns_probe_register(p);
	}
	if (err == -ENOENT && p->module && !mod_here &&
	    p->type != VNS_PROBE_TRACEPOINT) {
		p->state = VNS_PROBE_WAITING;
		return 0;
	}
	if (err) {
		p->state = VNS_PROBE_UNAVAILABLE;
		pr_info("probe %s (%s) unavailable: %s (%d)\n", p->name,
			vns_probe_type_name(p->type), p->reason, err);
		return err;
	}
	p->state = VNS_PROBE_ATTACHED;
	return 0;
}

/*
 * The enable's error: the required probe, why it is unavailable.  A few
 * kept, as the mem_limit= messages are: the caller copies it out after
 * vns_lock is dropped (the control file's last_error, the netlink reply).
 */
#define VNS_PROBE_MSGS	4
static char vns_probe_msg[VNS_PROBE_MSGS][192];
static unsigned int vns_probe_msg_next;

static const char *vns_probe_required_msg(const struct vns_probe *p)
{
	char *msg = vns_probe_msg[vns_probe_msg_next++ % VNS_PROBE_MSGS];

	snprintf(msg, sizeof(vns_probe_msg[0]),
		 "required probe %s (%s) is unavailable: %s", p->name,
		 vns_probe_type_name(p->type), p->reason ?: "unknown");
	return msg;
}

/*
 * Attach every probe of @c.  Fails (and detaches what it attached) if a
 * required probe could not be attached, or if none of its probes could
 * (attached, or waiting for its module): a collector is never on with
 * nothing to count.  Called under vns_lock.
 */
int vns_probes_attach(struct vns_collector *c, const char **err)
{
	unsigned int i, usable = 0;

	lockdep_assert_held(&vns_lock);
	for (i = 0; i < c->nr_probes; i++) {
		struct vns_probe *p = &c->probes[i];

		if (!vns_probe_attach(p, false)) {
			usable++;
		} else if (p->required) {
			*err = vns_probe_required_msg(p);
			vns_probes_detach(c);
			p->state = VNS_PROBE_UNAVAILABLE;
			return -ENOENT;
		}
	}
	if (c->nr_probes && !usable) {
		*err = "none of its probes is available (see probes)";
		vns_probes_detach(c);
		return -ENOENT;
	}
	return 0;
}

/* Detach every probe of @c and wait for running handlers.  Under vns_lock. */
void vns_probes_detach(struct vns_collector *c)
{
	unsigned int i;

	lockdep_assert_held(&vns_lock);
	for (i = 0; i < c->nr_probes; i++) {
		struct vns_probe *p = &c->probes[i];

		vns_probe_unregister(p);
		if (p->state != VNS_PROBE_UNAVAILABLE)
			p->state = VNS_PROBE_DETACHED;
	}
	vns_sync_handlers();
}

/*
 * Probes in modules: attach when the module comes (its symbols are
 * resolvable and its text is ready from MODULE_STATE_COMING), detach when it
 * goes (MODULE_STATE_GOING runs after its exit function, before its memory
 * is freed).
 */
static int vns_module_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct module *mod = data;
	unsigned int i, j;
	bool detached = false;

	if (action != MODULE_STATE_COMING && action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&vns_lock);
	for (i = 0; i < vns_nr_collectors; i++) {
		struct vns_collector *c = vns_collectors[i];

		if (!c->on)
			continue;
		for (j = 0; j < c->nr_probes; j++) {
			struct vns_probe *p = &c->probes[j];

			if (!p->module || strcmp(p->module, mod->name))
				continue;
			if (action == MODULE_STATE_COMING &&
			    p->state == VNS_PROBE_WAITING) {
				vns_probe_attach(p, true);
			} else if (action == MODULE_STATE_GOING &&
				   !p->unavail) {
				/* one this build cannot serve stays so */
				vns_probe_unregister(p);
				p->state = VNS_PROBE_WAITING;
				detached = true;
			}
		}
	}
	if (detached)
		vns_sync_handlers();
	mutex_unlock(&vns_lock);
	return NOTIFY_OK;
}

static struct notifier_block vns_module_nb = {
	.notifier_call = vns_module_notify,
};

/*
 * A kretprobe's instances: the kernel's own default (kernel/kprobes.c) is
 * max(10, 2 * num_possible_cpus()) on preemptible kernels; a probed function
 * that sleeps or runs nested needs more.  Returns that are missed for want
 * of an instance are counted in nmissed (see vns_probe_missed()).
 */
static int vns_krp_maxactive(void)
{
	return max_t(int, 64, 2 * num_possible_cpus());
}

/*
 * Whether @p's handlers read the probed function's arguments: a kprobe's
 * or a kretprobe's entry handler may, unless its table entry says not
 * (.no_args); a return handler reads the return value only, and a
 * tracepoint gets its arguments from the tracepoint.
 */
static bool vns_probe_reads_args(const struct vns_probe *p)
{
	if (p->no_args)
		return false;
	return p->type == VNS_PROBE_KPROBE ||
	       (p->type == VNS_PROBE_KRETPROBE && p->krp_entry);
}

static int vns_probe_init(struct vns_collector *c, struct vns_probe *p)
{
	p->coll = c;
	/* default deny: a handler that would read arguments it cannot get */
	if (!IS_ENABLED(VNS_HAVE_KPROBE_ARGS) && vns_probe_reads_args(p))
		p->unavail = "no argument access on this architecture";
	/* what this build cannot serve shows so from the start */
	if (p->unavail) {
		p->state = VNS_PROBE_UNAVAILABLE;
		p->reason = p->unavail;
	}
	p->pc = alloc_percpu(struct vns_probe_cpu);
	if (!p->pc)
		return -ENOMEM;
	if (p->type == VNS_PROBE_KRETPROBE && !p->krp_maxactive)
		p->krp_maxactive = vns_krp_maxactive();
	/*
	 * Writable: 3.10's module_kallsyms_lookup_name() cuts the string at
	 * the colon while it looks the module up
	 */
	if (p->module && p->type != VNS_PROBE_TRACEPOINT) {
		p->modsym = kasprintf(GFP_KERNEL, "%s:%s", p->module, p->name);
		if (!p->modsym)
			return -ENOMEM;
		p->sym = p->modsym;
	} else {
		p->sym = p->name;
	}
	return 0;
}

int vns_probes_init(void)
{
	unsigned int i, j;
	int err;

	for (i = 0; i < vns_nr_collectors; i++) {
		struct vns_collector *c = vns_collectors[i];

		for (j = 0; j < c->nr_probes; j++) {
			err = vns_probe_init(c, &c->probes[j]);
			if (err)
				goto fail;
		}
	}
	err = register_module_notifier(&vns_module_nb);
	if (err)
		goto fail;
	return 0;
fail:
	vns_probes_exit();
	return err;
}

/* After every collector is disabled */
void vns_probes_exit(void)
{
	unsigned int i, j;

	unregister_module_notifier(&vns_module_nb);
	for (i = 0; i < vns_nr_collectors; i++) {
		struct vns_collector *c = vns_collectors[i];

		for (j = 0; j < c->nr_probes; j++) {
			free_percpu(c->probes[j].pc);
			c->probes[j].pc = NULL;
			kfree(c->probes[j].modsym);
			c->probes[j].modsym = NULL;
		}
	}
}

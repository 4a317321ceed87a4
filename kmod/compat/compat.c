// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-line compat helpers: drop reason names, tracepoints by name (3.10),
 * the 5.2 netlink validation rules for older kernels and CPU hotplug.  See
 * compat.h.
 */
#include <linux/cpu.h>
#ifdef HAVE_CPUHP_SETUP_STATE
#include <linux/cpuhotplug.h>
#endif
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/skbuff.h>
#ifdef HAVE_DROPREASON_H
#include <linux/types.h>
#include <net/dropreason.h>
#endif

/*
 * Drop reasons.  6.0+ lists the core reasons in DEFINE_DROP_REASON(), from
 * which the module builds its own name table (no export needed); 6.4+ adds
 * subsystem reasons (bits 16..31) whose names only the exported
 * drop_reasons_by_subsys[] knows.  5.17..5.19 have reasons but no list in a
 * header: their names are printed as numbers.
 */
#ifdef HAVE_DROPREASON_H
#define VNS_FN(reason)	{ SKB_DROP_REASON_##reason, #reason },
#define VNS_FNE(reason)
static const struct {
	u32 reason;
	const char *name;
} vns_core_reasons[] = {
#ifdef HAVE_SKB_CONSUMED
	{ SKB_CONSUMED, "CONSUMED" },
#endif
	DEFINE_DROP_REASON(VNS_FN, VNS_FNE)
};
#endif

#ifdef HAVE_DROP_REASONS_BY_SUBSYS
/* Reasons of a subsystem (mac80211, openvswitch...): bits 16..31 say which */
static bool vns_subsys_reason_name(u32 reason, char *buf, size_t len)
{
	u32 subsys = reason >> SKB_DROP_REASON_SUBSYS_SHIFT;
	u32 idx = reason & ~SKB_DROP_REASON_SUBSYS_MASK;
	const struct drop_reason_list *list;
	bool found = false;

	if (subsys >= SKB_DROP_REASON_SUBSYS_NUM)
		return false;
	/* the list belongs to a module that may be going away */
	rcu_read_lock();
	list = rcu_dereference(drop_reasons_by_subsys[subsys]);
	if (list && idx < list->n_reasons && list->reasons[idx]) {
		strscpy(buf, list->reasons[idx], len);
		found = true;
	}
	rcu_read_unlock();
	return found;
}
#endif

/* Copies the name of @reason into @buf; false if the kernel has none */
bool vns_drop_reason_name(u32 reason, char *buf, size_t len)
{
#ifdef HAVE_DROPREASON_H
	unsigned int i;

#ifdef HAVE_DROP_REASONS_BY_SUBSYS
	if (reason >> SKB_DROP_REASON_SUBSYS_SHIFT)
		return vns_subsys_reason_name(reason, buf, len);
#endif
	for (i = 0; i < ARRAY_SIZE(vns_core_reasons); i++) {
		if (vns_core_reasons[i].reason == reason) {
			strscpy(buf, vns_core_reasons[i].name, len);
			return true;
		}
	}
#endif
	return false;
}

/*
 * 3.10 registers tracepoints by name, and registering a name that no
 * tracepoint has succeeds (the probe would wait for a module to define it):
 * look for the tracepoint's __tracepoint_<name> symbol first.  3.10 exports
 * kallsyms_lookup_name() (5.7+ do not, but 3.15+ never come here); without
 * the export nothing can be told and the name is taken as it is.
 */
#ifndef HAVE_FOR_EACH_KERNEL_TRACEPOINT
bool vns_tp_exists(const char *name)
{
#ifdef HAVE_KALLSYMS_LOOKUP_NAME_EXPORTED
	char sym[KSYM_NAME_LEN];

	/* data symbols need KALLSYMS_ALL (RHEL 7 has it) */
	if (!IS_ENABLED(CONFIG_KALLSYMS_ALL))
		return true;
	snprintf(sym, sizeof(sym), "__tracepoint_%s", name);
	return kallsyms_lookup_name(sym) != 0;
#else
	return true;
#endif
}
#endif

/*
 * register_kretprobe() checks that the symbol is a function entry before it
 * registers anything; 4.13 .. 5.10 without 97c753e62e6c turn a symbol that
 * does not resolve into -EINVAL there.  A "module:symbol" name is taken for
 * not found: the module may be going, or coming back, between that check
 * and any later look-up (seen on 4.19: the symbol resolved again and the
 * probe stayed unavailable), and the module notifier, which waits for
 * vns_lock, tries again at its MODULE_STATE_COMING.  A name in vmlinux is
 * told from a real -EINVAL by the symbol where kallsyms_lookup_name() is
 * exported (until 5.6); without it (5.7 .. 5.10) it is taken for not found.
 */
int vns_register_kretprobe(struct kretprobe *rp)
{
	int err = register_kretprobe(rp);

#ifndef HAVE_KPROBE_ON_FUNC_ENTRY_INT
	if (err == -EINVAL && rp->kp.symbol_name) {
		if (strchr(rp->kp.symbol_name, ':'))
			err = -ENOENT;
#ifdef HAVE_KALLSYMS_LOOKUP_NAME_EXPORTED
		else if (!kallsyms_lookup_name(rp->kp.symbol_name))
			err = -ENOENT;
#else
		else
			err = -ENOENT;
#endif
	}
#endif
	return err;
}

/*
 * The 5.2 strict rules (lib/nlattr.c, NL_VALIDATE_STRICT) for kernels that
 * only check minimum lengths: every attribute must be known to the policy,
 * fixed-size types must have their exact size, strings must be terminated
 * and within the policy length, and nothing may trail the last attribute.
 */
int vns_nla_validate_strict(const struct nlattr *head, int len, int maxtype,
			    const struct nla_policy *policy,
			    struct netlink_ext_ack *extack)
{
	static const u8 fixed_len[] = {
		[NLA_U8] = sizeof(u8), [NLA_U16] = sizeof(u16),
		[NLA_U32] = sizeof(u32), [NLA_U64] = sizeof(u64),
	};
	const struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem) {
		u16 type = nla_type(nla);
		int alen = nla_len(nla);
		const struct nla_policy *pt;

		if (!type || type > maxtype || !policy[type].type) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "Unknown attribute type");
			return -EINVAL;
		}
		pt = &policy[type];
		if (pt->type < ARRAY_SIZE(fixed_len) && fixed_len[pt->type] &&
		    alen != fixed_len[pt->type]) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "invalid attribute length");
			return -EINVAL;
		}
		switch (pt->type) {
		case NLA_NUL_STRING: {
			const char *str = nla_data(nla);

			if (alen < 1 || str[alen - 1] ||
			    (pt->len && strnlen(str, alen) > pt->len)) {
				NL_SET_ERR_MSG_ATTR(extack, nla,
						    "invalid string attribute");
				return -EINVAL;
			}
			break;
		}
		case NLA_BINARY:
			if (pt->len && alen > pt->len) {
				NL_SET_ERR_MSG_ATTR(extack, nla,
						    "binary attribute too long");
				return -ERANGE;
			}
			break;
		case NLA_NESTED:
			if (alen && alen < NLA_HDRLEN) {
				NL_SET_ERR_MSG_ATTR(extack, nla,
						    "invalid nested attribute");
				return -EINVAL;
			}
			break;
		default:
			break;
		}
	}
	if (rem > 0) {
		NL_SET_ERR_MSG(extack, "bytes after the last attribute");
		return -EINVAL;
	}
	return 0;
}

/* ---- CPU hotplug ---- */

#ifdef HAVE_CPUHP_SETUP_STATE
int vns_cpuhp_setup(const char *name, int (*online)(unsigned int cpu),
		    int (*offline)(unsigned int cpu))
{
	/* Dynamic AP states run their callbacks on the CPU concerned */
	return cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, name, online, offline);
}

void vns_cpuhp_remove(int handle)
{
	cpuhp_remove_state(handle);
}
#else
/* 3.10: a CPU notifier, running the callbacks on the CPU through an IPI */
static int (*vns_cpu_online)(unsigned int cpu);
static int (*vns_cpu_offline)(unsigned int cpu);

static void vns_cpu_call_online(void *info)
{
	vns_cpu_online(smp_processor_id());
}

static void vns_cpu_call_offline(void *info)
{
	vns_cpu_offline(smp_processor_id());
}

static int vns_cpu_notify(struct notifier_block *nb, unsigned long action,
			  void *hcpu)
{
	unsigned int cpu = (unsigned long)hcpu;

	switch (action & ~CPU_TASKS_FROZEN) {
	case CPU_ONLINE:
	case CPU_DOWN_FAILED:
		smp_call_function_single(cpu, vns_cpu_call_online, NULL, 1);
		break;
	case CPU_DOWN_PREPARE:
		smp_call_function_single(cpu, vns_cpu_call_offline, NULL, 1);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block vns_cpu_nb = {
	.notifier_call = vns_cpu_notify,
};

/*
 * Registering a notifier takes cpu_add_remove_lock, which cpu_down() holds
 * while it waits for get_online_cpus() readers: registering inside
 * get_online_cpus() is an ABBA deadlock against a CPU going down.  3.15+
 * (and RHEL 7) have cpu_notifier_register_begin(), which takes that lock
 * once, for the walk and the __ registration (Documentation/cpu-hotplug.txt).
 * Before, the notifier is registered first and the walk follows under
 * get_online_cpus(): a CPU that comes in between gets its online callback
 * twice, which restarting a per-CPU hrtimer tolerates.
 */
int vns_cpuhp_setup(const char *name, int (*online)(unsigned int cpu),
		    int (*offline)(unsigned int cpu))
{
	unsigned int cpu;

	vns_cpu_online = online;
	vns_cpu_offline = offline;
#ifdef HAVE_CPU_NOTIFIER_REGISTER_BEGIN
	cpu_notifier_register_begin();
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, vns_cpu_call_online, NULL, 1);
	__register_cpu_notifier(&vns_cpu_nb);
	cpu_notifier_register_done();
#else
	register_hotcpu_notifier(&vns_cpu_nb);
	get_online_cpus();
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, vns_cpu_call_online, NULL, 1);
	put_online_cpus();
#endif
	return 1;
}

void vns_cpuhp_remove(int handle)
{
	unsigned int cpu;

#ifdef HAVE_CPU_NOTIFIER_REGISTER_BEGIN
	cpu_notifier_register_begin();
	__unregister_cpu_notifier(&vns_cpu_nb);
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, vns_cpu_call_offline, NULL, 1);
	cpu_notifier_register_done();
#else
	unregister_hotcpu_notifier(&vns_cpu_nb);
	get_online_cpus();
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, vns_cpu_call_offline, NULL, 1);
	put_online_cpus();
#endif
}
#endif

#ifdef HAVE_PTR_RING
/* 4.19's ptr_ring.h uses kvmalloc_array() and kvfree() without mm.h */
#include <linux/mm.h>
#include <linux/ptr_ring.h>

bool vns_ptr_ring_state(const void *ring, u32 *used, u32 *size)
{
	const struct ptr_ring *r = ring;
	int producer, head, n;
	void **queue, *slot;

	if (copy_from_kernel_nofault(&producer, &r->producer, sizeof(int)) ||
	    copy_from_kernel_nofault(&head, &r->consumer_head, sizeof(int)) ||
	    copy_from_kernel_nofault(&n, &r->size, sizeof(int)) ||
	    copy_from_kernel_nofault(&queue, &r->queue, sizeof(queue)))
		return false;
	if (n <= 0 || producer < 0 || producer >= n || head < 0 || head >= n)
		return false;
	/* a consumer zeroes the slots it took in batches: full before head */
	if (copy_from_kernel_nofault(&slot, &queue[producer], sizeof(slot)))
		return false;
	*size = n;
	*used = slot ? n : (producer - head + n) % n;
	return true;
}
#else
bool vns_ptr_ring_state(const void *ring, u32 *used, u32 *size)
{
	return false;
}
#endif

#ifdef HAVE_TUN_MSG_CTL
#include <linux/mm.h>
#include <linux/if_tun.h>
#include <linux/socket.h>
#include <net/xdp.h>

bool vns_tun_msg_batch(const struct msghdr *m, u32 *pkts, u64 *bytes)
{
	const struct tun_msg_ctl *ctl = m ? m->msg_control : NULL;
	const struct xdp_buff *x;
	unsigned int i;

	if (!ctl || ctl->type != TUN_MSG_PTR)
		return false;
	x = ctl->ptr;
	*pkts = ctl->num;
	*bytes = 0;
	for (i = 0; x && i < ctl->num; i++)
		*bytes += x[i].data_end - x[i].data;
	return true;
}
#else
bool vns_tun_msg_batch(const struct msghdr *m, u32 *pkts, u64 *bytes)
{
	return false;
}
#endif

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vnetscope: the contract between the vnetscope kernel module and its tools.
 *
 * Generic netlink family VNS_GENL_NAME, version VNS_GENL_VERSION.  Every
 * command needs CAP_NET_ADMIN in the initial user namespace (drop stacks
 * reveal kernel addresses).  Messages carry attributes only, never C
 * structures; enums here are append-only.
 *
 * Byte order: integers are host order; addresses (VNS_*_A_SRC/DST) are
 * network order, 4 bytes for IPv4 and 16 for IPv6.
 */
#ifndef _UAPI_LINUX_VNETSCOPE_H
#define _UAPI_LINUX_VNETSCOPE_H

#define VNS_GENL_NAME		"vnetscope"
#define VNS_GENL_VERSION	1

/* Longest collector, probe and device name the module accepts, with NUL */
#define VNS_NAME_MAX		32
#define VNS_IFNAME_MAX		16

/* VNS_DROP_A_STACK_ID of a drop whose stack did not fit the stack table */
#define VNS_STACK_ID_NONE	0xffffffffU

enum vns_cmd {
	VNS_CMD_UNSPEC,
	/* do: reply with VNS_A_VERSION, VNS_A_KERNEL, VNS_A_MEM_BYTES,
	 * VNS_A_MEM_LIMIT and one VNS_A_COLLECTOR nest per collector
	 */
	VNS_CMD_STATUS_GET,
	/* dump: one message per probe, each with one VNS_A_PROBE nest */
	VNS_CMD_PROBE_GET,
	/* dump: one message per drop entry (VNS_A_DROP), ranked by count */
	VNS_CMD_DROP_GET,
	/* do: VNS_A_COLLECTOR_NAME, optional VNS_A_FILTER */
	VNS_CMD_ENABLE,
	/* do: VNS_A_COLLECTOR_NAME */
	VNS_CMD_DISABLE,
	/* do: optional VNS_A_COLLECTOR_NAME (all collectors when absent) */
	VNS_CMD_RESET,
	/* dump: per CPU one VNS_A_KSOFTIRQD message, then one VNS_A_SOFTIRQ
	 * message per vector that ran or was raised on that CPU
	 */
	VNS_CMD_SOFTIRQ_GET,
	/* dump: one VNS_A_TIMER message per callback function, all CPUs
	 * merged, unordered (the tool ranks them)
	 */
	VNS_CMD_TIMER_GET,
	/* dump: per (kind, CPU) one VNS_A_IRQOFF_SUMMARY message, then one
	 * VNS_A_IRQOFF_EVENT message per recorded event, worst first per CPU
	 */
	VNS_CMD_IRQOFF_GET,
	/* dump: one VNS_A_LATENCY message per observed pair of stages, then
	 * one per direction with the end-to-end time
	 */
	VNS_CMD_LATENCY_GET,
	/* dump: takes the details records waiting in the per-CPU rings,
	 * oldest first, one message per record (VNS_A_LAT_EVENT); the dump
	 * ends when the rings are empty (poll by dumping again).  Records
	 * taken are consumed.  One reader at a time: -EBUSY while the events
	 * file is open or another dump runs.  No rings (the latency collector
	 * off, or on without a threshold): an empty dump.
	 */
	VNS_CMD_EVENT_GET,
	/* dump: one VNS_A_TUN message per TUN/TAP (device, queue) seen,
	 * then one VNS_A_TUN_EVENT message per drop event kept, oldest first
	 */
	VNS_CMD_TUN_GET,
	/* dump: one VNS_A_VHOST message per vhost-net virtqueue seen */
	VNS_CMD_VHOST_GET,
	/* dump: one VNS_A_KVM message per (VM, GSI) seen, all CPUs summed,
	 * then one per VM (VNS_KVM_A_GSI absent)
	 */
	VNS_CMD_KVM_GET,
	/* dump: one VNS_A_VIRTIO message per virtqueue (or NAPI context)
	 * seen, all CPUs summed
	 */
	VNS_CMD_VIRTIO_GET,

	__VNS_CMD_MAX,
	VNS_CMD_MAX = __VNS_CMD_MAX - 1
};

enum vns_attr {
	VNS_A_UNSPEC,
	VNS_A_PAD,
	VNS_A_VERSION,		/* string: module version */
	VNS_A_KERNEL,		/* string: utsname release */
	VNS_A_MEM_BYTES,	/* u64: memory held by all collectors */
	VNS_A_COLLECTOR,	/* nest: enum vns_coll_attr */
	VNS_A_COLLECTOR_NAME,	/* string: request target ("drops") */
	VNS_A_FILTER,		/* nest: enum vns_filter_attr */
	VNS_A_PROBE,		/* nest: enum vns_probe_attr */
	VNS_A_DROP,		/* nest: enum vns_drop_attr */
	VNS_A_CONFIG,		/* nest: enum vns_config_attr (ENABLE) */
	VNS_A_SOFTIRQ,		/* nest: enum vns_softirq_attr */
	VNS_A_KSOFTIRQD,	/* nest: enum vns_ksoftirqd_attr */
	VNS_A_TIMER,		/* nest: enum vns_timer_attr */
	VNS_A_IRQOFF_SUMMARY,	/* nest: enum vns_irqoff_sum_attr */
	VNS_A_IRQOFF_EVENT,	/* nest: enum vns_irqoff_attr */
	VNS_A_LATENCY,		/* nest: enum vns_latency_attr */
	VNS_A_LAT_EVENT,	/* nest: enum vns_lat_event_attr */
	VNS_A_ENABLE_FLAGS,	/* u32: VNS_ENABLE_F_* (ENABLE) */
	VNS_A_MEM_LIMIT,	/* u64: bytes all collectors may hold
				 * (module parameter mem_limit)
				 */
	VNS_A_TRUNCATED,	/* flag: the record of this message did not
				 * fit one message: it lacks attributes that
				 * did not fit (its stack, its last hops)
				 */
	VNS_A_TUN,		/* nest: enum vns_tun_attr */
	VNS_A_VHOST,		/* nest: enum vns_vhost_attr */
	VNS_A_KVM,		/* nest: enum vns_kvm_attr */
	VNS_A_VIRTIO,		/* nest: enum vns_virtio_attr */
	VNS_A_TUN_EVENT,	/* nest: enum vns_tun_event_attr */
	VNS_A_KPROBE_ARGS,	/* string (STATUS_GET): how kprobe handlers
				 * read the probed function's arguments:
				 * "accessor" (regs_get_kernel_argument()),
				 * "regs" (the architecture's registers) or
				 * "none" (probes that read them unavailable)
				 */

	__VNS_A_MAX,
	VNS_A_MAX = __VNS_A_MAX - 1
};

/*
 * VNS_A_ENABLE_FLAGS of VNS_CMD_ENABLE.  Without flags, ENABLE sets exactly
 * the filter and settings it carries (absent ones: none, or the default).
 */
/* The filter keys and settings it carries replace the running ones; the
 * others keep their running values.  When the effective filter and
 * settings do not change, the tables are kept.
 */
#define VNS_ENABLE_F_UPDATE	(1U << 0)
/* Never turn the collector on: -ENODATA (with an extended ack message)
 * when it is off.
 */
#define VNS_ENABLE_F_IF_ON	(1U << 1)
#define VNS_ENABLE_F_ALL	(VNS_ENABLE_F_UPDATE | VNS_ENABLE_F_IF_ON)

enum vns_coll_state {
	VNS_COLL_OFF,
	VNS_COLL_ON,
};

enum vns_coll_attr {
	VNS_COLL_A_UNSPEC,
	VNS_COLL_A_PAD,
	VNS_COLL_A_NAME,	/* string */
	VNS_COLL_A_STATE,	/* u8: enum vns_coll_state */
	VNS_COLL_A_MEM_BYTES,	/* u64: bytes its tables hold */
	VNS_COLL_A_LOST,	/* u64: records lost to full tables */
	VNS_COLL_A_ENTRIES,	/* u32: table entries in use */
	VNS_COLL_A_CAPACITY,	/* u32: table entries available */
	VNS_COLL_A_FILTER,	/* nest: enum vns_filter_attr, active filter */
	VNS_COLL_A_COUNTER,	/* nest, repeated: enum vns_counter_attr */
	VNS_COLL_A_CONFIG,	/* nest: enum vns_config_attr, the settings
				 * it runs with that were given at enable
				 */
	VNS_COLL_A_CALLS,	/* u64: calls of its probes' handlers since
				 * the module loaded
				 */
	VNS_COLL_A_TIMED,	/* u64: those timed, one in 64 on each CPU */
	VNS_COLL_A_TIMED_NS,	/* u64: ns spent in the handlers over the
				 * timed calls (the total: about
				 * TIMED_NS * CALLS / TIMED)
				 */

	__VNS_COLL_A_MAX,
	VNS_COLL_A_MAX = __VNS_COLL_A_MAX - 1
};

enum vns_counter_attr {
	VNS_CNT_A_UNSPEC,
	VNS_CNT_A_PAD,
	VNS_CNT_A_NAME,		/* string: "seen", "filtered", ... */
	VNS_CNT_A_VALUE,	/* u64 */

	__VNS_CNT_A_MAX,
	VNS_CNT_A_MAX = __VNS_CNT_A_MAX - 1
};

/*
 * Kernel-side filter.  Every present attribute must match.  An address is
 * 4 (IPv4) or 16 (IPv6) bytes; its prefix length defaults to the full length.
 */
enum vns_filter_attr {
	VNS_FILTER_A_UNSPEC,
	VNS_FILTER_A_SRC,	/* binary: 4 or 16 bytes */
	VNS_FILTER_A_SRC_PREFIX, /* u8 */
	VNS_FILTER_A_DST,	/* binary: 4 or 16 bytes */
	VNS_FILTER_A_DST_PREFIX, /* u8 */
	VNS_FILTER_A_PROTO,	/* u8: IPPROTO_* */
	VNS_FILTER_A_SPORT,	/* u16 */
	VNS_FILTER_A_DPORT,	/* u16 */
	VNS_FILTER_A_DEV,	/* string: interface name */

	__VNS_FILTER_A_MAX,
	VNS_FILTER_A_MAX = __VNS_FILTER_A_MAX - 1
};

enum vns_probe_type {
	VNS_PROBE_KPROBE,
	VNS_PROBE_KRETPROBE,
	VNS_PROBE_TRACEPOINT,
};

enum vns_probe_state {
	VNS_PROBE_DETACHED,	/* its collector is off */
	VNS_PROBE_ATTACHED,
	VNS_PROBE_UNAVAILABLE,	/* see VNS_PROBE_A_REASON */
	VNS_PROBE_WAITING,	/* its module is not loaded yet */
};

enum vns_probe_attr {
	VNS_PROBE_A_UNSPEC,
	VNS_PROBE_A_PAD,
	VNS_PROBE_A_NAME,	/* string: symbol or tracepoint */
	VNS_PROBE_A_TYPE,	/* u8: enum vns_probe_type */
	VNS_PROBE_A_COLLECTOR,	/* string */
	VNS_PROBE_A_MODULE,	/* string: owning module, absent for vmlinux */
	VNS_PROBE_A_STATE,	/* u8: enum vns_probe_state */
	VNS_PROBE_A_REASON,	/* string: why unavailable */
	VNS_PROBE_A_HITS,	/* u64: handler calls since attach */
	VNS_PROBE_A_MISSED,	/* u64: hits the kernel skipped since attach
				 * (kprobe reentry; kretprobe: also returns
				 * beyond maxactive)
				 */
	VNS_PROBE_A_MAXACTIVE,	/* u32: a kretprobe's instances */
	VNS_PROBE_A_CALLS,	/* u64: its handlers' calls (HITS counts
				 * those that concern its collector)
				 */
	VNS_PROBE_A_TIMED,	/* u64: calls timed, one in 64 on each CPU */
	VNS_PROBE_A_TIMED_NS,	/* u64: ns in its handlers over those */

	__VNS_PROBE_A_MAX,
	VNS_PROBE_A_MAX = __VNS_PROBE_A_MAX - 1
};

enum vns_flow_attr {
	VNS_FLOW_A_UNSPEC,
	VNS_FLOW_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	VNS_FLOW_A_PROTO,	/* u8: IPPROTO_* */
	VNS_FLOW_A_SRC,		/* binary: 4 or 16 bytes */
	VNS_FLOW_A_DST,		/* binary: 4 or 16 bytes */
	VNS_FLOW_A_SPORT,	/* u16: TCP/UDP/SCTP only */
	VNS_FLOW_A_DPORT,	/* u16: TCP/UDP/SCTP only */
	VNS_FLOW_A_ICMP_TYPE,	/* u8: ICMP and ICMPv6 only */
	VNS_FLOW_A_ICMP_CODE,	/* u8: ICMP and ICMPv6 only */

	__VNS_FLOW_A_MAX,
	VNS_FLOW_A_MAX = __VNS_FLOW_A_MAX - 1
};

enum vns_stack_attr {
	VNS_STACK_A_UNSPEC,
	VNS_STACK_A_FRAME,	/* string, repeated, innermost first: "%pS" */

	__VNS_STACK_A_MAX,
	VNS_STACK_A_MAX = __VNS_STACK_A_MAX - 1
};

enum vns_drop_attr {
	VNS_DROP_A_UNSPEC,
	VNS_DROP_A_PAD,
	VNS_DROP_A_COUNT,	/* u64 */
	VNS_DROP_A_IFINDEX,	/* u32: 0 when the skb had no device */
	VNS_DROP_A_DEV,		/* string: device name when first seen */
	VNS_DROP_A_REASON,	/* u32: enum skb_drop_reason (5.17+) */
	VNS_DROP_A_REASON_NAME,	/* string: "NO_SOCKET", ... */
	VNS_DROP_A_LOCATION,	/* string: caller of kfree_skb, "%pS" */
	VNS_DROP_A_FLOW,	/* nest: enum vns_flow_attr; absent if not IP */
	VNS_DROP_A_STACK,	/* nest: enum vns_stack_attr; absent if lost */
	VNS_DROP_A_STACK_ID,	/* u32: id in the stack table, or
				 * VNS_STACK_ID_NONE when the table was full
				 */
	VNS_DROP_A_QUEUE,	/* u32: the device's queue: the rx queue the
				 * driver recorded when dropped where it was
				 * received, else the tx queue chosen for it;
				 * absent when none (no device, not recorded)
				 */

	__VNS_DROP_A_MAX,
	VNS_DROP_A_MAX = __VNS_DROP_A_MAX - 1
};

/*
 * Collector settings given at enable (collectors that take them: irqoff,
 * latency).  Absent attributes keep the defaults (period 10 ms, threshold
 * 20 ms).  Latency: THRESHOLD_US and STAGE_THRESHOLD_US, when given, turn on
 * the details mode (1us..10s): a record per packet whose end-to-end time,
 * or one of whose stages, reached it.
 */
enum vns_config_attr {
	VNS_CFG_A_UNSPEC,
	VNS_CFG_A_PERIOD_US,	/* u32: sampling period, PERIOD_MIN..MAX */
	VNS_CFG_A_THRESHOLD_US,	/* u32: report above; period..THRESHOLD_MAX */
	VNS_CFG_A_PHY_IF,	/* string: latency: the physical port */
	VNS_CFG_A_VM_IF,	/* string: latency: the VM's port (VM path) */
	VNS_CFG_A_DIRECTION,	/* u8: latency: enum vns_dir */
	VNS_CFG_A_STAGE_THRESHOLD_US, /* u32: latency: details, one stage */

	__VNS_CFG_A_MAX,
	VNS_CFG_A_MAX = __VNS_CFG_A_MAX - 1
};

enum vns_dir {
	VNS_DIR_BOTH,
	VNS_DIR_RX,		/* into the host: from the wire or the VM */
	VNS_DIR_TX,		/* out of the host: to the wire or the VM */
};

#define VNS_CFG_PERIOD_MIN_US		1000
#define VNS_CFG_PERIOD_MAX_US		1000000
#define VNS_CFG_PERIOD_DEFAULT_US	10000
#define VNS_CFG_THRESHOLD_MIN_US	VNS_CFG_PERIOD_MIN_US
#define VNS_CFG_THRESHOLD_MAX_US	10000000
#define VNS_CFG_THRESHOLD_DEFAULT_US	20000

/*
 * A log2 histogram (include/vns/hist.h): bucket i >= 1 holds values in
 * [2^i, 2^(i+1) - 1], bucket 0 holds 0 and 1; only non-empty buckets are
 * sent.  Unit: microseconds.
 */
enum vns_hist_attr {
	VNS_HIST_A_UNSPEC,
	VNS_HIST_A_PAD,
	VNS_HIST_A_COUNT,	/* u64 */
	VNS_HIST_A_SUM,		/* u64 */
	VNS_HIST_A_MAXVAL,	/* u64: largest value recorded */
	VNS_HIST_A_BUCKET,	/* nest, repeated: enum vns_bucket_attr */

	__VNS_HIST_A_MAX,
	VNS_HIST_A_MAX = __VNS_HIST_A_MAX - 1
};

enum vns_bucket_attr {
	VNS_BUCKET_A_UNSPEC,
	VNS_BUCKET_A_PAD,
	VNS_BUCKET_A_INDEX,	/* u8: i */
	VNS_BUCKET_A_COUNT,	/* u64 */

	__VNS_BUCKET_A_MAX,
	VNS_BUCKET_A_MAX = __VNS_BUCKET_A_MAX - 1
};

/* Softirq vectors, as the kernel numbers them (HI_SOFTIRQ ...) */
#define VNS_NR_SOFTIRQS		10

enum vns_softirq_attr {
	VNS_SIRQ_A_UNSPEC,
	VNS_SIRQ_A_PAD,
	VNS_SIRQ_A_CPU,		/* u32 */
	VNS_SIRQ_A_VEC,		/* u8: 0 (HI) .. 9 (RCU) */
	VNS_SIRQ_A_NAME,	/* string: "NET_RX", ... */
	VNS_SIRQ_A_COUNT,	/* u64: handler runs (softirq_entry/exit) */
	VNS_SIRQ_A_TOTAL_NS,	/* u64 */
	VNS_SIRQ_A_MAX_NS,	/* u64 */
	VNS_SIRQ_A_HIST,	/* nest: enum vns_hist_attr, run time in us */
	VNS_SIRQ_A_RAISED,	/* u64: softirq_raise while not pending */
	VNS_SIRQ_A_WAIT_TOTAL_NS, /* u64: raise-to-entry */
	VNS_SIRQ_A_WAIT_MAX_NS,	/* u64 */
	VNS_SIRQ_A_WAIT_HIST,	/* nest: enum vns_hist_attr, in us */

	__VNS_SIRQ_A_MAX,
	VNS_SIRQ_A_MAX = __VNS_SIRQ_A_MAX - 1
};

enum vns_ksoftirqd_attr {
	VNS_KSIRQD_A_UNSPEC,
	VNS_KSIRQD_A_PAD,
	VNS_KSIRQD_A_CPU,	/* u32 */
	VNS_KSIRQD_A_PID,	/* u32: ksoftirqd/CPU, absent if not found */
	VNS_KSIRQD_A_RUNTIME_NS, /* u64: its CPU time since enable */

	__VNS_KSIRQD_A_MAX,
	VNS_KSIRQD_A_MAX = __VNS_KSIRQD_A_MAX - 1
};

enum vns_timer_kind {
	VNS_TIMER_LIST,		/* struct timer_list, TIMER softirq */
	VNS_TIMER_HRTIMER,	/* struct hrtimer */
};

enum vns_timer_attr {
	VNS_TIMER_A_UNSPEC,
	VNS_TIMER_A_PAD,
	VNS_TIMER_A_FUNC,	/* string: the callback, "%ps" */
	VNS_TIMER_A_KIND,	/* u8: enum vns_timer_kind */
	VNS_TIMER_A_COUNT,	/* u64 */
	VNS_TIMER_A_TOTAL_NS,	/* u64 */
	VNS_TIMER_A_MAX_NS,	/* u64 */
	VNS_TIMER_A_MAX_CPU,	/* u32: CPU of the longest run */
	VNS_TIMER_A_MAX_AGE_NS,	/* u64: how long ago (at the dump) it ended */
	VNS_TIMER_A_HIST,	/* nest: enum vns_hist_attr, in us */

	__VNS_TIMER_A_MAX,
	VNS_TIMER_A_MAX = __VNS_TIMER_A_MAX - 1
};

enum vns_irqoff_kind {
	VNS_IRQOFF_HARD,	/* hard interrupts held off */
	VNS_IRQOFF_SOFT,	/* bottom halves (softirqs) held off */
};

enum vns_irqoff_sum_attr {
	VNS_IRQSUM_A_UNSPEC,
	VNS_IRQSUM_A_PAD,
	VNS_IRQSUM_A_KIND,	/* u8: enum vns_irqoff_kind */
	VNS_IRQSUM_A_CPU,	/* u32 */
	VNS_IRQSUM_A_EVENTS,	/* u64: stretches above the threshold */
	VNS_IRQSUM_A_HIST,	/* nest: enum vns_hist_attr: every sample's
				 * delay, in us
				 */

	__VNS_IRQSUM_A_MAX,
	VNS_IRQSUM_A_MAX = __VNS_IRQSUM_A_MAX - 1
};

enum vns_irqoff_attr {
	VNS_IRQOFF_A_UNSPEC,
	VNS_IRQOFF_A_PAD,
	VNS_IRQOFF_A_KIND,	/* u8: enum vns_irqoff_kind */
	VNS_IRQOFF_A_CPU,	/* u32 */
	VNS_IRQOFF_A_LATENCY_NS, /* u64: how long the sampler was held off */
	VNS_IRQOFF_A_AGE_NS,	/* u64: how long ago (at the dump) it ended */
	VNS_IRQOFF_A_PID,	/* u32: task on the CPU at the stack */
	VNS_IRQOFF_A_COMM,	/* string */
	VNS_IRQOFF_A_STACK,	/* nest: enum vns_stack_attr */

	__VNS_IRQOFF_A_MAX,
	VNS_IRQOFF_A_MAX = __VNS_IRQOFF_A_MAX - 1
};

enum vns_latency_kind {
	VNS_LATENCY_PAIR,	/* from one stage to the next */
	VNS_LATENCY_TOTAL,	/* end to end, one direction */
};

enum vns_latency_attr {
	VNS_LATENCY_A_UNSPEC,
	VNS_LATENCY_A_PAD,
	VNS_LATENCY_A_KIND,	/* u8: enum vns_latency_kind */
	VNS_LATENCY_A_FROM,	/* u8: enum vns_stage (PAIR) */
	VNS_LATENCY_A_TO,	/* u8: enum vns_stage (PAIR) */
	VNS_LATENCY_A_DIR,	/* u8: enum vns_dir (TOTAL) */
	VNS_LATENCY_A_HIST,	/* nest: enum vns_hist_attr, in us */

	__VNS_LATENCY_A_MAX,
	VNS_LATENCY_A_MAX = __VNS_LATENCY_A_MAX - 1
};

/* VNS_LAT_EVENT_A_WHY bits: which threshold the packet reached */
#define VNS_LAT_WHY_TOTAL	(1U << 0)	/* end to end */
#define VNS_LAT_WHY_STAGE	(1U << 1)	/* one stage */

/*
 * One details record of the latency collector (VNS_CMD_EVENT_GET): a packet
 * whose end-to-end time, or one of whose stages, reached its threshold.
 */
enum vns_lat_event_attr {
	VNS_LAT_EVENT_A_UNSPEC,
	VNS_LAT_EVENT_A_PAD,
	VNS_LAT_EVENT_A_TIME_NS, /* u64: first hop, CLOCK_MONOTONIC */
	VNS_LAT_EVENT_A_CPU,	/* u32: where it reached its last stage */
	VNS_LAT_EVENT_A_DIR,	/* u8: enum vns_dir */
	VNS_LAT_EVENT_A_FLOW,	/* nest: enum vns_flow_attr */
	VNS_LAT_EVENT_A_IP_ID,	/* u32: IPv4 ID or IPv6 fragment ID */
	VNS_LAT_EVENT_A_L4,	/* u32: TCP seq, or ICMP id << 16 | seq */
	VNS_LAT_EVENT_A_TOTAL_NS, /* u64: first hop to last */
	VNS_LAT_EVENT_A_WHY,	/* u8: VNS_LAT_WHY_* */
	VNS_LAT_EVENT_A_SLOW_FROM, /* u8: enum vns_stage: the longest ... */
	VNS_LAT_EVENT_A_SLOW_TO, /* u8: ... stage; both absent if none */
	VNS_LAT_EVENT_A_SLOW_NS, /* u64: its time */
	VNS_LAT_EVENT_A_PID,	/* u32: task on the CPU at its end */
	VNS_LAT_EVENT_A_COMM,	/* string: that task's name, absent if none */
	VNS_LAT_EVENT_A_HOP,	/* nest, repeated, in order: enum
				 * vns_lat_hop_attr
				 */
	VNS_LAT_EVENT_A_HOPS_DROPPED, /* u32: hops past the record's room */

	__VNS_LAT_EVENT_A_MAX,
	VNS_LAT_EVENT_A_MAX = __VNS_LAT_EVENT_A_MAX - 1
};

enum vns_lat_hop_attr {
	VNS_LAT_HOP_A_UNSPEC,
	VNS_LAT_HOP_A_PAD,
	VNS_LAT_HOP_A_STAGE,	/* u8: enum vns_stage */
	VNS_LAT_HOP_A_DEV,	/* string: device, absent if none */
	VNS_LAT_HOP_A_CPU,	/* u32 */
	VNS_LAT_HOP_A_OFFSET_NS, /* u64: since the first hop */
	VNS_LAT_HOP_A_DELTA_NS,	/* u64: since the previous hop */

	__VNS_LAT_HOP_A_MAX,
	VNS_LAT_HOP_A_MAX = __VNS_LAT_HOP_A_MAX - 1
};

/*
 * Per-stage latency (the latency collector): the stages a packet crosses,
 * named as the eBPF toolset names them.  Which probe point stands behind a
 * stage depends on the path (system or VM) and the direction; include/vns/
 * lat.h has the names, README the probe points per kernel.
 */
enum vns_stage {
	VNS_STAGE_NONE,
	/* system path, TX: host stack to the physical port */
	VNS_STAGE_APP_SEND,
	VNS_STAGE_IP_OUT,
	VNS_STAGE_OVS_INTERNAL_XMIT,
	VNS_STAGE_OVS_DP_PROCESS,
	VNS_STAGE_OVS_UPCALL,
	VNS_STAGE_OVS_USERSPACE,
	VNS_STAGE_OVS_VPORT_SEND,
	VNS_STAGE_PHY_QUEUE,
	VNS_STAGE_QDISC_ENQ,
	VNS_STAGE_QDISC_DEQ,
	VNS_STAGE_TX_QUEUE,
	VNS_STAGE_TX_XMIT,
	/* system path, RX: physical port to the socket */
	VNS_STAGE_PHY_RX,
	VNS_STAGE_OVS_FRAME_HOOK,
	VNS_STAGE_BRIDGE_RX,
	VNS_STAGE_BRIDGE_FORWARD,
	VNS_STAGE_L4_RCV,
	VNS_STAGE_SOCK_QUEUE,
	VNS_STAGE_APP_READ,
	/* VM path, from the VM (RX on its vnet port) */
	VNS_STAGE_VNET_RX,
	VNS_STAGE_OVS_RX,
	VNS_STAGE_FLOW_EXTRACT_END_RX,
	VNS_STAGE_OVS_UPCALL_RX,
	VNS_STAGE_OVS_USERSPACE_RX,
	VNS_STAGE_CT_RX,
	VNS_STAGE_CT_OUT_RX,
	/* VM path, to the VM (TX on its vnet port) */
	VNS_STAGE_OVS_TX,
	VNS_STAGE_FLOW_EXTRACT_END_TX,
	VNS_STAGE_OVS_UPCALL_TX,
	VNS_STAGE_OVS_USERSPACE_TX,
	VNS_STAGE_CT_TX,
	VNS_STAGE_CT_OUT_TX,
	VNS_STAGE_VNET_QDISC_ENQ,
	VNS_STAGE_VNET_QDISC_DEQ,
	VNS_STAGE_VNET_TX,

	__VNS_STAGE_MAX,
	VNS_STAGE_MAX = __VNS_STAGE_MAX - 1
};

/*
 * The tun collector: per TUN/TAP device and queue, the packets it queued
 * for its reader (the VM: tun_net_xmit), its drops by cause, the fill of
 * the queue's tx ring after each packet queued (where the ring is known:
 * learned when vhost-net attaches the queue), and the packets that came
 * from the reader side (guest to host: tun_sendmsg by vhost-net,
 * tun_chr_write_iter by qemu) with their GSO types.
 */
enum vns_tun_drop {
	VNS_TUN_DROP_RING_FULL,	/* the queue's tx ring was full */
	VNS_TUN_DROP_NO_QUEUE,	/* no reader attached to the queue */
	VNS_TUN_DROP_FILTER,	/* TAP filter, socket filter, eBPF filter */
	VNS_TUN_DROP_OTHER,

	__VNS_TUN_DROP_MAX,
	VNS_TUN_DROP_MAX = __VNS_TUN_DROP_MAX - 1
};

enum vns_tun_gso {
	VNS_TUN_GSO_NONE,	/* not a GSO packet */
	VNS_TUN_GSO_TCPV4,
	VNS_TUN_GSO_TCPV6,
	VNS_TUN_GSO_OTHER,

	__VNS_TUN_GSO_MAX,
	VNS_TUN_GSO_MAX = __VNS_TUN_GSO_MAX - 1
};

enum vns_tun_attr {
	VNS_TUN_A_UNSPEC,
	VNS_TUN_A_PAD,
	VNS_TUN_A_IFINDEX,	/* u32 */
	VNS_TUN_A_DEV,		/* string: device name when first seen */
	VNS_TUN_A_QUEUE,	/* u32: tx queue (to the reader) = its rx
				 * queue (from it)
				 */
	VNS_TUN_A_SOCK,		/* u32: opaque id of the queue's socket, as
				 * VNS_VHOST_A_SOCK; absent when not seen
				 */
	VNS_TUN_A_TX_PACKETS,	/* u64: queued for the reader */
	VNS_TUN_A_TX_BYTES,	/* u64 */
	VNS_TUN_A_DROP,		/* nest, repeated: enum vns_tun_drop_attr */
	VNS_TUN_A_RING_SIZE,	/* u32: the tx ring's size, absent unknown */
	VNS_TUN_A_FILL_HIST,	/* nest: enum vns_hist_attr: entries in the
				 * ring after each packet queued (unit:
				 * entries); absent when the ring is unknown
				 */
	VNS_TUN_A_RX_PACKETS,	/* u64: from the reader, into the host */
	VNS_TUN_A_RX_BYTES,	/* u64 */
	VNS_TUN_A_RX_VHOST,	/* u64: of which through tun_sendmsg */
	VNS_TUN_A_RX_WRITE,	/* u64: of which through write() */
	VNS_TUN_A_GSO,		/* nest, repeated: enum vns_tun_gso_attr */
	VNS_TUN_A_NETNS,	/* u32: the device's network namespace (its
				 * inode number, as /proc/PID/ns/net shows)
				 */
	/* issue 13, tunq: */
	VNS_TUN_A_STOPS,	/* u64: the queue's XOFF set (running ->
				 * stopped); TUN stops its queues only when
				 * the device goes down, never when a ring
				 * is full (it drops)
				 */
	VNS_TUN_A_WAKES,	/* u64: its XOFF cleared (stopped ->
				 * running): device up, or a queue attached
				 * to a running device
				 */
	VNS_TUN_A_BAD_VNET_HDR,	/* u64: frames from the reader TUN rejected
				 * for their virtio-net header (-EINVAL,
				 * counted in the device's rx_frame_errors)
				 */

	__VNS_TUN_A_MAX,
	VNS_TUN_A_MAX = __VNS_TUN_A_MAX - 1
};

enum vns_tun_drop_attr {
	VNS_TUN_DROP_A_UNSPEC,
	VNS_TUN_DROP_A_PAD,
	VNS_TUN_DROP_A_CAUSE,	/* u8: enum vns_tun_drop */
	VNS_TUN_DROP_A_COUNT,	/* u64 */

	__VNS_TUN_DROP_A_MAX,
	VNS_TUN_DROP_A_MAX = __VNS_TUN_DROP_A_MAX - 1
};

enum vns_tun_gso_attr {
	VNS_TUN_GSO_A_UNSPEC,
	VNS_TUN_GSO_A_PAD,
	VNS_TUN_GSO_A_TYPE,	/* u8: enum vns_tun_gso */
	VNS_TUN_GSO_A_COUNT,	/* u64 */

	__VNS_TUN_GSO_A_MAX,
	VNS_TUN_GSO_A_MAX = __VNS_TUN_GSO_A_MAX - 1
};

/*
 * The vhost collector: per vhost-net virtqueue (a device's RX or TX queue),
 * its worker's runs (handle_rx / handle_tx) by what started them (a kick
 * from the guest, or the TUN socket's wakeup), packets, bytes and time per
 * run, the guest notifications it sent or that were suppressed, and how
 * often it found the ring empty; with its worker thread, qemu's pid (from
 * the worker's name "vhost-<pid>") and the TUN socket it serves.
 */
enum vns_vhost_dir {
	VNS_VHOST_RX,		/* to the guest: handle_rx */
	VNS_VHOST_TX,		/* from the guest: handle_tx */
};

enum vns_vhost_attr {
	VNS_VHOST_A_UNSPEC,
	VNS_VHOST_A_PAD,
	VNS_VHOST_A_ID,		/* u32: opaque id of the vhost-net device */
	VNS_VHOST_A_DIR,	/* u8: enum vns_vhost_dir */
	VNS_VHOST_A_WORKER,	/* u32: the worker thread's pid */
	VNS_VHOST_A_QEMU_PID,	/* u32: from its name; absent if none */
	VNS_VHOST_A_SOCK,	/* u32: the TUN socket's id (VNS_TUN_A_SOCK);
				 * absent when not seen
				 */
	VNS_VHOST_A_RUNS_KICK,	/* u64: runs started by a guest kick */
	VNS_VHOST_A_RUNS_NET,	/* u64: runs started by the socket */
	VNS_VHOST_A_PACKETS,	/* u64 */
	VNS_VHOST_A_BYTES,	/* u64: as handed to or taken from TUN */
	VNS_VHOST_A_PKT_HIST,	/* nest: enum vns_hist_attr: packets/run */
	VNS_VHOST_A_BYTE_HIST,	/* nest: enum vns_hist_attr: bytes/run */
	VNS_VHOST_A_TIME_HIST,	/* nest: enum vns_hist_attr: us/run */
	VNS_VHOST_A_SIGNALS,	/* u64: guest notified (call eventfd) */
	VNS_VHOST_A_SUPPRESSED,	/* u64: signal calls that notified not */
	VNS_VHOST_A_EMPTY,	/* u64: ring found empty (notify enabled) */
	VNS_VHOST_A_EMPTY_RACED, /* u64: ... but refilled meanwhile */
	/* vhostfix: */
	VNS_VHOST_A_GONE,	/* flag: the device was released (its last
				 * counters, kept until the slot is needed)
				 */
	/* vq: busy polling (qemu's poll-us=, the vq's busyloop timeout) */
	VNS_VHOST_A_BUSY_LOOPS,	/* u64: busy-poll loops in its runs; absent
				 * where not known
				 */
	VNS_VHOST_A_BUSY_NS,	/* u64: their time (vhost_net_busy_poll());
				 * absent where not known (4.19)
				 */

	__VNS_VHOST_A_MAX,
	VNS_VHOST_A_MAX = __VNS_VHOST_A_MAX - 1
};

/*
 * One record of the kvm collector (VNS_CMD_KVM_GET): a VM (struct kvm, as
 * an opaque id) and one of its GSIs, or the VM itself (no VNS_KVM_A_GSI).
 */
enum vns_kvm_attr {
	VNS_KVM_A_UNSPEC,
	VNS_KVM_A_PAD,
	VNS_KVM_A_VM,		/* u64: opaque id of the VM (hashed pointer) */
	VNS_KVM_A_PID,		/* u32: the qemu (KVM_RUN caller) tgid;
				 * absent until a vCPU of the VM ran
				 */
	VNS_KVM_A_GSI,		/* u32: absent in the VM's own record */
	VNS_KVM_A_WAKEUPS,	/* u64: irqfd_wakeup() calls */
	VNS_KVM_A_WAKEUPS_IN,	/* u64: ... with EPOLLIN (a signal) */
	VNS_KVM_A_WAKEUPS_HUP,	/* u64: ... with EPOLLHUP (eventfd closed) */
	VNS_KVM_A_FAST,		/* u64: kvm_arch_set_irq_inatomic() calls */
	VNS_KVM_A_FAST_OK,	/* u64: ... that injected (not -EWOULDBLOCK) */
	VNS_KVM_A_SLOW,		/* u64: irqfd_inject() runs (the work) */
	VNS_KVM_A_SET_IRQ,	/* u64: kvm_set_irq() calls for this GSI, any
				 * caller (irqfd_inject asserts and
				 * deasserts: 2 a run; KVM_IRQ_LINE)
				 */
	VNS_KVM_A_MSI,		/* u64: kvm_set_msi() calls (VM record) */
	VNS_KVM_A_KICKS,	/* u64: kvm_vcpu_kick() calls (VM record) */
	VNS_KVM_A_RUNS,		/* u64: KVM_RUN entries (VM record) */
	VNS_KVM_A_LAT_FAST,	/* nest: enum vns_hist_attr, ns: irqfd signal
				 * to the fast path's return
				 */
	VNS_KVM_A_LAT_SLOW,	/* nest: enum vns_hist_attr, ns: irqfd signal
				 * (the first one pending) to irqfd_inject()
				 */
	VNS_KVM_A_LAT_LOST,	/* u64: slow paths not timed (table clash) */
	/* vhostfix: */
	VNS_KVM_A_GONE,		/* flag: the VM was destroyed (its last
				 * counters, kept until the slot is needed)
				 */

	__VNS_KVM_A_MAX,
	VNS_KVM_A_MAX = __VNS_KVM_A_MAX - 1
};

/* VNS_VIRTIO_A_VQ_INDEX etc. of a record whose virtqueue is not known */
#define VNS_VIRTIO_NONE		0xffffffffU

/*
 * One record of the virtio collector (VNS_CMD_VIRTIO_GET): a virtqueue
 * (its NAPI polls, its interrupts) as seen in a guest.
 */
enum vns_virtio_attr {
	VNS_VIRTIO_A_UNSPEC,
	VNS_VIRTIO_A_PAD,
	VNS_VIRTIO_A_DEV,	/* string: the net_device polling it */
	VNS_VIRTIO_A_VDEV,	/* u32: virtio device index (virtioN) */
	VNS_VIRTIO_A_VQ_INDEX,	/* u32: virtqueue index (rx queue N: 2N) */
	VNS_VIRTIO_A_VQ_NAME,	/* string: "input.0" */
	VNS_VIRTIO_A_IRQ,	/* u32: the IRQ vring_interrupt() ran for */
	VNS_VIRTIO_A_POLL_SOFTIRQ, /* u64: virtnet_poll() from net_rx_action */
	VNS_VIRTIO_A_POLL_BUSY,	/* u64: ... in a task: napi_busy_loop() */
	VNS_VIRTIO_A_POLL_OTHER, /* u64: ... from elsewhere (threaded NAPI,
				  * netpoll)
				  */
	VNS_VIRTIO_A_PACKETS,	/* u64: sum of virtnet_poll() return values */
	VNS_VIRTIO_A_PACKETS_BUSY, /* u64: ... of the napi_busy_loop() calls */
	VNS_VIRTIO_A_POLL_FULL,	/* u64: polls that used their whole budget
				 * (not netpoll's 0)
				 */
	VNS_VIRTIO_A_HIST,	/* nest: enum vns_hist_attr: packets a poll */
	VNS_VIRTIO_A_IRQS,	/* u64: vring_interrupt() calls */
	VNS_VIRTIO_A_IRQ_NONE,	/* u64: ... that returned IRQ_NONE */
	VNS_VIRTIO_A_REFILL_FAIL, /* u64: try_fill_recv() failures in a poll */
	VNS_VIRTIO_A_NOBODY_CARED, /* u64: "nobody cared" reports for IRQ */
	/* vq: a send queue (netdev_queue N: virtqueue 2N + 1) */
	VNS_VIRTIO_A_XMITS,	/* u64: start_xmit() calls, NETDEV_TX_OK */
	VNS_VIRTIO_A_TX_STOPS,	/* u64: ... that left the queue stopped */
	VNS_VIRTIO_A_TX_WAKES,	/* u64: netif_tx_wake_queue() of it stopped */

	__VNS_VIRTIO_A_MAX,
	VNS_VIRTIO_A_MAX = __VNS_VIRTIO_A_MAX - 1
};

/*
 * The tun collector's drop events (VNS_A_TUN_EVENT records of
 * VNS_CMD_TUN_GET): each drop in tun_net_xmit with its time, queue, the
 * ring's fill and the packet's flow, in a ring of the last tun_events
 * (module parameter) per CPU; what older events were overwritten is the
 * status counter "events_lost".
 */
enum vns_tun_event_attr {
	VNS_TUN_EV_A_UNSPEC,
	VNS_TUN_EV_A_PAD,
	VNS_TUN_EV_A_TIME_NS,	/* u64: CLOCK_MONOTONIC (ktime_get_ns()) */
	VNS_TUN_EV_A_AGE_NS,	/* u64: how long before the dump */
	VNS_TUN_EV_A_CPU,	/* u32 */
	VNS_TUN_EV_A_CAUSE,	/* u8: enum vns_tun_drop */
	VNS_TUN_EV_A_IFINDEX,	/* u32 */
	VNS_TUN_EV_A_DEV,	/* string: device name */
	VNS_TUN_EV_A_NETNS,	/* u32: as VNS_TUN_A_NETNS */
	VNS_TUN_EV_A_QUEUE,	/* u32 */
	VNS_TUN_EV_A_FILL,	/* u32: entries in the queue's tx ring at the
				 * drop; absent when the ring is unknown
				 */
	VNS_TUN_EV_A_RING_SIZE,	/* u32: absent when the ring is unknown */
	VNS_TUN_EV_A_FLOW,	/* nest: enum vns_flow_attr; absent if not IP */

	__VNS_TUN_EV_A_MAX,
	VNS_TUN_EV_A_MAX = __VNS_TUN_EV_A_MAX - 1
};

/*
 * Where the tun collector knows the TUN queues' tx rings from: the status
 * counter "ring" of the tun collector (with "ring_errno" when the open of
 * /dev/net/tun failed).
 */
enum vns_tun_ring_state {
	VNS_TUN_RING_UNKNOWN,	/* not learned (no queue attached by vhost) */
	VNS_TUN_RING_ENABLE,	/* learned at enable from a TUN file */
	VNS_TUN_RING_VHOST,	/* learned when vhost-net attached a queue */
	VNS_TUN_RING_NO_TUN,	/* tun was not loaded at enable */
	VNS_TUN_RING_OPEN_FAILED, /* /dev/net/tun could not be opened */
	VNS_TUN_RING_UNLOADED,	/* tun was unloaded since */
	VNS_TUN_RING_NONE,	/* this kernel's TUN has no tx ring (3.10) */
};

#endif /* _UAPI_LINUX_VNETSCOPE_H */

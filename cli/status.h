/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnetscope status, vnetscope probes: the module's status
 * (VNS_CMD_STATUS_GET) and probe list (VNS_CMD_PROBE_GET), read into plain
 * structures and printed.
 */
#ifndef _VNS_CLI_STATUS_H
#define _VNS_CLI_STATUS_H

#include "vns/flow.h"
#include "config.h"

struct nlattr;
struct vns_nl;

/* True if attribute @attr was in the message that filled @obj */
#define VNS_HAS(obj, attr)	(!!((obj)->present & (1u << (attr))))

struct vns_counter {
	char *name;
	u64 value;
};

struct vns_collector {
	char *name;
	unsigned int present;		/* 1 << VNS_COLL_A_* */
	u8 state;			/* enum vns_coll_state */
	u64 mem_bytes;
	u64 lost;
	u32 entries;
	u32 capacity;
	struct vns_filter filter;	/* empty if absent */
	struct vns_settings config;	/* if VNS_HAS(VNS_COLL_A_CONFIG) */
	struct vns_counter *counters;	/* in the order the kernel sent */
	size_t ncounters;
	/* its handlers, if VNS_HAS(VNS_COLL_A_CALLS) (TIMED, TIMED_NS) */
	u64 calls;
	u64 timed;
	u64 timed_ns;
};

struct vns_status {
	char *version;
	char *kernel;
	unsigned int present;		/* 1 << VNS_A_* */
	u64 mem_bytes;
	u64 mem_limit;			/* if VNS_HAS(VNS_A_MEM_LIMIT) */
	char *kprobe_args;		/* NULL: a module before it */
	struct vns_collector *colls;
	size_t ncolls;
};

struct vns_probe {
	char *name;
	char *collector;
	char *module;
	char *reason;
	unsigned int present;		/* 1 << VNS_PROBE_A_* */
	u8 type;			/* enum vns_probe_type */
	u8 state;			/* enum vns_probe_state */
	u64 hits;
	u64 missed;
	u32 maxactive;			/* kretprobes */
	u64 calls;			/* if VNS_HAS(VNS_PROBE_A_CALLS) */
	u64 timed;
	u64 timed_ns;
};

struct vns_probes {
	struct vns_probe *v;
	size_t n;
};

/*
 * The callbacks (nl.h) that read a VNS_CMD_STATUS_GET reply into the
 * struct vns_status @arg, and a VNS_CMD_PROBE_GET message into the struct
 * vns_probes @arg.  0, -EBADMSG or -ENOMEM.
 */
int vns_status_add(struct nlattr **tb, struct nlattr *attrs, int len,
		   void *arg);
int vns_probes_add(struct nlattr **tb, struct nlattr *attrs, int len,
		   void *arg);

/* Returns 0 or, with the error printed, an exit status */
int vns_status_get(struct vns_nl *nl, struct vns_status *st);
void vns_status_free(struct vns_status *st);
const struct vns_collector *vns_status_coll(const struct vns_status *st,
					    const char *name);
/* Counter @name of @c: true and @*value if the kernel sent it */
bool vns_coll_counter(const struct vns_collector *c, const char *name,
		      u64 *value);

int vns_probes_get(struct vns_nl *nl, struct vns_probes *p);
void vns_probes_free(struct vns_probes *p);

/* Print @st (text, or JSON with print.h), with its collectors' @probes */
void vns_status_print(const struct vns_status *st, u32 genl_version,
		      const struct vns_probes *probes);

/* The probe list as "vnetscope probes" prints it */
void vns_probes_print(const struct vns_probes *probes);

#endif /* _VNS_CLI_STATUS_H */

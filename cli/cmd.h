/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands.  Each takes the arguments from its own name on (argv[0]
 * is "status", ...), accepts --help, and returns the exit status.
 */
#ifndef _VNS_CLI_CMD_H
#define _VNS_CLI_CMD_H

#include "vns/flow.h"
#include "lat.h"

struct vns_nl;

int cmd_status(int argc, char **argv);
int cmd_probes(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_drops(int argc, char **argv);
int cmd_softirqs(int argc, char **argv);
int cmd_timers(int argc, char **argv);
int cmd_irqoff(int argc, char **argv);
int cmd_latency(int argc, char **argv);

struct nl_msg;

/*
 * Collector settings: the words "period=10ms threshold=20ms" (irqoff) and
 * "phy=eth0 vm=vnet0 dir=rx threshold=10ms stage_threshold=5ms" (latency)
 * of enable
 */
struct vns_config {
	u32 period_us;
	u32 threshold_us;		/* latency: details, end to end */
	u32 stage_threshold_us;		/* latency: details, one stage */
	bool has_period;
	bool has_threshold;
	bool has_stage_threshold;
	bool has_dir;
	u8 dir;				/* enum vns_dir */
	char phy[VNS_IFNAMSIZ];		/* the physical port; "": not set */
	char vm[VNS_IFNAMSIZ];		/* the VM's port; "": not set */
};

/* True if @cfg has no setting at all */
bool vns_config_is_empty(const struct vns_config *cfg);

/*
 * Set the direction from @val, "rx", "tx" or "both"; @what is the setting's
 * name for @err ("dir", "--direction").  Returns 0, or -1 with a message.
 */
int vns_config_set_dir(struct vns_config *cfg, const char *what,
		       const char *val, char *err, size_t errlen);

/*
 * Set the physical port (@vm false) or the VM's port to interface @val;
 * @what names the setting for @err.  Returns 0, or -1 with a message.
 */
int vns_config_set_port(struct vns_config *cfg, bool vm, const char *what,
			const char *val, char *err, size_t errlen);

/*
 * Apply one word, "period=5ms", "threshold=0.1s", "stage_threshold=5ms",
 * "phy=eth0", "vm=vnet0" or "dir=rx|tx|both", to @cfg.  Returns 0, or -1
 * with a message in @err.
 */
int vns_config_parse_word(struct vns_config *cfg, const char *word,
			  char *err, size_t errlen);

/* irqoff: reject a threshold below the period.  0, or -1 and @err. */
int vns_config_check(const struct vns_config *cfg, char *err, size_t errlen);

/* Add @cfg to @msg as a VNS_A_CONFIG nest, if it has any setting */
int vns_config_put(struct nl_msg *msg, const struct vns_config *cfg);

/*
 * VNS_CMD_ENABLE of collector @name with filter @f and settings @cfg
 * (either NULL: none)
 */
int vns_enable(struct vns_nl *nl, const char *name,
	       const struct vns_filter *f, const struct vns_config *cfg);

/*
 * Turn collector @name on if it is off ("enabled the X collector" on
 * stderr), with its default settings.  0 or the exit status.
 */
int vns_ensure_on(struct vns_nl *nl, const char *name);

/*
 * The same, with filter @f and settings @cfg (either NULL: none).  If the
 * collector is on and @f or @cfg has anything, it is enabled again with
 * them: the module starts it afresh (tables and counters cleared) when
 * they differ from the ones it runs with, else nothing changes.
 */
int vns_ensure_on_with(struct vns_nl *nl, const char *name,
		       const struct vns_filter *f,
		       const struct vns_config *cfg);

/* The options of softirqs, timers, irqoff and latency */
struct vns_lat_args {
	long long cpu;			/* -1: all */
	double interval;		/* 0: one report */
	u64 count;			/* reports; 0: until a signal */
	u64 top;
	u64 min_us;
	u64 threshold_us;
	enum vns_timer_sort sort;
	bool hist;
	bool json;
	bool details;			/* latency --details */
	double duration;		/* --details: seconds; 0: until a signal */
	struct vns_filter filter;	/* latency */
	struct vns_config cfg;		/* latency: phy, vm, dir, thresholds */
};

/*
 * The options of latency into @a.  Returns -1 to go on, or the exit status
 * (--help, or a usage error printed).
 */
int vns_latency_parse(struct vns_lat_args *a, int argc, char **argv);

/* The message of the error for the VM path, which the module lacks yet */
#define VNS_VM_PATH_ERR	"the VM path needs the physical port too (phy=, --phy-interface)"

#endif /* _VNS_CLI_CMD_H */

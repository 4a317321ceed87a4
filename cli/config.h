/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Collector settings (VNS_CFG_A_*): the words "period=10ms threshold=20ms"
 * (irqoff) and "phy=eth0 vm=vnet0 dir=rx threshold=10ms stage_threshold=5ms"
 * (latency) of enable, the latency options that set the same, netlink both
 * ways and JSON.
 */
#ifndef _VNS_CLI_CONFIG_H
#define _VNS_CLI_CONFIG_H

#include <stddef.h>

#include "vns/flow.h"

struct nl_msg;
struct nlattr;

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

/* The message of the error for the VM path without the physical port */
#define VNS_VM_PATH_ERR	"the VM path needs the physical port too (phy=, --phy-interface)"

/* Latency details thresholds: 1us to 10s, as the module takes them */
#define VNS_DETAILS_MIN_US	1
#define VNS_DETAILS_MAX_US	VNS_CFG_THRESHOLD_MAX_US

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

/* Read a VNS_CFG_A_* nest (VNS_COLL_A_CONFIG).  0 or -EBADMSG. */
int vns_config_from_nest(struct vns_config *cfg, struct nlattr *nest);

/* The settings given, as JSON members of the open object (print.h) */
void vns_config_print_json(const struct vns_config *cfg);

#endif /* _VNS_CLI_CONFIG_H */

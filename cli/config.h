/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Collector settings on the command line: the words "period=10ms
 * threshold=20ms" (irqoff) and "phy=eth0 vm=vnet0 dir=rx threshold=10ms
 * stage_threshold=5ms" (latency) of enable, and the latency options that
 * set the same.  struct vns_settings, the words, merging and the
 * VNS_CFG_A_* netlink nest are the shared codec's (vns/settings.h); this
 * file adds the command line's messages, the irqoff check and JSON.
 */
#ifndef _VNS_CLI_CONFIG_H
#define _VNS_CLI_CONFIG_H

#include <stddef.h>

#include "vns/settings.h"

struct nl_msg;
struct nlattr;

/* The message of the error for the VM path without the physical port */
#define VNS_VM_PATH_ERR	"the VM path needs the physical port too (phy=, --phy-interface)"

/* Latency details thresholds: 1us to 10s, as the module takes them */
#define VNS_DETAILS_MIN_US	1
#define VNS_DETAILS_MAX_US	VNS_CFG_THRESHOLD_MAX_US

/* Was setting VNS_SET_@bit given? */
#define VNS_GIVEN(s, bit)	(!!((s)->given & (bit)))

/* Nothing given, the defaults in place */
void vns_config_init(struct vns_settings *s);

/* True if @s has no setting given */
bool vns_config_is_empty(const struct vns_settings *s);

/*
 * Set the direction from @val, "rx", "tx" or "both"; @what is the setting's
 * name for @err ("dir", "--direction").  Returns 0, or -1 with a message.
 */
int vns_config_set_dir(struct vns_settings *s, const char *what,
		       const char *val, char *err, size_t errlen);

/*
 * Set the physical port (@vm false) or the VM's port to interface @val;
 * @what names the setting for @err.  Returns 0, or -1 with a message.
 */
int vns_config_set_port(struct vns_settings *s, bool vm, const char *what,
			const char *val, char *err, size_t errlen);

/*
 * Apply one word, "period=5ms", "threshold=0.1s", "stage_threshold=5ms",
 * "phy=eth0", "vm=vnet0" or "dir=rx|tx|both", to @s.  Returns 0, or -1
 * with a message in @err.
 */
int vns_config_parse_word(struct vns_settings *s, const char *word,
			  char *err, size_t errlen);

/* irqoff: reject a threshold below the period.  0, or -1 and @err. */
int vns_config_check(const struct vns_settings *s, char *err, size_t errlen);

/* Add @s to @msg as a VNS_A_CONFIG nest, if it has any setting given */
int vns_config_put(struct nl_msg *msg, const struct vns_settings *s);

/* Read a VNS_CFG_A_* nest (VNS_COLL_A_CONFIG).  0 or -EBADMSG. */
int vns_config_from_nest(struct vns_settings *s, struct nlattr *nest);

/* The settings given, as JSON members of the open object (print.h) */
void vns_config_print_json(const struct vns_settings *s);

#endif /* _VNS_CLI_CONFIG_H */

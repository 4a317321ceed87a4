/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands.  Each takes the arguments from its own name on (argv[0]
 * is "status", ...), accepts --help, and returns the exit status.
 */
#ifndef _VNS_CLI_CMD_H
#define _VNS_CLI_CMD_H

#include "vns/flow.h"

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

struct nl_msg;

/* Collector settings: the words "period=10ms threshold=20ms" of enable */
struct vns_config {
	u32 period_us;
	u32 threshold_us;
	bool has_period;
	bool has_threshold;
};

/*
 * Apply one word, "period=5ms" or "threshold=0.1s", to @cfg.  Returns 0, or
 * -1 with a message in @err.
 */
int vns_config_parse_word(struct vns_config *cfg, const char *word,
			  char *err, size_t errlen);

/* Reject a threshold below twice the period.  0, or -1 and @err. */
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

#endif /* _VNS_CLI_CMD_H */

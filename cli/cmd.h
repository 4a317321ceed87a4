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

/* VNS_CMD_ENABLE of collector @name with filter @f (NULL: no filter) */
int vns_enable(struct vns_nl *nl, const char *name,
	       const struct vns_filter *f);

#endif /* _VNS_CLI_CMD_H */

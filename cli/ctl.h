/* SPDX-License-Identifier: GPL-2.0 */
/*
 * enable, disable, reset: the arguments of enable (also a line of the
 * configuration file, conffile.h) and the requests, for start and stop.
 */
#ifndef _VNS_CLI_CTL_H
#define _VNS_CLI_CTL_H

#include "config.h"
#include "filter.h"

struct vns_nl;

/* What enable sends: a collector, its filter and its settings */
struct vns_enable_args {
	const char *name;		/* argv's, known to this version */
	struct vns_filter filter;
	struct vns_settings cfg;
};

/*
 * Parse enable's arguments, argv[0] being the command's name, into @a:
 * "drops --proto udp", "irqoff period=5ms".  With @help, --help prints
 * the usage (VNS_EXIT_OK); without, it is refused like any unknown
 * option.  Returns -1 to go on, or the exit status with the message
 * printed.  Starts getopt afresh (optind = 0).
 */
int vns_enable_parse(int argc, char **argv, bool help,
		     struct vns_enable_args *a);

/* VNS_CMD_ENABLE of @a, exactly its settings (no flags) */
int vns_enable_send(struct vns_nl *nl, const struct vns_enable_args *a);

/* VNS_CMD_DISABLE of collector @name */
int vns_disable_send(struct vns_nl *nl, const char *name);

#endif /* _VNS_CLI_CTL_H */

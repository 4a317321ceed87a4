/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands main.c dispatches to, one per object file.  Each takes the
 * arguments from its own name on (argv[0] is "status", ...), accepts
 * --help, and returns the exit status (util.h).
 */
#ifndef _VNS_CLI_CMD_H
#define _VNS_CLI_CMD_H

int cmd_status(int argc, char **argv);		/* status.c */
int cmd_probes(int argc, char **argv);		/* status.c */
int cmd_enable(int argc, char **argv);		/* ctl.c */
int cmd_disable(int argc, char **argv);		/* ctl.c */
int cmd_reset(int argc, char **argv);		/* ctl.c */
int cmd_drops(int argc, char **argv);		/* drops.c */
int cmd_softirqs(int argc, char **argv);	/* softirqs.c */
int cmd_timers(int argc, char **argv);		/* timers.c */
int cmd_irqoff(int argc, char **argv);		/* irqoff.c */
int cmd_latency(int argc, char **argv);		/* latency.c, details.c */

#endif /* _VNS_CLI_CMD_H */

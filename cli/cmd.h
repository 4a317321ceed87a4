/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands main.c dispatches to, one per object file.  Each takes the
 * arguments from its own name on (argv[0] is "status", ...), accepts
 * --help, and returns the exit status (util.h).
 */
#ifndef _VNS_CLI_CMD_H
#define _VNS_CLI_CMD_H

/*
 * The command table: one line per command, in the order --help lists them:
 * VNS_COMMAND(name, summary) runs cmd_<name>() of its object file.
 */
#define VNS_COMMANDS(VNS_COMMAND)					\
	VNS_COMMAND(status, "the module, its collectors and probes")	\
	VNS_COMMAND(probes, "probes and their state")			\
	VNS_COMMAND(enable,						\
		    "turn a collector on, optionally filtered or set up")	\
	VNS_COMMAND(disable, "turn a collector off")			\
	VNS_COMMAND(reset, "clear collectors' tables and counters")	\
	VNS_COMMAND(start,						\
		    "turn on the collectors of the configuration file")	\
	VNS_COMMAND(stop,						\
		    "turn off the collectors of the configuration file")	\
	VNS_COMMAND(drops, "report packet drops, once or every interval") \
	VNS_COMMAND(softirqs, "softirq run times and raise-to-run waits") \
	VNS_COMMAND(timers, "the timer callbacks that ran longest")	\
	VNS_COMMAND(irqoff,						\
		    "stretches with interrupts or softirqs off, with stacks") \
	VNS_COMMAND(latency,						\
		    "packet latency stage by stage and end to end, histograms") \
	VNS_COMMAND(tun, "TUN/TAP queues: to the VM, drops, ring fill, from it") \
	VNS_COMMAND(vhost,						\
		    "vhost-net virtqueues: runs, packets, guest notifications") \
	VNS_COMMAND(kvm, "KVM irqfd wakeups and injections per VM and GSI") \
	VNS_COMMAND(virtio,						\
		    "a guest's virtio-net queues: polls by caller, interrupts") \
	VNS_COMMAND(vmpath,						\
		    "one VM port's chain: TUN queues, vhost, irqfd, drops")

#define VNS_COMMAND_DECLARE(name, summary) \
	int cmd_##name(int argc, char **argv);
VNS_COMMANDS(VNS_COMMAND_DECLARE)
#undef VNS_COMMAND_DECLARE

#endif /* _VNS_CLI_CMD_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope: the command line side of the vnetscope kernel module.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "uapi/linux/vnetscope.h"
#include "cmd.h"
#include "util.h"

/* VNS_CLI_VERSION comes from the top Makefile's VERSION (cli/Makefile) */

static const struct vns_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} vns_cmds[] = {
#define VNS_COMMAND_ENTRY(name, summary) { #name, cmd_##name, summary },
	VNS_COMMANDS(VNS_COMMAND_ENTRY)
#undef VNS_COMMAND_ENTRY
};

static void vns_usage(FILE *out)
{
	size_t i;

	fputs("Usage: vnetscope [--help | --version]\n"
	      "       vnetscope COMMAND [OPTIONS]\n"
	      "\n"
	      "Diagnose packet drops and latency with the vnetscope kernel\n"
	      "module.\n"
	      "\n"
	      "Commands:\n", out);
	for (i = 0; i < VNS_ARRAY_SIZE(vns_cmds); i++)
		fprintf(out, "  %-9s %s\n", vns_cmds[i].name,
			vns_cmds[i].summary);
	fputs("\n"
	      "Run 'vnetscope COMMAND --help' for the options of a command.\n"
	      VNS_EXIT_HELP, out);
}

static int vns_unknown_cmd(const char *name)
{
	char list[256] = "";
	size_t i;

	for (i = 0; i < VNS_ARRAY_SIZE(vns_cmds); i++) {
		if (i)
			strcat(list, ", ");
		strcat(list, vns_cmds[i].name);
	}
	return vns_usage_err("unknown command '%s' (commands: %s)", name, list);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	size_t i;

	opterr = 0;
	if (!name)
		return vns_usage_err("missing command (try: vnetscope --help)");
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		vns_usage(stdout);
		return VNS_EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("vnetscope %s (netlink v%d)\n", VNS_CLI_VERSION,
		       VNS_GENL_VERSION);
		return VNS_EXIT_OK;
	}
	if (name[0] == '-')
		return vns_usage_err("unknown option '%s'", name);
	for (i = 0; i < VNS_ARRAY_SIZE(vns_cmds); i++)
		if (!strcmp(name, vns_cmds[i].name))
			return vns_cmds[i].run(argc - 1, argv + 1);
	return vns_unknown_cmd(name);
}

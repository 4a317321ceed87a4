/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration file of start and stop (default
 * SYSCONFDIR/vnetscope.conf): one collector a line, with the options and
 * settings `vnetscope enable` takes, as words split on blanks (no quotes,
 * no expansion); '#' at the start of a word comments out the rest of the
 * line.  Every line goes through enable's own parser (ctl.h).
 */
#ifndef _VNS_CLI_CONFFILE_H
#define _VNS_CLI_CONFFILE_H

#include <stdio.h>

#include "ctl.h"

#ifndef VNS_SYSCONFDIR
#define VNS_SYSCONFDIR		"/etc"
#endif
#define VNS_CONF_DEFAULT	VNS_SYSCONFDIR "/vnetscope.conf"

/* The longest line, without its newline */
#define VNS_CONF_LINE_MAX	4095

/* A line that names a collector */
struct vns_conf_line {
	unsigned int lineno;
	char *words;			/* the line, cut into words */
	char *text;			/* its words, one blank between */
	char **argv;			/* "enable", then the words */
	int argc;
	struct vns_enable_args args;	/* .name points into argv's words */
};

struct vns_conf {
	struct vns_conf_line *v;
	size_t n;
};

/*
 * Read and check configuration file @path (@f already open on it, for
 * tests: fmemopen()) into @cf: every line, before anything reaches the
 * kernel.  Returns 0, or the exit status with one message printed:
 * VNS_EXIT_USAGE ("vnetscope: FILE:LINE: <reason>") for a bad line,
 * VNS_EXIT_FAIL for a read error or no memory.  vns_conf_free() either way.
 */
int vns_conf_parse(FILE *f, const char *path, struct vns_conf *cf);

/* The same, opening @path: a missing file is VNS_EXIT_FAIL */
int vns_conf_read(const char *path, struct vns_conf *cf);

void vns_conf_free(struct vns_conf *cf);

#endif /* _VNS_CLI_CONFFILE_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * vnetscope start, stop: the collectors of the configuration file
 * (conffile.h), each line through enable's parser
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conffile.h"
#include "ctl.h"
#include "nl.h"
#include "util.h"

/* Blanks between words; '\r' too, for a file written on Windows */
#define VNS_CONF_BLANKS		" \t\r\v\f"

#define VNS_STR(x)		VNS_STR2(x)
#define VNS_STR2(x)		#x

static void vns_conf_line_free(struct vns_conf_line *l)
{
	free(l->words);
	free(l->text);
	free(l->argv);
	memset(l, 0, sizeof(*l));
}

void vns_conf_free(struct vns_conf *cf)
{
	size_t i;

	for (i = 0; i < cf->n; i++)
		vns_conf_line_free(&cf->v[i]);
	free(cf->v);
	cf->v = NULL;
	cf->n = 0;
}

/*
 * Cut a copy of @line into the words of @l: argv "enable", then the
 * words up to the end or to a word that starts with '#'; text, the words
 * with one blank between.  0, or -ENOMEM.
 */
static int vns_conf_split(const char *line, struct vns_conf_line *l)
{
	size_t len = strlen(line);
	char *w, *save, *p;
	int i;

	l->words = strdup(line);
	l->text = malloc(len + 1);
	/* at most one word per two bytes, "enable" and the NULL */
	l->argv = malloc(sizeof(*l->argv) * (len / 2 + 3));
	if (!l->words || !l->text || !l->argv)
		return -ENOMEM;
	l->argc = 0;
	l->argv[l->argc++] = "enable";
	for (w = strtok_r(l->words, VNS_CONF_BLANKS, &save); w && w[0] != '#';
	     w = strtok_r(NULL, VNS_CONF_BLANKS, &save))
		l->argv[l->argc++] = w;
	l->argv[l->argc] = NULL;
	p = l->text;
	*p = '\0';
	for (i = 1; i < l->argc; i++)
		p += sprintf(p, "%s%s", i > 1 ? " " : "", l->argv[i]);
	return 0;
}

/*
 * Line @lineno of @path, @line, into @l, checked against the lines before
 * in @cf.  Returns 0 (@l->argc 1: no collector on the line), -ENOMEM, or
 * VNS_EXIT_USAGE with the message printed.
 */
static int vns_conf_line(const struct vns_conf *cf, const char *path,
			 unsigned int lineno, const char *line,
			 struct vns_conf_line *l)
{
	char prefix[PATH_MAX + 32];
	size_t i;
	int ret;

	memset(l, 0, sizeof(*l));
	l->lineno = lineno;
	if (vns_conf_split(line, l))
		return -ENOMEM;
	if (l->argc == 1)
		return 0;
	/* the words as `vnetscope enable` takes them, its messages after
	 * "FILE:LINE: "
	 */
	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, lineno);
	vns_err_prefix(prefix);
	ret = vns_enable_parse(l->argc, l->argv, false, &l->args);
	vns_err_prefix(NULL);
	if (ret >= 0)
		return VNS_EXIT_USAGE;
	for (i = 0; i < cf->n; i++)
		if (!strcmp(cf->v[i].args.name, l->args.name))
			return vns_usage_err("%s:%u: duplicate collector '%s' (first on line %u)",
					     path, lineno, l->args.name,
					     cf->v[i].lineno);
	return 0;
}

int vns_conf_parse(FILE *f, const char *path, struct vns_conf *cf)
{
	unsigned int lineno = 0;
	struct vns_conf_line l;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	memset(cf, 0, sizeof(*cf));
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (strlen(line) != (size_t)n) {
			ret = vns_usage_err("%s:%u: a NUL byte (not a text file?)",
					    path, lineno);
			break;
		}
		if (n > VNS_CONF_LINE_MAX) {
			ret = vns_usage_err("%s:%u: line longer than "
					    VNS_STR(VNS_CONF_LINE_MAX)
					    " characters", path, lineno);
			break;
		}
		ret = vns_conf_line(cf, path, lineno, line, &l);
		if (!ret && l.argc > 1 && vns_grow(&cf->v, cf->n,
						   sizeof(*cf->v)))
			ret = -ENOMEM;
		if (ret || l.argc == 1) {
			vns_conf_line_free(&l);
			if (ret)
				break;
			continue;
		}
		cf->v[cf->n++] = l;
	}
	if (!ret && ferror(f)) {
		vns_err("cannot read %s: %s", path, strerror(errno));
		ret = VNS_EXIT_FAIL;
	}
	if (ret == -ENOMEM) {
		vns_err("cannot read %s: %s", path, strerror(ENOMEM));
		ret = VNS_EXIT_FAIL;
	}
	free(line);
	if (ret)
		vns_conf_free(cf);
	return ret;
}

int vns_conf_read(const char *path, struct vns_conf *cf)
{
	FILE *f = fopen(path, "re");
	int ret;

	memset(cf, 0, sizeof(*cf));
	if (!f) {
		vns_err("cannot open the configuration file %s: %s", path,
			strerror(errno));
		return VNS_EXIT_FAIL;
	}
	ret = vns_conf_parse(f, path, cf);
	fclose(f);
	return ret;
}

/* ------------------------------------------------------------ commands */

#define VNS_CONF_USAGE_FILE						\
	"\n"								\
	"Options:\n"							\
	"  --config FILE    the configuration file (default\n"		\
	"                   " VNS_CONF_DEFAULT ")\n"

static const char vns_start_usage[] =
	"Usage: vnetscope start [--config FILE]\n"
	"\n"
	"Turn on the collectors the configuration file names, one a line\n"
	"with the options and settings of 'vnetscope enable' ('#' starts a\n"
	"comment):\n"
	"\n"
	"  drops --proto udp --dport 53\n"
	"  irqoff period=10ms threshold=20ms\n"
	"\n"
	"Every line is checked before anything reaches the kernel: a bad one\n"
	"fails with FILE:LINE and exit status 2, and nothing is turned on.\n"
	"A collector already on takes the line's settings.  If the module\n"
	"refuses a collector, those this start turned on are turned off\n"
	"again.  Prints one line per collector turned on.  vnetscope.service\n"
	"runs it at boot.\n"
	VNS_CONF_USAGE_FILE
	VNS_EXIT_HELP;

static const char vns_stop_usage[] =
	"Usage: vnetscope stop [--config FILE]\n"
	"\n"
	"Turn off the collectors the configuration file names (see\n"
	"'vnetscope start --help'), and only those.  Every line is checked\n"
	"first, as start does.  Without the module loaded there is nothing\n"
	"to turn off: exit status 0.  Prints one line per collector turned\n"
	"off.\n"
	VNS_CONF_USAGE_FILE
	VNS_EXIT_HELP;

/* [--config FILE] [--help] into @path: -1 to go on, else the exit status */
static int vns_conf_opts(int argc, char **argv, const char *usage,
			 const char **path)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*path = VNS_CONF_DEFAULT;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!optarg[0])
				return vns_usage_err("invalid --config '': expected a file");
			*path = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return VNS_EXIT_OK;
		default:
			return vns_getopt_err(c, argv, opts);
		}
	}
	if (optind < argc)
		return vns_usage_err("unexpected argument '%s'", argv[optind]);
	return -1;
}

/*
 * start's and stop's common start: [--config FILE] [--help], then the file,
 * read and checked whole into @cf; -1 to go on, else the exit status (@cf
 * then holds nothing to free)
 */
static int vns_conf_load(int argc, char **argv, const char *usage,
			 const char *what, const char **path,
			 struct vns_conf *cf)
{
	int ret;

	ret = vns_conf_opts(argc, argv, usage, path);
	if (ret >= 0)
		return ret;
	ret = vns_conf_read(*path, cf);
	if (ret)
		return ret;
	if (!cf->n) {
		vns_err("%s names no collector: nothing to turn %s", *path, what);
		vns_conf_free(cf);
		return VNS_EXIT_OK;
	}
	return -1;
}

/* Send line @l's request (enable or disable), its errors after FILE:LINE */
static int vns_conf_send(struct vns_nl *nl, const char *path,
			 const struct vns_conf_line *l, bool enable)
{
	char prefix[PATH_MAX + 32];
	int ret;

	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, l->lineno);
	vns_err_prefix(prefix);
	ret = enable ? vns_enable_send(nl, &l->args) :
		       vns_disable_send(nl, l->args.name);
	vns_err_prefix(NULL);
	if (!ret) {
		printf("%s %s\n", enable ? "enabled" : "disabled",
		       enable ? l->text : l->args.name);
		fflush(stdout);
	}
	return ret;
}

int cmd_start(int argc, char **argv)
{
	struct vns_conf cf;
	const char *path;
	struct vns_nl nl;
	size_t i, j;
	int ret;

	ret = vns_conf_load(argc, argv, vns_start_usage, "on", &path, &cf);
	if (ret >= 0)
		return ret;
	ret = vns_nl_open(&nl);
	if (ret)
		goto out;
	for (i = 0; i < cf.n; i++) {
		ret = vns_conf_send(&nl, path, &cf.v[i], true);
		if (ret)
			break;
	}
	if (ret && i) {
		/* all or nothing: off again, what this start turned on */
		vns_err("start failed: turning off the collectors it turned on");
		for (j = 0; j < i; j++)
			vns_conf_send(&nl, path, &cf.v[j], false);
	}
	vns_nl_close(&nl);
out:
	vns_conf_free(&cf);
	return ret;
}

int cmd_stop(int argc, char **argv)
{
	struct vns_conf cf;
	const char *path;
	struct vns_nl nl;
	int ret, r;
	size_t i;

	ret = vns_conf_load(argc, argv, vns_stop_usage, "off", &path, &cf);
	if (ret >= 0)
		return ret;
	ret = vns_nl_open_quiet(&nl);
	if (ret == -ENOENT) {
		vns_err("the vnetscope kernel module is not loaded: its collectors are off");
		ret = VNS_EXIT_OK;
		goto out;
	}
	if (ret)
		goto out;
	/* each one, even after a failure; the first failure's status */
	for (i = 0; i < cf.n; i++) {
		r = vns_conf_send(&nl, path, &cf.v[i], false);
		if (!ret)
			ret = r;
	}
	vns_nl_close(&nl);
out:
	vns_conf_free(&cf);
	return ret;
}

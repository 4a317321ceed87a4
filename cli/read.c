// SPDX-License-Identifier: GPL-2.0
/*
 * A read command: the options every read shares, and its run.
 */
#include <getopt.h>
#include <stdio.h>

#include "nl.h"
#include "print.h"
#include "read.h"
#include "util.h"

/* A shared option: 0, -1 if @c is none, else the exit status */
static int vns_read_opt(struct vns_read_opts *r, int c, const char *name,
			const char *arg)
{
	char err[256];
	int ret;

	ret = vns_loop_opt(c, arg, &r->interval, &r->count);
	if (ret >= 0)
		return ret;
	switch (c) {
	case 'j':
		r->json = true;
		return 0;
	case VNS_OPT_NO_ENABLE:
		r->no_enable = true;
		return 0;
	case VNS_OPT_FILTER:
		if (vns_filter_parse_opt(&r->filter, name, arg, err,
					 sizeof(err)))
			return vns_usage_err("%s", err);
		return 0;
	default:
		return -1;
	}
}

int vns_read_getopt(struct vns_read_opts *r, int argc, char **argv,
		    const struct option *opts, const char *usage,
		    vns_own_opt_fn own, void *args)
{
	char err[256];
	int c, idx = 0, ret;

	while ((c = getopt_long(argc, argv, ":h", opts, &idx)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return VNS_EXIT_OK;
		}
		ret = vns_read_opt(r, c, opts[idx].name, optarg);
		if (ret < 0)
			ret = own(args, c, optarg);
		if (ret < 0)
			return vns_getopt_err(c, argv, opts);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return vns_usage_err("unexpected argument '%s'", argv[optind]);
	ret = vns_loop_check(r->interval, r->count);
	if (ret >= 0)
		return ret;
	if (vns_filter_check(&r->filter, err, sizeof(err)))
		return vns_usage_err("%s", err);
	return -1;
}

int vns_read_main(const struct vns_read_opts *r,
		  const struct vns_snap_ops *ops, const void *args)
{
	struct vns_ticker t;
	struct vns_nl nl;
	int ret;

	/* from here on, a signal ends the reports with status 0 */
	if (r->interval || r->details)
		vns_ticker_signals(&t);
	ret = vns_nl_open(&nl);
	if (ret)
		return ret;
	ret = vns_read_prepare(&nl, r);
	if (!ret && ops->run)
		ret = ops->run(&nl, args, &t);
	else if (!ret)
		ret = vns_report_run(&nl, r->interval, r->count, &t, ops,
				     args);
	vns_nl_close(&nl);
	return ret;
}

void vns_report_begin(const struct vns_read_opts *r,
		      const struct timespec *when)
{
	print_begin(stdout, r->json);
	if (r->interval)
		vns_interval_header(when, r->interval);
}

void vns_report_end(const struct vns_read_opts *r,
		    const struct timespec *when)
{
	if (r->interval)
		vns_print_when(when, r->interval, false);
	print_end();
}

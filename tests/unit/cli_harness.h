/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness of the CLI's unit tests (test_cli_*.c, one per object):
 * checks that count and print one line per failure, output captured from
 * the print layer or from a whole command, and netlink messages built as
 * the module would send them.  Each suite ends with vns_test_done(), which
 * prints "N passed, N failed" and gives the exit status.
 */
#ifndef _VNS_TEST_CLI_HARNESS_H
#define _VNS_TEST_CLI_HARNESS_H

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "uapi/linux/vnetscope.h"
#include "flow.h"
#include "print.h"
#include "util.h"

static unsigned int passed, failed;

static inline void check(bool ok, const char *file, int line,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline void check(bool ok, const char *file, int line,
			 const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define CHECK(cond, ...) check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define CHECK_STR(got, want)						\
	do {								\
		const char *_g = (got), *_w = (want);			\
		CHECK(_g && !strcmp(_g, _w), "got '%s', want '%s'",	\
		      _g ? _g : "(null)", _w);				\
	} while (0)

#define CHECK_INT(got, want)						\
	do {								\
		long long _g = (long long)(got), _w = (long long)(want); \
		CHECK(_g == _w, "%s: got %lld, want %lld", #got, _g, _w); \
	} while (0)

/* "N passed, N failed", and the exit status */
static inline int vns_test_done(void)
{
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* A one-line message from a parser */
static char err[256] __attribute__((unused));

/* ---- output of the print layer into memory ---- */

static char *memout_buf __attribute__((unused));
static size_t memout_len __attribute__((unused));
static char memout_copy[65536] __attribute__((unused));

/* Text: open, print, then out_close() gives what was printed */
static inline FILE *out_open(void)
{
	FILE *f;

	free(memout_buf);
	memout_buf = NULL;
	f = open_memstream(&memout_buf, &memout_len);
	print_begin(f, false);
	return f;
}

/* JSON: a document whose members the printers add */
static inline FILE *json_open(void)
{
	FILE *f = out_open();

	print_begin(f, true);
	return f;
}

static inline const char *out_close(FILE *f)
{
	print_end();
	fclose(f);
	snprintf(memout_copy, sizeof(memout_copy), "%s",
		 memout_buf ? memout_buf : "");
	return memout_copy;
}

/* The JSON document as one line, without its '\n' */
static inline const char *json_close(FILE *f)
{
	size_t n;

	out_close(f);
	n = strlen(memout_copy);
	if (n && memout_copy[n - 1] == '\n')
		memout_copy[n - 1] = '\0';
	return memout_copy;
}

/* JSON of a printer that adds an element to the open array */
static inline FILE *elem_open(void)
{
	FILE *f = json_open();

	open_json_array("a");
	return f;
}

static inline const char *elem_close(FILE *f)
{
	static const char head[] = "{\"a\":[";
	const char *s;
	size_t n;

	close_json_array();
	s = json_close(f);
	n = strlen(s);
	if (n < sizeof(head) + 1 || strncmp(s, head, sizeof(head) - 1))
		return s;
	memmove(memout_copy, memout_copy + sizeof(head) - 1,
		n - (sizeof(head) - 1) + 1);
	memout_copy[strlen(memout_copy) - 2] = '\0';
	return memout_copy;
}

/* The JSON of @stmt: a printer of members, or of an array element */
#define JSON_DOC(stmt)							\
	({ FILE *_f = json_open(); stmt; json_close(_f); })
#define JSON_ELEM(stmt)							\
	({ FILE *_f = elem_open(); stmt; elem_close(_f); })

/* ---- netlink, as the module would send it ---- */

/* Parse @msg's attributes as a dump callback sees them */
static inline void msg_tb(struct nl_msg *msg, struct nlattr **tb)
{
	CHECK_INT(nlmsg_parse(nlmsg_hdr(msg), 0, tb, VNS_A_MAX, NULL), 0);
}

/* A VNS_HIST_A_* nest of @type in @msg: count, sum, max, buckets */
static inline void put_hist(struct nl_msg *msg, int type, u64 sum, u64 max,
			    const u64 *buckets, int n)
{
	struct nlattr *h = nla_nest_start(msg, type), *b;
	u64 count = 0;
	int i;

	for (i = 0; i < n; i++)
		count += buckets[i];
	nla_put_u64(msg, VNS_HIST_A_COUNT, count);
	nla_put_u64(msg, VNS_HIST_A_SUM, sum);
	nla_put_u64(msg, VNS_HIST_A_MAXVAL, max);
	for (i = 0; i < n; i++) {
		if (!buckets[i])
			continue;
		b = nla_nest_start(msg, VNS_HIST_A_BUCKET);
		nla_put_u8(msg, VNS_BUCKET_A_INDEX, (u8)i);
		nla_put_u64(msg, VNS_BUCKET_A_COUNT, buckets[i]);
		nla_nest_end(msg, b);
	}
	nla_nest_end(msg, h);
}

/* An attribute of a test nest: @len bytes of @data; N(u16, 1): a u16 */
struct tattr {
	int type;
	int len;
	const void *data;
};

#define N(type, v)	sizeof(type), &(const type){ v }

/*
 * A message with a nest @type of the attributes @a (@n at the most, type
 * 0 ends them); *@nest is the nest.  For nlmsg_free().
 */
static inline struct nl_msg *nest_msg(int type, const struct tattr *a,
				      size_t n, struct nlattr **nest)
{
	struct nl_msg *msg = nlmsg_alloc();
	size_t i;

	*nest = nla_nest_start(msg, type);
	for (i = 0; i < n && a[i].type; i++)
		nla_put(msg, a[i].type, a[i].len, a[i].data);
	nla_nest_end(msg, *nest);
	return msg;
}

/* ---- flows ---- */

static inline struct vns_flow_info flow(u8 family, u8 proto, const char *src,
					const char *dst)
{
	struct vns_flow_info fi;
	int af = family == VNS_AF_INET ? AF_INET : AF_INET6;

	memset(&fi, 0, sizeof(fi));
	fi.key.family = family;
	fi.key.proto = proto;
	inet_pton(af, src, fi.key.src);
	inet_pton(af, dst, fi.key.dst);
	return fi;
}

static inline struct vns_flow_info ports(struct vns_flow_info fi, u16 sport,
					 u16 dport)
{
	fi.has_ports = true;
	fi.key.sport = sport;
	fi.key.dport = dport;
	return fi;
}

static inline struct vns_flow_info icmp(struct vns_flow_info fi, u8 type,
					u8 code)
{
	fi.has_icmp = true;
	fi.key.icmp_type = type;
	fi.key.icmp_code = code;
	return fi;
}

/* A VNS_FLOW_A_* nest of @type in @msg */
static inline void put_flow(struct nl_msg *msg, int type,
			    const struct vns_flow_info *fi)
{
	const struct vns_flow *f = &fi->key;
	size_t alen = f->family == VNS_AF_INET ? 4 : 16;
	struct nlattr *fl = nla_nest_start(msg, type);

	nla_put_u8(msg, VNS_FLOW_A_FAMILY, f->family);
	nla_put_u8(msg, VNS_FLOW_A_PROTO, f->proto);
	nla_put(msg, VNS_FLOW_A_SRC, (int)alen, f->src);
	nla_put(msg, VNS_FLOW_A_DST, (int)alen, f->dst);
	if (fi->has_ports) {
		nla_put_u16(msg, VNS_FLOW_A_SPORT, f->sport);
		nla_put_u16(msg, VNS_FLOW_A_DPORT, f->dport);
	}
	if (fi->has_icmp) {
		nla_put_u8(msg, VNS_FLOW_A_ICMP_TYPE, f->icmp_type);
		nla_put_u8(msg, VNS_FLOW_A_ICMP_CODE, f->icmp_code);
	}
	nla_nest_end(msg, fl);
}

/* ---- whole commands, up to where they would reach the kernel ---- */

/* What a command or its option parser printed, stdout and stderr */
static char cap_out[8192] __attribute__((unused));

/* Run @fn on @args (NULL-terminated), output to cap_out */
static inline int run_argv(int (*fn)(int, char **), const char *const *args)
{
	char *argv[32];
	int argc = 0, ret, sout, serr;
	FILE *tmp = tmpfile();
	size_t n;

	while (argc < 31 && args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	cap_out[0] = '\0';
	if (!tmp)
		return -100;
	fflush(stdout);
	fflush(stderr);
	sout = dup(1);
	serr = dup(2);
	dup2(fileno(tmp), 1);
	dup2(fileno(tmp), 2);
	optind = 0;		/* glibc: start afresh */
	opterr = 0;
	ret = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(sout, 1);
	dup2(serr, 2);
	close(sout);
	close(serr);
	rewind(tmp);
	n = fread(cap_out, 1, sizeof(cap_out) - 1, tmp);
	cap_out[n] = '\0';
	fclose(tmp);
	return ret;
}

/* Run @fn on the NULL-terminated arguments that follow, output to cap_out */
static inline int run(int (*fn)(int, char **), ...)
{
	const char *argv[32];
	int argc = 0;
	va_list ap;

	va_start(ap, fn);
	while (argc < 31 && (argv[argc] = va_arg(ap, const char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return run_argv(fn, argv);
}

/* A command line, its exit status, and all it prints (NULL: not checked) */
struct run_case {
	const char *argv[16];	/* argv[0]: the command's name */
	int ret;
	const char *out;
};

static inline void run_cases(int (*fn)(int, char **),
			     const struct run_case *c, size_t n)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = run_argv(fn, c[i].argv);
		CHECK(ret == c[i].ret, "%s %s: exit %d, want %d", c[i].argv[0],
		      c[i].argv[1], ret, c[i].ret);
		if (c[i].out)
			CHECK_STR(cap_out, c[i].out);
	}
}

#define RUN_CASES(fn, cases)	run_cases(fn, cases, VNS_ARRAY_SIZE(cases))

/* A read's --help: status 0, with --no-enable and the exit statuses */
static inline void check_read_help(int (*fn)(int, char **),
				   const char *name)
{
	int ret = run(fn, name, "--help", NULL);

	CHECK(ret == 0 && strstr(cap_out, "--no-enable") &&
	      strstr(cap_out, "Exit status:"), "%s --help", name);
}

#endif /* _VNS_TEST_CLI_HARNESS_H */

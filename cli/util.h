/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vnetscope commands: error messages, number parsing,
 * address and size formatting, JSON output.
 */
#ifndef _VNS_CLI_UTIL_H
#define _VNS_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vns/types.h"

/* Exit statuses: the same for every command (VNS_EXIT_USAGE_HELP says so) */
#define VNS_EXIT_OK	0
#define VNS_EXIT_FAIL	1	/* runtime failure */
#define VNS_EXIT_USAGE	2	/* bad usage */
#define VNS_EXIT_OFF	3	/* no module, or the collector off (--no-enable) */
#define VNS_EXIT_PERM	4	/* permission denied */

/* The "Exit status:" block every --help ends with */
#define VNS_EXIT_HELP							\
	"\n"								\
	"Exit status: 0 success, 1 runtime error, 2 usage error, 3 the module\n" \
	"is not loaded (or the collector is off, with --no-enable), 4 permission\n" \
	"denied.\n"

#define VNS_ADDR_STR_MAX	46	/* INET6_ADDRSTRLEN */

#define VNS_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define VNS_BIT(x)		(1u << (x))

/* Is CPU @cpu one of those --cpu @sel selects (-1: all)? */
static inline bool vns_cpu_shown(long long sel, u32 cpu)
{
	return sel < 0 || (u64)sel == cpu;
}

/* Print "vnetscope: <message>" as one line on stderr */
void vns_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Put @prefix after "vnetscope: " in every message until it is set back
 * to NULL: the "FILE:LINE: " of a configuration file's line (conffile.h)
 */
void vns_err_prefix(const char *prefix);

/* vns_err(), then return VNS_EXIT_USAGE */
int vns_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct option;

/*
 * Report the option getopt_long() rejected: @c is what it returned (':' or
 * '?') for @argv and @opts.  Returns VNS_EXIT_USAGE.
 */
int vns_getopt_err(int c, char **argv, const struct option *opts);

/*
 * Make room for element @n of the array at @*parray (a pointer to a
 * pointer), whose elements are @size bytes: grows it, doubling, when @n is
 * 0 or a power of two.  Returns 0 or -ENOMEM.
 */
int vns_grow(void *parray, size_t n, size_t size);

/* Decimal number @min..@max, digits only.  Returns 0 or -1. */
int vns_parse_u64(const char *s, u64 min, u64 max, u64 *out);

/* --cpu @arg into @*cpu: 0, or the exit status of a usage error */
int vns_cpu_opt(const char *arg, long long *cpu);

/* Seconds, possibly fractional, > 0 and at most one day.  0 or -1. */
int vns_parse_seconds(const char *s, double *out);

/*
 * A duration as the settings codec reads them (vns_duration_parse_us():
 * digits with an optional fraction and unit ns, us, ms or s, "10ms",
 * "1.5s", "250us"; no unit means milliseconds; a whole number of
 * microseconds, at most 2^32 - 1), @min_us..@max_us.  0 and @*us, or -1.
 */
int vns_parse_duration_us(const char *s, u64 min_us, u64 max_us, u64 *us);

/* Longest vns_dur_str() output, with the NUL */
#define VNS_DUR_STR_MAX		32

/*
 * @ns in the unit that gives it 1 to 3 integer digits, with 3, 2 or 1
 * decimals: "512ns", "1.234us", "12.35ms", "123.5ms", "3.000s", "4000.0s".
 */
const char *vns_dur_str(u64 ns, char *buf, size_t len);

/* inet_ntop() for VNS_AF_INET/VNS_AF_INET6; "?" for anything else */
const char *vns_addr_str(u8 family, const u8 *addr, char *buf, size_t len);

/* "512 B", "1.2 MiB", ... */
const char *vns_bytes_str(u64 bytes, char *buf, size_t len);

/* @total / @n as a duration, "-" if @n is 0 */
const char *vns_avg_str(u64 total, u64 n, char *buf, size_t len);

/* vns_dur_str(@ns) with "<=" before it if @bound, or "-" if not @present */
const char *vns_dur_or_dash(bool present, u64 ns, bool bound, char *buf,
			    size_t len);

/* @cur - @prev, or all of @cur if it went down (a reset) */
static inline u64 vns_sub(u64 cur, u64 prev)
{
	return cur >= prev ? cur - prev : cur;
}

/* "HI", ... "RCU" style names: @names[@v], or the number in @buf */
const char *vns_name_of(const char *const *names, size_t n, unsigned int v,
			char *buf, size_t len);

#endif /* _VNS_CLI_UTIL_H */

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

struct json_object;

/* Exit statuses: the same for every command */
#define VNS_EXIT_OK	0
#define VNS_EXIT_FAIL	1	/* runtime failure */
#define VNS_EXIT_USAGE	2	/* bad usage, no module, not permitted */

#define VNS_ADDR_STR_MAX	46	/* INET6_ADDRSTRLEN */

#define VNS_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Print "vnetscope: <message>" as one line on stderr */
void vns_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

/* Seconds, possibly fractional, > 0 and at most one day.  0 or -1. */
int vns_parse_seconds(const char *s, double *out);

/*
 * A duration: digits with an optional fraction and unit ns, us, ms or s
 * ("10ms", "1.5s", "250us"); no unit means milliseconds.  It must be a
 * whole number of microseconds, @min_us..@max_us.  0 and @*us, or -1.
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

/* A JSON string, or NULL (which json-c prints as null) if @s is NULL */
struct json_object *vns_json_str(const char *s);

/* JSON numbers: u64 (json-c 0.14+; clamped to s64 before) and doubles */
struct json_object *vns_json_u64(u64 v);
/* vns_json_u64(@v) if @present, else NULL (null) */
struct json_object *vns_json_u64_if(bool present, u64 v);
struct json_object *vns_json_double(double v, const char *fmt);

/* "tcp", "udp", ... as vns_proto_name() has them, else the number */
struct json_object *vns_json_proto(u8 proto);

/* Print @obj as one line on @out and drop the reference */
void vns_json_print(FILE *out, struct json_object *obj);

#endif /* _VNS_CLI_UTIL_H */

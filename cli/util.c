// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vns/flow.h"
#include "vns/settings.h"
#include "util.h"

static const char *vns_prefix;

void vns_err_prefix(const char *prefix)
{
	vns_prefix = prefix;
}

static void vns_verr(const char *fmt, va_list ap)
{
	fputs("vnetscope: ", stderr);
	if (vns_prefix)
		fputs(vns_prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void vns_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vns_verr(fmt, ap);
	va_end(ap);
}

int vns_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vns_verr(fmt, ap);
	va_end(ap);
	return VNS_EXIT_USAGE;
}

static const struct option *vns_find_long(const struct option *opts,
					  const char *arg)
{
	size_t len = strcspn(arg, "=");

	for (; opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, arg, len))
			return opts;
	return NULL;
}

int vns_getopt_err(int c, char **argv, const struct option *opts)
{
	const char *arg = argv[optind - 1];
	const struct option *o;

	if (strncmp(arg, "--", 2)) {
		if (c == ':')
			return vns_usage_err("option '-%c' needs a value",
					     optopt);
		return vns_usage_err("unknown option '-%c'", optopt);
	}
	o = vns_find_long(opts, arg + 2);
	if (c == ':' && o)
		return vns_usage_err("option '--%s' needs a value", o->name);
	if (o && o->has_arg == no_argument && strchr(arg, '='))
		return vns_usage_err("option '--%s' takes no value", o->name);
	return vns_usage_err("unknown option '%s'", arg);
}

int vns_grow(void *parray, size_t n, size_t size)
{
	size_t cap = n ? 2 * n : 1;
	void *v;

	if (n & (n - 1))
		return 0;
	if (cap > SIZE_MAX / size)
		return -ENOMEM;
	memcpy(&v, parray, sizeof(v));
	v = realloc(v, cap * size);
	if (!v)
		return -ENOMEM;
	memcpy(parray, &v, sizeof(v));
	return 0;
}

int vns_parse_u64(const char *s, u64 min, u64 max, u64 *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int vns_cpu_opt(const char *arg, long long *cpu)
{
	u64 v;

	if (vns_parse_u64(arg, 0, UINT32_MAX, &v))
		return vns_usage_err("invalid --cpu '%s': expected a CPU number",
				     arg);
	*cpu = (long long)v;
	return 0;
}

int vns_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > 86400)
		return -1;
	*out = v;
	return 0;
}

int vns_parse_duration_us(const char *s, u64 min_us, u64 max_us, u64 *us)
{
	u32 v;

	/* the settings codec's durations (vns/settings.h), in a range */
	if (vns_duration_parse_us(s, &v) || v < min_us || v > max_us)
		return -1;
	*us = v;
	return 0;
}

const char *vns_dur_str(u64 ns, char *buf, size_t len)
{
	static const struct {
		const char *name;
		double div;
	} units[] = {
		{ "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	unsigned int i;
	double v;

	if (ns < 1000) {
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
		return buf;
	}
	for (i = 0; i < VNS_ARRAY_SIZE(units) - 1; i++)
		if ((double)ns < units[i].div * 999.95)
			break;
	v = (double)ns / units[i].div;
	snprintf(buf, len, "%.*f%s", v < 9.9995 ? 3 : v < 99.995 ? 2 : 1, v,
		 units[i].name);
	return buf;
}

const char *vns_addr_str(u8 family, const u8 *addr, char *buf, size_t len)
{
	int af = family == VNS_AF_INET ? AF_INET : AF_INET6;

	if ((family != VNS_AF_INET && family != VNS_AF_INET6) ||
	    !inet_ntop(af, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *vns_bytes_str(u64 bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned int i;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	for (i = 0; i < VNS_ARRAY_SIZE(units) - 1 && v >= 1024 * 1024; i++)
		v /= 1024;
	snprintf(buf, len, "%.1f %s", v / 1024, units[i]);
	return buf;
}

const char *vns_avg_str(u64 total, u64 n, char *buf, size_t len)
{
	if (!n)
		return "-";
	return vns_dur_str((total + n / 2) / n, buf, len);
}

const char *vns_dur_or_dash(bool present, u64 ns, bool bound, char *buf,
			    size_t len)
{
	char d[VNS_DUR_STR_MAX];

	if (!present)
		return "-";
	snprintf(buf, len, "%s%s", bound ? "<=" : "",
		 vns_dur_str(ns, d, sizeof(d)));
	return buf;
}

const char *vns_name_of(const char *const *names, size_t n, unsigned int v,
			char *buf, size_t len)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "%u", v);
	return buf;
}

// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "vns/flow.h"
#include "print.h"
#include "util.h"

/* json-c before 0.13 (e.g. CentOS 7's 0.11) escapes '/' anyway */
#ifndef JSON_C_TO_STRING_NOSLASHESCAPE
#define JSON_C_TO_STRING_NOSLASHESCAPE	0
#endif

#define PRINT_DEPTH	16

static struct {
	FILE *out;
	bool json;
	int depth;			/* open containers; 0: none */
	struct json_object *stack[PRINT_DEPTH];
} pr = { .out = NULL };

static FILE *print_out(void)
{
	return pr.out ? pr.out : stdout;
}

void print_begin(FILE *out, bool json)
{
	pr.out = out;
	pr.json = json;
	pr.depth = 0;
	if (json) {
		pr.stack[0] = json_object_new_object();
		pr.depth = 1;
	}
}

void print_end(void)
{
	int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

	if (pr.json && pr.depth > 0 && pr.stack[0]) {
		fprintf(print_out(), "%s\n",
			json_object_to_json_string_ext(pr.stack[0], flags));
		json_object_put(pr.stack[0]);
	}
	pr.depth = 0;
	fflush(print_out());
}

bool print_is_json(void)
{
	return pr.json;
}

FILE *print_file(void)
{
	return print_out();
}

struct json_object *print_json_root(void)
{
	return pr.json && pr.depth ? pr.stack[0] : NULL;
}

/* Add @v (NULL: null) to the open container, as @key or the next element */
static void print_add(const char *key, struct json_object *v)
{
	struct json_object *top = pr.depth ? pr.stack[pr.depth - 1] : NULL;

	if (!top) {
		json_object_put(v);
		return;
	}
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, v);
	else
		json_object_object_add(top, key ? key : "", v);
}

static void print_open(const char *key, struct json_object *o)
{
	if (!pr.json)
		return;
	if (pr.depth >= PRINT_DEPTH || !o) {
		json_object_put(o);
		/* closed all the same; what goes in it goes nowhere */
		if (pr.depth < PRINT_DEPTH)
			pr.stack[pr.depth] = NULL;
		pr.depth++;
		return;
	}
	print_add(key, json_object_get(o));
	pr.stack[pr.depth++] = o;
	json_object_put(o);
}

static void print_close(void)
{
	if (pr.json && pr.depth > 1)
		pr.depth--;
}

void open_json_object(const char *key)
{
	if (pr.json)
		print_open(key, json_object_new_object());
}

void close_json_object(void)
{
	print_close();
}

void open_json_array(const char *key)
{
	if (pr.json)
		print_open(key, json_object_new_array());
}

void close_json_array(void)
{
	print_close();
}

static bool print_text(enum print_type t)
{
	return !pr.json && (t & PRINT_FP);
}

static bool print_json(enum print_type t)
{
	return pr.json && (t & PRINT_JSON) && pr.depth <= PRINT_DEPTH;
}

void print_fp(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vfprintf(print_out(), fmt, ap);
	va_end(ap);
}

/* Text of a field: @fmt with one argument of any type */
#define PRINT_FIELD(t, fmt, v)						\
	do {								\
		if (print_text(t) && (fmt))				\
			fprintf(print_out(), (fmt), (v));		\
	} while (0)

static struct json_object *json_u64(u64 v)
{
#if JSON_C_VERSION_NUM >= (14 << 8)
	return json_object_new_uint64(v);
#else
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
#endif
}

void print_u64(enum print_type t, const char *key, const char *fmt, u64 v)
{
	PRINT_FIELD(t, fmt, (unsigned long long)v);
	if (print_json(t))
		print_add(key, json_u64(v));
}

void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned int v)
{
	PRINT_FIELD(t, fmt, v);
	if (print_json(t))
		print_add(key, json_object_new_int64(v));
}

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *s)
{
	PRINT_FIELD(t, fmt, s ? s : "-");
	if (print_json(t))
		print_add(key, s ? json_object_new_string(s) : NULL);
}

void print_bool(enum print_type t, const char *key, const char *fmt, bool v)
{
	PRINT_FIELD(t, fmt, v ? "true" : "false");
	if (print_json(t))
		print_add(key, json_object_new_boolean(v));
}

void print_double(enum print_type t, const char *key, const char *fmt,
		  double v)
{
	char buf[64];

	PRINT_FIELD(t, fmt, v);
	if (!print_json(t))
		return;
#if JSON_C_VERSION_NUM >= (13 << 8)
	snprintf(buf, sizeof(buf), fmt, v);
	print_add(key, json_object_new_double_s(v, buf));
#else
	(void)buf;
	print_add(key, json_object_new_double(v));
#endif
}

void print_null(enum print_type t, const char *key, const char *fmt,
		const char *s)
{
	PRINT_FIELD(t, fmt, s);
	if (print_json(t))
		print_add(key, NULL);
}

void print_u64_opt(enum print_type t, const char *key, const char *fmt,
		   bool present, u64 v)
{
	char buf[24];

	if (!present) {
		print_null(t, key, fmt, "-");
		return;
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	PRINT_FIELD(t, fmt, buf);
	if (print_json(t))
		print_add(key, json_u64(v));
}

void print_proto(enum print_type t, const char *key, const char *fmt,
		 u8 proto)
{
	const char *name = vns_proto_name(proto);
	char num[8];

	snprintf(num, sizeof(num), "%u", proto);
	PRINT_FIELD(t, fmt, name ? name : num);
	if (print_json(t))
		print_add(key, name ? json_object_new_string(name) :
				      json_object_new_int(proto));
}

void print_enum(enum print_type t, const char *key, const char *fmt,
		bool present, const char *const *names, size_t n,
		unsigned int v)
{
	char num[16];

	if (!present) {
		print_null(t, key, fmt, "-");
		return;
	}
	if (v < n && names[v]) {
		print_string(t, key, fmt, names[v]);
		return;
	}
	snprintf(num, sizeof(num), "%u", v);
	PRINT_FIELD(t, fmt, num);
	if (print_json(t))
		print_add(key, json_object_new_int64(v));
}

void print_dur_ns(enum print_type t, const char *key, const char *fmt,
		  bool present, u64 ns, bool bound)
{
	char buf[VNS_DUR_STR_MAX + 2];

	PRINT_FIELD(t, fmt, vns_dur_or_dash(present, ns, bound, buf,
					     sizeof(buf)));
	if (print_json(t))
		print_add(key, present ? json_u64(ns) : NULL);
}

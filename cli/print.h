/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print path for text and JSON, in the spirit of iproute2's print_*():
 * a report is written once, field by field, and each field says where it
 * shows: in the text (PRINT_FP), in the JSON document (PRINT_JSON) or in
 * both (PRINT_ANY).  Without --json the text goes to the output as it is
 * printed and the JSON calls do nothing; with --json the fields build one
 * JSON document, printed as one line by print_end(), and the text calls do
 * nothing.  A field added once with PRINT_ANY so appears in both.
 *
 * JSON: numbers are unsigned 64-bit (json-c 0.14+; clamped to s64 before),
 * a NULL string is null.  Keys keep the order they are printed in.
 */
#ifndef _VNS_CLI_PRINT_H
#define _VNS_CLI_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "vns/types.h"

struct json_object;

enum print_type {
	PRINT_FP = 1,		/* text only */
	PRINT_JSON = 2,		/* JSON only */
	PRINT_ANY = 3,		/* both */
};

/*
 * Start a report on @out: text, or with @json a JSON document (a top-level
 * object).  Reports do not nest.
 */
void print_begin(FILE *out, bool json);

/* End the report: the JSON document as one line; flush @out */
void print_end(void);

/* Is the report being printed JSON? */
bool print_is_json(void);

/* Where the report goes */
FILE *print_file(void);

/*
 * Open a JSON object or array as member @key of the one open (@key NULL:
 * as the next element of the open array); close it.  Nothing in text.
 */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

/* Text: printf(@fmt, ...), only without --json */
void print_fp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A field: in text @fmt with the value, in JSON member @key (or the next
 * array element when @key is NULL).  @fmt takes "%llu" for the numbers.
 */
void print_u64(enum print_type t, const char *key, const char *fmt, u64 v);
void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned int v);
/* @s NULL: JSON null, and "-" through @fmt in text */
void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *s);
void print_bool(enum print_type t, const char *key, const char *fmt, bool v);
/* JSON: the number as @fmt writes it ("%.3f", "%g") */
void print_double(enum print_type t, const char *key, const char *fmt,
		  double v);
/* JSON null; in text @s through @fmt */
void print_null(enum print_type t, const char *key, const char *fmt,
		const char *s);

/*
 * A number the module may not have sent: @v, or null (JSON) and "-" (text)
 * if not @present.  @fmt is for a string ("%10s").
 */
void print_u64_opt(enum print_type t, const char *key, const char *fmt,
		   bool present, u64 v);

/*
 * A time in nanoseconds the module may not have sent: in JSON the number
 * (null if not @present), in text vns_dur_or_dash() through @fmt (a string)
 */
void print_dur_ns(enum print_type t, const char *key, const char *fmt,
		  bool present, u64 ns, bool bound);

/* "tcp", "udp", ... as vns_proto_name() has them, else the number */
void print_proto(enum print_type t, const char *key, const char *fmt,
		 u8 proto);

/*
 * An enum value: its name from @names (@n of them), the number if it has
 * none (a JSON number), or null and "-" if not @present.  @fmt: a string.
 */
void print_enum(enum print_type t, const char *key, const char *fmt,
		bool present, const char *const *names, size_t n,
		unsigned int v);

/* The JSON document built so far (tests); NULL in text */
struct json_object *print_json_root(void);

#endif /* _VNS_CLI_PRINT_H */

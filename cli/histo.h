/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log2 histograms (include/vns/hist.h) as the module sends them
 * (VNS_HIST_A_*, only the non-empty buckets), their growth between two
 * reads, and their text (as the BCC tools print them) and JSON forms.
 */
#ifndef _VNS_CLI_HISTO_H
#define _VNS_CLI_HISTO_H

#include "vns/hist.h"

struct nlattr;

/*
 * Read a VNS_HIST_A_* nest into @h (zeroed first).  A count the module did
 * not send is the sum of the buckets; a bucket index past the last goes to
 * the last.  Returns 0 or -EBADMSG.
 */
int vns_hist_from_nest(struct vns_hist *h, struct nlattr *nest);

/*
 * @cur becomes its growth since @prev.  If a count went down (a reset),
 * @cur is left whole.  The maximum is @cur's if it grew, else the upper
 * bound of the highest non-empty bucket left (capped by @cur's maximum).
 * Returns false if the maximum is such a bound.
 */
bool vns_hist_delta(struct vns_hist *cur, const struct vns_hist *prev);

/* Highest non-empty bucket, or -1 */
int vns_hist_top(const struct vns_hist *h);

/*
 * Print @h as the BCC tools do (text only, print.h), from the first bucket
 * to the highest non-empty one, with @unit ("usecs") in the header.
 * Nothing if empty.
 */
void vns_hist_print(const struct vns_hist *h, const char *unit);

/*
 * JSON (print.h): "count":..,"sum_us":..,"max_us":.. (head), then
 * "buckets":[{"low_us":..,"high_us":..,"count":..}], only the non-empty
 * buckets; or both as member @key, an object (null if not @present)
 */
/*
 * As vns_hist_print_json(), for a histogram of another unit than us:
 * "sum_<unit>", "low_<unit>", ...  ("ns", "packets")
 */
void vns_hist_print_json_unit(const char *key, bool present,
			      const struct vns_hist *h, const char *unit);
void vns_hist_json_head(const struct vns_hist *h);
void vns_hist_json_buckets(const struct vns_hist *h);
void vns_hist_print_json(const char *key, bool present,
			 const struct vns_hist *h);

#endif /* _VNS_CLI_HISTO_H */

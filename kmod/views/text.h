/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the collectors' text view lines (vns_collector.show): a view
 * line is space-separated key=value pairs whose values hold no space.
 */
#ifndef _VNS_VIEWS_TEXT_H
#define _VNS_VIEWS_TEXT_H

#include <linux/types.h>
#include <vns/hist.h>

struct seq_file;
struct vns_flow;

/* @s with any space replaced by '_', so that it stays one value */
void vns_seq_word(struct seq_file *m, const char *s);
/* @ip as "%pS" (@offset) or "%ps", without the space before " [module]" */
void vns_seq_sym(struct seq_file *m, unsigned long ip, bool offset);
/* The IPv4 or IPv6 address @a as text (snprintf()'s result) */
#define VNS_ADDR_TEXT_MAX	48
int vns_snprint_addr(char *buf, size_t len, u8 family, const u8 *a);
/* " key=A" with A the IPv4 or IPv6 address @a */
void vns_seq_addr(struct seq_file *m, const char *key, u8 family,
		  const u8 *a);
/*
 * " family=F proto=P src=A dst=B" and " sport= dport=" or " type= code=";
 * " family=-" for a packet with no flow
 */
void vns_seq_flow(struct seq_file *m, const struct vns_flow *f);
/* " key=LOW-HIGH:COUNT,..." over the non-empty buckets, or " key=-" */
void vns_seq_hist(struct seq_file *m, const char *key,
		  const struct vns_hist *h);

#endif /* _VNS_VIEWS_TEXT_H */

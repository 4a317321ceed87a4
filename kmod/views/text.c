// SPDX-License-Identifier: GPL-2.0
/* Helpers for the collectors' text view lines */
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <vns/flow.h>

#include "text.h"

void vns_seq_word(struct seq_file *m, const char *s)
{
	for (; *s; s++)
		seq_putc(m, *s == ' ' ? '_' : *s);
}

void vns_seq_sym(struct seq_file *m, unsigned long ip, bool offset)
{
	char buf[KSYM_SYMBOL_LEN + 32];
	const char *s;

	snprintf(buf, sizeof(buf), offset ? "%pS" : "%ps", (void *)ip);
	for (s = buf; *s; s++)
		if (*s != ' ')
			seq_putc(m, *s);
}

int vns_snprint_addr(char *buf, size_t len, u8 family, const u8 *a)
{
	if (family == VNS_AF_INET)
		return snprintf(buf, len, "%pI4", a);
	return snprintf(buf, len, "%pI6c", a);
}

void vns_seq_addr(struct seq_file *m, const char *key, u8 family,
		  const u8 *a)
{
	char buf[VNS_ADDR_TEXT_MAX];

	vns_snprint_addr(buf, sizeof(buf), family, a);
	seq_printf(m, " %s=%s", key, buf);
}

void vns_seq_hist(struct seq_file *m, const char *key,
		  const struct vns_hist *h)
{
	unsigned int b;
	bool first = true;

	seq_printf(m, " %s=", key);
	for (b = 0; b < VNS_HIST_BUCKETS; b++) {
		if (!h->buckets[b])
			continue;
		seq_printf(m, "%s%llu-%llu:%llu", first ? "" : ",",
			   vns_hist_low(b), vns_hist_high(b), h->buckets[b]);
		first = false;
	}
	if (first)
		seq_putc(m, '-');
}

void vns_seq_flow(struct seq_file *m, const struct vns_flow *f)
{
	const char *proto;

	if (!f->family) {
		seq_puts(m, " family=-");
		return;
	}
	proto = vns_proto_name(f->proto);
	seq_printf(m, " family=%s", f->family == VNS_AF_INET ? "ipv4" : "ipv6");
	if (proto)
		seq_printf(m, " proto=%s", proto);
	else
		seq_printf(m, " proto=%u", f->proto);
	vns_seq_addr(m, "src", f->family, f->src);
	vns_seq_addr(m, "dst", f->family, f->dst);
	if (vns_proto_has_ports(f->proto))
		seq_printf(m, " sport=%u dport=%u", f->sport, f->dport);
	else if (vns_proto_is_icmp(f->proto))
		seq_printf(m, " type=%u code=%u", f->icmp_type, f->icmp_code);
}

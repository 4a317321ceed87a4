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

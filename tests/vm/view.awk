# SPDX-License-Identifier: GPL-2.0
# Filter the records of a vnetscope text view.  -v conds="k=v k2=v2"  -v mode=sum|count|get
# -v field=NAME (mode=get).  A condition k=v matches when the record's k is exactly v;
# k~v matches when v is a substring of the record's k.
BEGIN { n = split(conds, c, " ") }
/^#/ { next }
{
	delete kv
	for (i = 1; i <= NF; i++) {
		p = index($i, "=")
		if (p)
			kv[substr($i, 1, p - 1)] = substr($i, p + 1)
	}
	ok = 1
	for (j = 1; j <= n && ok; j++) {
		if ((p = index(c[j], "~")) && !index(substr(c[j], 1, p), "=")) {
			k = substr(c[j], 1, p - 1)
			if (!index(kv[k], substr(c[j], p + 1)))
				ok = 0
		} else {
			p = index(c[j], "=")
			if (kv[substr(c[j], 1, p - 1)] != substr(c[j], p + 1))
				ok = 0
		}
	}
	if (!ok)
		next
	matched++
	sum += kv["count"]
	if (mode == "get")
		print kv[field]
}
END {
	if (mode == "sum")
		print sum + 0
	else if (mode == "count")
		print matched + 0
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hints of two errors: the module not loaded (with why modprobe may
 * refuse it: enforced module signatures, lockdown, EFI Secure Boot) and
 * permission denied (sudo with the binary's full path when sudo's
 * secure_path would not find it).
 */
#ifndef _VNS_CLI_HINT_H
#define _VNS_CLI_HINT_H

#include <stdbool.h>
#include <stddef.h>

/* The README section the signing hint points to */
#define VNS_SIGNING_SECTION	"Secure Boot and module signing"

/*
 * What would make this kernel refuse an unsigned module, read from the
 * files under @root ("" for the running system; tests give a fake tree):
 * module.sig_enforce, the lockdown mode of securityfs and the EFI
 * SecureBoot variable (efivarfs, or the older sysfs efivars).  A file that
 * is absent or unreadable counts as "not on".
 */
struct vns_signing {
	bool sig_enforce;	/* /sys/module/module/parameters/sig_enforce Y */
	char lockdown[32];	/* "integrity", "confidentiality"; "" off */
	bool secure_boot;	/* SecureBoot-8be4df61-...: last byte 1 */
};

void vns_signing_read(const char *root, struct vns_signing *s);

/*
 * The lines that follow "not loaded" when @s has anything on, each ending
 * with '\n' and without the "vnetscope: " prefix, in @buf; "" when nothing
 * is on.  Returns @buf.
 */
const char *vns_signing_hint(const struct vns_signing *s, char *buf,
			     size_t len);

/* Print the "not loaded" hint, with the lines above for @root's files */
void vns_hint_not_loaded(const char *root);

/*
 * The command that runs this binary under sudo, given its path @exe
 * (readlink of /proc/self/exe; NULL if unknown): its name when it lives in
 * /usr/sbin, /usr/bin, /sbin or /bin (every sudo secure_path has them),
 * else @exe itself.  Returns a pointer into @exe, or "vnetscope".
 */
const char *vns_sudo_name(const char *exe);

/* vns_sudo_name() of this process, in @buf */
const char *vns_sudo_self(char *buf, size_t len);

#endif /* _VNS_CLI_HINT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The hints of "not loaded" and "permission denied" (hint.h)
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hint.h"
#include "util.h"

#define VNS_SIG_ENFORCE		"/sys/module/module/parameters/sig_enforce"
#define VNS_LOCKDOWN		"/sys/kernel/security/lockdown"
#define VNS_EFI_GLOBAL		"8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define VNS_EFIVARFS_SB		"/sys/firmware/efi/efivars/SecureBoot-" \
				VNS_EFI_GLOBAL
#define VNS_SYSFS_SB		"/sys/firmware/efi/vars/SecureBoot-" \
				VNS_EFI_GLOBAL "/data"

/* Up to @len bytes of @root@path into @buf; the count, or -1 */
static ssize_t vns_read_at(const char *root, const char *path, char *buf,
			   size_t len)
{
	char name[4096];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(name, sizeof(name), "%s%s", root, path) >=
	    sizeof(name))
		return -1;
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

/* The efivar's data is the byte after 4 bytes of attributes; sysfs: alone */
static bool vns_secure_boot(const char *root)
{
	unsigned char v[8];
	ssize_t n;

	n = vns_read_at(root, VNS_EFIVARFS_SB, (char *)v, sizeof(v));
	if (n <= 0)
		n = vns_read_at(root, VNS_SYSFS_SB, (char *)v, sizeof(v));
	return n > 0 && v[n - 1] == 1;
}

void vns_signing_read(const char *root, struct vns_signing *s)
{
	char buf[128], *lb, *rb;
	ssize_t n;

	memset(s, 0, sizeof(*s));
	n = vns_read_at(root, VNS_SIG_ENFORCE, buf, sizeof(buf));
	s->sig_enforce = n > 0 && (buf[0] == 'Y' || buf[0] == '1');

	/* "none [integrity] confidentiality": the mode in brackets */
	n = vns_read_at(root, VNS_LOCKDOWN, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		lb = strchr(buf, '[');
		rb = lb ? strchr(lb, ']') : NULL;
		if (rb && rb - lb - 1 < (ptrdiff_t)sizeof(s->lockdown)) {
			*rb = '\0';
			if (strcmp(lb + 1, "none"))
				strcpy(s->lockdown, lb + 1);
		}
	}
	s->secure_boot = vns_secure_boot(root);
}

const char *vns_signing_hint(const struct vns_signing *s, char *buf,
			     size_t len)
{
	const char *fails, *sep = "";
	size_t pos = 0;

#define VNS_ADD(...)							\
	(pos += (size_t)snprintf(buf + pos, pos < len ? len - pos : 0,	\
				 __VA_ARGS__))

	buf[0] = '\0';
	if (!s->sig_enforce && !s->lockdown[0] && !s->secure_boot)
		return buf;
	if (s->sig_enforce) {
		VNS_ADD("module signatures are enforced (sig_enforce=Y)");
		sep = ", ";
	}
	if (s->lockdown[0]) {
		VNS_ADD("%skernel lockdown is on (%s)", sep, s->lockdown);
		sep = ", ";
	}
	if (s->secure_boot)
		VNS_ADD("%sEFI Secure Boot is on", sep);
	VNS_ADD("\n");

	/*
	 * The kernel refuses an unsigned module, or one signed with a key it
	 * does not trust, with EKEYREJECTED when signatures are enforced, and
	 * else with lockdown's EPERM; Secure Boot alone turns either on
	 * depending on the distribution's kernel.
	 */
	if (s->sig_enforce)
		fails = "fails with \"Key was rejected by service\"";
	else if (s->lockdown[0])
		fails = "fails with \"Operation not permitted\"";
	else
		fails = "may fail with \"Key was rejected by service\" or \"Operation not permitted\"";
	VNS_ADD("modprobe %s unless the module is signed with a key this kernel trusts (see \"%s\" in vnetscope's README)\n",
		fails, VNS_SIGNING_SECTION);
#undef VNS_ADD
	return buf;
}

void vns_hint_not_loaded(const char *root)
{
	struct vns_signing s;
	char buf[512], *line, *save;

	vns_err("the vnetscope kernel module is not loaded (try: sudo modprobe vnetscope)");
	vns_signing_read(root, &s);
	vns_signing_hint(&s, buf, sizeof(buf));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		vns_err("%s", line);
}

const char *vns_sudo_name(const char *exe)
{
	static const char *const secure[] = {
		"/usr/sbin", "/usr/bin", "/sbin", "/bin",
	};
	const char *slash = exe ? strrchr(exe, '/') : NULL;
	size_t i, dir;

	if (!slash || !slash[1])
		return "vnetscope";
	dir = (size_t)(slash - exe);
	for (i = 0; i < VNS_ARRAY_SIZE(secure); i++)
		if (strlen(secure[i]) == dir && !strncmp(exe, secure[i], dir))
			return slash + 1;
	return exe;
}

const char *vns_sudo_self(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0 || (size_t)n >= len - 1)
		return vns_sudo_name(NULL);
	buf[n] = '\0';
	return vns_sudo_name(buf);
}

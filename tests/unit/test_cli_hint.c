// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vnetscope CLI without the kernel module: the hints of
 * "not loaded" (hint.c: module signatures enforced, lockdown, EFI Secure
 * Boot, read from fake /sys trees) and of "permission denied" (the binary's
 * full path for sudo).
 *
 * Prints one line per failed check and ends with "N passed, N failed".
 */
#include "cli_harness.h"

#include <sys/stat.h>

#include "hint.h"

#define SIG	"/sys/module/module/parameters/sig_enforce"
#define LOCK	"/sys/kernel/security/lockdown"
#define EFIVARS	"/sys/firmware/efi/efivars"
#define SB_VAR	EFIVARS "/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define SB_OLD	"/sys/firmware/efi/vars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c/data"

#define LOADED	"vnetscope: the vnetscope kernel module is not loaded (try: sudo modprobe vnetscope)\n"
#define SIGNED	" unless the module is signed with a key this kernel trusts (see \"Secure Boot and module signing\" in vnetscope's README)\n"
#define KEY	"vnetscope: modprobe fails with \"Key was rejected by service\"" SIGNED
#define EPERM_	"vnetscope: modprobe fails with \"Operation not permitted\"" SIGNED
#define EITHER	"vnetscope: modprobe may fail with \"Key was rejected by service\" or \"Operation not permitted\"" SIGNED

static char root[64];
static unsigned int ntree;

/* mkdir -p of the directories of @path under root */
static void mkdirs(const char *path)
{
	char buf[512], *p;

	snprintf(buf, sizeof(buf), "%s%s", root, path);
	for (p = buf + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
}

/* @len bytes of @data as @path under root */
static void put(const char *path, const void *data, size_t len)
{
	char buf[512];
	FILE *f;

	mkdirs(path);
	snprintf(buf, sizeof(buf), "%s%s", root, path);
	f = fopen(buf, "w");
	CHECK(f && fwrite(data, 1, len, f) == len && !fclose(f), "put %s",
	      path);
}

#define PUT(path, str)	put(path, str, sizeof(str) - 1)

/* A fresh, empty tree as root */
static void new_tree(void)
{
	snprintf(root, sizeof(root), "%s/t%u", getenv("T"), ++ntree);
	CHECK(mkdir(root, 0755) == 0, "mkdir %s", root);
}

static int hint(int argc, char **argv)
{
	(void)argc;
	vns_hint_not_loaded(argv[1]);
	return 0;
}

/* What the "not loaded" hint prints for the current tree */
static const char *hint_out(void)
{
	run(hint, "hint", root, NULL);
	return cap_out;
}

/* The efivar as efivarfs shows it: 4 bytes of attributes, then the value */
static void put_sb(u8 on)
{
	const u8 var[5] = { 0x06, 0x00, 0x00, 0x00, on };

	put(SB_VAR, var, sizeof(var));
}

static void test_not_loaded(void)
{
	struct vns_signing s;
	char buf[512];

	/* nothing there: no /sys at all, or the files absent */
	new_tree();
	CHECK_STR(hint_out(), LOADED);
	vns_signing_read(root, &s);
	CHECK(!s.sig_enforce && !s.lockdown[0] && !s.secure_boot, "empty");

	/* nothing enforced, every file present */
	new_tree();
	PUT(SIG, "N\n");
	PUT(LOCK, "[none] integrity confidentiality\n");
	put_sb(0);
	CHECK_STR(hint_out(), LOADED);

	/* module.sig_enforce=Y */
	new_tree();
	PUT(SIG, "Y\n");
	PUT(LOCK, "[none] integrity confidentiality\n");
	put_sb(0);
	CHECK_STR(hint_out(), LOADED
		  "vnetscope: module signatures are enforced (sig_enforce=Y)\n"
		  KEY);

	/* lockdown: integrity, then confidentiality, without sig_enforce */
	new_tree();
	PUT(SIG, "N\n");
	PUT(LOCK, "none [integrity] confidentiality\n");
	CHECK_STR(hint_out(), LOADED
		  "vnetscope: kernel lockdown is on (integrity)\n" EPERM_);
	vns_signing_read(root, &s);
	CHECK_STR(s.lockdown, "integrity");
	PUT(LOCK, "none integrity [confidentiality]\n");
	CHECK_STR(hint_out(), LOADED
		  "vnetscope: kernel lockdown is on (confidentiality)\n"
		  EPERM_);

	/* Secure Boot alone: it depends on the distribution's kernel */
	new_tree();
	put_sb(1);
	CHECK_STR(hint_out(), LOADED "vnetscope: EFI Secure Boot is on\n"
		  EITHER);

	/* ... through the older sysfs efivars, one byte */
	new_tree();
	PUT(SB_OLD, "\x01");
	CHECK_STR(hint_out(), LOADED "vnetscope: EFI Secure Boot is on\n"
		  EITHER);
	PUT(SB_OLD, "\x00");
	CHECK_STR(hint_out(), LOADED);

	/* all three, as on a Secure Boot host of RHEL or Debian */
	new_tree();
	PUT(SIG, "Y\n");
	PUT(LOCK, "none [integrity] confidentiality\n");
	put_sb(1);
	CHECK_STR(hint_out(), LOADED
		  "vnetscope: module signatures are enforced (sig_enforce=Y), kernel lockdown is on (integrity), EFI Secure Boot is on\n"
		  KEY);
	vns_signing_read(root, &s);
	CHECK(s.sig_enforce && s.secure_boot, "all three");
	CHECK_STR(vns_signing_hint(&s, buf, sizeof(buf)),
		  "module signatures are enforced (sig_enforce=Y), kernel lockdown is on (integrity), EFI Secure Boot is on\n"
		  "modprobe fails with \"Key was rejected by service\"" SIGNED);

	/* unreadable: a directory where the file should be; empty files */
	new_tree();
	mkdirs(SIG "/x");
	mkdirs(LOCK "/x");
	mkdirs(SB_VAR "/x");
	CHECK_STR(hint_out(), LOADED);
	new_tree();
	PUT(SIG, "");
	PUT(LOCK, "");
	put(SB_VAR, "", 0);
	CHECK_STR(hint_out(), LOADED);

	/* odd contents: no brackets, an unknown mode; Secure Boot off */
	new_tree();
	PUT(LOCK, "integrity\n");
	put(SB_VAR, "\x06\x00\x00\x00\x00", 5);
	CHECK_STR(hint_out(), LOADED);
	PUT(LOCK, "none [newmode] integrity\n");
	CHECK_STR(hint_out(), LOADED
		  "vnetscope: kernel lockdown is on (newmode)\n" EPERM_);

	/* a small buffer: cut, still a string */
	CHECK_STR(vns_signing_hint(&s, buf, 12), "module sign");
}

static void test_sudo_name(void)
{
	char buf[4096];

	CHECK_STR(vns_sudo_name("/usr/sbin/vnetscope"), "vnetscope");
	CHECK_STR(vns_sudo_name("/usr/bin/vnetscope"), "vnetscope");
	CHECK_STR(vns_sudo_name("/sbin/vnetscope"), "vnetscope");
	CHECK_STR(vns_sudo_name("/bin/vnetscope"), "vnetscope");
	CHECK_STR(vns_sudo_name("/usr/sbin/vnetscope-test"),
		  "vnetscope-test");
	CHECK_STR(vns_sudo_name("/usr/local/sbin/vnetscope"),
		  "/usr/local/sbin/vnetscope");
	CHECK_STR(vns_sudo_name("/home/me/vnetscope/cli/vnetscope"),
		  "/home/me/vnetscope/cli/vnetscope");
	CHECK_STR(vns_sudo_name("/usr/sbin/x/vnetscope"),
		  "/usr/sbin/x/vnetscope");
	CHECK_STR(vns_sudo_name("/usr/sbinx/vnetscope"),
		  "/usr/sbinx/vnetscope");
	CHECK_STR(vns_sudo_name("/usr/vnetscope"), "/usr/vnetscope");
	CHECK_STR(vns_sudo_name("/vnetscope"), "/vnetscope");
	CHECK_STR(vns_sudo_name(NULL), "vnetscope");
	CHECK_STR(vns_sudo_name(""), "vnetscope");
	CHECK_STR(vns_sudo_name("/usr/sbin/"), "vnetscope");

	/* this test's own binary lives in build/unit/ */
	CHECK(!strcmp(vns_sudo_self(buf, sizeof(buf)), buf) &&
	      strstr(buf, "/build/unit/test_cli_hint"), "self: %s", buf);
	CHECK_STR(vns_sudo_self(buf, 8), "vnetscope");
}

int main(void)
{
	char dir[] = "/tmp/test_cli_hint.XXXXXX";
	char cmd[64];

	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	setenv("T", dir, 1);
	test_not_loaded();
	test_sudo_name();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		perror(cmd);
	return vns_test_done();
}

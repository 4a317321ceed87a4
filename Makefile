# SPDX-License-Identifier: GPL-2.0
#
# vnetscope: kernel module (kmod/), CLI (cli/), tests (tests/).
#
#   make                 module for KDIR (default: the running kernel) + CLI
#   make check           every test: unit tests (ASan/UBSan), the RPM and DEB packages with their
#                        DKMS builds (tests/pkg-test.sh), the CentOS 7 build, the VM suite
#                        on 4.19, 5.10, 6.1 and 6.12 (installs what it needs)
#   make bench           the cost benchmark on 4.19, 6.1 and 6.12 (build/bench/<kver>.txt)
#   make demo            boots a test kernel, makes drops, prints the report
#   sudo make install    module + CLI, man page, completion, unit, config on this host
#                        (PREFIX=/usr for distribution paths); `make dkms-install` for DKMS
#   make dist / rpm / deb  build/vnetscope-VERSION.tar.gz, build/rpm/, build/deb/
#   make sign KEY= CERT= signs the module for a host with Secure Boot (README)
VERSION := 0.1.0
KDIR ?= /lib/modules/$(shell uname -r)/build

all: module cli

module:
	$(MAKE) -C kmod KDIR=$(KDIR)

cli:
	$(MAKE) -C cli

# Debian packages and test kernels, through the project's own script
setup:
	scripts/lab-setup.sh

unit:
	$(MAKE) -C tests/unit test test-tsan
	$(MAKE) -C cli test

testbin:
	$(MAKE) -C tests/vm all

# The CLI and the VM test programs cross-built for the arm64 guests, against the arm64 root
# that scripts/lab-setup.sh makes (tests/vm/run.sh builds them itself for arm64 kernels)
ARM64_SYSROOT	?= $(or $(VNS_LAB),/var/cache/vns-lab)/arm64-root
cross-arm64:
	$(MAKE) -C cli CROSS_COMPILE=aarch64-linux-gnu- SYSROOT=$(ARM64_SYSROOT) O=$(CURDIR)/build/arm64/cli
	$(MAKE) -C tests/vm CROSS_COMPILE=aarch64-linux-gnu- SYSROOT=$(ARM64_SYSROOT) \
		BUILD=$(CURDIR)/build/arm64/tests

# The arm64 lab alone (scripts/lab-setup.sh 5.10-arm64 6.1-arm64: Debian's arm64 kernels and an
# arm64 root) and the arm64 scenarios under qemu-system-aarch64, both kernels side by side
# (`make vm` and `make check` run them too, with the x86 kernels)
vm-arm64: cli testbin
	scripts/lab-setup.sh 5.10-arm64 6.1-arm64
	VNS_VM_JOBS=$${VNS_VM_JOBS:-2} tests/vm/run.sh 5.10-arm64 6.1-arm64

# A boot that hangs is stopped (scripts/vmrun.sh), and the whole VM suite keeps to 4000 s.
vm: cli testbin
	VNS_VM_JOBS=$${VNS_VM_JOBS:-2} VNS_VM_BUDGET=$${VNS_VM_BUDGET:-4500} tests/vm/run.sh

# The cost benchmark (tests/vm/bench.sh, run by the scenario 81-cost with VNS_BENCH=full): 7
# rounds of 20000 events per config in one boot per kernel, one kernel at a time (a quiet
# machine: the figures are per-event times), booted without the debug options (slub_debug's
# poisoning makes every free dearer and the loop's noise larger than a handler's cost);
# the tables in build/bench/<kver>.txt
BENCH_KERNELS ?= 4.19.95-vns 6.1.0-57-amd64 6.12.118+deb12-amd64
bench: cli testbin
	@mkdir -p build/bench
	VNS_BENCH=full VNS_SCENARIO_TIMEOUT=$${VNS_SCENARIO_TIMEOUT:-3600} VNS_VM_JOBS=1 \
	  VNS_APPEND=$${VNS_APPEND-} \
	  tests/vm/run.sh --suite cost $(BENCH_KERNELS); rc=$$?; \
	for k in $(BENCH_KERNELS); do \
	  cp build/vm/$$k/bench.txt build/bench/$$k.txt && echo "build/bench/$$k.txt"; \
	done; exit $$rc

# Signs the module built for KDIR (or MODULE=) with a key whose certificate the host trusts
# (a MOK on Secure Boot hosts): make sign KEY=MOK.priv CERT=MOK.der [KDIR=...] [MODULE=...]
MODULE ?=
sign: $(if $(MODULE),,module)
	scripts/sign-module.sh "$(KDIR)" "$(KEY)" "$(CERT)" "$(or $(MODULE),kmod/vnetscope.ko)"

# The packages (make rpm, make deb) and the DKMS builds through their scriptlets for each lab
# kernel: tests/pkg-test.sh (dkms-check, its old name, ran tests/dkms-build.sh)
pkg-check dkms-check:
	tests/pkg-test.sh

# Build only: CentOS 7.8's 3.10 (../shared/kernels), which no lab VM boots
build-el7:
	tests/build-3.10.sh

# Every supported kernel or a failure: a series lab-setup could not install fails the check
# (tests/vm/run.sh too), unless VNS_ALLOW_SKIP=1 is given by hand.
# (scripts/check.sh: lab-setup, harness-test, unit, service-check, docs-test, pkg-check,
# build-el7, vm, each timed, with the VM suite's module builds beside the steps before vm)
check:
	scripts/check.sh

demo: setup cli
	scripts/demo.sh

# Registers the source with DKMS, which rebuilds it for every new kernel
dkms-install:
	scripts/dkms.sh install $(VERSION)

dkms-uninstall:
	scripts/dkms.sh remove $(VERSION)

clean:
	$(MAKE) -C kmod KDIR=$(KDIR) clean
	$(MAKE) -C cli clean
	rm -rf build

.PHONY: all module cli setup unit testbin cross-arm64 vm vm-arm64 pkg-check dkms-check build-el7 check demo \
	dkms-install dkms-uninstall clean
.PHONY: bench sign

# --- cli (issue 15): the systemd unit and the example files of scripts/, no VM (a second or two)
service-check: cli
	tests/service-test.sh

.PHONY: service-check

# --- install, dist, rpm, deb -------------------------------------------------------------
# make install [PREFIX=/usr] [DESTDIR=/stage]: the module (for KDIR) and install-files, which
# the packages use: the CLI, its man page, bash completion, systemd unit (@SBINDIR@ written
# in), /etc/vnetscope.conf (an existing one is kept), the modprobe.d and modules-load.d
# examples and the documents.  With DESTDIR nothing touches the running system (no depmod).
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/vnetscope
SYSCONFDIR ?= /etc
DESTDIR ?=
# the documents install-files puts in DOCDIR
INSTALL_DOCS := README.md LICENSE CHANGELOG

install: install-module install-files

install-module: module
	$(MAKE) -C kmod KDIR=$(KDIR) DESTDIR=$(DESTDIR) install

install-files: cli
	install -D -m 0755 cli/vnetscope $(DESTDIR)$(SBINDIR)/vnetscope
	install -D -m 0644 cli/vnetscope.8 $(DESTDIR)$(MANDIR)/man8/vnetscope.8
	install -D -m 0644 cli/vnetscope.bash $(DESTDIR)$(BASHCOMPDIR)/vnetscope
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(DOCDIR)/examples
	sed 's|@SBINDIR@|$(SBINDIR)|g' scripts/vnetscope.service > $(DESTDIR)$(UNITDIR)/vnetscope.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/vnetscope.service
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf ]; then \
		echo "install: $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf exists: kept"; \
	else \
		echo "install -m 0644 scripts/vnetscope.conf $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf"; \
		install -m 0644 scripts/vnetscope.conf $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf; \
	fi
	install -D -m 0644 scripts/modprobe.conf $(DESTDIR)$(DOCDIR)/examples/modprobe.d/vnetscope.conf
	install -D -m 0644 scripts/modules-load.conf \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d/vnetscope.conf
	install -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/

# The DKMS source tree, as the vnetscope-dkms packages hold it: kmod/ and include/ without
# build outputs, dkms.conf and kmod/VERSION with the version written in
DKMS_SRC := /usr/src/vnetscope-$(VERSION)
BUILD_OUTPUTS := '*.o' '*.ko' '*.ko.*' '*.mod' '*.mod.c' '*.cmd' '.*.cmd' '*.a' '*.symvers' \
	'*.order' '*.d' .tmp_versions generated .build-flags __pycache__
install-dkms-source:
	install -d $(DESTDIR)$(DKMS_SRC)
	tar -cf - $(addprefix --exclude=,$(BUILD_OUTPUTS)) kmod include | tar -C $(DESTDIR)$(DKMS_SRC) -xf -
	sed 's/@VERSION@/$(VERSION)/' dkms/dkms.conf > $(DESTDIR)$(DKMS_SRC)/dkms.conf
	echo $(VERSION) > $(DESTDIR)$(DKMS_SRC)/kmod/VERSION
	chmod -R u+w,go-w,a+rX $(DESTDIR)$(DKMS_SRC)

# /etc/vnetscope.conf goes only when it is still the example
uninstall:
	-$(MAKE) -C kmod KDIR=$(KDIR) DESTDIR=$(DESTDIR) uninstall
	rm -f $(DESTDIR)$(SBINDIR)/vnetscope $(DESTDIR)$(MANDIR)/man8/vnetscope.8 \
		$(DESTDIR)$(BASHCOMPDIR)/vnetscope $(DESTDIR)$(UNITDIR)/vnetscope.service
	rm -rf $(DESTDIR)$(DOCDIR)
	@if cmp -s scripts/vnetscope.conf $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf; then \
		echo "rm -f $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf"; \
		rm -f $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf ]; then \
		echo "uninstall: $(DESTDIR)$(SYSCONFDIR)/vnetscope.conf was changed: kept"; \
	fi

# make dist: build/vnetscope-VERSION.tar.gz, the files git knows (or, outside a git checkout,
# the tree without build outputs) under vnetscope-VERSION/, with the generated vnetscope.spec
# at its top (rpmbuild -ta)
dist:
	scripts/pkg.sh dist $(VERSION)

# make rpm: vnetscope and vnetscope-dkms from the dist tarball, in build/rpm (rpmbuild -ta)
rpm:
	scripts/pkg.sh rpm $(VERSION)

# make deb: build/deb/vnetscope_VERSION-1_amd64.deb and vnetscope-dkms_VERSION-1_all.deb
deb:
	scripts/pkg.sh deb $(VERSION)

.PHONY: install install-module install-files install-dkms-source uninstall dist rpm deb

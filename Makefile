# SPDX-License-Identifier: GPL-2.0
#
# vnetscope: kernel module (kmod/), CLI (cli/), tests (tests/).
#
#   make                 module for KDIR (default: the running kernel) + CLI
#   make check           every test: unit tests (ASan/UBSan), DKMS and CentOS 7 builds, the VM suite
#                        on 4.19, 5.10, 6.1 and 6.12 (installs what it needs)
#   make bench           the cost benchmark on 4.19, 6.1 and 6.12 (build/bench/<kver>.txt)
#   make demo            boots a test kernel, makes drops, prints the report
#   sudo make install    module + CLI on this host; `make dkms-install` for DKMS
#   make sign KEY= CERT= signs the module for a host with Secure Boot (README)
VERSION := 0.1.0
KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=

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

dkms-check:
	tests/dkms-build.sh

# Build only: CentOS 7.8's 3.10 (../shared/kernels), which no lab VM boots
build-el7:
	tests/build-3.10.sh

# Every supported kernel or a failure: a series lab-setup could not install fails the check
# (tests/vm/run.sh too), unless VNS_ALLOW_SKIP=1 is given by hand.
check:
	scripts/lab-setup.sh || [ "$${VNS_ALLOW_SKIP:-0}" = 1 ]
	tests/harness-test.sh
	$(MAKE) unit
	$(MAKE) service-check
	tests/docs-test.sh
	$(MAKE) dkms-check
	$(MAKE) build-el7
	$(MAKE) vm

demo: setup cli
	scripts/demo.sh

install: module cli
	$(MAKE) -C kmod KDIR=$(KDIR) install
	install -D -m 0755 cli/vnetscope $(DESTDIR)$(PREFIX)/sbin/vnetscope

# Registers the source with DKMS, which rebuilds it for every new kernel
dkms-install:
	scripts/dkms.sh install $(VERSION)

dkms-uninstall:
	scripts/dkms.sh remove $(VERSION)

clean:
	$(MAKE) -C kmod KDIR=$(KDIR) clean
	$(MAKE) -C cli clean
	rm -rf build

.PHONY: all module cli setup unit testbin vm dkms-check build-el7 check demo install \
	dkms-install dkms-uninstall clean
.PHONY: bench sign

# --- cli (issue 15): the systemd unit and the example files of scripts/, no VM (a second or two)
service-check: cli
	tests/service-test.sh

.PHONY: service-check

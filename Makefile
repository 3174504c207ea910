# SPDX-License-Identifier: GPL-2.0
#
#   make              build kmod/podnet.ko and userspace/podnet
#   make check        run the selftests in a QEMU guest (T=name for one)
#   make demo         two nodes, a pod each, podnet between them
#   make vm           a shell in the test guest
#   make bench        podnet against flannel's and Calico's kernel setups
#   make profile      perf profiles of make bench's data paths
#   make sparse       sparse (C=2) over the module
#   make checkpatch   checkpatch.pl --strict over kmod/ and uapi/, and
#                     make spec
#   make shellcheck   shellcheck over the shell scripts
#   make lint         make checkpatch, sparse and shellcheck
#   make spec         the YNL spec valid, uapi/linux/podnet.h as it generates
#   make install      install the module (then: modprobe podnet) and the tool
#   make uninstall    undo make install
#   make dkms-install the module under DKMS (make dkms-uninstall undoes it)
#   make deb          podnet-dkms and podnet Debian packages in .vm/deb
#   make check-packages  install them, test them in the guest, purge them
#
# KDIR=dir builds against another kernel tree, DEBUG=1 adds the module's
# load-time self-tests, KERNEL=debug runs the guest on the debug kernel and
# KERNEL=6.12, rt or latest on that Debian kernel (make build-kernels builds
# against all of them),
# QUICK=1 makes make bench one short round (ROUNDS=n and DURATION=seconds
# set its rounds and the length of a run); make profile takes ENCAPS,
# PEERS, TEST and DURATION (see bench/profile.sh).

KDIR ?= $(shell selftests/vm/kdir.sh)
PREFIX ?= /usr/local
DEPS := selftests/vm/deps.sh
VM := selftests/vm/run.sh
KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) $(if $(DEBUG),PODNET_DEBUG=y)

all: module tool

deps-build:
	@$(DEPS) build

# KDIR is looked up again after the dependencies are installed, since a
# fresh machine has no kernel headers until then.
module: deps-build
	@$(MAKE) --no-print-directory -f Makefile module-build \
		KDIR="$(or $(KDIR),$$(selftests/vm/kdir.sh))"

module-build:
	$(MAKE) $(KBUILD_ARGS) W=1 modules

tool: deps-build
	$(MAKE) -C userspace

DISTRO_KERNELS := 6.12 rt latest

ifeq ($(KERNEL),)
# The tests run the module's load-time self-tests too.
check: spec
	@$(MAKE) --no-print-directory all DEBUG=1
	@$(DEPS) test
	@KDIR="$(KDIR)" selftests/vm/check.sh $(T)

vm: all
	@$(DEPS) test
	@$(VM) -i
else
# Another kernel: podnet built against it from a copy of the sources,
# and the guest booted on it.
ifeq ($(KERNEL),debug)
KERNEL_MODULE := debug-module
KERNEL_KO = $(DEBUG_KO)
KERNEL_ENV = $(DEBUG_ENV)
else ifneq ($(filter $(KERNEL),$(DISTRO_KERNELS)),)
KERNEL_MODULE := distro-module
KERNEL_KO = $(DISTRO_KO)
KERNEL_ENV = $(DISTRO_ENV)
else
$(error KERNEL=$(KERNEL): the kernels are debug and $(DISTRO_KERNELS))
endif
# The tests of the tool alone meet no kernel code here that the default
# kernel's run does not: skipped unless USERSPACE_TESTS=1.
KERNEL_ENV += USERSPACE_TESTS=$(or $(USERSPACE_TESTS),0)

check:
	@$(MAKE) --no-print-directory tool $(KERNEL_MODULE) DEBUG=1
	@$(DEPS) test spec
	@$(KERNEL_ENV) selftests/vm/check.sh $(T)

vm:
	@$(MAKE) --no-print-directory tool $(KERNEL_MODULE)
	@$(DEPS) test
	@echo "podnet: the module is $(KERNEL_KO)"
	@$(KERNEL_ENV) $(VM) -i
endif

# Debian's own kernels (selftests/vm/distro-kernel.sh fetches and unpacks
# them into ~/.cache/podnet/distro) and podnet built against each from a
# copy of the sources, as for the debug kernel.
DISTRO_KERNEL = selftests/vm/distro-kernel.sh $(KERNEL)
DISTRO_BUILD = $(CURDIR)/.vm/build-$(KERNEL)
DISTRO_KO = $(DISTRO_BUILD)/kmod/podnet.ko
# The fuzzer sends a fifth of its requests there, enough to meet each
# kernel's netlink code; the default kernel's run sends them all.
DISTRO_ENV = FUZZ_COUNT=$(or $(FUZZ_COUNT),20000) \
	KIMG="$$($(DISTRO_KERNEL) --image)" \
	KVER="$$($(DISTRO_KERNEL) --release)" \
	KMODS="$$($(DISTRO_KERNEL) --modules)" \
	KDIR="$$($(DISTRO_KERNEL) --tree)" PODNET_KO="$(DISTRO_KO)" \
	CHECK_OUT="$(CURDIR)/.vm/check-$(KERNEL)"
MODULE_SOURCES := --exclude='*.mod.c' --include=/Kbuild --include=/kmod/ \
	--include=/kmod/Kbuild --include='/kmod/*.[ch]' --include='/uapi/***' \
	--exclude='*'

distro-module: deps-build
	@$(DEPS) kernels
	@mkdir -p $(DISTRO_BUILD)
	@rsync -a --delete $(MODULE_SOURCES) ./ $(DISTRO_BUILD)/
	@$(DISTRO_KERNEL) --build $(DISTRO_BUILD) $(if $(DEBUG),PODNET_DEBUG=y) W=1

# The module built (W=1, no warnings allowed) against every kernel the
# suite knows: the host's Debian kernel, the debug kernel and Debian's.
build-kernels: module debug-module
	@for k in $(DISTRO_KERNELS); do \
		$(MAKE) --no-print-directory distro-module KERNEL=$$k || exit 1; \
	done

# The debug kernel (selftests/vm/debug-kernel.sh builds it once into
# ~/.cache/podnet) and podnet built against it from a copy of the sources,
# so that kmod/podnet.ko stays the distribution kernel's.
DEBUG_KERNEL := selftests/vm/debug-kernel.sh
DEBUG_BUILD := $(CURDIR)/.vm/debug-build
DEBUG_KO := $(DEBUG_BUILD)/kmod/podnet.ko
# fuzz.sh does a fifth of its work there and churn.sh a tenth, in as
# long as elsewhere: the churn still fits twice in iperf3's run.
DEBUG_ENV = KIMG="$$($(DEBUG_KERNEL))" KVER="$$($(DEBUG_KERNEL) --release)" \
	KDIR="$$($(DEBUG_KERNEL) --tree)" PODNET_KO="$(DEBUG_KO)" \
	VM_MEM=$(or $(VM_MEM),2560M) CHECK_OUT="$(CURDIR)/.vm/check-debug" \
	FUZZ_COUNT=$(or $(FUZZ_COUNT),10000) CHURN_OPS=$(or $(CHURN_OPS),10000) \
	CHURN_SECONDS=$(or $(CHURN_SECONDS),60)

debug-kernel: deps-build
	@$(DEPS) kernel
	@$(DEBUG_KERNEL) >/dev/null

debug-module: debug-kernel
	@mkdir -p $(DEBUG_BUILD)
	@rsync -a --delete $(MODULE_SOURCES) ./ $(DEBUG_BUILD)/
	$(MAKE) -C "$$($(DEBUG_KERNEL) --tree)" M=$(DEBUG_BUILD) \
		$(if $(DEBUG),PODNET_DEBUG=y) W=1 modules

demo:
	@$(MAKE) --no-print-directory all
	@$(DEPS) test
	@KDIR="$(KDIR)" KVER=$$(selftests/vm/kdir.sh --release) $(VM) -t 600 -o .vm/demo -- \
		"cd $(CURDIR) && selftests/demo/demo.sh"

# The benchmark: the module as it ships (no self-tests), one guest, and the
# report on the host. A full run's results are kept in bench/results. Under
# TCG the guest's clock counts instructions (VM_CLOCK=icount, see
# selftests/vm/run.sh), so that figures do not move with the host's load;
# VM_CLOCK=host measures in the host's time on two CPUs instead.
BENCH_CLOCK := $(or $(VM_CLOCK),icount)
BENCH_OUT := $(CURDIR)/.vm/bench$(if $(QUICK),-quick)
BENCH_ENV := $(if $(ROUNDS),ROUNDS=$(ROUNDS)) $(if $(DURATION),DURATION=$(DURATION))

bench:
	@$(MAKE) --no-print-directory all DEBUG=
	@$(DEPS) bench
	@KVER=$$(selftests/vm/kdir.sh --release) VM_MEM=$(or $(VM_MEM),2048M) \
		VM_CLOCK=$(BENCH_CLOCK) \
		$(VM) -t $(if $(QUICK),900,3600) -o $(BENCH_OUT) -- \
		"cd $(CURDIR) && QUICK=$(if $(QUICK),1,0) $(BENCH_ENV) bench/run.sh"; \
	rc=$$?; \
	bench/report.py --accel "$${ACCEL:-$$(cat $${VMDIR:-.vm}/accel)}" \
		--clock $(BENCH_CLOCK) \
		--out $(if $(QUICK),$(BENCH_OUT),bench/results) $(BENCH_OUT) || \
		rc=1; exit $$rc

PROFILE_OUT := $(CURDIR)/.vm/profile
PROFILE_ENV := $(foreach v,ENCAPS PEERS TEST DURATION,$(if $($(v)),$(v)='$($(v))'))

profile:
	@$(MAKE) --no-print-directory all DEBUG=
	@$(DEPS) bench
	@KVER=$$(selftests/vm/kdir.sh --release) VM_MEM=$(or $(VM_MEM),2048M) \
		VM_CLOCK=$(BENCH_CLOCK) \
		$(VM) -t 1800 -o $(PROFILE_OUT) -- \
		"cd $(CURDIR) && CLOCK=$(BENCH_CLOCK) $(PROFILE_ENV) bench/profile.sh"

sparse: deps-build
	@$(DEPS) lint
	$(MAKE) $(KBUILD_ARGS) C=2 modules 2>&1 | \
		tee .sparse.log
	@! grep -E "warning|error" .sparse.log | grep -v "^make"

checkpatch: spec
	@$(DEPS) lint
	@selftests/vm/checkpatch.sh $(wildcard kmod/*.[ch]) uapi/linux/podnet.h

# shellcheck (warnings and errors) over every shell script, each from its
# own directory, where the scripts find what they source.
SHELL_DIRS := selftests selftests/vm selftests/packages selftests/demo bench
shellcheck:
	@$(DEPS) lint
	@for d in $(SHELL_DIRS); do \
		(cd $$d && shellcheck -x -S warning *.sh) || exit 1; \
	done
	@shellcheck -S warning .ci/run selftests/vm/init userspace/podnet-flannel \
		userspace/podnet.bash-completion

# Every check of the sources that needs no guest.
lint: checkpatch sparse shellcheck

spec:
	@$(DEPS) spec
	@selftests/vm/ynl-spec.sh

# The module goes to /lib/modules/<release>/extra/kmod (INSTALL_MOD_PATH
# prefixes that) and depmod indexes it there, so that modprobe podnet loads
# the tunnel modules it needs first; kbuild itself skips depmod without the
# kernel's System.map, which kernel headers lack. Without the kernel's
# signing certificate the module is installed unsigned, as sign-file would
# fail anyway.
install: all
	@$(MAKE) --no-print-directory -f Makefile install-build \
		KDIR="$(or $(KDIR),$$(selftests/vm/kdir.sh))"

install-build:
	$(MAKE) $(KBUILD_ARGS) modules_install \
		$(if $(wildcard $(KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=)
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) \
		"$$(KDIR=$(KDIR) selftests/vm/kdir.sh --release)"
	$(MAKE) -C userspace install PREFIX=$(PREFIX)

# make install's undoing: the module, the index, the tool.
uninstall:
	rm -f "$(INSTALL_MOD_PATH)/lib/modules/$$(selftests/vm/kdir.sh --release)/extra/kmod/podnet.ko"
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) \
		"$$(selftests/vm/kdir.sh --release)"
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX)

# The version, from the one place it lives.
VERSION := $(shell sed -n 's/^\#define PODNET_VERSION "\(.*\)"/\1/p' kmod/version.h)
DKMS_SRC := /usr/src/podnet-$(VERSION)
DKMS_KVER = $$(selftests/vm/kdir.sh --release)

# DKMS from the checkout: the module sources and dkms.conf to /usr/src,
# then built and installed for the kernel make builds against (KDIR), and
# rebuilt by DKMS for each kernel installed later.
dkms-install: deps-build
	@$(DEPS) dkms
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	rsync -a $(MODULE_SOURCES) ./ $(DKMS_SRC)/
	sed 's/@VERSION@/$(VERSION)/' dkms.conf.in >$(DKMS_SRC)/dkms.conf
	dkms add podnet/$(VERSION)
	dkms install podnet/$(VERSION) -k $(DKMS_KVER)

dkms-uninstall:
	-dkms remove podnet/$(VERSION) --all
	rm -rf $(DKMS_SRC)

# Debian packages, podnet-dkms and podnet, built from the checkout's files
# with dpkg-buildpackage in .vm/deb, then checked by lintian.
DEB_DIR := $(CURDIR)/.vm/deb
deb: deps-build
	@$(DEPS) deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/podnet-$(VERSION)
	git ls-files -z | grep -zv '^bench/results/' | \
		rsync -a --from0 --files-from=- ./ $(DEB_DIR)/podnet-$(VERSION)/
	printf '%s\n' "podnet ($(VERSION)) unstable; urgency=medium" "" \
		"  * podnet $(VERSION)." "" \
		" -- podnet developers <podnet@example.org>  $$(date -R)" \
		>$(DEB_DIR)/podnet-$(VERSION)/debian/changelog
	cd $(DEB_DIR)/podnet-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian $(DEB_DIR)/*.deb

# The packages tested as an operator meets them (selftests/packages/).
check-packages:
	@$(MAKE) --no-print-directory all
	@$(DEPS) test deb dkms
	@selftests/packages/check.sh

clean:
	-$(MAKE) $(KBUILD_ARGS) clean
	$(MAKE) -C userspace clean
	rm -rf .vm .sparse.log

.PHONY: all deps-build module module-build tool check demo vm bench profile sparse \
	checkpatch shellcheck lint spec install install-build clean debug-kernel debug-module \
	distro-module build-kernels uninstall dkms-install dkms-uninstall deb check-packages

# Tests: host unit tests (Check) and QEMU scenario tests.

TEST_BIN := $(BUILD)/tests

UNIT_TESTS += $(TEST_BIN)/unit/test_abi_layout
$(TEST_BIN)/unit/test_abi_layout: $(BUILD)/host/tests/unit/test_abi_layout.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(HOSTCC) $^ $(CHECK_LIBS) -o $@

# PV test guests: small Xen-ABI kernels under tests/guests, one per .c file.
# hv's freestanding string and formatting code serves the guests too.
GUEST_LIB_SRCS := $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S) \
                  hv/common/lib.c hv/common/vsnprintf.c
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(basename $(GUEST_LIB_SRCS)))
TEST_GUESTS    := $(patsubst tests/guests/%.c,$(TEST_BIN)/guests/%.elf,\
                    $(wildcard tests/guests/*.c))
ALL_TARGETS    += $(TEST_GUESTS)

TEST_GUEST_CFLAGS   := -mcmodel=kernel -fno-pie -fno-pic
$(BUILD)/kernel/tests/guests/%.o: EXTRA_CFLAGS = $(TEST_GUEST_CFLAGS)

$(TEST_BIN)/guests/%.elf: $(BUILD)/kernel/tests/guests/%.o $(GUEST_LIB_OBJS) \
                          tests/guests/lib/guest.lds
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KERNEL_LDFLAGS) -T tests/guests/lib/guest.lds -o $@ \
	    $(filter %.o,$^)

# Reference runs on real Xen 4.17 under QEMU; not part of `make test`.
#  - every test guest marked "xen-ref:" boots as dom0 (tests/xen-ref/run);
#  - pvops-guest boots as dom0 and runs the native scenario's scripts
#    (test-guest-xen, tests/guest/test_guest_xen.c).
# Xen comes from Debian's package (apt-get download: the only network access).
XEN_REF     := $(BUILD)/xen-ref
XEN_REF_BIN := $(XEN_REF)/xen-4.17
XEN_REF_PKG := xen-hypervisor-4.17-amd64

$(XEN_REF_BIN):
	@mkdir -p $(XEN_REF)
	@ls $(XEN_REF)/$(XEN_REF_PKG)_*.deb >/dev/null 2>&1 || \
	    (cd $(XEN_REF) && apt-get -q -o APT::Sandbox::User=root download $(XEN_REF_PKG)) || \
	    { echo "apt-get download $(XEN_REF_PKG) failed (try apt-get update)" >&2; exit 1; }
	rm -rf $(XEN_REF)/pkg
	dpkg-deb -x "$$(ls $(XEN_REF)/$(XEN_REF_PKG)_*.deb | tail -1)" $(XEN_REF)/pkg
	zcat $(XEN_REF)/pkg/boot/xen-4.17-amd64.gz >$@.tmp
	mv $@.tmp $@

.PHONY: test-xen test-guest-xen
test-xen: $(TEST_GUESTS) $(XEN_REF_BIN) $(BUILD)/tests/guest/test_guest_xen
	@tests/xen-ref/run $(XEN_REF) $(TEST_BIN)/guests
	@tests/run-suite xen $(BUILD)/tests/guest/test_guest_xen

test-guest-xen: $(XEN_REF_BIN) $(BUILD)/tests/guest/test_guest_xen
	@tests/run-suite xen $(BUILD)/tests/guest/test_guest_xen

# Debian's stock kernel as an HVM domain (tests/scenario/test_hvm_linux.c).
# The kernel comes from Debian's linux-image-amd64 with apt-get download
# (the only network access); if that fails the build goes on and the test
# fails saying why.  The initramfs is busybox and the test's /init.
LINUX_REF    := $(BUILD)/linux-ref
LINUX_GUEST  := $(BUILD)/tests/hvm-guests/linux
LINUX_INITRD := $(LINUX_GUEST)/initrd.cpio.gz
ALL_TARGETS  += $(LINUX_REF)/fetched $(LINUX_INITRD)

$(LINUX_REF)/fetched: tests/hvm-guests/linux/fetch-kernel
	tests/hvm-guests/linux/fetch-kernel $(LINUX_REF)
	touch $@

$(LINUX_INITRD): tests/hvm-guests/linux/init pvops-guest/mkinitrd
	rm -rf $(LINUX_GUEST)/root
	mkdir -p $(LINUX_GUEST)/root/proc $(LINUX_GUEST)/root/sys $(LINUX_GUEST)/root/dev
	install -m 755 tests/hvm-guests/linux/init $(LINUX_GUEST)/root/init
	pvops-guest/mkinitrd $(LINUX_GUEST)/root $@

SCENARIO_TESTS += $(SCENARIO_BIN)/test_hvm_linux
$(SCENARIO_BIN)/test_hvm_linux: $(BUILD)/host/tests/scenario/test_hvm_linux.o $(HARNESS_OBJS) \
		| $(HV_ELF) $(PV_GUEST_ELFS) $(LINUX_REF)/fetched $(LINUX_INITRD)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

# Host unit test of the bzImage loader's pure parts (hv/arch/x86/hvm/bzimage.c).
BZ_UNIT_OBJS := $(BUILD)/host/tests/unit/bzimage/test_bzimage.o \
                $(BUILD)/host/hv/arch/x86/hvm/bzimage.o $(BUILD)/host/hv/arch/x86/hvm/layout.o
$(BZ_UNIT_OBJS): EXTRA_CFLAGS = -DHV_HOSTED
UNIT_TESTS += $(BUILD)/tests/unit/test_bzimage
$(BUILD)/tests/unit/test_bzimage: $(BZ_UNIT_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@

# ---- domctl / sysctl (owner: domctl) ------------------------------------------
# test_domctl as dom0 builds PV domUs through the toolstack's hypercalls;
# as a boot-time domU it is refused (docs/domctl.md).
SCENARIO_TESTS += $(SCENARIO_BIN)/test_pv_domctl
$(SCENARIO_BIN)/test_pv_domctl: $(BUILD)/host/tests/scenario/test_pv_domctl.o $(HARNESS_OBJS) \
		| $(HV_ELF) $(PV_GUEST_ELFS)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

include tests/linux-pv/build.mk

# ---- robustness (docs/robustness.md) -----------------------------------------
# Hostile PV guests next to a canary, and the isolation attacks, in hv.
ROBUST_SCENARIOS := test_pv_robust
SCENARIO_TESTS += $(patsubst %,$(SCENARIO_BIN)/%,$(ROBUST_SCENARIOS))
$(patsubst %,$(SCENARIO_BIN)/%,$(ROBUST_SCENARIOS)): $(SCENARIO_BIN)/%: \
		$(BUILD)/host/tests/scenario/%.o $(HARNESS_OBJS) | $(HV_ELF) $(PV_GUEST_ELFS)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

# libFuzzer targets (clang) for the parsers of outside input; with the
# xenstore (fuzz-xenstore) and xl.cfg (fuzz-toolstack-cfg) ones, `make fuzz`
# runs each for FUZZ_SECONDS (default 60) and `make fuzz-smoke` for 5;
# crashes and new inputs stay in build/fuzz/ (docs/robustness.md).
FUZZ_BIN  := $(BUILD)/fuzz
FUZZ_CC   := clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Ihv/include \
             -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_NEW  := $(addprefix $(FUZZ_BIN)/fuzz_,elf_loader initrd bzimage blkif netif)
FUZZ_ALL  := $(FUZZ_NEW) $(XS_FUZZ) $(TS_FUZZ)
FUZZ_SEEDS := $(FUZZ_BIN)/seeds
ALL_TARGETS += $(FUZZ_NEW)

$(FUZZ_BIN)/fuzz_elf_loader: tests/fuzz/fuzz_elf_loader.c hv/common/elf_loader.c \
		$(wildcard hv/include/hv/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(filter %.c,$^) -o $@
$(FUZZ_BIN)/fuzz_initrd: tests/fuzz/fuzz_initrd.c pvops-guest/fs/cpio.c pvops-guest/fs/inflate.c \
		tests/guest/unit/support.c $(wildcard pvops-guest/include/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(GUEST_UNIT_CFLAGS) $(filter %.c,$^) -o $@
$(FUZZ_BIN)/fuzz_bzimage: tests/fuzz/fuzz_bzimage.c toolstack/builder/bzimage.c \
		hv/common/elf_loader.c hv/arch/x86/hvm/bzimage.c hv/arch/x86/hvm/layout.c \
		$(wildcard hv/include/hv/*.h toolstack/builder/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) -DHV_HOSTED -Itoolstack/builder $(filter %.c,$^) -llzma -o $@
$(FUZZ_BIN)/fuzz_blkif: tests/fuzz/fuzz_blkif.c toolstack/blkback/blkif_serve.c \
		$(wildcard toolstack/blkback/*.h) toolstack/backend/grant_copy.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -Itoolstack/blkback -Itoolstack/backend $(filter %.c,$^) -o $@
$(FUZZ_BIN)/fuzz_netif: tests/fuzz/fuzz_netif.c toolstack/netback/netif_serve.c \
		$(wildcard toolstack/netback/netif_serve.h) toolstack/backend/grant_copy.h
	@mkdir -p $(@D)
	$(FUZZ_CC) -Itoolstack/netback -Itoolstack/backend $(filter %.c,$^) -o $@

$(FUZZ_SEEDS)/.stamp: tests/fuzz/mkseeds $(BUILD)/tests/guests/test_basics.elf
	tests/fuzz/mkseeds $(FUZZ_SEEDS) $(BUILD)/tests/guests/test_basics.elf
	touch $@

FUZZ_SECONDS ?= 60
.PHONY: fuzz fuzz-smoke
fuzz: $(FUZZ_ALL) $(FUZZ_SEEDS)/.stamp
	tests/fuzz/run-fuzzers $(FUZZ_SECONDS) $(FUZZ_SEEDS) $(FUZZ_ALL)
fuzz-smoke: $(FUZZ_ALL) $(FUZZ_SEEDS)/.stamp
	tests/fuzz/run-fuzzers 5 $(FUZZ_SEEDS) $(FUZZ_ALL)
# The smoke run (about 35 s) is one of the unit tests.
UNIT_TESTS += $(FUZZ_BIN)/fuzz_smoke
$(FUZZ_BIN)/fuzz_smoke: tests/fuzz/run-fuzzers $(FUZZ_ALL) $(FUZZ_SEEDS)/.stamp
	printf '#!/bin/sh\ncd %s && exec tests/fuzz/run-fuzzers 5 %s %s\n' \
		"$(CURDIR)" $(FUZZ_SEEDS) "$(FUZZ_ALL)" >$@
	chmod +x $@

# Soak: domUs under load with create/destroy churn through heron in dom0
# for SOAK_MINUTES (tests/scenario/soak.sh, checked by soak-run).
SOAK_MINUTES ?= 10
SOAK_LOADERS ?= 3
.PHONY: soak
soak: $(HV_ELF) $(GUEST_ELF) $(TEST_DOM0_ROOT)/.stamp
	tests/scenario/soak-run $$(($(SOAK_MINUTES) * 60)) $(SOAK_LOADERS) $(TEST_DOM0_ROOT) \
		$(HV_ELF) $(GUEST_ELF) $(BUILD)/tests/soak
# A short soak (15 s of churn next to 2 loaders) runs with the scenarios.
SCENARIO_TESTS += $(SCENARIO_BIN)/test_soak_short
$(SCENARIO_BIN)/test_soak_short: tests/scenario/soak-run tests/scenario/soak.sh \
		| $(HV_ELF) $(GUEST_ELF) $(TEST_DOM0_ROOT)/.stamp
	@mkdir -p $(@D)
	printf '#!/bin/sh\ncd %s && exec tests/scenario/soak-run 15 2 %s %s %s %s\n' \
		"$(CURDIR)" $(TEST_DOM0_ROOT) $(HV_ELF) $(GUEST_ELF) $(BUILD)/tests/soak-short >$@
	chmod +x $@

# A watch storm against heron-xenstored's core (ASan build, as its tests).
UNIT_TESTS += $(XS_TEST_BIN)/test_xs_watch_storm
$(XS_TEST_BIN)/test_xs_watch_storm: $(XS_SAN)/tests/unit/robust/test_xs_watch_storm.o \
		$(XS_SAN_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $(XS_SAN_FLAGS) $^ $(CHECK_LIBS) -o $@

# ---- hv allocation-failure injection (owner: robustness) -----------------------
# test_failalloc as dom0 of an hv booted with fail_alloc (docs/robustness.md).
SCENARIO_TESTS += $(SCENARIO_BIN)/test_hv_failalloc
$(SCENARIO_BIN)/test_hv_failalloc: $(BUILD)/host/tests/scenario/test_hv_failalloc.o \
		$(HARNESS_OBJS) | $(HV_ELF) $(PV_GUEST_ELFS)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

# An HVM guest as a fuzzer next to the PV canary (docs/robustness.md).
SCENARIO_TESTS += $(SCENARIO_BIN)/test_hvm_fuzz
$(SCENARIO_BIN)/test_hvm_fuzz: $(BUILD)/host/tests/scenario/test_hvm_fuzz.o \
		$(HARNESS_OBJS) | $(HV_ELF) $(PV_GUEST_ELFS) $(HVMG_KERNEL)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

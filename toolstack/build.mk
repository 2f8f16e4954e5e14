# toolstack build fragment (see GNUmakefile): the heron toolstack (config
# parser, PV domain builder, heron CLI, heron-consoled), built for the
# host (unit tests) and as static musl binaries for dom0; dom0's initrd;
# make run [SCRIPT=FILE].

TS      := toolstack
TS_HOST := $(BUILD)/host/$(TS)
TS_MUSL := $(BUILD)/musl/ts
# Linux uapi <xen/*.h> for musl and the privcmd code, see below.
TS_UAPI := $(BUILD)/toolstack-uapi
# dom0's initrd (rules below); defined first because the test rules that
# precede its own take it as a prerequisite.
DOM0_INITRD := $(BUILD)/dom0/initrd.cpio.gz

# hv's pure code the builder reuses: the ELF/Xen-notes loader and the
# initial-mapping layout (compiled as they are; they need only hv's
# freestanding headers and libc's string and printf functions).
TS_HV_SRCS := hv/common/elf_loader.c hv/arch/x86/pv/layout.c

TS_CFG_SRCS      := $(TS)/cfg/cfg.c $(TS)/cfg/devspec.c $(TS)/cfg/domain_cfg.c
TS_BUILDER_SRCS  := $(TS)/builder/pv_builder.c $(TS)/builder/bzimage.c \
                    $(TS)/builder/hvm_builder.c
TS_PRIVCMD_SRCS  := $(TS)/builder/hvops_privcmd.c
TS_CLI_SRCS      := $(TS)/cli/args.c $(TS)/cli/xs_domain.c $(TS)/cli/create.c \
                    $(TS)/cli/commands.c $(TS)/cli/monitor.c $(TS)/cli/console.c
TS_CONSOLED_SRCS := $(TS)/consoled/ring.c
TS_BLKBACK_SRCS  := $(TS)/blkback/blkif_serve.c
# What heron-blkback and heron-netback share: the xenbus handshake, the
# event loop, grant maps, pid files.
TS_BACKEND_SRCS  := $(TS)/backend/backend.c $(TS)/backend/backend_xs.c \
                    $(TS)/backend/backend_gnt.c $(TS)/backend/pidfile.c
TS_NETBACK_SRCS  := $(TS)/netback/netif_serve.c $(TS)/netback/bridge.c \
                    $(TS)/netback/local_port.c
# heron-dm: its hv operations, COM1 over hv's 16550 model (vuart.c), IDE
# (the channel, its bus master, the PIIX3 function), PCI and the NE2000
# on a local port of netback's bridge (local_port.h).
TS_DM_SRCS       := $(TS)/dm/main.c $(TS)/dm/dm_hv.c $(TS)/dm/com1.c $(TS)/dm/ata.c \
                    $(TS)/dm/bmdma.c $(TS)/dm/ide.c $(TS)/dm/pci.c $(TS)/dm/bus.c \
                    $(TS)/dm/ne2k.c $(TS)/dm/nic.c \
                    hv/arch/x86/hvm/vuart.c
XS_LIB_SRC       := xenstore-like/lib/xs.c

TS_INC := -I$(TS)/cfg -I$(TS)/builder -I$(TS)/cli -I$(TS)/consoled -I$(TS)/blkback \
          -I$(TS)/netback -I$(TS)/backend -I$(TS)/dm -Ixenstore-like/lib
$(TS_HOST)/%.o: EXTRA_CFLAGS = $(TS_INC) -isystem $(TS_UAPI)

TS_OBJS = $(patsubst %.c,$(BUILD)/host/%.o,$(1))

# ---- host unit tests (tests/toolstack) ----
TS_TEST_BIN := $(BUILD)/tests/toolstack
TS_TEST_OBJ := $(BUILD)/host/tests/toolstack
TS_UNIT     := test_cfg test_builder test_cli test_console_ring test_privcmd \
               test_consoled test_create test_blkif_serve test_netif_serve test_bridge \
               test_dm_ata test_dm_pci test_dm_ne2k test_local_port
UNIT_TESTS  += $(TS_UNIT:%=$(TS_TEST_BIN)/%)
$(TS_TEST_OBJ)/%.o: EXTRA_CFLAGS = $(TS_INC) -Itests/toolstack -isystem $(TS_UAPI) \
	-DHERON_BUILD_DIR='"$(abspath $(BUILD))"' -DXSD_BIN='"$(abspath $(XSD_BIN))"'

$(TS_TEST_BIN)/test_cfg: $(TS_TEST_OBJ)/test_cfg.o $(call TS_OBJS,$(TS_CFG_SRCS))
$(TS_TEST_BIN)/test_builder: $(TS_TEST_OBJ)/test_builder.o $(TS_TEST_OBJ)/fake_hv.o \
		$(call TS_OBJS,$(TS_BUILDER_SRCS) $(TS_HV_SRCS)) \
		| $(GUEST_ELF) $(BUILD)/tests/guests/test_basics.elf $(BUILD)/linux-ref/fetched
$(TS_TEST_BIN)/test_builder $(TS_TEST_BIN)/test_cli: TS_LINK_LIBS = $(TS_LZMA_LIBS)
# The CLI against the fake hv and a real heron-xenstored on a temporary socket.
$(TS_TEST_BIN)/test_cli: $(TS_TEST_OBJ)/test_cli.o $(TS_TEST_OBJ)/fake_hv.o \
		$(TS_TEST_OBJ)/xsd_run.o \
		$(call TS_OBJS,$(TS_CLI_SRCS) $(TS_CFG_SRCS) $(TS_BUILDER_SRCS) $(TS_HV_SRCS)) \
		$(XS_LIB) | $(GUEST_ELF) $(XSD_BIN)
$(TS_TEST_BIN)/test_console_ring: $(TS_TEST_OBJ)/test_console_ring.o \
		$(call TS_OBJS,$(TS_CONSOLED_SRCS))
# blkback's request handling against hostile rings, grants faked.
$(TS_TEST_BIN)/test_blkif_serve: $(TS_TEST_OBJ)/test_blkif_serve.o \
		$(call TS_OBJS,$(TS_BLKBACK_SRCS))
# netback's ring handling against hostile rings (grant copy faked), and
# its bridge's forwarding table.
$(TS_TEST_BIN)/test_netif_serve: $(TS_TEST_OBJ)/test_netif_serve.o \
		$(call TS_OBJS,$(TS)/netback/netif_serve.c)
$(TS_TEST_BIN)/test_bridge: $(TS_TEST_OBJ)/test_bridge.o $(call TS_OBJS,$(TS)/netback/bridge.c)
# heron-dm's IDE disks and their bus master on temporary image files.
$(TS_TEST_BIN)/test_dm_ata: $(TS_TEST_OBJ)/test_dm_ata.o \
		$(call TS_OBJS,$(TS)/dm/ata.c $(TS)/dm/bmdma.c)
# heron-dm's PCI configuration space and BAR claims, NE2000 on canned frames; netback's
# local ports over a temporary socket.
$(TS_TEST_BIN)/test_dm_pci: $(TS_TEST_OBJ)/test_dm_pci.o $(call TS_OBJS,$(TS)/dm/pci.c $(TS)/dm/bus.c)
$(TS_TEST_BIN)/test_dm_ne2k: $(TS_TEST_OBJ)/test_dm_ne2k.o $(call TS_OBJS,$(TS)/dm/ne2k.c)
$(TS_TEST_BIN)/test_local_port: $(TS_TEST_OBJ)/test_local_port.o \
		$(call TS_OBJS,$(TS)/netback/local_port.c $(TS)/netback/bridge.c)
# heron-consoled's main() with stand-in /dev/xen devices (link-time wraps).
$(TS_TEST_OBJ)/consoled_main.o: $(TS)/consoled/main.c | $(TS_UAPI)/xen/interface/xen.h
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) $(TS_INC) -isystem $(TS_UAPI) -Dmain=consoled_main \
		-MMD -MP -c $< -o $@
$(TS_TEST_OBJ)/fake_xendev.o: | $(TS_UAPI)/xen/interface/xen.h
$(TS_TEST_BIN)/test_consoled: $(TS_TEST_OBJ)/test_consoled.o $(TS_TEST_OBJ)/consoled_main.o \
		$(TS_TEST_OBJ)/fake_xendev.o $(TS_TEST_OBJ)/fake_hv.o $(TS_TEST_OBJ)/xsd_run.o \
		$(call TS_OBJS,$(TS_CONSOLED_SRCS)) $(XS_LIB) | $(XSD_BIN)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o %.a,$^) -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap \
		$(CHECK_LIBS) -o $@

# End to end: the CLI, heron-xenstored's and heron-consoled's main(), the
# fake hv and stand-in /dev/xen devices.
$(TS_TEST_OBJ)/xsd_main.o: xenstore-like/main.c | $(TS_UAPI)/xen/interface/xen.h
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(XS_SRC) -I$(XS_SRC)/lib -Dmain=xsd_main -MMD -MP \
		-c $< -o $@
$(TS_TEST_BIN)/test_create: $(TS_TEST_OBJ)/test_create.o $(TS_TEST_OBJ)/xsd_main.o \
		$(TS_TEST_OBJ)/consoled_main.o $(TS_TEST_OBJ)/fake_xendev.o \
		$(TS_TEST_OBJ)/fake_hv.o $(XSD_CORE_OBJS) $(XS_OBJ)/xen_dev.o \
		$(call TS_OBJS,$(TS_CLI_SRCS) $(TS_CFG_SRCS) $(TS_BUILDER_SRCS) $(TS_HV_SRCS) \
		$(TS_CONSOLED_SRCS)) $(XS_LIB) | $(GUEST_ELF)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o %.a,$^) -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap \
		$(CHECK_LIBS) $(TS_LZMA_LIBS) -o $@

# The privcmd implementation through a stand-in device (link-time wraps).
$(call TS_OBJS,$(TS_PRIVCMD_SRCS)) $(TS_TEST_OBJ)/fake_privcmd.o: | $(TS_UAPI)/xen/interface/xen.h
TS_PRIVCMD_WRAP := -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap,--wrap=munmap
$(TS_TEST_BIN)/test_privcmd: $(TS_TEST_OBJ)/test_privcmd.o $(TS_TEST_OBJ)/fake_privcmd.o \
		$(TS_TEST_OBJ)/fake_hv.o \
		$(call TS_OBJS,$(TS_PRIVCMD_SRCS) $(TS_BUILDER_SRCS) $(TS_HV_SRCS)) | $(GUEST_ELF)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(TS_PRIVCMD_WRAP) $(CHECK_LIBS) $(TS_LZMA_LIBS) -o $@

$(TS_TEST_BIN)/%:
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o %.a,$^) $(CHECK_LIBS) $(TS_LINK_LIBS) -o $@

# Scenario: make run SCRIPT=... under QEMU (hv, pvops-guest dom0, dom0's initrd).
SCENARIO_TESTS += $(TS_TEST_BIN)/test_run_script
$(TS_TEST_BIN)/test_run_script: $(TS_TEST_OBJ)/test_run_script.o \
		| $(HV_ELF) $(GUEST_ELF) $(DOM0_INITRD)

# Scenario: domains created, listed, consoled and destroyed by heron on hv
# (make run SCRIPT=... with dom0's root plus the test domU's initrd and
# xen-probe, a raw-hypercall program for dom0 and the test domUs).
XEN_PROBE        := $(TS_TEST_BIN)/xen-probe
XENBUS_PROBE     := $(TS_TEST_BIN)/xenbus-probe
BLK_PROBE        := $(TS_TEST_BIN)/blk-probe
NET_PROBE        := $(TS_TEST_BIN)/net-probe
NET_HOSTILE      := $(TS_TEST_BIN)/net-hostile
BLK_HOSTILE      := $(TS_TEST_BIN)/blk-hostile
TEST_DOMU_INITRD := $(TS_TEST_BIN)/domu-initrd.cpio.gz
TEST_DOM0_ROOT   := $(TS_TEST_BIN)/dom0-root
SCENARIO_TESTS   += $(TS_TEST_BIN)/test_domains
$(XEN_PROBE): tests/toolstack/progs/xen_probe.c | $(TS_UAPI)/xen/interface/xen.h
	@mkdir -p $(@D)
	$(TS_MUSL_CC) $(TS_MUSL_FLAGS) -static $< -o $@
$(XENBUS_PROBE): tests/toolstack/progs/xenbus_probe.c
	@mkdir -p $(@D)
	$(TS_MUSL_CC) $(TS_MUSL_FLAGS) -static $< -o $@
$(BLK_PROBE): tests/toolstack/progs/blk_probe.c tests/toolstack/progs/blk_pattern.h \
		| $(TS_UAPI)/xen/interface/xen.h
	@mkdir -p $(@D)
	$(TS_MUSL_CC) $(TS_MUSL_FLAGS) -static $< -o $@
$(NET_PROBE): $(TS_TEST_BIN)/net-%: tests/toolstack/progs/net_%.c \
		| $(TS_UAPI)/xen/interface/xen.h
	@mkdir -p $(@D)
	$(TS_MUSL_CC) $(TS_MUSL_FLAGS) -static $< -o $@
$(BLK_HOSTILE) $(NET_HOSTILE): $(TS_TEST_BIN)/%-hostile: tests/toolstack/progs/%_hostile.c \
		tests/toolstack/progs/hostile_ring.h | $(TS_UAPI)/xen/interface/xen.h
	@mkdir -p $(@D)
	$(TS_MUSL_CC) $(TS_MUSL_FLAGS) -static $< -o $@
$(TEST_DOMU_INITRD): tests/toolstack/domu/init.sh $(XEN_PROBE) $(XENBUS_PROBE) $(BLK_PROBE) \
		$(NET_PROBE) pvops-guest/mkinitrd
	rm -rf $(TS_TEST_BIN)/domu-root
	mkdir -p $(TS_TEST_BIN)/domu-root/bin
	install -m 755 tests/toolstack/domu/init.sh $(TS_TEST_BIN)/domu-root/init
	install -m 755 $(XEN_PROBE) $(XENBUS_PROBE) $(BLK_PROBE) $(NET_PROBE) \
		$(TS_TEST_BIN)/domu-root/bin/
	pvops-guest/mkinitrd $(TS_TEST_BIN)/domu-root $@
$(TEST_DOM0_ROOT)/.stamp: $(DOM0_INITRD) $(TEST_DOMU_INITRD) $(XEN_PROBE) $(NET_HOSTILE) \
		$(BLK_HOSTILE) tests/toolstack/testlib.sh
	rm -rf $(TEST_DOM0_ROOT)
	cp -a $(BUILD)/dom0/root $(TEST_DOM0_ROOT)
	install -m 755 $(XEN_PROBE) $(NET_HOSTILE) $(BLK_HOSTILE) $(TEST_DOM0_ROOT)/bin/
	install -D -m 644 tests/toolstack/testlib.sh $(TEST_DOM0_ROOT)/etc/heron/testlib.sh
	cp $(TEST_DOMU_INITRD) $(TEST_DOM0_ROOT)/boot/test-domu-initrd.cpio.gz
	touch $@
$(TS_TEST_BIN)/test_domains: $(TS_TEST_OBJ)/test_domains.o \
		| $(HV_ELF) $(GUEST_ELF) $(TEST_DOM0_ROOT)/.stamp
# Scenario: the PV block path, the disk image checked on the host (xxHash).
SCENARIO_TESTS += $(TS_TEST_BIN)/test_blk
$(TS_TEST_BIN)/test_blk: $(TS_TEST_OBJ)/test_blk.o $(TS_TEST_OBJ)/dom0_script.o | $(HV_ELF) $(GUEST_ELF) \
		$(TEST_DOM0_ROOT)/.stamp
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) -lxxhash $(CHECK_LIBS) -o $@

# Scenario: dom0's daemons killed part-way (docs/robustness.md, Faults).
SCENARIO_TESTS += $(TS_TEST_BIN)/test_faults
$(TS_TEST_BIN)/test_faults: $(TS_TEST_OBJ)/test_faults.o $(TS_TEST_OBJ)/dom0_script.o | $(HV_ELF) $(GUEST_ELF) \
		$(TEST_DOM0_ROOT)/.stamp

# Scenario: HVM domains from configs (issue 7): the test dom0 root plus
# hvm-probe (hvm_build's refusals), pvops-guest's busybox-script initrd and
# the HVM test kernel.
HVM_PROBE     := $(TS_TEST_BIN)/hvm-probe
TEST_HVM_ROOT := $(TS_TEST_BIN)/hvm-root
# Made by tests/ fragments, which GNUmakefile includes after this one (so
# their variables are still empty here): pvops-guest's test initrd and
# Debian's kernel.
TS_GUEST_INITRD := $(BUILD)/guest/initrd.cpio.gz
TS_LINUX_REF    := $(BUILD)/linux-ref
SCENARIO_TESTS += $(TS_TEST_BIN)/test_hvm_domains
$(HVM_PROBE): tests/toolstack/progs/hvm_probe.c | $(TS_UAPI)/xen/interface/xen.h
	@mkdir -p $(@D)
	$(TS_MUSL_CC) $(TS_MUSL_FLAGS) -static $< -o $@
$(TEST_HVM_ROOT)/.stamp: $(TEST_DOM0_ROOT)/.stamp $(HVM_PROBE) $(TS_GUEST_INITRD) $(HVMG_KERNEL)
	rm -rf $(TEST_HVM_ROOT)
	cp -a $(TEST_DOM0_ROOT) $(TEST_HVM_ROOT)
	install -m 755 $(HVM_PROBE) $(TEST_HVM_ROOT)/bin/
	cp $(TS_GUEST_INITRD) $(TEST_HVM_ROOT)/boot/hvm-shell-initrd.cpio.gz
	cp $(HVMG_KERNEL) $(TEST_HVM_ROOT)/boot/test_hvm.elf
	touch $@
# ... and one with Debian's kernel and the HVM Linux test's /init in an
# initramfs that also holds, from the same package, ne2k-pci and its
# dependency 8390 (for heron-dm's NE2000), ata_piix and sd_mod with what
# they need (for its PIIX3 IDE disk), and blk-probe (to fill the disk),
# if the build fetched it (the test says why if not).
TS_LINUX_NIC_ROOT   := $(TS_TEST_BIN)/hvm-linux-initrd-root
TS_LINUX_NIC_INITRD := $(TS_TEST_BIN)/hvm-linux-initrd.cpio.gz
TS_LINUX_MODULES    := drivers/net/ethernet/8390/8390 drivers/net/ethernet/8390/ne2k-pci \
                       drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/ata/libata \
                       drivers/ata/ata_piix drivers/scsi/sd_mod block/t10-pi lib/crc64 \
                       lib/crc64-rocksoft lib/crc-t10dif crypto/crc64_rocksoft_generic \
                       crypto/crct10dif_common crypto/crct10dif_generic
$(TS_LINUX_NIC_INITRD): tests/hvm-guests/linux/init pvops-guest/mkinitrd $(BLK_PROBE) \
		$(TS_LINUX_REF)/fetched
	rm -rf $(TS_LINUX_NIC_ROOT)
	mkdir -p $(TS_LINUX_NIC_ROOT)/proc $(TS_LINUX_NIC_ROOT)/sys $(TS_LINUX_NIC_ROOT)/dev \
		$(TS_LINUX_NIC_ROOT)/lib/modules $(TS_LINUX_NIC_ROOT)/bin
	install -m 755 tests/hvm-guests/linux/init $(TS_LINUX_NIC_ROOT)/init
	install -m 755 $(BLK_PROBE) $(TS_LINUX_NIC_ROOT)/bin/
	if deb=$$(ls $(TS_LINUX_REF)/linux-image-*.deb 2>/dev/null | tail -1) && [ -n "$$deb" ]; then \
		dpkg-deb --fsys-tarfile $$deb | tar -x -C $(TS_LINUX_NIC_ROOT)/lib/modules \
			--wildcards --transform='s|.*/||' \
			$(TS_LINUX_MODULES:%="./lib/modules/*/kernel/%.ko") || exit 1; \
		[ $$(ls $(TS_LINUX_NIC_ROOT)/lib/modules | wc -l) = $(words $(TS_LINUX_MODULES)) ] || exit 1; \
	fi
	pvops-guest/mkinitrd $(TS_LINUX_NIC_ROOT) $@
TEST_HVM_LINUX_ROOT := $(TS_TEST_BIN)/hvm-linux-root
$(TEST_HVM_LINUX_ROOT)/.stamp: $(TEST_HVM_ROOT)/.stamp $(TS_LINUX_REF)/fetched $(TS_LINUX_NIC_INITRD)
	rm -rf $(TEST_HVM_LINUX_ROOT)
	cp -a $(TEST_HVM_ROOT) $(TEST_HVM_LINUX_ROOT)
	rm $(TEST_HVM_LINUX_ROOT)/.stamp
	cp $(TS_LINUX_NIC_INITRD) $(TEST_HVM_LINUX_ROOT)/boot/linux-initrd.cpio.gz
	if [ -e $(TS_LINUX_REF)/vmlinuz ]; then \
		cp $(TS_LINUX_REF)/vmlinuz $(TEST_HVM_LINUX_ROOT)/boot/vmlinuz; fi
	touch $@
$(TS_TEST_BIN)/test_hvm_domains: $(TS_TEST_OBJ)/test_hvm_domains.o \
		| $(HV_ELF) $(GUEST_ELF) $(TEST_HVM_ROOT)/.stamp $(TEST_HVM_LINUX_ROOT)/.stamp
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) -lxxhash $(CHECK_LIBS) -o $@
# Scenario: the PV network path, domUs bridged by heron-netback.
SCENARIO_TESTS += $(TS_TEST_BIN)/test_net
$(TS_TEST_BIN)/test_net: $(TS_TEST_OBJ)/test_net.o $(TS_TEST_OBJ)/dom0_script.o | $(HV_ELF) $(GUEST_ELF) \
		$(TEST_DOM0_ROOT)/.stamp

# libFuzzer target for the config parser (clang): `make fuzz-toolstack-cfg`,
# then build/fuzz/fuzz_cfg -max_total_time=60.
TS_FUZZ := $(BUILD)/fuzz/fuzz_cfg
ALL_TARGETS += $(TS_FUZZ)
.PHONY: fuzz-toolstack-cfg
fuzz-toolstack-cfg: $(TS_FUZZ)
$(TS_FUZZ): tests/toolstack/fuzz_cfg.c $(TS_CFG_SRCS) $(wildcard $(TS)/cfg/*.h)
	@mkdir -p $(@D)
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE $(TS_INC) \
		-fsanitize=fuzzer,address,undefined tests/toolstack/fuzz_cfg.c \
		$(TS_CFG_SRCS) -o $@

# ---- dom0 programs: static musl binaries ----
# Xen's ABI from hv/include/public, Linux's uapi (<xen/privcmd.h> and what
# it includes) from linux-libc-dev through a directory of links, as
# musl-gcc sees no /usr/include.  privcmd.h includes the kernel-internal
# <xen/interface/xen.h>; a one-line stand-in gives it our ABI header.
TS_MUSL_CC   := musl-gcc
TS_MUSL_FLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Ihv/include \
                 $(TS_INC) -isystem $(TS_UAPI)
HERON_BIN    := $(BUILD)/dom0/bin/heron
CONSOLED_BIN := $(BUILD)/dom0/bin/heron-consoled
BLKBACK_BIN  := $(BUILD)/dom0/bin/heron-blkback
NETBACK_BIN  := $(BUILD)/dom0/bin/heron-netback
DM_BIN       := $(BUILD)/dom0/bin/heron-dm
ALL_TARGETS  += $(HERON_BIN) $(CONSOLED_BIN) $(BLKBACK_BIN) $(NETBACK_BIN) $(DM_BIN)

$(TS_UAPI)/xen/interface/xen.h:
	@mkdir -p $(TS_UAPI)
	ln -sfn /usr/include/linux $(TS_UAPI)/linux
	ln -sfn /usr/include/asm-generic $(TS_UAPI)/asm-generic
	ln -sfn /usr/include/$(shell $(CC) -dumpmachine)/asm $(TS_UAPI)/asm
	mkdir -p $(TS_UAPI)/xen/interface
	for h in privcmd evtchn gntdev gntalloc; do \
		ln -sfn /usr/include/xen/$$h.h $(TS_UAPI)/xen/$$h.h; done
	echo '#include <public/xen.h>' >$(TS_UAPI)/xen/interface/xen.h

# liblzma (liblzma-dev) decompresses bzImage payloads (builder/bzimage.c):
# its headers through the same directory of links, its static archive
# linked into dom0's musl heron (it needs only plain libc calls).
TS_LZMA_LIBS := -llzma
TS_LZMA_A    := /usr/lib/$(shell $(CC) -dumpmachine)/liblzma.a
$(TS_UAPI)/lzma.h:
	@mkdir -p $(TS_UAPI)
	ln -sfn /usr/include/lzma $(TS_UAPI)/lzma
	ln -sfn /usr/include/lzma.h $(TS_UAPI)/lzma.h
$(BUILD)/host/$(TS)/builder/bzimage.o $(TS_MUSL)/$(TS)/builder/bzimage.o: | $(TS_UAPI)/lzma.h

$(TS_MUSL)/%.o: %.c | $(TS_UAPI)/xen/interface/xen.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  MUSLCC  $@")
	$(Q)$(TS_MUSL_CC) $(TS_MUSL_FLAGS) -MMD -MP -c $< -o $@

TS_MUSL_OBJS = $(patsubst %.c,$(TS_MUSL)/%.o,$(1))

$(HERON_BIN): $(call TS_MUSL_OBJS,$(TS)/cli/main.c $(TS_CLI_SRCS) $(TS_CFG_SRCS) \
		$(TS_BUILDER_SRCS) $(TS_PRIVCMD_SRCS) $(TS_HV_SRCS) $(XS_LIB_SRC))
	@mkdir -p $(@D)
	$(TS_MUSL_CC) -static $^ $(TS_LZMA_A) -o $@

$(CONSOLED_BIN): $(call TS_MUSL_OBJS,$(TS)/consoled/main.c $(TS_CONSOLED_SRCS) \
		$(XS_LIB_SRC))
	@mkdir -p $(@D)
	$(TS_MUSL_CC) -static $^ -o $@

$(BLKBACK_BIN): $(call TS_MUSL_OBJS,$(TS)/blkback/main.c $(TS_BLKBACK_SRCS) $(TS_BACKEND_SRCS) \
		$(XS_LIB_SRC))
	@mkdir -p $(@D)
	$(TS_MUSL_CC) -static $^ -o $@

$(NETBACK_BIN): $(call TS_MUSL_OBJS,$(TS)/netback/main.c $(TS_NETBACK_SRCS) $(TS_BACKEND_SRCS) \
		$(XS_LIB_SRC))
	@mkdir -p $(@D)
	$(TS_MUSL_CC) -static $^ -o $@

$(DM_BIN): $(call TS_MUSL_OBJS,$(TS_DM_SRCS))
	@mkdir -p $(@D)
	$(TS_MUSL_CC) -static $^ -o $@

# ---- dom0 ----
# dom0's root filesystem: busybox, /init, example configs, the toolstack
# programs, heron-xs, and heron-xenstored once its dom0 build (musl,
# static) exists: a prerequisite when some fragment builds it, copied if
# present either way.
DOM0_XENSTORED ?= $(BUILD)/musl/bin/heron-xenstored
DOM0_XSD_DEP   := $(sort $(filter $(ALL_TARGETS),$(DOM0_XENSTORED)) \
                         $(wildcard $(DOM0_XENSTORED)))
ALL_TARGETS += $(DOM0_INITRD)

DOMU_INITRD := $(BUILD)/dom0/domu-initrd.cpio.gz

# The example domUs' root: busybox and an /init that greets and offers a
# shell on the console.
$(DOMU_INITRD): toolstack/dom0/domu-init.sh pvops-guest/mkinitrd
	rm -rf $(BUILD)/dom0/domu-root
	mkdir -p $(BUILD)/dom0/domu-root
	install -m 755 toolstack/dom0/domu-init.sh $(BUILD)/dom0/domu-root/init
	pvops-guest/mkinitrd $(BUILD)/dom0/domu-root $@

$(DOM0_INITRD): toolstack/dom0/init.sh $(wildcard toolstack/dom0/etc/heron/*.cfg) \
		pvops-guest/mkinitrd $(HERON_BIN) $(CONSOLED_BIN) $(BLKBACK_BIN) $(NETBACK_BIN) \
		$(DM_BIN) \
		$(XS_MUSL_TOOL) \
		$(GUEST_ELF) \
		$(DOMU_INITRD) $(DOM0_XSD_DEP)
	rm -rf $(BUILD)/dom0/root
	mkdir -p $(BUILD)/dom0/root/etc/heron $(BUILD)/dom0/root/bin $(BUILD)/dom0/root/boot
	install -m 755 toolstack/dom0/init.sh $(BUILD)/dom0/root/init
	cp toolstack/dom0/etc/heron/*.cfg $(BUILD)/dom0/root/etc/heron/
	install -m 755 $(HERON_BIN) $(CONSOLED_BIN) $(BLKBACK_BIN) $(NETBACK_BIN) $(DM_BIN) \
		$(XS_MUSL_TOOL) $(BUILD)/dom0/root/bin/
	cp $(GUEST_ELF) $(BUILD)/dom0/root/boot/pvops-guest.elf
	cp $(DOMU_INITRD) $(BUILD)/dom0/root/boot/domu-initrd.cpio.gz
	if [ -f $(DOM0_XENSTORED) ]; then \
		install -m 755 $(DOM0_XENSTORED) $(BUILD)/dom0/root/bin/; fi
	pvops-guest/mkinitrd $(BUILD)/dom0/root $@

# make run: hv with pvops-guest as dom0 and its shell on this terminal
# (Ctrl-A X quits QEMU; `exit` in the shell powers off).
# make run SCRIPT=FILE: runs FILE in dom0's shell instead, prints its
# output and exits with its status (toolstack/dom0/run-script).
# Overrides:
#   MODULES="file args,file2"  multiboot modules (QEMU -initrd syntax)
#   HV_CMDLINE="..."           hv command line (e.g. domu=2:32M ...); by
#                              default dom0 gets 128 MiB (dom0_mem=, as on a
#                              Xen host), leaving the rest for domUs
#   QEMU_CPU, QEMU_MEM (MiB), QEMU_EXTRA, RUN_TIMEOUT (s, SCRIPT only)
QEMU        ?= qemu-system-x86_64
QEMU_CPU    ?= max
QEMU_MEM    ?= 512
MODULES     ?= $(GUEST_ELF),$(DOM0_INITRD)
HV_CMDLINE  ?= dom0_mem=128M
QEMU_EXTRA  ?=
RUN_TIMEOUT ?= 600
RUN_LOG     ?= $(BUILD)/run/console.log

run:
	@.ci/deps
	@$(MAKE) --no-print-directory $(HV_ELF) $(GUEST_ELF) $(DOM0_INITRD)
ifeq ($(SCRIPT),)
	$(QEMU) -accel tcg -cpu $(QEMU_CPU) -m $(QEMU_MEM) -nographic -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel $(HV_ELF) -append "$(HV_CMDLINE)" \
		$(if $(MODULES),-initrd "$(MODULES)") $(QEMU_EXTRA)
else
	@HV_CMDLINE="$(HV_CMDLINE)" toolstack/dom0/run-script "$(SCRIPT)" $(BUILD)/dom0/root $(HV_ELF) $(GUEST_ELF) \
		$(RUN_LOG) $(RUN_TIMEOUT) $(QEMU) -cpu $(QEMU_CPU) -m $(QEMU_MEM) \
		$(QEMU_EXTRA)
endif

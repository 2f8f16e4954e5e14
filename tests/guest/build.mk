# Guest test programs, the test initrd, unit tests of the guest kernel's
# pure modules, and the QEMU scenario test (included from pvops-guest/build.mk).

GT_DIR      := tests/guest
GT_OUT      := $(BUILD)/guest
GT_BIN      := $(BUILD)/tests/guest
GT_PROGS    := abi_test segv unix_test xendev_test disk_test inet_test
GT_MUSL     := $(addprefix $(GT_OUT)/musl/,$(GT_PROGS))
GUEST_INITRD := $(GT_OUT)/initrd.cpio.gz
# dom0's xenstore daemon and client, static musl (xenstore-like/build.mk).
GT_DOM0_BIN := $(BUILD)/musl/bin/heron-xenstored $(BUILD)/musl/bin/heron-xs
MUSLCC      ?= musl-gcc

ALL_TARGETS += $(GUEST_INITRD)

$(GT_OUT)/musl/%: $(GT_DIR)/progs/%.c
	@mkdir -p $(@D)
	$(MUSLCC) -static -O2 -Wall -Wextra -Werror $(GT_PROG_CFLAGS) $< -o $@

# The Xen device test uses Linux's <xen/*.h> ioctl headers and our Xen ABI.
$(GT_OUT)/musl/xendev_test: GT_PROG_CFLAGS = -isystem $(GUEST_UAPI) -Ihv/include
$(GT_OUT)/musl/xendev_test: | $(GUEST_UAPI)/linux $(GUEST_UAPI)/xen/interface/xen.h

# The disk test digests with libxxhash's header-only form (XXH_INLINE_ALL);
# musl-gcc does not search /usr/include, so the header alone is linked in.
$(GT_OUT)/musl/disk_test: GT_PROG_CFLAGS = -isystem $(GT_OUT)/xxhash -isystem $(GUEST_UAPI)
$(GT_OUT)/musl/disk_test: $(GT_DIR)/progs/disk_pattern.h | $(GT_OUT)/xxhash/xxhash.h $(GUEST_UAPI)/linux
$(GT_OUT)/xxhash/xxhash.h:
	@mkdir -p $(@D)
	ln -sfn /usr/include/xxhash.h $@

$(GT_OUT)/host/abi_test: $(GT_DIR)/progs/abi_test.c
	@mkdir -p $(@D)
	$(HOSTCC) -O2 -Wall -Wextra -Werror $< -o $@

# The initrd: busybox-static with a link per applet, the musl test programs,
# dom0's xenstore binaries, /init and the test scripts, as a gzip-compressed
# newc cpio archive.
$(GUEST_INITRD): $(GT_MUSL) $(GT_DOM0_BIN) $(GT_DIR)/init.sh $(wildcard $(GT_DIR)/scripts/*.sh) \
		pvops-guest/mkinitrd
	rm -rf $(GT_OUT)/root
	mkdir -p $(GT_OUT)/root/bin $(GT_OUT)/root/tests
	cp $(GT_MUSL) $(GT_DOM0_BIN) $(GT_OUT)/root/bin/
	install -m 755 $(GT_DIR)/init.sh $(GT_OUT)/root/init
	cp $(GT_DIR)/scripts/*.sh $(GT_OUT)/root/tests/
	pvops-guest/mkinitrd $(GT_OUT)/root $@

# Host unit tests: the kernel's pure modules, compiled from the same sources.
GUEST_UNIT_CFLAGS := -I$(GUEST_DIR)/include -I$(GUEST_DIR)/arch/x86/pv
$(BUILD)/host/$(GUEST_DIR)/%.o: EXTRA_CFLAGS = $(GUEST_UNIT_CFLAGS)
$(BUILD)/host/$(GT_DIR)/%.o: EXTRA_CFLAGS = $(GUEST_UNIT_CFLAGS)

GUEST_UNIT := cpio inflate elf path ldisc vma pv_batch pv_boot pv_frame pv_mmu blk inet ata
UNIT_TESTS += $(addprefix $(GT_BIN)/test_,$(GUEST_UNIT))

GUEST_HOST_OBJ = $(patsubst %,$(BUILD)/host/$(GUEST_DIR)/%.o,$(1)) $(BUILD)/host/$(GT_DIR)/unit/support.o
PV := arch/x86/pv

$(GT_BIN)/test_cpio: $(BUILD)/host/$(GT_DIR)/unit/test_cpio.o $(call GUEST_HOST_OBJ,fs/cpio)
$(GT_BIN)/test_inflate: $(BUILD)/host/$(GT_DIR)/unit/test_inflate.o $(call GUEST_HOST_OBJ,fs/inflate)
$(GT_BIN)/test_elf: $(BUILD)/host/$(GT_DIR)/unit/test_elf.o $(call GUEST_HOST_OBJ,kernel/elf)
$(GT_BIN)/test_path: $(BUILD)/host/$(GT_DIR)/unit/test_path.o $(call GUEST_HOST_OBJ,fs/path fs/ramfs fs/ramfs_ops)
$(GT_BIN)/test_ldisc: $(BUILD)/host/$(GT_DIR)/unit/test_ldisc.o $(call GUEST_HOST_OBJ,fs/ldisc)
$(GT_BIN)/test_vma: $(BUILD)/host/$(GT_DIR)/unit/test_vma.o $(call GUEST_HOST_OBJ,mm/vma)
$(GT_BIN)/test_pv_batch: $(BUILD)/host/$(GT_DIR)/unit/test_pv_batch.o $(call GUEST_HOST_OBJ,$(PV)/batch)
$(GT_BIN)/test_pv_boot: $(BUILD)/host/$(GT_DIR)/unit/test_pv_boot.o $(call GUEST_HOST_OBJ,$(PV)/boot_info)
$(GT_BIN)/test_pv_frame: $(BUILD)/host/$(GT_DIR)/unit/test_pv_frame.o $(call GUEST_HOST_OBJ,$(PV)/frame)
$(GT_BIN)/test_blk: $(BUILD)/host/$(GT_DIR)/unit/test_blk.o \
		$(call GUEST_HOST_OBJ,drivers/block/blk_core drivers/block/mbr)
# The IDE driver against a simulated PIIX3 IDE function (tests/guest/unit/test_ata.c).
$(GT_BIN)/test_ata: $(BUILD)/host/$(GT_DIR)/unit/test_ata.o \
		$(call GUEST_HOST_OBJ,drivers/block/ata drivers/block/ata_bmdma drivers/pci)
# The IPv4 stack's pure parts and its receive path, with a capturing device.
GUEST_INET_OBJS := $(addprefix net/,pkt netdev eth arp arp_cache route ipv4 ipv4_hdr inet_csum \
		icmp udp raw inet_io)
$(GT_BIN)/test_inet: $(BUILD)/host/$(GT_DIR)/unit/test_inet.o $(call GUEST_HOST_OBJ,$(GUEST_INET_OBJS))
# The PV MMU with the real generic page-table code and frame allocator,
# on a simulated machine (tests/guest/unit/fake_xen.c).
$(GT_BIN)/test_pv_mmu: $(BUILD)/host/$(GT_DIR)/unit/test_pv_mmu.o \
		$(BUILD)/host/$(GT_DIR)/unit/fake_xen.o \
		$(call GUEST_HOST_OBJ,$(PV)/mmu $(PV)/batch mm/pgtable mm/frame)

$(GT_BIN)/test_%:
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@

# Scenario tests with the test initrd: the kernel natively in QEMU and as
# dom0 of hv (make test), and as dom0 of real Xen 4.17 (make test-guest-xen,
# see tests/build.mk).
GT_SCENARIO := $(BUILD)/host/$(GT_DIR)/scenario.o
SCENARIO_TESTS += $(GT_BIN)/test_guest_native $(GT_BIN)/test_guest_hv
ALL_TARGETS += $(GT_BIN)/test_guest_xen

$(GT_BIN)/test_guest_native: $(BUILD)/host/$(GT_DIR)/test_guest_native.o $(GT_SCENARIO) \
		$(GUEST_ELF) $(GUEST_INITRD) $(GT_OUT)/host/abi_test
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

$(GT_BIN)/test_guest_hv: $(BUILD)/host/$(GT_DIR)/test_guest_hv.o $(GT_SCENARIO) \
		$(HV_ELF) $(GUEST_ELF) $(GUEST_INITRD) $(GT_OUT)/host/abi_test
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

# Disks: natively and as dom0 of hv, images checked on the host (libxxhash).
SCENARIO_TESTS += $(GT_BIN)/test_guest_disk
$(BUILD)/host/$(GT_DIR)/test_guest_disk.o: $(GT_DIR)/progs/disk_pattern.h
$(GT_BIN)/test_guest_disk: $(BUILD)/host/$(GT_DIR)/test_guest_disk.o $(GT_SCENARIO) \
		$(HV_ELF) $(GUEST_ELF) $(GUEST_INITRD)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -lxxhash -o $@

$(GT_BIN)/test_guest_xen: $(BUILD)/host/$(GT_DIR)/test_guest_xen.o $(GT_SCENARIO) \
		$(GUEST_ELF) $(GUEST_INITRD) $(GT_OUT)/host/abi_test
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

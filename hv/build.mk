# hv build fragment (see GNUmakefile).
#
# hv is linked at 0xffff82d080200000, outside the top 2 GiB that
# -mcmodel=kernel needs, so it is compiled position-independent (-fpie)
# with hidden visibility: every code and data reference is RIP-relative
# and resolved at link time (-no-pie, no GOT, no run-time relocations; the
# linker script asserts that).  Only head.S runs below the high mapping,
# and it uses explicit physical addresses.
#
# Symbols: hv carries its own symbol table for fault reports.  Pass 1 links
# with an empty table; mksymbols.sh turns pass 1's text symbols into the
# table linked into pass 2 (text precedes the table, so its addresses do
# not move); the final image is checked against the table it contains.

HV_ELF    := $(BUILD)/hv.elf
HV_GEN    := $(BUILD)/hv
HV_SRCS   := $(wildcard hv/arch/x86/boot/*.S hv/arch/x86/*.S \
                        hv/arch/x86/*.c hv/arch/x86/*/*.c hv/common/*.c \
                        hv/arch/x86/hvm/*/*.c hv/arch/x86/hvm/*/*.S)
HV_OBJS   := $(patsubst %,$(BUILD)/kernel/%.o,$(basename $(HV_SRCS)))
HV_CFLAGS := -fpie -fvisibility=hidden -include hv/include/hv/visibility.h

ALL_TARGETS += $(HV_ELF)

$(BUILD)/kernel/hv/%.o: EXTRA_CFLAGS = $(HV_CFLAGS)

$(HV_GEN)/hv.lds: hv/hv.lds hv/include/hv/layout.h
	@mkdir -p $(@D)
	$(CC) -E -P -x c -Ihv/include $< -o $@

$(HV_GEN)/symbols-empty.S: hv/common/mksymbols.sh
	@mkdir -p $(@D)
	hv/common/mksymbols.sh > $@

$(HV_GEN)/hv-pass1.elf: $(HV_OBJS) $(HV_GEN)/symbols-empty.o $(HV_GEN)/hv.lds
	$(LD) $(KERNEL_LDFLAGS) -T $(HV_GEN)/hv.lds -o $@ $(HV_OBJS) $(HV_GEN)/symbols-empty.o

$(HV_GEN)/symbols.S: $(HV_GEN)/hv-pass1.elf hv/common/mksymbols.sh
	hv/common/mksymbols.sh $< > $@

$(HV_GEN)/%.o: $(HV_GEN)/%.S
	$(CC) $(KERNEL_CFLAGS) $(KERNEL_ASFLAGS) -c $< -o $@

$(HV_ELF): $(HV_OBJS) $(HV_GEN)/symbols.o $(HV_GEN)/hv.lds
	$(LD) $(KERNEL_LDFLAGS) -T $(HV_GEN)/hv.lds -o $@.tmp $(HV_OBJS) $(HV_GEN)/symbols.o
	hv/common/mksymbols.sh $@.tmp | cmp -s - $(HV_GEN)/symbols.S || \
		{ echo "hv: symbol table does not match the final link" >&2; exit 1; }
	mv $@.tmp $@

# Host unit tests of hv logic that does not need the hardware.
UNIT_TESTS += $(BUILD)/tests/unit/test_hv_lib
$(BUILD)/host/hv/common/vsnprintf.o: EXTRA_CFLAGS = -Dvsnprintf=hv_vsnprintf -Dsnprintf=hv_snprintf
$(BUILD)/host/hv/common/lib.o: EXTRA_CFLAGS = -Dmemcpy=hv_memcpy -Dmemmove=hv_memmove \
	-Dmemset=hv_memset -Dmemcmp=hv_memcmp -Dstrlen=hv_strlen -Dstrnlen=hv_strnlen \
	-Dstrcmp=hv_strcmp -Dstrncmp=hv_strncmp -Dstrchr=hv_strchr -Dstrlcpy=hv_strlcpy
$(BUILD)/tests/unit/test_hv_lib: $(BUILD)/host/tests/unit/test_hv_lib.o \
		$(BUILD)/host/hv/common/vsnprintf.o $(BUILD)/host/hv/common/cmdline.o \
		$(BUILD)/host/hv/common/time_scale.o $(BUILD)/host/hv/common/lib.o
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@

# The image as a multiboot loader sees it.
UNIT_TESTS += $(BUILD)/tests/unit/test_hv_image
$(BUILD)/host/tests/unit/test_hv_image.o: EXTRA_CFLAGS = -DHERON_BUILD_DIR='"$(abspath $(BUILD))"'
$(BUILD)/tests/unit/test_hv_image: $(BUILD)/host/tests/unit/test_hv_image.o | $(HV_ELF)
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@

# QEMU scenario tests and their harness.
SCENARIO_BIN := $(BUILD)/tests/scenario
HARNESS_OBJS := $(BUILD)/host/tests/harness/qemu.o
$(BUILD)/host/tests/scenario/%.o: EXTRA_CFLAGS = -Itests/harness -DHERON_BUILD_DIR='"$(abspath $(BUILD))"'
$(BUILD)/host/tests/harness/%.o: EXTRA_CFLAGS = -Itests/harness -DHERON_BUILD_DIR='"$(abspath $(BUILD))"'

# Two small dummy multiboot modules with known sizes.
$(SCENARIO_BIN)/mod1.bin:
	@mkdir -p $(@D)
	yes heron-module-one | head -c 5000 > $@
$(SCENARIO_BIN)/mod2.bin:
	@mkdir -p $(@D)
	yes heron-module-two | head -c 12345 > $@

SCENARIO_TESTS += $(SCENARIO_BIN)/test_hv_boot
$(SCENARIO_BIN)/test_hv_boot: $(BUILD)/host/tests/scenario/test_hv_boot.o $(HARNESS_OBJS) \
		| $(HV_ELF) $(SCENARIO_BIN)/mod1.bin $(SCENARIO_BIN)/mod2.bin
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

# ---- hv mm: host unit tests (owner: hv-mm) ---------------------------------
# hv/arch/x86/mm/*.c is compiled for the host with -DHV_HOSTED and linked
# with the simulated machine in tests/unit/mm/ into one Check binary.
MM_HOSTED_SRCS := $(wildcard hv/arch/x86/mm/*.c) $(wildcard tests/unit/mm/*.c)
MM_HOSTED_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(MM_HOSTED_SRCS))
$(MM_HOSTED_OBJS): EXTRA_CFLAGS = -DHV_HOSTED -Itests/unit/mm

UNIT_TESTS += $(BUILD)/tests/unit/test_mm
$(BUILD)/tests/unit/test_mm: $(MM_HOSTED_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@
# ---- end hv mm -------------------------------------------------------------

# ---- hv grant tables: host unit tests (owner: hv-evgnt) --------------------
# The common grant code is compiled for the host like the mm code.  test_mm
# links it too: the PV MMU tells it about grant PTEs (mm/grant_pv.c).
GNT_HOSTED_SRCS := $(wildcard hv/common/grant_table*.c)
GNT_HOSTED_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(GNT_HOSTED_SRCS))
GNT_TEST_SRCS   := $(wildcard tests/unit/gnttab/*.c)
GNT_TEST_OBJS   := $(patsubst %.c,$(BUILD)/host/%.o,$(GNT_TEST_SRCS))
$(GNT_HOSTED_OBJS): EXTRA_CFLAGS = -DHV_HOSTED
$(GNT_TEST_OBJS): EXTRA_CFLAGS = -DHV_HOSTED -Itests/unit/mm -Ihv/common \
		-Ihv/arch/x86/mm

$(BUILD)/tests/unit/test_mm: $(GNT_HOSTED_OBJS)

UNIT_TESTS += $(BUILD)/tests/unit/test_gnttab
$(BUILD)/tests/unit/test_gnttab: $(GNT_TEST_OBJS) $(GNT_HOSTED_OBJS) \
		$(filter-out $(BUILD)/host/tests/unit/mm/test_%.o,$(MM_HOSTED_OBJS))
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@
# ---- end hv grant tables ---------------------------------------------------

# ---- hv PV: host unit tests (owner: hv-pv) ----------------------------------
# Pure PV logic built for the host: the ELF/Xen-notes loader, and the
# 2-level event-channel bitmaps.
UNIT_TESTS += $(BUILD)/tests/unit/test_pv_elf
$(BUILD)/host/tests/unit/pv/%.o: EXTRA_CFLAGS = -DHERON_BUILD_DIR='"$(abspath $(BUILD))"'
$(BUILD)/tests/unit/test_pv_elf: $(BUILD)/host/tests/unit/pv/test_elf_loader.o \
		$(BUILD)/host/hv/common/elf_loader.o | $(BUILD)/tests/guests/test_basics.elf
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

UNIT_TESTS += $(BUILD)/tests/unit/test_pv_logic
$(BUILD)/tests/unit/test_pv_logic: $(BUILD)/host/tests/unit/pv/test_pv_logic.o \
		$(BUILD)/host/hv/common/event_2l.o $(BUILD)/host/hv/arch/x86/pv/layout.o
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@
# ---- end hv PV ---------------------------------------------------------------

# ---- hv PV: QEMU scenario tests (owner: hv-pv) -------------------------------
# Boot-time PV domains running the guests of tests/guests (see docs/pv.md).
PV_SCENARIOS := test_pv_domains test_pv_sched test_pv_guests test_pv_interdomain test_pv_smp
PV_GUEST_ELFS := $(patsubst tests/guests/%.c,$(BUILD)/tests/guests/%.elf,\
                   $(wildcard tests/guests/*.c))
SCENARIO_TESTS += $(patsubst %,$(SCENARIO_BIN)/%,$(PV_SCENARIOS))
$(patsubst %,$(SCENARIO_BIN)/%,$(PV_SCENARIOS)): $(SCENARIO_BIN)/%: \
		$(BUILD)/host/tests/scenario/%.o $(HARNESS_OBJS) \
		| $(HV_ELF) $(PV_GUEST_ELFS) $(SCENARIO_BIN)/mod1.bin
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@
# ---- end hv PV scenario tests -------------------------------------------------

# ---- hv booted by GRUB 2 (multiboot2) from a BIOS CD --------------------------
# tests/harness/grub-iso builds the ISO (reusable: hv, modules, command
# lines); test_hv_grub boots it with QEMU -cdrom.
GRUB_ISO       := $(SCENARIO_BIN)/hv-grub.iso
GRUB_ISO_DOM0  := $(BUILD)/tests/guests/test_pv_dom0.elf
GRUB_ISO_DOMU  := $(BUILD)/tests/guests/test_busy.elf
$(GRUB_ISO): tests/harness/grub-iso hv/build.mk $(HV_ELF) $(GRUB_ISO_DOM0) $(GRUB_ISO_DOMU)
	@mkdir -p $(@D)
	tests/harness/grub-iso $@ $(HV_ELF) "dom0_mem=16M domu=1:16M" \
		$(GRUB_ISO_DOM0) "domus=1" $(GRUB_ISO_DOMU) "seconds=1 id=grub"

SCENARIO_TESTS += $(SCENARIO_BIN)/test_hv_grub
$(SCENARIO_BIN)/test_hv_grub: $(BUILD)/host/tests/scenario/test_hv_grub.o $(HARNESS_OBJS) \
		| $(GRUB_ISO)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@
# ---- end GRUB boot ------------------------------------------------------------

# ---- HVM (owner: hvm) --------------------------------------------------------
# The HVM test kernel: a 32-bit multiboot ELF (tests/hvm-guests/), built
# with its own flags (i386, freestanding).
HVMG_DIR    := tests/hvm-guests
HVMG_OUT    := $(BUILD)/tests/hvm-guests
HVMG_KERNEL := $(HVMG_OUT)/test_hvm.elf
HVMG_OBJS   := $(patsubst $(HVMG_DIR)/%,$(HVMG_OUT)/obj/%.o,\
                 $(basename $(wildcard $(HVMG_DIR)/*.c $(HVMG_DIR)/*.S)))
HVMG_CFLAGS := -m32 -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
               -fno-builtin -fno-stack-protector -fno-pic -fno-pie -mno-sse \
               -mno-mmx -fno-asynchronous-unwind-tables -nostdinc -Ihv/include \
               -isystem $(shell $(CC) -print-file-name=include)

ALL_TARGETS += $(HVMG_KERNEL)

$(HVMG_OUT)/obj/%.o: $(HVMG_DIR)/%.c $(HVMG_DIR)/hvmtest.h $(wildcard hv/include/public/*.h)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC32    $@")
	$(Q)$(CC) $(HVMG_CFLAGS) -c $< -o $@

$(HVMG_OUT)/obj/%.o: $(HVMG_DIR)/%.S
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS32    $@")
	$(Q)$(CC) $(HVMG_CFLAGS) -c $< -o $@

$(HVMG_KERNEL): $(HVMG_OBJS) $(HVMG_DIR)/test_hvm.lds
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) -m elf_i386 -nostdlib -static -z noexecstack --no-warn-rwx-segments \
		-T $(HVMG_DIR)/test_hvm.lds -o $@ $(HVMG_OBJS)

# Host unit tests of the HVM layer's pure logic: the decoder, the guest
# page-table walker, the device state machines, the builder's pieces.
HVM_PURE_SRCS := decode guest_walk vpic vpit vrtc vlapic vioapic vuart acpi_pm \
                 layout acpi_tables mb_image cpuid
HVM_PURE_OBJS := $(patsubst %,$(BUILD)/host/hv/arch/x86/hvm/%.o,$(HVM_PURE_SRCS))
HVM_UNIT_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(wildcard tests/unit/hvm/*.c))
$(HVM_PURE_OBJS): EXTRA_CFLAGS = -DHV_HOSTED
$(HVM_UNIT_OBJS): EXTRA_CFLAGS = -DHV_HOSTED -DHERON_BUILD_DIR='"$(abspath $(BUILD))"'

UNIT_TESTS += $(BUILD)/tests/unit/test_hvm
$(BUILD)/tests/unit/test_hvm: $(HVM_UNIT_OBJS) $(HVM_PURE_OBJS) \
		| $(BUILD)/pvops-guest.elf $(HVMG_KERNEL)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

# A device model for the ioreq test: a PV dom0 built like the PV test
# guests (their runtime in tests/guests/lib).
HVMDM_ELF      := $(HVMG_OUT)/test_hvm_dm.elf
HVMDM_LIB_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(basename \
                    $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S) \
                    hv/common/lib.c hv/common/vsnprintf.c))
ALL_TARGETS += $(HVMDM_ELF)
$(BUILD)/kernel/$(HVMG_DIR)/dm/%.o: EXTRA_CFLAGS = -mcmodel=kernel -fno-pie -fno-pic

$(HVMDM_ELF): $(BUILD)/kernel/$(HVMG_DIR)/dm/test_hvm_dm.o $(HVMDM_LIB_OBJS) \
		tests/guests/lib/guest.lds
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KERNEL_LDFLAGS) -T tests/guests/lib/guest.lds -o $@ $(filter %.o,$^)

# QEMU scenario tests of HVM domains (tests/scenario/test_hvm_*.c).
HVM_SCENARIOS := test_hvm_pvops test_hvm_devices test_hvm_sched test_hvm_refused \
                 test_hvm_ioreq
SCENARIO_TESTS += $(patsubst %,$(SCENARIO_BIN)/%,$(HVM_SCENARIOS))
$(patsubst %,$(SCENARIO_BIN)/%,$(HVM_SCENARIOS)): $(SCENARIO_BIN)/%: \
		$(BUILD)/host/tests/scenario/%.o $(HARNESS_OBJS) \
		| $(HV_ELF) $(PV_GUEST_ELFS) $(HVMG_KERNEL) $(HVMDM_ELF) $(BUILD)/pvops-guest.elf \
		  $(BUILD)/guest/initrd.cpio.gz $(BUILD)/guest/host/abi_test \
		  $(SCENARIO_BIN)/mod1.bin
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@
# ---- end HVM ----------------------------------------------------------------

# ---- HVM on Intel VMX, under Bochs (owner: vmx) ------------------------------
# QEMU's TCG has no VT-x: test_hvm_vmx boots GRUB ISOs (tests/harness/grub-iso)
# in Bochs (tests/harness/bochs-run) with a VMX CPU model.  Five boots in
# about a minute, so it is part of `make test`; `make test-vmx` runs it and
# the Linux boot below.
VMX_ISO_DOM0   := $(BUILD)/tests/guests/test_pv_dom0.elf
VMX_ISOS       := $(patsubst %,$(SCENARIO_BIN)/hvm-vmx-%.iso,devices pvops sched ioreq noept)

$(SCENARIO_BIN)/hvm-vmx-devices.iso: tests/harness/grub-iso hv/build.mk $(HV_ELF) \
		$(VMX_ISO_DOM0) $(HVMG_KERNEL)
	@mkdir -p $(@D)
	tests/harness/grub-iso $@ $(HV_ELF) "dom0_mem=16M hvm=1:16M" \
		$(VMX_ISO_DOM0) "domus=1" $(HVMG_KERNEL) "mode=devices"

$(SCENARIO_BIN)/hvm-vmx-pvops.iso: tests/harness/grub-iso hv/build.mk $(HV_ELF) \
		$(VMX_ISO_DOM0) $(BUILD)/pvops-guest.elf $(BUILD)/guest/initrd.cpio.gz
	@mkdir -p $(@D)
	tests/harness/grub-iso $@ $(HV_ELF) "dom0_mem=16M hvm=1:128M:initrd=2" \
		$(VMX_ISO_DOM0) "domus=1" $(BUILD)/pvops-guest.elf "shell abi" \
		$(BUILD)/guest/initrd.cpio.gz ""

$(SCENARIO_BIN)/hvm-vmx-sched.iso: tests/harness/grub-iso hv/build.mk $(HV_ELF) \
		$(VMX_ISO_DOM0) $(HVMG_KERNEL) $(BUILD)/tests/guests/test_busy.elf
	@mkdir -p $(@D)
	tests/harness/grub-iso $@ $(HV_ELF) \
		"dom0_mem=16M hvm=1:8M hvm=2:8M domu=3:8M hvm=4:8M" \
		$(VMX_ISO_DOM0) "domus=4" $(HVMG_KERNEL) "mode=triple" \
		$(HVMG_KERNEL) "mode=badmmio" $(BUILD)/tests/guests/test_busy.elf \
		"id=pv seconds=2" $(HVMG_KERNEL) "mode=busy id=hvm seconds=2"

$(SCENARIO_BIN)/hvm-vmx-ioreq.iso: tests/harness/grub-iso hv/build.mk $(HV_ELF) \
		$(HVMDM_ELF) $(HVMG_KERNEL)
	@mkdir -p $(@D)
	tests/harness/grub-iso $@ $(HV_ELF) "dom0_mem=16M hvm=1:16M" \
		$(HVMDM_ELF) "delay_ms=500" $(HVMG_KERNEL) "mode=ioreq"

# Booted on a Core 2 (VMX without EPT): the HVM domain is refused.
$(SCENARIO_BIN)/hvm-vmx-noept.iso: tests/harness/grub-iso hv/build.mk $(HV_ELF) \
		$(VMX_ISO_DOM0) $(HVMG_KERNEL) $(BUILD)/tests/guests/test_busy.elf
	@mkdir -p $(@D)
	tests/harness/grub-iso $@ $(HV_ELF) "dom0_mem=16M domu=1:16M hvm=2:16M" \
		$(VMX_ISO_DOM0) "domus=1" $(BUILD)/tests/guests/test_busy.elf \
		"seconds=1 id=noept" $(HVMG_KERNEL) "mode=devices"

SCENARIO_TESTS += $(SCENARIO_BIN)/test_hvm_vmx
$(SCENARIO_BIN)/test_hvm_vmx: $(BUILD)/host/tests/scenario/test_hvm_vmx.o \
		| $(VMX_ISOS) tests/harness/bochs-run
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

# Debian's kernel under VMX takes about two minutes: only `make test-vmx`
# runs it.  Without a fetched kernel (build/linux-ref/unavailable) there is
# no ISO and the test says why.
# (tests/build.mk, included later, makes the kernel and the initramfs.)
VMX_LINUX_REF    := $(BUILD)/linux-ref
VMX_LINUX_INITRD := $(BUILD)/tests/hvm-guests/linux/initrd.cpio.gz
$(SCENARIO_BIN)/hvm-vmx-linux.iso: tests/harness/grub-iso hv/build.mk $(HV_ELF) \
		$(VMX_ISO_DOM0) $(VMX_LINUX_REF)/fetched $(VMX_LINUX_INITRD)
	@mkdir -p $(@D)
	if [ -e $(VMX_LINUX_REF)/vmlinuz ]; then \
		tests/harness/grub-iso $@ $(HV_ELF) "dom0_mem=16M hvm=1:128M:initrd=2" \
			$(VMX_ISO_DOM0) "domus=1" $(VMX_LINUX_REF)/vmlinuz "console=ttyS0 quiet" \
			$(VMX_LINUX_INITRD) ""; fi

$(SCENARIO_BIN)/test_hvm_vmx_linux: $(BUILD)/host/tests/scenario/test_hvm_vmx_linux.o \
		| $(SCENARIO_BIN)/hvm-vmx-linux.iso tests/harness/bochs-run
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -o $@

.PHONY: test-vmx
test-vmx: deps
	@$(MAKE) --no-print-directory $(SCENARIO_BIN)/test_hvm_vmx $(SCENARIO_BIN)/test_hvm_vmx_linux
	@tests/run-suite scenario $(SCENARIO_BIN)/test_hvm_vmx $(SCENARIO_BIN)/test_hvm_vmx_linux
# ---- end HVM on VMX ---------------------------------------------------------

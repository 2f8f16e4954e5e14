# toolstack build fragment (see GNUmakefile): the heron toolstack (config
# parser, PV domain builder, heron CLI, heron-consoled), built for the
# host (unit tests) and as static musl binaries for dom0; dom0's initrd;
# make run [SCRIPT=FILE].

TS      := toolstack
TS_HOST := $(BUILD)/host/$(TS)
TS_MUSL := $(BUILD)/musl/$(TS)

# hv's pure code the builder reuses: the ELF/Xen-notes loader and the
# initial-mapping layout (compiled as they are; they need only hv's
# freestanding headers and libc's string and printf functions).
TS_HV_SRCS := hv/common/elf_loader.c hv/arch/x86/pv/layout.c

TS_CFG_SRCS     := $(TS)/cfg/cfg.c $(TS)/cfg/devspec.c $(TS)/cfg/domain_cfg.c
TS_BUILDER_SRCS := $(TS)/builder/pv_builder.c
TS_PRIVCMD_SRCS := $(TS)/builder/hvops_privcmd.c
TS_CLI_SRCS     := $(TS)/cli/args.c $(TS)/cli/xs_domain.c $(TS)/cli/create.c \
                   $(TS)/cli/commands.c $(TS)/cli/console.c
TS_CONSOLED_SRCS := $(TS)/consoled/ring.c

TS_CFLAGS := -I$(TS) -I$(TS)/cfg -I$(TS)/builder -I$(TS)/cli -I$(TS)/consoled \
             -Ixenstore-like/lib
$(TS_HOST)/%.o: EXTRA_CFLAGS = $(TS_CFLAGS)

TS_OBJS = $(patsubst %.c,$(BUILD)/host/%.o,$(1))

# ---- host unit tests (tests/toolstack) ----
TS_TEST_BIN := $(BUILD)/tests/toolstack
TS_UNIT     := test_cfg test_builder
UNIT_TESTS  += $(TS_UNIT:%=$(TS_TEST_BIN)/%)
$(BUILD)/host/tests/toolstack/%.o: EXTRA_CFLAGS = $(TS_CFLAGS) \
	-DHERON_BUILD_DIR='"$(abspath $(BUILD))"'

$(TS_TEST_BIN)/test_cfg: $(BUILD)/host/tests/toolstack/test_cfg.o \
		$(call TS_OBJS,$(TS_CFG_SRCS))
$(TS_TEST_BIN)/test_builder: $(BUILD)/host/tests/toolstack/test_builder.o \
		$(BUILD)/host/tests/toolstack/fake_hv.o \
		$(call TS_OBJS,$(TS_BUILDER_SRCS) $(TS_HV_SRCS)) \
		| $(GUEST_ELF) $(BUILD)/tests/guests/test_basics.elf

$(TS_TEST_BIN)/%:
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o %.a,$^) $(CHECK_LIBS) -o $@

# ---- dom0 ----
# dom0's root filesystem: busybox, /init, example configs, and the
# toolstack programs.  heron-xenstored joins it once its dom0 build
# (musl, static) exists.
DOM0_INITRD := $(BUILD)/dom0/initrd.cpio.gz
DOM0_XENSTORED := $(BUILD)/musl/bin/heron-xenstored
ALL_TARGETS += $(DOM0_INITRD)

$(DOM0_INITRD): toolstack/dom0/init.sh $(wildcard toolstack/dom0/etc/heron/*.cfg) \
		pvops-guest/mkinitrd
	rm -rf $(BUILD)/dom0/root
	mkdir -p $(BUILD)/dom0/root/etc/heron
	install -m 755 toolstack/dom0/init.sh $(BUILD)/dom0/root/init
	cp toolstack/dom0/etc/heron/*.cfg $(BUILD)/dom0/root/etc/heron/
	if [ -f $(DOM0_XENSTORED) ]; then \
		mkdir -p $(BUILD)/dom0/root/bin; \
		install -m 755 $(DOM0_XENSTORED) $(BUILD)/dom0/root/bin/; fi
	pvops-guest/mkinitrd $(BUILD)/dom0/root $@

# make run: hv with pvops-guest as dom0 and its shell on this terminal
# (Ctrl-A X quits QEMU; `exit` in the shell powers off).
# make run SCRIPT=FILE: runs FILE in dom0's shell instead, prints its
# output and exits with its status (toolstack/dom0/run-script).
# Overrides:
#   MODULES="file args,file2"  multiboot modules (QEMU -initrd syntax)
#   HV_CMDLINE="..."           hv command line (e.g. domu=2:32M ...)
#   QEMU_CPU, QEMU_MEM (MiB), QEMU_EXTRA, RUN_TIMEOUT (s, SCRIPT only)
QEMU        ?= qemu-system-x86_64
QEMU_CPU    ?= max
QEMU_MEM    ?= 512
MODULES     ?= $(GUEST_ELF),$(DOM0_INITRD)
HV_CMDLINE  ?=
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

# pvops-guest build fragment (see GNUmakefile): the guest kernel image, its
# initrd, host unit tests of the pure kernel modules, and QEMU scenario tests.

GUEST_DIR    := pvops-guest
GUEST_ELF    := $(BUILD)/pvops-guest.elf
GUEST_UAPI   := $(BUILD)/guest-uapi
GUEST_SRCS   := $(shell find $(GUEST_DIR) -name '*.c' -o -name '*.S' | sort)
# hv's freestanding string and formatting code serves the guest kernel too.
GUEST_OBJS   := $(patsubst %,$(BUILD)/kernel/%.o,$(basename $(GUEST_SRCS))) \
                $(BUILD)/kernel/hv/common/lib.o $(BUILD)/kernel/hv/common/vsnprintf.o
GUEST_CFLAGS := -mcmodel=kernel -fno-pie -fno-tree-loop-distribute-patterns \
                -I$(GUEST_DIR)/include -I$(GUEST_DIR)/arch/x86/native \
                -isystem $(GUEST_UAPI)

ALL_TARGETS += $(GUEST_ELF)

$(BUILD)/kernel/$(GUEST_DIR)/%.o: EXTRA_CFLAGS = $(GUEST_CFLAGS)
# The Xen devices drive the PV backend's hypercalls and event channels.
$(BUILD)/kernel/$(GUEST_DIR)/drivers/xen/%.o: EXTRA_CFLAGS = $(GUEST_CFLAGS) \
                -I$(GUEST_DIR)/arch/x86/pv
$(GUEST_OBJS): | $(GUEST_UAPI)/linux $(GUEST_UAPI)/xen/interface/xen.h

# The Linux UAPI headers (linux-libc-dev) without the rest of /usr/include.
$(GUEST_UAPI)/linux:
	@mkdir -p $(GUEST_UAPI)
	ln -sfn /usr/include/linux $(GUEST_UAPI)/linux
	ln -sfn /usr/include/asm-generic $(GUEST_UAPI)/asm-generic
	ln -sfn /usr/include/$(shell $(CC) -dumpmachine)/asm $(GUEST_UAPI)/asm

# Linux's Xen device headers; <xen/privcmd.h> includes the kernel's Xen
# interface header for domid_t and xen_pfn_t, which is ours (hv/include/public).
$(GUEST_UAPI)/xen/interface/xen.h:
	@mkdir -p $(@D)
	for h in privcmd evtchn gntdev; do ln -sfn /usr/include/xen/$$h.h $(GUEST_UAPI)/xen/$$h.h; done
	echo '#include <public/xen.h>' > $@

$(GUEST_ELF): $(GUEST_OBJS) $(GUEST_DIR)/arch/x86/guest.lds
	$(LD) -T $(GUEST_DIR)/arch/x86/guest.lds -nostdlib -static -z max-page-size=0x1000 \
		-z noexecstack --no-warn-rwx-segments $(GUEST_OBJS) -o $@

include tests/guest/build.mk

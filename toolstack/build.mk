# toolstack build fragment (see GNUmakefile): dom0's userland.

# dom0's root filesystem: busybox and /init.  The control plane (xenstored,
# the heron CLI, configs) joins it as it lands.
DOM0_INITRD := $(BUILD)/dom0/initrd.cpio.gz
ALL_TARGETS += $(DOM0_INITRD)

$(DOM0_INITRD): toolstack/dom0/init.sh pvops-guest/mkinitrd
	rm -rf $(BUILD)/dom0/root
	mkdir -p $(BUILD)/dom0/root
	install -m 755 toolstack/dom0/init.sh $(BUILD)/dom0/root/init
	pvops-guest/mkinitrd $(BUILD)/dom0/root $@

# make run: hv with pvops-guest as dom0 and its shell on this terminal
# (Ctrl-A X quits QEMU; `exit` in the shell powers off).  Overrides:
#   MODULES="file args,file2"  multiboot modules (QEMU -initrd syntax)
#   HV_CMDLINE="..."           hv command line (e.g. domu=2:32M ...)
#   QEMU_CPU, QEMU_MEM (MiB), QEMU_EXTRA
QEMU       ?= qemu-system-x86_64
QEMU_CPU   ?= max
QEMU_MEM   ?= 512
MODULES    ?= $(GUEST_ELF),$(DOM0_INITRD)
HV_CMDLINE ?=
QEMU_EXTRA ?=

run:
	@.ci/deps
	@$(MAKE) --no-print-directory $(HV_ELF) $(GUEST_ELF) $(DOM0_INITRD)
	$(QEMU) -accel tcg -cpu $(QEMU_CPU) -m $(QEMU_MEM) -nographic -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel $(HV_ELF) -append "$(HV_CMDLINE)" \
		$(if $(MODULES),-initrd "$(MODULES)") $(QEMU_EXTRA)

# Debian's stock kernel as a PV domU created by heron (issue 9):
# tests/linux-pv/test_linux_pv.c runs tests/linux-pv/linux_pv.sh in dom0
# (make run SCRIPT=...'s machinery) with the test dom0 root plus the
# fetched bzImage ($(LINUX_REF), tests/build.mk) and a busybox initramfs
# whose /init is tests/linux-pv/init, with net-probe (static, musl) for
# its UDP traffic.
LPV_BIN       := $(BUILD)/tests/linux-pv
LPV_INITRD    := $(LPV_BIN)/linux-initrd.cpio.gz
LPV_DOM0_ROOT := $(LPV_BIN)/dom0-root
SCENARIO_TESTS += $(LPV_BIN)/test_linux_pv

# Modules come from the fetched package: xen-blkfront and xen-netfront
# (neither depends on another module) for the block and network tests.
$(LPV_INITRD): tests/linux-pv/init tests/linux-pv/build.mk pvops-guest/mkinitrd $(NET_PROBE) \
		$(LINUX_REF)/fetched
	rm -rf $(LPV_BIN)/linux-root
	mkdir -p $(LPV_BIN)/linux-root/proc $(LPV_BIN)/linux-root/sys $(LPV_BIN)/linux-root/dev \
		$(LPV_BIN)/linux-root/lib/modules $(LPV_BIN)/linux-root/bin
	install -m 755 tests/linux-pv/init $(LPV_BIN)/linux-root/init
	install -m 755 $(NET_PROBE) $(LPV_BIN)/linux-root/bin/
	if deb=$$(ls $(LINUX_REF)/linux-image-*.deb 2>/dev/null | tail -1) && [ -n "$$deb" ]; then \
		dpkg-deb --fsys-tarfile $$deb | tar -x -O --wildcards \
			'./lib/modules/*/kernel/drivers/block/xen-blkfront.ko' \
			> $(LPV_BIN)/linux-root/lib/modules/xen-blkfront.ko && \
		dpkg-deb --fsys-tarfile $$deb | tar -x -O --wildcards \
			'./lib/modules/*/kernel/drivers/net/xen-netfront.ko' \
			> $(LPV_BIN)/linux-root/lib/modules/xen-netfront.ko; fi
	pvops-guest/mkinitrd $(LPV_BIN)/linux-root $@

# dom0's root plus xen-probe, the initramfs and the kernel, and the
# scenario tests' domU initramfs for the network peer.  Without a
# fetched kernel the root has none: the test fails naming why.
$(LPV_DOM0_ROOT)/.stamp: $(DOM0_INITRD) $(XEN_PROBE) $(LPV_INITRD) $(TEST_DOMU_INITRD) \
		$(LINUX_REF)/fetched tests/toolstack/testlib.sh
	rm -rf $(LPV_DOM0_ROOT)
	cp -a $(BUILD)/dom0/root $(LPV_DOM0_ROOT)
	install -m 755 $(XEN_PROBE) $(LPV_DOM0_ROOT)/bin/
	install -D -m 644 tests/toolstack/testlib.sh $(LPV_DOM0_ROOT)/etc/heron/testlib.sh
	cp $(LPV_INITRD) $(LPV_DOM0_ROOT)/boot/linux-initrd.cpio.gz
	cp $(TEST_DOMU_INITRD) $(LPV_DOM0_ROOT)/boot/test-domu-initrd.cpio.gz
	if [ -f $(LINUX_REF)/vmlinuz ]; then \
		cp $(LINUX_REF)/vmlinuz $(LPV_DOM0_ROOT)/boot/vmlinuz-$$(cat $(LINUX_REF)/version); \
		cp $(LINUX_REF)/version $(LPV_DOM0_ROOT)/boot/linux-version; fi
	touch $@

$(LPV_BIN)/test_linux_pv: $(BUILD)/host/tests/linux-pv/test_linux_pv.o \
		| $(HV_ELF) $(GUEST_ELF) $(LPV_DOM0_ROOT)/.stamp
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) -lxxhash $(CHECK_LIBS) -o $@

# Host unit test of the descriptor check set_gdt and update_descriptor use
# (segdesc.o is built with the hosted mm objects, hv/build.mk).
UNIT_TESTS += $(BUILD)/tests/unit/test_segdesc
$(BUILD)/tests/unit/test_segdesc: $(BUILD)/host/tests/unit/pv/test_segdesc.o \
		$(BUILD)/host/hv/arch/x86/mm/segdesc.o
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@

# shellcheck shell=sh disable=SC2034,SC2154  # bench/run reads the variables; bench/run sets log
# Informative: Debian's stock Linux kernel as the PV dom0 of real Xen 4.17
# (lib.sh's xen_boot, as 70-xen-dom0.sh boots pvops-guest), so that the
# reference the issue quotes (Xen 4.17 with Linux guests, over Linux
# native) is measured in the same run as heron's rows.  Xen loads the
# packaged bzImage as dom0 itself.  Same kernel command line, initrd and
# jobs as 55-linux-native.sh, whose figures are this row's denominators;
# console=hvc0 is Xen's console_io, which Xen prints unprefixed on its
# serial port.  Linux powers off through ACPI S5, which Xen enters itself
# (QEMU then exits); xen_boot's "dom0 gone" pattern still ends a crash.
title="stock Linux PV dom0 on Xen 4.17 (informative; ratios to stock Linux native)"
role=measured
modes="time icount"
ratio_to=linux-native
na_hypercall="measured with bench's own PV kernel in the pvops-guest on Xen row; a Linux user program cannot make a hypercall"
na_evtchn="cannot run here: Xen 4.17 on x86 starts no domain but dom0 without a toolstack (no dom0less), and there is none in this dom0"
na_matching 'dom*' "no toolstack for Xen in this dom0 (the initrd has no xl or libxl)"
na_matching 'net_*' "no second domain on Xen here: no toolstack and no network backend in this dom0"
linux_pending

# The block benchmarks use dom0's /dev/sda, QEMU's PIIX3 IDE disk (a fresh
# image) driven by ata_piix from the initrd: port I/O emulated by Xen for
# the PV dom0, bus-master DMA through Linux's swiotlb-xen.
boot() {
	scratch_disk
	xen_boot "$BUILD/linux-ref/vmlinuz console=hvc0 quiet -- $(guest_append),$BUILD/bench/linux-initrd.cpio.gz" \
		-drive "file=$log.disk,format=raw,if=ide,index=0"
	status=$?
	rm -f "$log.disk"
	return $status
}

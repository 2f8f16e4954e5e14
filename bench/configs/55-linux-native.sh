# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# Debian's stock Linux kernel (the one tests/scenario/test_hvm_linux.c
# boots, fetched by the build into build/linux-ref) booted directly by
# QEMU (SeaBIOS and the Linux boot protocol), no hypervisor, with the
# benchmark initrd: the denominator of the Linux HVM row's ratios, as
# pvops-guest native is of pvops-guest's.  The jobs follow "--" on the
# kernel command line, so Linux hands them to /init untouched.  The
# initrd is the one with Linux's emulated-device modules: the disk
# figures are ata_piix's on QEMU's PIIX3 IDE disk, a fresh image, as
# pvops-guest's native ones.
title="stock Linux native, QEMU TCG (baseline of the Linux rows)"
role=measured
modes="time icount"
ratio_to=linux-native
na_hypercall="natively there is no hypervisor to call"
na_evtchn="natively there are no domains and no event channels"
na_matching 'dom*' "natively there are no domains"
na_matching 'net_*' "natively there is no second machine to talk to (one QEMU, no network backend); the host row's loopback is the reference (docs/benchmarks.md)"
linux_pending

boot() {
	scratch_disk
	qemu_boot -cpu max -m 256M -kernel "$BUILD/linux-ref/vmlinuz" \
		-initrd "$BUILD/bench/linux-initrd.cpio.gz" \
		-append "console=ttyS0 quiet -- $(guest_append)" \
		-drive "file=$log.disk,format=raw,if=ide,index=0"
	status=$?
	rm -f "$log.disk"
	return $status
}

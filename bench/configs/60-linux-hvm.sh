# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# Debian's stock Linux kernel as an HVM domU of heron's hypervisor, booted
# by hv's bzImage loader, next to the PV test dom0 that powers the machine
# off once the domain is gone (as 40-hvm-hv.sh, and as
# tests/scenario/test_hvm_linux.c).  Same kernel file, command line and
# initrd as 55-linux-native.sh, whose figures are this row's denominators.
# Under hv Linux cannot calibrate its TSC (every PIT poll is a VM exit),
# so its clocksource is the ACPI PM timer: each clock read is an I/O exit.
title="stock Linux HVM domU on hv (ratios to stock Linux native)"
role=measured
modes="time icount"
ratio_to=linux-native
na_hypercall="measured with the HVM test kernel in the pvops-guest HVM row (xen_version through VMMCALL); a Linux user program cannot make a hypercall"
na_evtchn="measured with the HVM test kernel in the pvops-guest HVM row (against bench's PV dom0 kernel); a Linux user program has no event channel"
na_matching 'blk_*' "not measured: this row boots its guest with hv's hvm= at boot, which has no device model; heron-dm's IDE disk serves HVM domains made by heron create (type = hvm): the linux-hvm-dm row measures it with Linux; HVM guests have no PV drivers (blkfront)"
na_matching 'dom*' "not measured with Linux: the lifecycle figures time heron create and destroy of pvops-guest, as a PV domain (the PV domU row) and as an HVM domain (the hvm-dm row)"
na_matching 'net_*' "measured in the linux-hvm-dm row: this row boots its guest with hv's hvm=, which has no device model; heron-dm's NE2000 serves HVM domains made by heron create"
linux_pending

boot() {
	qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" \
		-append "dom0_mem=16M hvm=1:256M:initrd=2" \
		-initrd "$BUILD/tests/guests/test_pv_dom0.elf domus=1 timeout=$BOOT_TIMEOUT,$BUILD/linux-ref/vmlinuz console=ttyS0 quiet -- $(guest_append),$BENCH_INITRD"
}

console_text() {
	tr -d '\r' <"$log" | sed -n 's/^(d1) //p'
}

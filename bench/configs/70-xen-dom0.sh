# shellcheck shell=sh disable=SC2034,SC2154  # bench/run reads the variables; bench/run sets log
# Informative: pvops-guest as the PV dom0 of real Xen 4.17 (Debian's
# build, fetched into build/xen-ref by `make build/xen-ref/xen-4.17`),
# booted as tests/guest/test_guest_xen.c does (lib.sh's xen_boot).
# kdebug: hypercall counts at power-off, as on hv.
title="pvops-guest PV dom0 on Xen 4.17 (informative)"
role=measured
modes="time icount"
na_evtchn="cannot run here: Xen 4.17 on x86 starts no domain but dom0 without a toolstack (no dom0less), and none runs in this dom0"
na_matching 'dom*' "no toolstack for Xen in this dom0 (xl needs Linux and libxl)"
na_matching 'net_*' "no second domain on Xen here: no toolstack and no network backend in this dom0"

# The block benchmarks use dom0's /dev/sda, QEMU's IDE disk (a fresh
# image), through Xen's port I/O emulation.
boot() {
	scratch_disk
	xen_boot "$BUILD/pvops-guest.elf $(guest_append)kdebug,$BENCH_INITRD" \
		-drive "file=$log.disk,format=raw,if=ide,index=0"
	status=$?
	rm -f "$log.disk"
	run_kernel_jobs kernel_boot || return
	return $status
}

# The PV kernels (bench/kernels/) as dom0 of Xen, each in a boot of its own.
kernel_boot() {
	xen_boot "$1 $2"
}

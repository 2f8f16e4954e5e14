# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# Informative: pvops-guest as the PV dom0 of real Xen 4.17 (Debian's
# build, fetched into build/xen-ref by `make build/xen-ref/xen-4.17`),
# booted as tests/guest/test_guest_xen.c does.  -smap: Xen 4.17's PV
# bounce-frame path trips over SMAP under QEMU 7.2 TCG.  Xen halts instead
# of powering off after dom0's shutdown, so QEMU is stopped once Xen says
# dom0 is gone.  kdebug: hypercall counts at power-off, as on hv.
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

# xen_boot MODULES [QEMU-ARG...]: Xen with MODULES (dom0's kernel and
# command line, its initrd), until Xen reports dom0 gone.
xen_boot() {
	modules=$1
	shift
	qemu_boot_until '^\(XEN\) (Hardware Dom0 (halted|crashed|shutdown)|.*Panic on CPU)' \
		-cpu max,-smap -m 512M -kernel "$BUILD/xen-ref/xen-4.17" \
		-append "console=com1 com1=115200,8n1 dom0_mem=256M noreboot" -initrd "$modules" "$@"
}

# The PV kernels (bench/kernels/) as dom0 of Xen, each in a boot of its own.
kernel_boot() {
	xen_boot "$1 $2"
}

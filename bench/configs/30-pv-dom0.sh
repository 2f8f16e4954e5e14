# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# pvops-guest as the PV dom0 of heron's hypervisor: the same kernel paths
# a PV domU runs (PV MMU, bounced traps and system calls, the iret
# hypercall, event channels, pvclock), measurable before a domU can be
# (35-pv-domu.sh).  dom0's console is unprefixed, as on Xen; hv adds its
# own "hv: " lines.  kdebug makes the guest print its hypercall counts at
# power-off (kept in the log; the counters run either way).
title="pvops-guest PV dom0 on hv"
role=measured
modes="time icount"
na_matching 'dom*' "dom0 is built by hv at boot; the PV domU row times heron create and destroy from dom0"
na_matching 'net_*' "dom0 is not on the network: xenbr0 (heron-netback) bridges domUs only and has no dom0 port; the PV domU row measures domU to domU"

# The block benchmarks use dom0's /dev/sda, QEMU's IDE disk (a fresh
# image) through hv's port I/O emulation: dom0's direct disk access, the
# reference of the PV block goal.
boot() {
	scratch_disk
	qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" -append "dom0_mem=256M" \
		-initrd "$BUILD/pvops-guest.elf $(guest_append)kdebug,$BENCH_INITRD" \
		-drive "file=$log.disk,format=raw,if=ide,index=0"
	status=$?
	rm -f "$log.disk"
	run_kernel_jobs kernel_boot || return
	return $status
}

# The PV kernels (bench/kernels/) as dom0 of hv, each in a boot of its own;
# the event-channel one also as domain 1 (domu=), the peer dom0 measures
# against.
kernel_boot() {
	case $1 in
	*/evtchn.elf)
		qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" \
			-append "dom0_mem=256M domu=1:16M" \
			-initrd "$1 $2 role=server peer=1,$1 role=client peer=0" ;;
	*)
		qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" -append "dom0_mem=256M" \
			-initrd "$1 $2" ;;
	esac
}

# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# pvops-guest as an HVM domain of heron's hypervisor (AMD SVM + NPT under
# TCG), the same file and command line as the native row.  A PV dom0
# (the scenario tests' test_pv_dom0) sits next to it, blocked until the
# HVM domain dies, then powers the machine off.  The guest's console is
# hv's 16550, whose lines hv prints as "(d1) ..."; hv prints the domain's
# VM exit counts when it dies ("hvm: domain 1 exits: ...").  The kernel
# benchmarks run in boots of their own with the HVM test kernel as the
# HVM domain: the null hypercall is its mode=bench (tests/hvm-guests/bench.c:
# xen_version through the hypercall page, VMMCALL); the event-channel
# round trip is bench's evtchn kernel as the PV dom0 measuring against
# its mode=evtchn (tests/hvm-guests/evtchn.c), which echoes through its
# mapped shared_info and SCHEDOP_poll.
title="pvops-guest HVM domU on hv"
role=measured
modes="time icount"
na_matching 'blk_*' "measured in the hvm-dm row: this row boots its guest with hv's hvm= at boot, which has no device model; heron-dm's IDE disk serves HVM domains made by heron create (type = hvm); HVM guests have no PV drivers (blkfront)"
na_matching 'dom*' "measured in the hvm-dm row (heron create and destroy of an HVM domain); this row's domain is built by hv at boot"
na_matching 'net_*' "pvops-guest has no driver for an emulated NIC (its network is netfront only), and this row boots with hv's hvm=, which has no device model"

boot() {
	qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" \
		-append "dom0_mem=16M hvm=1:256M:initrd=2" \
		-initrd "$BUILD/tests/guests/test_pv_dom0.elf domus=1 timeout=$BOOT_TIMEOUT,$BUILD/pvops-guest.elf $(guest_append),$BENCH_INITRD"
	status=$?
	run_kernel_jobs kernel_boot || return
	return $status
}

kernel_boot() {
	hvm=$BUILD/tests/hvm-guests/test_hvm.elf
	case $1 in
	*/evtchn.elf) modules="$1 $2 role=server peer=1,$hvm mode=evtchn peer=0" ;;
	*) modules="$BUILD/tests/guests/test_pv_dom0.elf domus=1 timeout=$BOOT_TIMEOUT,$hvm mode=bench $2" ;;
	esac
	qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" -append "dom0_mem=16M hvm=1:16M" \
		-initrd "$modules"
}

# The HVM domain's lines, and the event-channel figure dom0 prints.
console_text() {
	tr -d '\r' <"$log" | sed -n -e 's/^(d1) //p' \
		-e '/^\(=== BEGIN evtchn ===\|BENCH name=evtchn \|=== END evtchn \)/p'
}

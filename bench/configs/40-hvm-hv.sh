# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# pvops-guest as an HVM domain of heron's hypervisor (AMD SVM + NPT under
# TCG), the same file and command line as the native row.  A PV dom0
# (the scenario tests' test_pv_dom0) sits next to it, blocked until the
# HVM domain dies, then powers the machine off.  The guest's console is
# hv's 16550, whose lines hv prints as "(d1) ..."; hv prints the domain's
# VM exit counts when it dies ("hvm: domain 1 exits: ...").
title="pvops-guest HVM domU on hv"
role=measured
modes="time icount"
na_hypercall="an HVM guest makes no PV hypercalls (hv answers VMMCALL with -ENOSYS); its null VM exit is the CPUID column"
na_evtchn="an HVM guest has no event channels yet (no callback vector, no PV drivers in HVM guests); the PV dom0 row measures the hypervisor's path"
na_matching 'blk_*' "pending: hv's HVM device model emulates no disk controller yet, and HVM guests have no PV drivers (blkfront)"
na_matching 'dom*' "HVM domains are built by hv at boot (hvm=); heron create builds PV domains only"

boot() {
	qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" \
		-append "dom0_mem=16M hvm=1:256M:initrd=2" \
		-initrd "$BUILD/tests/guests/test_pv_dom0.elf domus=1 timeout=$BOOT_TIMEOUT,$BUILD/pvops-guest.elf $(guest_append),$BENCH_INITRD"
}

console_text() {
	tr -d '\r' <"$log" | sed -n 's/^(d1) //p'
}

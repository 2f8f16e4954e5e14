# shellcheck shell=sh disable=SC2034,SC2154  # bench/run reads the variables; bench/run and lib.sh set log, stage
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
na_hypercall="an HVM guest makes no PV hypercalls (hv answers VMMCALL with -ENOSYS); its null VM exit is the CPUID column"
na_evtchn="an HVM guest has no event channels: hv has no HVM hypercalls (VMMCALL returns -ENOSYS), no callback vector and no PV drivers for HVM guests (docs/hvm.md); the PV dom0 row measures the hypervisor's path"
na_matching 'blk_*' "not measured: this row boots its guest with hv's hvm= at boot, which has no device model; heron-dm's IDE disk serves only HVM domains made by heron create (type = hvm), which no row boots yet, and HVM guests have no PV drivers (blkfront)"
na_matching 'dom*' "not measured: the lifecycle figures time heron create and destroy of a PV domain (the PV domU row); heron create of an HVM domain (type = hvm, with heron-dm) is not timed yet"
linux_pending

boot() {
	qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" \
		-append "dom0_mem=16M hvm=1:256M:initrd=2" \
		-initrd "$BUILD/tests/guests/test_pv_dom0.elf domus=1 timeout=$BOOT_TIMEOUT,$BUILD/linux-ref/vmlinuz console=ttyS0 quiet -- $(guest_append),$BENCH_INITRD"
	status=$?
	run_net_jobs net_boot || return
	return $status
}

# The network figures, in a boot of their own: the same kernel as an HVM
# domain made by `heron create` in dom0 (type = "hvm": heron-dm's COM1 as
# its console, its NE2000 a local port of heron-netback's xenbr0; Linux's
# ne2k-pci, loaded by /init, drives it) as the client of a pvops-guest PV
# domU running net_serve (lib.sh's net_run_script), as
# tests/toolstack/scripts/hvm_linux.sh does.  hv's DSDT has no PCI root
# bridge: pci=lastbus=1 makes Linux scan bus 0.  dom0 gets 384 MiB as
# for the Linux PV domU (heron reads the bzImage in dom0).  Nearly every
# exchange over the NE2000 waits for net.c's 200 ms retry today
# (docs/benchmarks.md), so a batch sized to the target time would be one
# operation: 8 operations instead.
net_boot() {
	net_jobs=$(printf '%s\n' "$net_jobs" | sed 's/-t [0-9]*/-n 8/')
	dom0_stage
	cp "$BUILD/linux-ref/vmlinuz" "$stage/boot/vmlinuz"
	cp "$BUILD/bench/linux-hvm-initrd.cpio.gz" "$stage/boot/linux-hvm-initrd.cpio.gz"
	net_peer_cfg >"$stage/etc/heron/peer.cfg"
	cat >"$stage/etc/heron/bench.cfg" <<-EOF
		name = "bench"
		type = "hvm"
		memory = 256
		kernel = "/boot/vmlinuz"
		ramdisk = "/boot/linux-hvm-initrd.cpio.gz"
		cmdline = "console=ttyS0 quiet pci=lastbus=1 -- $(net_append)"
		$NET_CLIENT_VIF
	EOF
	{
		net_run_script bench
		echo 'echo "heron-dm:"; cat /var/log/heron/dm-*.log'
	} >"$stage/etc/heron/run.sh"
	dom0_boot 384M 1024M
}

# The main boot's guest lines carry hv's "(d1) "; the network boot's
# console ($log.net, dom0's, which run_net_jobs also appends to $log)
# is read whole.
console_text() {
	tr -d '\r' <"$log" | sed -n 's/^(d1) //p'
	[ ! -e "$log.net" ] || tr -d '\r' <"$log.net"
}

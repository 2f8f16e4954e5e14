# shellcheck shell=sh disable=SC2034,SC2154  # bench/run reads the variables; bench/run and lib.sh set log, stage
# Debian's stock Linux kernel as an HVM domain made by `heron create` in
# dom0 (type = "hvm"), with heron-dm as its device model: COM1 its
# console (heron-consoled's log), its NE2000 (RTL8029 on PCI, Linux's
# ne2k-pci and 8390 modules) a local port of heron-netback's xenbr0, as
# tests/toolstack/scripts/hvm_linux.sh does.  It measures the network
# figures only: Linux as the client of a pvops-guest PV domU running
# net_serve on xenbr0 (lib.sh's net_run_script).  The other figures of
# Linux under HVM are the linux-hvm row's (hv's hvm= at boot, no device
# model, no dom0 work); a row of its own keeps that row's boot as it was
# and its test short.  hv's DSDT names the PCI root bridge, so Linux finds
# heron-dm's bus 0 unaided.  dom0 gets 384 MiB as for the Linux PV domU.
title="stock Linux HVM domU by heron create, heron-dm's NE2000 (network only)"
role=measured
modes="time icount"
ratio_to=linux-native
na_other_than 'net_*' "network figures only: this row is the linux-hvm row's kernel as an HVM domain of heron create with heron-dm's devices; Linux under HVM is otherwise the linux-hvm row (hv's hvm= at boot, no device model)"
linux_pending

# Nearly every exchange over the NE2000 waits for net.c's 200 ms repeat
# today (docs/benchmarks.md), so a batch sized to the target time would be
# one operation: 8 operations instead.
boot() {
	net_jobs=$(printf '%s\n' "$net_jobs" | sed 's/-t [0-9]*/-n 8/')
	dom0_stage
	cp "$BUILD/linux-ref/vmlinuz" "$stage/boot/vmlinuz"
	cp "$BUILD/bench/linux-hvm-initrd.cpio.gz" "$stage/boot/linux-hvm-initrd.cpio.gz"
	net_peer_cfg >"$stage/etc/heron/peer.cfg"
	cat >"$stage/etc/heron/bench.cfg" <<-EOF2
		name = "bench"
		type = "hvm"
		memory = 256
		kernel = "/boot/vmlinuz"
		ramdisk = "/boot/linux-hvm-initrd.cpio.gz"
		cmdline = "console=ttyS0 quiet -- $(net_append)"
		$NET_CLIENT_VIF
	EOF2
	{
		net_run_script bench
		echo 'echo "heron-dm:"; cat /var/log/heron/dm-*.log'
	} >"$stage/etc/heron/run.sh"
	dom0_boot 384M 1024M
}

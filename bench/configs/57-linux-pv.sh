# shellcheck shell=sh disable=SC2034,SC2154  # bench/run reads the variables; bench/run and lib.sh set log, stage
# Debian's stock Linux kernel as a PV domU of heron's hypervisor, created
# by `heron create` in dom0 the way 35-pv-domu.sh creates pvops-guest (and
# as tests/linux-pv/ does): hv boots pvops-guest as dom0 with the
# toolstack's root, whose run script creates the domain from the kernel
# file as packaged (a bzImage; heron's builder unpacks it), 256 MiB, the
# benchmark initrd plus Debian's xen-blkfront (and xen-netfront), and the
# jobs after "--" on its command line; its hvc0 is heron-consoled's ring,
# its xvda dom0's /dev/sda through heron-blkback.  Same kernel and
# programs as 55-linux-native.sh, whose figures are this row's
# denominators.  The network figures: Linux against a pvops-guest domU on
# xenbr0 (net_boot).
title="stock Linux PV domU on hv (ratios to stock Linux native)"
role=measured
modes="time icount"
ratio_to=linux-native
na_hypercall="measured with bench's own PV kernel in the pvops-guest PV domU row; a Linux user program cannot make a hypercall"
na_evtchn="measured with bench's own PV kernels in the pvops-guest PV domU row; a Linux user program has no event channel of its own here (no /dev/xen/evtchn in the initrd)"
na_matching 'dom*' "the pvops-guest PV domU row times heron create and destroy (of pvops-guest)"
linux_pending

domu_cfg='name = "bench"
memory = 256
vcpus = 1
kernel = "/boot/vmlinuz"
ramdisk = "/boot/linux-bench-initrd.cpio.gz"
cmdline = "console=hvc0 quiet -- JOBS"
disk = [ '"'phy:/dev/sda,xvda,w'"' ]'

# dom0 gets 384 MiB, as in tests/linux-pv: heron unpacks the bzImage in
# dom0 (with 128 MiB heron died).
boot() {
	linux_stage
	printf '%s\n' "$domu_cfg" | sed -e "s|JOBS|$(guest_append)|" >"$stage/etc/heron/bench.cfg"
	dom0_run_domain bench >"$stage/etc/heron/run.sh"
	dom0_boot 384M 1024M
	status=$?
	run_net_jobs net_boot || return
	return $status
}

# The network figures, in a boot of their own: Linux (Debian's
# xen-netfront, loaded by /init) as the client of a pvops-guest domU
# running net_serve, both on xenbr0 (lib.sh's net_run_script).
net_boot() {
	linux_stage
	net_peer_cfg >"$stage/etc/heron/peer.cfg"
	{
		printf '%s\n' "$domu_cfg" | sed -e "s|JOBS|$(net_append)|"
		echo "$NET_CLIENT_VIF"
	} >"$stage/etc/heron/bench.cfg"
	net_run_script bench >"$stage/etc/heron/run.sh"
	dom0_boot 384M 1024M
}

# linux_stage: dom0's root (lib.sh's dom0_stage) with the kernel and the
# Linux PV initrd (the benchmark initrd plus Debian's xen-blkfront and
# xen-netfront modules) next to pvops-guest's.
linux_stage() {
	dom0_stage
	cp "$BUILD/linux-ref/vmlinuz" "$stage/boot/vmlinuz"
	cp "$BUILD/bench/linux-pv-initrd.cpio.gz" "$stage/boot/linux-bench-initrd.cpio.gz"
}

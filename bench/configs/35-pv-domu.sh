# shellcheck shell=sh disable=SC2034,SC2154  # bench/run reads the variables; bench/run and lib.sh set log, stage
# pvops-guest as a PV domU on heron's hypervisor, created by the toolstack
# in dom0 the way a user would: hv boots pvops-guest as dom0 with the
# toolstack's root (heron-xenstored, heron-consoled, heron-blkback), whose
# run script creates the measured domU with `heron create` (the same
# kernel file, 256 MiB, the benchmark initrd and jobs on its command
# line; its xvda is dom0's /dev/sda through heron-blkback), waits until it
# has powered itself off, and prints its console log (heron-consoled's);
# lib.sh's dom0_stage, dom0_run_domain and dom0_boot.
# While the domU runs, dom0 only waits: `heron console` blocked in poll on
# the consoled socket, consoled and blkback blocked on their event
# channels, heron's monitor on a xenstore watch (with a domain_info
# hypercall a second).  Then dom0 times domain lifecycles itself
# (domlife: create, first output, /init up, destroy) with the toolstack's
# example domU initrd.  The dom0 side is toolstack/dom0/init.sh's, the
# run script is generated here per boot.  The network figures have a boot
# of their own (net_boot).
title="pvops-guest PV domU on hv"
role=measured
modes="time icount"

# The measured domain's config; JOBS, DISK filled in by boot.
domu_cfg='name = "bench"
memory = 256
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/bench-initrd.cpio.gz"
cmdline = "JOBS kdebug"
disk = [ DISK ]'

# The lifecycle domain: the toolstack's example domU, whose /init says
# "heron domU: up" and waits in a shell.
life_cfg='name = "life"
memory = 256
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/domu-initrd.cpio.gz"'

boot() {
	dom0_stage
	printf '%s\n' "$domu_cfg" | sed -e "s|JOBS|$(guest_append)|" \
		-e "s|DISK|'phy:/dev/sda,xvda,w'|" >"$stage/etc/heron/bench.cfg"
	printf '%s\n' "$life_cfg" >"$stage/etc/heron/life.cfg"
	life_t=$(printf '%s\n' "${dom0_jobs-}" | sed -n '1s/.*-t \([0-9]*\).*/\1/p')
	{
		dom0_run_domain bench
		echo "${life_t:+domlife -t $life_t /etc/heron/life.cfg 'heron domU: up'}"
	} >"$stage/etc/heron/run.sh"
	dom0_boot 128M 768M
	status=$?
	run_kernel_jobs kernel_boot || return
	run_net_jobs net_boot || return
	return $status
}

# The network figures: the measured domU (the same kernel and initrd, 64
# MiB like its peer: creating 256 MiB costs seconds and the figures need
# no memory; no disk) as the client of a second pvops-guest domU running
# net_serve, both on xenbr0 (netfront, heron-netback's grant copies and
# bridge), in a boot of their own: the idle peer would otherwise wake 100
# times a second during the other figures.
net_boot() {
	dom0_stage
	net_peer_cfg >"$stage/etc/heron/peer.cfg"
	printf '%s\n' "$domu_cfg" | sed -e "s|JOBS|$(net_append)|" -e 's|^memory = .*|memory = 64|' \
		-e "s|^disk = .*|$NET_CLIENT_VIF|" >"$stage/etc/heron/bench.cfg"
	net_run_script bench >"$stage/etc/heron/run.sh"
	dom0_boot 128M 768M
}

# The PV kernels (bench/kernels/) as domUs of hv, built at boot (domu=)
# next to an idle dom0 (the scenario tests' test_pv_dom0, which powers the
# machine off once they are gone): the null hypercall from a domU, and the
# event-channel round trip between two domUs.  Their console_io lines
# carry hv's "(dN) " prefix, taken off here.
kernel_boot() {
	dom0=$BUILD/tests/guests/test_pv_dom0.elf
	case $1 in
	*/evtchn.elf)
		qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" \
			-append "dom0_mem=32M domu=1:16M domu=2:16M" \
			-initrd "$dom0 domus=2 timeout=$BOOT_TIMEOUT,$1 $2 role=server peer=2,$1 role=client peer=1 idle=2000" ;;
	*)
		qemu_boot -cpu max -m 512M -kernel "$BUILD/hv.elf" \
			-append "dom0_mem=32M domu=1:16M" \
			-initrd "$dom0 domus=1 timeout=$BOOT_TIMEOUT,$1 $2" ;;
	esac
	kernel_rc=$?
	sed -i 's/^(d[12]) //' "$log"
	return $kernel_rc
}

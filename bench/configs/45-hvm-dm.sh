# shellcheck shell=sh disable=SC2034,SC2154  # bench/run reads the variables; bench/run and lib.sh set log, stage
# pvops-guest as an HVM domain made by `heron create` in dom0 (type =
# "hvm"), with heron-dm as its device model: the same kernel file, initrd
# and command line as the native row, whose IDE driver drives heron-dm's
# PIIX3 IDE disk here (QEMU's there).  It measures what needs dom0's
# toolstack and device model:
# - the disk figures: a 32 MiB image file in dom0's memory as the domain's
#   hda (`disk = [ "/tmp/bench.img,raw,hda,rw" ]`), every port access of
#   the driver an ioreq to heron-dm, each sector's rep insw/outsw one (the
#   PV rows' blkfront moves data by grants);
# - the lifecycle figures: domlife in dom0 creates and destroys an HVM
#   domain (256 MiB, the toolstack's example domU initrd, as the PV domU
#   row's) and times its first console output, which comes through
#   heron-dm's COM1 and heron-consoled.
# The other figures of pvops-guest under HVM are the hvm-hv row's (hv's
# hvm= at boot, no device model, no dom0 work).
title="pvops-guest HVM domU by heron create, heron-dm's IDE disk"
role=measured
modes="time icount"
na_other_than 'blk_* dom*' "disk and lifecycle figures only: this row is the hvm-hv row's guest as an HVM domain of heron create with heron-dm's devices; pvops-guest under HVM is otherwise the hvm-hv row (hv's hvm= at boot, no device model)"
na_matching 'net_*' "pvops-guest has no driver for an emulated NIC (its network is netfront only); the linux-hvm-dm row measures heron-dm's NE2000 with Linux"

# hvm_cfg NAME INITRD CMDLINE: an HVM domain's config, 256 MiB.
hvm_cfg() {
	cat <<-EOF
		name = "$1"
		type = "hvm"
		memory = 256
		kernel = "/boot/pvops-guest.elf"
		ramdisk = "$2"
		cmdline = "$3"
	EOF
}

boot() {
	dom0_stage
	{
		hvm_cfg bench /boot/bench-initrd.cpio.gz "$(guest_append)"
		echo 'disk = [ "/tmp/bench.img,raw,hda,rw" ]'
	} >"$stage/etc/heron/bench.cfg"
	hvm_cfg life /boot/domu-initrd.cpio.gz "" >"$stage/etc/heron/life.cfg"
	life_t=$(printf '%s\n' "${dom0_jobs-}" | sed -n '1s/.*-t \([0-9]*\).*/\1/p')
	{
		if [ -n "$jobs" ]; then
			echo 'truncate -s 32M /tmp/bench.img'
			dom0_run_domain bench
		fi
		echo "${life_t:+domlife -t $life_t /etc/heron/life.cfg 'heron domU: up'}"
	} >"$stage/etc/heron/run.sh"
	dom0_boot 256M 768M
}

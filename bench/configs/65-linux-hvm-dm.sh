# shellcheck shell=sh disable=SC2034,SC2154  # bench/run reads the variables; bench/run and lib.sh set log, stage
# Debian's stock Linux kernel as an HVM domain made by `heron create` in
# dom0 (type = "hvm"), with heron-dm as its device model: COM1 its
# console (heron-consoled's log).  It measures what needs heron-dm's
# devices, through the emulated hardware a stock kernel drives:
# - the disk figures: heron-dm's PIIX3 IDE disk (Linux's ata_piix and
#   sd_mod, loaded by /init from Linux's emulated-device initrd), a 32 MiB
#   image file in dom0's memory.  ata_piix runs it in MWDMA2 through
#   heron-dm's PIIX3 bus master: a request is a few register ioreqs, then
#   heron-dm moves the data between the image and the guest's pages by
#   foreign mappings and raises IRQ 14; the PV rows' blkfront moves it by
#   grants;
# - the network figures: its NE2000 (RTL8029 on PCI, Linux's ne2k-pci
#   and 8390) a local port of heron-netback's xenbr0, Linux the client of
#   a pvops-guest PV domU running net_serve (lib.sh's net_run_script), as
#   tests/toolstack/scripts/hvm_linux.sh does.
# The other figures of Linux under HVM are the linux-hvm row's (hv's
# hvm= at boot, no device model, no dom0 work).  hv's DSDT names the PCI
# root bridge, so Linux finds heron-dm's bus 0 unaided.  dom0 gets
# 384 MiB as for the Linux PV domU.
title="stock Linux HVM domU by heron create, heron-dm's IDE disk and NE2000"
role=measured
modes="time icount"
ratio_to=linux-native
na_other_than 'net_* blk_*' "disk and network figures only: this row is the linux-hvm row's kernel as an HVM domain of heron create with heron-dm's devices; Linux under HVM is otherwise the linux-hvm row (hv's hvm= at boot, no device model)"
linux_pending

# hvm_stage: dom0's root with the kernel and Linux's emulated-device
# initrd.
hvm_stage() {
	dom0_stage
	cp "$BUILD/linux-ref/vmlinuz" "$stage/boot/vmlinuz"
	cp "$BUILD/bench/linux-initrd.cpio.gz" "$stage/boot/linux-initrd.cpio.gz"
}

# hvm_cfg APPEND: the domain's config, /init's words after "--".
hvm_cfg() {
	cat <<-EOF2
		name = "bench"
		type = "hvm"
		memory = 256
		kernel = "/boot/vmlinuz"
		ramdisk = "/boot/linux-initrd.cpio.gz"
		cmdline = "console=ttyS0 quiet -- $1"
	EOF2
}

# The disk figures: the image is made in dom0's ramfs for each boot.
boot() {
	status=0
	if [ -n "$jobs" ]; then
		hvm_stage
		{
			hvm_cfg "$(guest_append)"
			echo 'disk = [ "/tmp/bench.img,raw,hda,rw" ]'
		} >"$stage/etc/heron/bench.cfg"
		{
			echo 'truncate -s 32M /tmp/bench.img'
			dom0_run_domain bench
		} >"$stage/etc/heron/run.sh"
		dom0_boot 384M 1024M || status=$?
	fi
	run_net_jobs net_boot || return
	return $status
}

net_boot() {
	hvm_stage
	net_peer_cfg >"$stage/etc/heron/peer.cfg"
	{
		hvm_cfg "$(net_append)"
		echo "$NET_CLIENT_VIF"
	} >"$stage/etc/heron/bench.cfg"
	{
		net_run_script bench
		echo 'echo "heron-dm:"; cat /var/log/heron/dm-*.log'
	} >"$stage/etc/heron/run.sh"
	dom0_boot 384M 1024M
}

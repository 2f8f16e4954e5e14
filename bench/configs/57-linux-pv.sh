# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# Debian's stock Linux kernel as a PV domU of heron's hypervisor, created
# by `heron create` in dom0 the way 35-pv-domu.sh creates pvops-guest (and
# as tests/linux-pv/ does): hv boots pvops-guest as dom0 with the
# toolstack's root, whose run script creates the domain from the kernel
# file as packaged (a bzImage; heron's builder unpacks it), 256 MiB, the
# benchmark initrd plus Debian's xen-blkfront, and the jobs after "--" on
# its command line; its hvc0 is heron-consoled's ring, its xvda dom0's
# /dev/sda through heron-blkback.  Same kernel and programs as
# 55-linux-native.sh, whose figures are this row's denominators.
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
ramdisk = "/boot/bench-initrd.cpio.gz"
cmdline = "console=hvc0 quiet -- JOBS"
disk = [ '"'phy:/dev/sda,xvda,w'"' ]'

# dom0 gets 384 MiB, as in tests/linux-pv: heron unpacks the bzImage in
# dom0 (with 128 MiB heron died).
boot() {
	stage=$log.root
	rm -rf "$stage"
	cp -a "$BUILD/bench/dom0-root" "$stage"
	rm -f "$stage/.stamp"
	mkdir -p "$stage/etc/heron"
	cp "$BUILD/linux-ref/vmlinuz" "$stage/boot/vmlinuz"
	cp "$BUILD/bench/linux-pv-initrd.cpio.gz" "$stage/boot/bench-initrd.cpio.gz"
	printf '%s\n' "$domu_cfg" | sed -e "s|JOBS|$(guest_append)|" >"$stage/etc/heron/bench.cfg"
	cat >"$stage/etc/heron/run.sh" <<-EOF
		heron create /etc/heron/bench.cfg || exit 1
		# Blocks until heron-consoled closes the relay (the domain is gone);
		# retried while consoled has not taken the new domain on yet.
		id=\$(heron list --json bench | sed -n 's/.*"id":\([0-9]*\),.*/\1/p')
		while heron list bench >/dev/null 2>&1; do
			heron console bench </dev/console >/dev/null 2>&1 || sleep 0.2
		done
		tr -d '\r' </var/log/heron/console-\$id.log
	EOF
	pvops-guest/mkinitrd "$stage" "$log.initrd" >/dev/null || return 1
	rm -rf "$stage"
	scratch_disk
	qemu_boot -cpu max -m 1024M -kernel "$BUILD/hv.elf" -append "dom0_mem=384M" \
		-initrd "$BUILD/pvops-guest.elf,$log.initrd" \
		-drive "file=$log.disk,format=raw,if=ide,index=0"
	status=$?
	rm -f "$log.disk" "$log.initrd"
	return $status
}

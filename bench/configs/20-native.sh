# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# pvops-guest booted directly by QEMU (multiboot), no hypervisor: the
# denominator of every ratio.
title="pvops-guest native, QEMU TCG (baseline)"
role=baseline
modes="time icount"
na_hypercall="natively there is no hypervisor to call"
na_evtchn="natively there are no domains and no event channels"
na_matching 'dom*' "natively there are no domains"
na_matching 'net_*' "natively pvops-guest has no network to a second machine: its one NIC driver is netfront, a PV device; the host row's loopback is the reference (docs/benchmarks.md)"

# The block benchmarks use /dev/sda: QEMU's IDE disk, a fresh image.
boot() {
	scratch_disk
	qemu_boot -cpu max -m 256M -kernel "$BUILD/pvops-guest.elf" \
		-initrd "$BENCH_INITRD" -append "$(guest_append)" \
		-drive "file=$log.disk,format=raw,if=ide,index=0"
	status=$?
	rm -f "$log.disk"
	return $status
}

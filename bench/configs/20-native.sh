# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# pvops-guest booted directly by QEMU (multiboot), no hypervisor: the
# denominator of every ratio.
title="pvops-guest native, QEMU TCG (baseline)"
role=baseline
modes="time icount"
na_hypercall="natively there is no hypervisor to call"
na_evtchn="natively there are no domains and no event channels"

boot() {
	qemu_boot -cpu max -m 256M -kernel "$BUILD/pvops-guest.elf" \
		-initrd "$BENCH_INITRD" -append "$(guest_append)"
}

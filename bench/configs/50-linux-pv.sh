# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# A stock Linux kernel as a PV domU on heron's hypervisor.
title="stock Linux PV domU on hv"
role=measured
modes="time icount"
pending="not bootable yet: Debian's kernel, created by heron create in dom0, gets through startup_xen and stops at HYPERVISOR_set_gdt, which hv does not implement yet; nothing reaches its console (docs/linux-pv.md, issue 9)"

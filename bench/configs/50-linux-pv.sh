# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# A stock Linux kernel as a PV domU on heron's hypervisor.
title="stock Linux PV domU on hv"
role=measured
modes="time icount"
pending="not running yet: the stock Debian kernel as a PV domU needs the toolstack, xenstore in dom0, the console backend and hv features Linux uses (set_gdt, INIT_P2M, multi-vCPU: issue 9)"

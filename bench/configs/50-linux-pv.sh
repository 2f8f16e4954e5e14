# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# A stock Linux kernel as a PV domU on heron's hypervisor.
title="stock Linux PV domU on hv"
role=measured
modes="time icount"
pending="no row in this run: Debian's kernel boots as a PV domU by heron create in dom0 (docs/linux-pv.md), but this row's harness was written after the run began (docs/benchmarks.md)"

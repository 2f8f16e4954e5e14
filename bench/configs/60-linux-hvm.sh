# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# A stock Linux kernel as an HVM domU on heron's hypervisor.
title="stock Linux HVM domU on hv"
role=measured
modes="time icount"
pending="not running yet: hv's HVM builder loads multiboot kernels only; the Linux boot protocol (bzImage) and a device model with disk and NIC are next (issue 7)"

# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# A stock Linux kernel as a PV domU on heron's hypervisor.
title="stock Linux PV domU on hv"
role=measured
modes="time icount"
pending="not running yet: needs hv's PV execution, xenstore and the toolstack's domain builder; not started"

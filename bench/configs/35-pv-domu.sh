# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# pvops-guest as a PV domU on heron's hypervisor.
title="pvops-guest PV domU on hv"
role=measured
modes="time icount"
pending="not running yet: a domU's console is a shared ring that needs a console backend in dom0, and none exists; the PV dom0 row runs the same PV kernel paths"

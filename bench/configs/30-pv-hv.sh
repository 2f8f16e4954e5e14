# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# pvops-guest as a PV domU on heron's hypervisor.
title="pvops-guest PV domU on hv"
role=measured
modes="time icount"
pending="not running yet: hv's PV execution and pvops-guest's PV backend are being written"

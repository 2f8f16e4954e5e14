# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# Informative: pvops-guest as PV dom0 of real Xen 4.17 under the same QEMU
# (tests/xen-ref/ shows how Xen is fetched and booted; -cpu max,-smap).
title="pvops-guest PV dom0 on Xen 4.17 (informative)"
role=measured
modes="time icount"
pending="not running yet: pvops-guest's PV backend is being written (and validated on this Xen)"

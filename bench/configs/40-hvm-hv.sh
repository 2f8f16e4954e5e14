# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# pvops-guest as an HVM domU on heron's hypervisor (SVM + NPT under TCG).
title="pvops-guest HVM domU on hv"
role=measured
modes="time icount"
pending="not running yet: hv's HVM support is not started"

#!/bin/sh
# /init of dom0 for `make run`: an interactive busybox shell on the console.
# Leaving the shell powers the machine off (hv ends when dom0 does).
export PATH=/bin
mkdir -p /tmp
echo "heron dom0: pvops-guest on hv, busybox sh. 'exit' powers off."
/bin/sh
poweroff -f

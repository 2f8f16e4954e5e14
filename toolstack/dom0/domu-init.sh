#!/bin/sh
# /init of the example domUs (/etc/heron/*.cfg): says hello on the
# console, then a shell; leaving it powers the domain off.
export PATH=/bin
mkdir -p /tmp
echo "heron domU: up"
/bin/sh
poweroff -f

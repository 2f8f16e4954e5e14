#!/bin/sh
# /init of the pvops-guest test initrd: runs each test script named on the
# kernel command line between markers, then powers the machine off.
export PATH=/bin
mkdir -p /tmp
for t in "$@"; do
	echo "=== BEGIN $t ==="
	/bin/sh "/tests/$t.sh"
	echo "=== END $t (status $?) ==="
done
echo "=== ALL DONE ==="
poweroff -f

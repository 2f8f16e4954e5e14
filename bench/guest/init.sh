#!/bin/sh
# /init of the benchmark initrd.  Each argument is one job,
# "PROGRAM:ARG:ARG...", run as /bench/PROGRAM ARG... between markers; then
# the machine powers off.
export PATH=/bin
mkdir -p /tmp
# The Linux PV domU's initrd carries Debian's xen-blkfront (a module):
# load it and wait for its disk before the jobs.
if [ -e /lib/modules/xen-blkfront.ko ]; then
	mkdir -p /dev
	mount -t devtmpfs devtmpfs /dev
	insmod /lib/modules/xen-blkfront.ko || echo "init: insmod xen-blkfront failed"
	i=0
	while [ ! -b /dev/xvda ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
fi
for job in "$@"; do
	set -f
	IFS=:
	# shellcheck disable=SC2086
	set -- $job
	unset IFS
	set +f
	prog=$1
	shift
	echo "=== BEGIN $prog ==="
	"/bench/$prog" "$@"
	echo "=== END $prog (status $?) ==="
done
echo "=== ALL DONE ==="
poweroff -f

#!/bin/sh
# /init of the benchmark initrd.  Each argument is one job,
# "PROGRAM:ARG:ARG...", run as /bench/PROGRAM ARG... between markers; then
# the machine powers off.
export PATH=/bin
mkdir -p /tmp
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

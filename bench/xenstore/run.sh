#!/bin/sh
# Benchmarks heron-xenstored over its UNIX socket (and Debian's C
# xenstored when it is installed and able to run) with xs_bench.
# usage: bench/xenstore/run.sh BUILD_DIR [SECONDS] [CLIENTS...]
set -eu
build=$1; shift
secs=${1:-2}; [ $# -gt 0 ] && shift
clients=${*:-1 8 32}
out=$build/bench/xenstore.json
tmp=$(mktemp -d /tmp/heron-xs-bench.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
: > "$out"

"$build/bin/heron-xenstored" --socket "$tmp/socket" 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ -S "$tmp/socket" ] && break; sleep 0.05; done
for c in $clients; do
	"$build/bench/xs_bench" -s "$tmp/socket" -c "$c" -t "$secs" \
		-l heron-xenstored | tee -a "$out"
done
kill $pid; wait $pid 2>/dev/null || true

# Debian's xenstored (xen-utils-4.17).  Without Xen it cannot serve:
# docs/xenstore.md says exactly why; this shows it on the machine at hand.
deb=/usr/lib/xen-4.17/bin/xenstored
if [ -x "$deb" ]; then
	mkdir -p "$tmp/deb"
	XENSTORED_RUNDIR=$tmp/deb XENSTORED_PATH=$tmp/deb/socket \
		"$deb" -N -D >"$tmp/deb.log" 2>&1 &
	pid=$!
	sleep 0.5
	if XENSTORED_PATH=$tmp/deb/socket "$build/bin/heron-xs" write /b x \
		2>/dev/null; then
		for c in $clients; do
			"$build/bench/xs_bench" -s "$tmp/deb/socket" -c "$c" \
				-t "$secs" -l debian-xenstored | tee -a "$out"
		done
	else
		echo "debian-xenstored: cannot serve without Xen ($(tail -1 "$tmp/deb.log"))" >&2
	fi
	kill $pid 2>/dev/null || true
else
	echo "debian-xenstored: $deb not installed (apt-get install xen-utils-4.17)" >&2
fi

echo
echo "| daemon | test | clients | ops/s | median us | p99 us |"
echo "|---|---|---:|---:|---:|---:|"
sed -e 's/[{}"]//g' -e 's/, /,/g' "$out" | awk -F, '{
	for (i = 1; i <= NF; i++) { split($i, kv, ": "); v[kv[1]] = kv[2] }
	printf "| %s | %s | %s | %s | %s | %s |\n", v["daemon"], v["test"],
		v["clients"], v["ops_per_s"], v["median_us"], v["p99_us"]
	delete v }'

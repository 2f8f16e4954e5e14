#!/bin/sh
# Where one operation of a benchmark program spends its instructions, by
# function: bench/tools/counts.sh's two boots under -icount (-n N1, then
# -n N2) with QEMU's TCG running the tbprof.c plugin, which counts the
# executions of every translated block.  Each block's instructions times
# its runs are charged to the hv.elf or pvops-guest.elf symbol it starts
# in ("user" below the canonical hole); the difference between the two
# boots divided by the difference in operations is the cost per
# operation, so boot and power-off cancel out.  A block left early by an
# interrupt or fault is still counted whole: figures are within a few
# instructions of -icount's.
#
# usage: bench/tools/profile.sh [-b BUILD] CONFIG PROGRAM N1 N2
#   e.g. bench/tools/profile.sh pv-dom0 ctxsw 200 1200
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=build
if [ "${1-}" = -b ]; then
	BUILD=$2
	shift 2
fi
[ $# -eq 4 ] || { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
config=$1 prog=$2 n1=$3 n2=$4

plugin=$BUILD/bench/tbprof.so
if [ ! -e "$plugin" ] || [ -n "$(find "$here/tools/tbprof.c" -newer "$plugin")" ]; then
	mkdir -p "$BUILD/bench"
	${HOSTCC:-gcc} -O2 -Wall -Wextra -Werror -shared -fPIC \
		-o "$plugin" "$here/tools/tbprof.c"
fi
TBPROF_DIR=$(mktemp -d /tmp/bench-profile.XXXXXX)
trap 'rm -rf "$TBPROF_DIR"' EXIT
BENCH_QEMU_PLUGIN=$(cd "$(dirname "$plugin")" && pwd)/tbprof.so
export TBPROF_DIR BENCH_QEMU_PLUGIN

"$here/tools/counts.sh" -b "$BUILD" "$config" "$prog" "$n1" "$n2"
for n in "$n1" "$n2"; do
	if [ ! -s "$TBPROF_DIR/$n.log.tbprof" ]; then
		echo "profile: QEMU wrote no block counts for -n $n" >&2
		exit 1
	fi
done

{
	nm -n "$BUILD/hv.elf" | awk '{ print $1, "hv:" $3 }'
	nm -n "$BUILD/pvops-guest.elf" | awk '{ print $1, "guest:" $3 }'
} | sort >"$TBPROF_DIR/syms"
ops=$(( (n2 + n2 / 8) - (n1 + n1 / 8) ))
echo "$config $prog: instructions per operation by function, over $ops operations"
# Addresses are compared as 16-digit hex strings: awk's numbers cannot
# hold 64 bits.
awk -v ops="$ops" '
	function pad(h) { h = sprintf("%16s", h); gsub(/ /, "0", h); return h }
	function owner(a,   lo, hi, mid) {
		if (a < "0000800000000000") return "user"
		lo = 1; hi = nsym
		if (a < addr[1]) return "?"
		while (lo < hi) {
			mid = int((lo + hi + 1) / 2)
			if (addr[mid] <= a) lo = mid; else hi = mid - 1
		}
		return name[lo]
	}
	FILENAME ~ /syms$/ { addr[++nsym] = $1; name[nsym] = $2; next }
	{
		f = owner(pad($1)); n = $2 * $3
		if (FILENAME ~ /\/'"$n1"'\.log\.tbprof$/) cost[f] -= n; else cost[f] += n
	}
	END {
		for (f in cost) {
			total += cost[f] / ops
			if (cost[f] / ops >= 0.5 || cost[f] / ops <= -0.5)
				printf "  %10.1f  %s\n", cost[f] / ops, f
		}
		printf "  %10.1f  total\n", total
	}
' "$TBPROF_DIR/syms" "$TBPROF_DIR/$n1.log.tbprof" "$TBPROF_DIR/$n2.log.tbprof" |
	sort -k1,1 -n -r

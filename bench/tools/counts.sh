#!/bin/sh
# What one operation of a benchmark program costs in hypervisor events:
# the guest's hypercall counts under PV (pvops-guest prints them at power-off
# with kdebug) or hv's VM exit counts under HVM ("hvm: domain 1 exits: ..."),
# per operation.  Boots the configuration twice under -icount with the
# program at a fixed count (-n N1, then -n N2) and divides the difference
# of the counters by the difference of operations, so boot, start-up and
# power-off cancel out.  Uses the configuration's own boot function, or
# for a network client (net_rtt, net_stream) its network boot (net_boot,
# or boot where that is all the configuration runs): the measured domain's
# counts, not the peer's.
#
# With -p the two boots also run QEMU's TCG with the tbprof.c plugin, which
# counts the executions of every translated block, and the instructions
# per operation are listed by function: each block's instructions times
# its runs are charged to the hv.elf or pvops-guest.elf symbol it starts
# in ("user" below the canonical hole), the difference between the boots
# divided as above.  A block left early by an interrupt or fault counts
# whole: the total is within a few instructions of -icount's.  The second
# column is the blocks run, the third the CR3 and CR4 writes: each one
# makes TCG clear its block lookup cache and TLB, after which every block
# is found again through a hash table and every page walked again, so
# under PV these counts, more than the instructions, are what the time
# follows.
#
# With -t (implies -p) the plugin also models what the flushes cost
# afterwards (tbprof.c): blocks looked up again and pages walked again
# (TLB refills) by hv and by the guest, per operation.  Slower.
#
# usage: bench/tools/counts.sh [-b BUILD] [-p|-t] CONFIG PROGRAM N1 N2
#   CONFIG   pv-dom0, pv-domu, xen-dom0 (hypercalls) or hvm-hv, linux-hvm,
#            linux-hvm-dm (VM exits)
#   e.g.     bench/tools/counts.sh pv-dom0 fork 100 1100
#            bench/tools/counts.sh pv-domu net_rtt 100 300
#            bench/tools/counts.sh -p pv-dom0 ctxsw 200 1200
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=build
profile=
if [ "${1-}" = -b ]; then
	BUILD=$2
	shift 2
fi
case ${1-} in
-p)	profile=1
	shift ;;
-t)	profile=1
	TBPROF_TLB=1
	export TBPROF_TLB
	shift ;;
esac
[ $# -eq 4 ] || { sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2; }
config=$1 prog=$2 n1=$3 n2=$4
f=
for c in "$here"/configs/[0-9][0-9]-"$config".sh; do
	[ -e "$c" ] && f=$c
done
[ -n "$f" ] || { echo "counts: no configuration $config" >&2; exit 2; }
# Read by lib.sh and the configuration's boot function.
export BUILD BENCH_INITRD="$BUILD/bench/initrd.cpio.gz" BOOT_TIMEOUT=600
dir=$(mktemp -d /tmp/bench-counts.XXXXXX)
trap 'rm -rf "$dir"' EXIT
if [ -n "$profile" ]; then
	plugin=$BUILD/bench/tbprof.so
	if [ ! -e "$plugin" ] || [ -n "$(find "$here/tools/tbprof.c" -newer "$plugin")" ]; then
		mkdir -p "$BUILD/bench"
		${HOSTCC:-gcc} -O2 -Wall -Wextra -Werror -shared -fPIC \
			-o "$plugin" "$here/tools/tbprof.c"
	fi
	# Read by lib.sh's qemu_boot: one block-count file per boot.
	BENCH_QEMU_PLUGIN=$(cd "$(dirname "$plugin")" && pwd)/tbprof.so
	TBPROF_DIR=$dir
	export BENCH_QEMU_PLUGIN TBPROF_DIR
fi

# counters N: "KEY VALUE" lines of the counters after a boot with -n N.
counters() {
	(
		mode=icount log=$dir/$1.log jobs="$prog -n $1" kernel_jobs= net_jobs= run=boot
		# shellcheck source=bench/lib.sh
		. "$here/lib.sh"
		# shellcheck disable=SC1090
		. "$f"
		case $prog in
		net_*)
			net_jobs=$jobs jobs=
			! command -v net_boot >/dev/null || run=net_boot ;;
		esac
		$run >/dev/null 2>&1 || :
		console_text >"$log.console"
		tr -d '\r' <"$log" >"$log.txt"
	)
	# An operation runs n + n/8 times: the warm-up batch, then the timed one.
	grep -q "^BENCH name=$prog " "$dir/$1.log.console" ||
		{ echo "counts: $prog -n $1 gave no result (log: $dir/$1.log.txt)" >&2; exit 1; }
	sed -n \
		-e 's/^pvops-guest: *[0-9]* *\([0-9]*\) *\([0-9]*\)  \([a-z_]*\)$/\3 \1\n\3(batched) \2/p' \
		-e 's/^pvops-guest: *\([0-9]*\)  total traps.*/traps \1/p' \
		-e 's/^pvops-guest: batched requests: \([0-9]*\) page-table entries, \([0-9]*\) mmuext ops/pte-writes \1\nmmuext-ops \2/p' \
		-e 's/^pvops-guest: entries: \([0-9]*\) system calls, \([0-9]*\) exceptions, \([0-9]*\) event upcalls/syscall-bounces \1\nexception-bounces \2\nevent-upcalls \3/p' \
		"$dir/$1.log.txt"
	sed -n 's/^hvm: domain [0-9]* exits: \([0-9]*\) total: /exits \1, /p' "$dir/$1.log.txt" |
		tr ',' '\n' | sed -n 's/^ *\([a-z]*\) \([0-9]*\)$/\1 \2/p'
}

counters "$n1" >"$dir/a"
counters "$n2" >"$dir/b"
ops=$(( (n2 + n2 / 8) - (n1 + n1 / 8) ))
echo "$config $prog: per operation, over $ops operations"
awk -v ops="$ops" '
	NR == FNR { a[$1] = $2; next }
	{ r = ($2 - a[$1]) / ops; if (r >= 0.005 || r <= -0.005) printf "  %-22s %10.2f\n", $1, r }
' "$dir/a" "$dir/b"
[ -n "$profile" ] || exit 0

# -p: the blocks' instructions by function.
for n in "$n1" "$n2"; do
	if [ ! -s "$dir/$n.log.tbprof" ]; then
		echo "counts: QEMU wrote no block counts for -n $n" >&2
		exit 1
	fi
done
{
	nm -n "$BUILD/hv.elf" | awk '{ print $1, "hv:" $3 }'
	nm -n "$BUILD/pvops-guest.elf" | awk '{ print $1, "guest:" $3 }'
} | sort >"$dir/syms"
echo "$config $prog: instructions, blocks run and CR3/CR4 writes per operation by function"
# Addresses are compared as 16-digit hex strings: awk's numbers cannot
# hold 64 bits.
awk -v ops="$ops" -v first="$dir/$n1.log.tbprof" '
	function pad(h) { h = sprintf("%16s", h); gsub(/ /, "0", h); return h }
	function owner(a,   lo, hi, mid) {
		if (a < "0000800000000000") return "user"
		if (a < addr[1]) return "?"
		lo = 1; hi = nsym
		while (lo < hi) {
			mid = int((lo + hi + 1) / 2)
			if (addr[mid] <= a) lo = mid; else hi = mid - 1
		}
		return name[lo]
	}
	FILENAME ~ /syms$/ { addr[++nsym] = $1; name[nsym] = $2; next }
	$1 == "#" { next }
	{
		f = owner(pad($1))
		runs_here = (FILENAME == first ? -1 : 1) * $3
		cost[f] += runs_here * $2
		runs[f] += runs_here
		crw[f] += runs_here * $4
	}
	END {
		for (f in cost) {
			total += cost[f] / ops
			blocks += runs[f] / ops
			flushes += crw[f] / ops
			if (cost[f] / ops >= 0.5 || cost[f] / ops <= -0.5)
				printf "  %10.1f %8.1f %6.2f  %s\n", cost[f] / ops, runs[f] / ops, crw[f] / ops, f
		}
		printf "  %10.1f %8.1f %6.2f  total\n", total, blocks, flushes
	}
' "$dir/syms" "$dir/$n1.log.tbprof" "$dir/$n2.log.tbprof" | sort -k1,1 -n -r
[ -n "${TBPROF_TLB-}" ] || exit 0
echo "$config $prog: TCG model per operation (tbprof.c)"
awk -v ops="$ops" -v first="$dir/$n1.log.tbprof" '
	$1 == "#" && $2 == "tlb" {
		for (i = 3; i <= 8; i++)
			v[i] += (FILENAME == first ? -1 : 1) * $i
	}
	END {
		printf "  %8.1f  CR3/CR4 writes (TLB and lookup cache flushes)\n", v[3] / ops
		printf "  %8.1f  blocks looked up again after a flush\n", v[4] / ops
		printf "  %8.1f  pages walked again: hv code\n", v[5] / ops
		printf "  %8.1f  pages walked again: hv data\n", v[6] / ops
		printf "  %8.1f  pages walked again: guest code\n", v[7] / ops
		printf "  %8.1f  pages walked again: guest data\n", v[8] / ops
	}
' "$dir/$n1.log.tbprof" "$dir/$n2.log.tbprof"

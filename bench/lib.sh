# shellcheck shell=sh disable=SC2154  # mode, log, jobs: set by bench/run
# Helpers for configuration files (bench/configs/*.sh), sourced by bench/run
# before a configuration file is read and before its boot function runs.  A boot function sees:
#   mode   "time" (plain TCG) or "icount" (QEMU -icount shift=0)
#   log    the file where everything the configuration prints must land
#   jobs   one benchmark per line: "PROGRAM ARG..."
#   kernel_jobs  the same for benchmarks that are PV kernels of their own
#          (bench/kernels/, "kernel" in bench/benchmarks.list); empty unless
#          the configuration runs PV guests (the others set na_NAME)
#   BUILD  the build directory; BENCH_INITRD the benchmark initrd
#   BOOT_TIMEOUT  seconds before a hung boot is killed
# Each job prints "=== BEGIN P ===", its output, "=== END P (status N) ===".
# After the boot, console_text prints $log as plain lines for the runner to
# read the markers and BENCH lines from; a configuration whose console adds
# prefixes (a domU console relayed by the hypervisor) redefines it.

# linux_pending: for the stock Linux configurations, sets pending (why the
# row cannot run) when the build has no Debian kernel in build/linux-ref
# (tests/hvm-guests/linux/fetch-kernel).
# shellcheck disable=SC2034  # the configuration's variable, read by bench/run
linux_pending() {
	if [ -e "$BUILD/linux-ref/unavailable" ]; then
		pending="Debian's kernel is not available: $(cat "$BUILD/linux-ref/unavailable")"
	elif [ ! -e "$BUILD/linux-ref/vmlinuz" ]; then
		pending="no $BUILD/linux-ref/vmlinuz: make fetches it (tests/hvm-guests/linux/fetch-kernel)"
	fi
}

console_text() {
	tr -d '\r' <"$log"
}

# qemu_boot QEMU-ARG...: one QEMU TCG boot, console on the serial port
# into $log.  Under mode=icount the vCPU's TSC advances one tick per
# executed instruction, so the programs' tsc figures count instructions.
# -mem-prealloc: QEMU backs guest RAM with host memory on first touch, and
# that host page fault landed on whichever benchmark first used a frame
# (page fault and fork times of one configuration varied 2x from boot to
# boot); preallocated, every boot starts with all its RAM in place.
qemu_boot() {
	set -- -accel tcg -mem-prealloc -display none -monitor none -no-reboot \
		-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=4 "$@"
	if [ "$mode" = icount ]; then
		set -- -icount shift=0 "$@"
	fi
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 "$@" </dev/null >"$log.qemu" 2>&1
}

# qemu_boot_until PATTERN QEMU-ARG...: qemu_boot for a machine that does
# not power itself off (Xen halts after dom0's power-off): QEMU is
# stopped as soon as a line of $log matches the extended regular
# expression PATTERN.  Returns qemu_boot's status, 124 after a timeout.
qemu_boot_until() {
	pattern=$1
	shift
	: >"$log"
	rm -f "$log.pid"
	qemu_boot -pidfile "$log.pid" "$@" &
	boot=$!
	while kill -0 $boot 2>/dev/null; do
		if grep -Eq "$pattern" "$log" && [ -s "$log.pid" ]; then
			kill "$(cat "$log.pid")" 2>/dev/null || :
			wait $boot || :
			return 0
		fi
		sleep 0.2
	done
	wait $boot
}

# guest_append: $jobs as arguments for the benchmark initrd's /init,
# one word per job with ':' between program and arguments.
guest_append() {
	printf '%s\n' "$jobs" | while read -r prog args; do
		[ -n "$prog" ] || continue
		printf '%s%s ' "$prog" "$(printf '%s' "${args:+ $args}" | tr ' ' :)"
	done
}

# host_jobs DIR [WRAPPER...]: runs each job's program from DIR on this
# machine, through WRAPPER (e.g. taskset) when given.
host_jobs() {
	dir=$1
	shift
	printf '%s\n' "$jobs" | while read -r prog args; do
		[ -n "$prog" ] || continue
		echo "=== BEGIN $prog ==="
		# shellcheck disable=SC2086
		timeout "$BOOT_TIMEOUT" "$@" "$dir/$prog" $args 2>&1
		echo "=== END $prog (status $?) ==="
	done >"$log" 2>&1
	echo "=== ALL DONE ===" >>"$log"
}

# run_kernel_jobs FUNCTION: boots each of $kernel_jobs once through
# "FUNCTION KERNEL-ELF CMDLINE" (the kernel as dom0, its console into $log
# as for any boot) and appends that console to this boot's $log.  The
# jobs' "-t MS" becomes the kernels' "t=MS".
run_kernel_jobs() {
	main_log=$log
	status=0
	for prog in $(printf '%s\n' "$kernel_jobs" | cut -d' ' -f1); do
		args=$(printf '%s\n' "$kernel_jobs" | sed -n "s/^$prog //p" |
			sed 's/-\([a-z]\) \([^ ]*\)/\1=\2/g')
		log=$main_log.$prog
		"$1" "$BUILD/bench/kernels/$prog.elf" "$args" || status=$?
		tr -d '\r' <"$log" >>"$main_log"
	done
	log=$main_log
	return $status
}

# na_matching PATTERN REASON: na_NAME=REASON for every benchmark of
# bench/benchmarks.list whose name matches the shell PATTERN (blk_*: the
# disk figures, dom*: the domain lifecycle ones).
na_matching() {
	for b in $(sed -n 's/^\(run\|kernel\|dom0\) *\([a-z0-9_]*\) .*/\2/p' \
		"${here:-bench}/benchmarks.list"); do
		# shellcheck disable=SC2254  # PATTERN is a pattern
		case $b in $1) eval "na_$b=\$2" ;; esac
	done
}

# scratch_disk: a fresh, empty 32 MiB raw image for this boot's block
# benchmarks (their /dev/sda), $log.disk; remove it after the boot.
scratch_disk() {
	rm -f "$log.disk"
	truncate -s 32M "$log.disk"
}

# shellcheck shell=sh disable=SC2154  # mode, log, jobs: set by bench/run
# Helpers for configuration files (bench/configs/*.sh), sourced by bench/run
# before a configuration's boot function runs.  A boot function sees:
#   mode   "time" (plain TCG) or "icount" (QEMU -icount shift=0)
#   log    the file where everything the configuration prints must land
#   jobs   one benchmark per line: "PROGRAM ARG..."
#   BUILD  the build directory; BENCH_INITRD the benchmark initrd
#   BOOT_TIMEOUT  seconds before a hung boot is killed
# Each job prints "=== BEGIN P ===", its output, "=== END P (status N) ===".
# After the boot, console_text prints $log as plain lines for the runner to
# read the markers and BENCH lines from; a configuration whose console adds
# prefixes (a domU console relayed by the hypervisor) redefines it.

console_text() {
	tr -d '\r' <"$log"
}

# qemu_boot QEMU-ARG...: one QEMU TCG boot, console on the serial port
# into $log.  Under mode=icount the vCPU's TSC advances one tick per
# executed instruction, so the programs' tsc figures count instructions.
qemu_boot() {
	set -- -accel tcg -display none -monitor none -no-reboot \
		-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=4 "$@"
	if [ "$mode" = icount ]; then
		set -- -icount shift=0 "$@"
	fi
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 "$@" </dev/null >"$log.qemu" 2>&1
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

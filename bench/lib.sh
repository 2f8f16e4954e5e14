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
	# bench/tools/counts.sh -p: the block-counting plugin, one file per boot.
	if [ -n "${BENCH_QEMU_PLUGIN-}" ]; then
		set -- -plugin "$BENCH_QEMU_PLUGIN" "$@"
		export TBPROF_OUT="$TBPROF_DIR/${log##*/}.tbprof"
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

# xen_boot MODULES [QEMU-ARG...]: real Xen 4.17 (build/xen-ref, the Xen
# rows) with MODULES (dom0's kernel and command line, its initrd) as
# multiboot modules, dom0 with 256 MiB, until Xen reports dom0 gone.
# -smap: Xen 4.17's PV bounce-frame path trips over SMAP under QEMU 7.2
# TCG.  Xen halts instead of powering off after dom0's shutdown hypercall
# (noreboot), so QEMU is stopped once Xen says dom0 is gone; a Linux dom0
# powers off through ACPI S5, which Xen enters itself, and QEMU exits.
xen_boot() {
	modules=$1
	shift
	qemu_boot_until '^\(XEN\) (Hardware Dom0 (halted|crashed|shutdown)|.*Panic on CPU)' \
		-cpu max,-smap -m 512M -kernel "$BUILD/xen-ref/xen-4.17" \
		-append "console=com1 com1=115200,8n1 dom0_mem=256M noreboot" -initrd "$modules" "$@"
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

# (lib.sh's boot helpers keep their status in variables of their own, so
# that a configuration's boot can keep its main boot's in $status.)
# run_kernel_jobs FUNCTION: boots each of $kernel_jobs once through
# "FUNCTION KERNEL-ELF CMDLINE" (the kernel as dom0, its console into $log
# as for any boot) and appends that console to this boot's $log.  The
# jobs' "-t MS" becomes the kernels' "t=MS".
run_kernel_jobs() {
	main_log=$log
	kernel_status=0
	for prog in $(printf '%s\n' "$kernel_jobs" | cut -d' ' -f1); do
		args=$(printf '%s\n' "$kernel_jobs" | sed -n "s/^$prog //p" |
			sed 's/-\([a-z]\) \([^ ]*\)/\1=\2/g')
		log=$main_log.$prog
		"$1" "$BUILD/bench/kernels/$prog.elf" "$args" || kernel_status=$?
		tr -d '\r' <"$log" >>"$main_log"
	done
	log=$main_log
	return $kernel_status
}

# bench_names: the name of every benchmark of bench/benchmarks.list.
bench_names() {
	sed -n 's/^\(run\|kernel\|dom0\|net\) *\([a-z0-9_]*\) .*/\2/p' \
		"${here:-bench}/benchmarks.list"
}

# na_matching PATTERN REASON: na_NAME=REASON for every benchmark whose
# name matches the shell PATTERN (blk_*: the disk figures, dom*: the
# domain lifecycle ones).
na_matching() {
	for b in $(bench_names); do
		# shellcheck disable=SC2254  # PATTERN is a pattern
		case $b in $1) eval "na_$b=\$2" ;; esac
	done
}

# na_other_than PATTERNS REASON: na_NAME=REASON for every benchmark whose
# name matches none of PATTERNS, shell patterns separated by spaces (a
# row that measures only some figures).
na_other_than() {
	for b in $(bench_names); do
		keep=
		set -f
		for p in $1; do
			# shellcheck disable=SC2254  # p is a pattern
			case $b in $p) keep=1 ;; esac
		done
		set +f
		[ -n "$keep" ] || eval "na_$b=\$2"
	done
}

# scratch_disk: a fresh, empty 32 MiB raw image for this boot's block
# benchmarks (their /dev/sda), $log.disk; remove it after the boot.
scratch_disk() {
	rm -f "$log.disk"
	truncate -s 32M "$log.disk"
}

# ---- heron create in hv's dom0 (the PV domU rows) ----
# A configuration whose domains are made by the toolstack stages dom0's
# root (dom0_stage), writes its domains' configs and /etc/heron/run.sh
# (dom0_run_domain gives the lines for one measured domain) and boots it
# (dom0_boot).  hv boots pvops-guest as dom0 with that root: its /init
# (toolstack/dom0/init.sh) starts heron-xenstored, heron-consoled,
# heron-blkback and heron-netback, runs /etc/heron/run.sh on the console
# and powers the machine off.

# dom0_stage: $stage, a copy of the PV domU rows' dom0 root
# ($BUILD/bench/dom0-root: the toolstack's, domlife, the benchmark initrd
# as /boot/bench-initrd.cpio.gz) for this boot, with /etc/heron.
dom0_stage() {
	stage=$log.root
	rm -rf "$stage"
	cp -a "$BUILD/bench/dom0-root" "$stage"
	rm -f "$stage/.stamp"
	mkdir -p "$stage/etc/heron"
}

# dom0_run_domain NAME: run-script lines that create the domain of
# /etc/heron/NAME.cfg, wait until it is gone (it powers itself off after
# its jobs) and print its console log (heron-consoled's).
dom0_run_domain() {
	cat <<-EOF
		heron create /etc/heron/$1.cfg || exit 1
		# Blocks until heron-consoled closes the relay (the domain is gone);
		# retried while consoled has not taken the new domain on yet.
		id=\$(heron list --json $1 | sed -n 's/.*"id":\([0-9]*\),.*/\1/p')
		while heron list $1 >/dev/null 2>&1; do
			heron console $1 </dev/console >/dev/null 2>&1 || sleep 0.2
		done
		tr -d '\r' </var/log/heron/console-\$id.log
	EOF
}

# dom0_boot DOM0_MEM QEMU_MEM: packs $stage into dom0's initrd and boots
# hv with it and pvops-guest as dom0 (DOM0_MEM, e.g. 128M) in a QEMU of
# QEMU_MEM, a fresh scratch disk as dom0's /dev/sda.
dom0_boot() {
	pvops-guest/mkinitrd "$stage" "$log.initrd" >/dev/null || return 1
	rm -rf "$stage"
	scratch_disk
	qemu_boot -cpu max -m "$2" -kernel "$BUILD/hv.elf" -append "dom0_mem=$1" \
		-initrd "$BUILD/pvops-guest.elf,$log.initrd" \
		-drive "file=$log.disk,format=raw,if=ide,index=0"
	dom0_status=$?
	rm -f "$log.disk" "$log.initrd"
	return $dom0_status
}

# ---- the network figures ----
# The measured domain (the client) has NET_CLIENT_IP, its peer (net_serve)
# NET_PEER_IP, both on xenbr0 through heron-netback.
NET_CLIENT_IP=10.0.1.1
NET_PEER_IP=10.0.1.2

# net_append: /init's words for the client: eth0's address, then each of
# $net_jobs with the peer's address as its operand.
net_append() {
	printf 'ifup:%s ' "$NET_CLIENT_IP"
	printf '%s\n' "$net_jobs" | while read -r prog args; do
		[ -n "$prog" ] || continue
		printf '%s:%s ' "$prog" "$(printf '%s' "${args:+$args }$NET_PEER_IP" | tr ' ' :)"
	done
}

# net_peer_cfg: the peer domain's config, a 64 MiB pvops-guest domU with
# the benchmark initrd whose /init configures eth0 and runs net_serve
# until dom0 destroys it.
net_peer_cfg() {
	cat <<-EOF
		name = "peer"
		memory = 64
		kernel = "/boot/pvops-guest.elf"
		ramdisk = "/boot/bench-initrd.cpio.gz"
		cmdline = "ifup:$NET_PEER_IP net_serve"
		vif = [ 'bridge=xenbr0,mac=00:16:3e:00:0b:02' ]
	EOF
}

# The measured domain's vif (its config's line).
NET_CLIENT_VIF="vif = [ 'bridge=xenbr0,mac=00:16:3e:00:0b:01' ]"

# net_run_script MEASURED: /etc/heron/run.sh of a network boot: the peer
# domain first (until net_serve is ready, 60 s at most), then the
# measured domain (/etc/heron/MEASURED.cfg) to its end, then the peer is
# destroyed and its console printed with "peer: " before each line.
net_run_script() {
	cat <<-EOF
		heron create /etc/heron/peer.cfg || exit 1
		peer=\$(heron list --json peer | sed -n 's/.*"id":\([0-9]*\),.*/\1/p')
		i=0
		until grep -q '^net_serve: ready' /var/log/heron/console-\$peer.log 2>/dev/null; do
			i=\$((i + 1))
			[ \$i -le 300 ] || { echo "net: peer never ready"; break; }
			sleep 0.2
		done
	EOF
	dom0_run_domain "$1"
	cat <<-EOF
		heron destroy peer
		tr -d '\r' </var/log/heron/console-\$peer.log | sed 's/^/peer: /'
	EOF
}

# run_net_jobs FUNCTION: when there are $net_jobs, boots once more through
# FUNCTION (the configuration's network boot, its console into $log) and
# appends that console to this boot's $log.
run_net_jobs() {
	[ -n "${net_jobs-}" ] || return 0
	main_log=$log
	log=$main_log.net
	net_status=0
	"$1" || net_status=$?
	tr -d '\r' <"$log" >>"$main_log"
	log=$main_log
	return $net_status
}

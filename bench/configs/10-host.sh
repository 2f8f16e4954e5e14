# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# The build machine itself, no emulation: a reference for what the
# programs cost on real hardware (or whatever VM the build machine is).
# Pinned to one CPU like the 1-vCPU guests, so the pipe ping-pong is a
# context switch and not a cross-CPU wakeup; the mixed job unpacks into
# tmpfs, as the guests unpack into their ramfs.  The network clients run
# without a peer: each forks its own server on 127.0.0.1 (loopback, on
# the same CPU), the reference of the network figures.
title="host: Linux on 1 CPU, no emulation (reference)"
role=reference
modes="time"
na_hypercall="no hypervisor: the host row runs programs only"
na_evtchn="no hypervisor: no domains, no event channels"
na_matching 'blk_*' "no disk under test: the host's block devices and files sit behind its page cache and a virtual disk of the cloud it runs in"
na_matching 'dom*' "no hypervisor: no domains"

boot() {
	export TMPDIR=/dev/shm
	jobs=$(printf '%s\n%s\n' "$jobs" "${net_jobs-}")
	host_jobs "$BUILD/bench/host" taskset -c 0
}

# shellcheck shell=sh disable=SC2034  # bench/run reads the variables
# The build machine itself, no emulation: a reference for what the
# programs cost on real hardware (or whatever VM the build machine is).
title="host: Linux, no emulation (reference)"
role=reference
modes="time"

boot() {
	host_jobs "$BUILD/bench/host"
}

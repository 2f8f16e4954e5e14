# Helpers for the dom0 test scripts, installed in the test dom0 roots as
# /etc/heron/testlib.sh and sourced by the scripts (`. /etc/heron/testlib.sh`).
# A script that counts more than the default state defines its own state()
# after sourcing this file; steady and settle use whichever is defined.

# The id of domain NAME, or nothing.
id_of() {
	heron list --json $1 2>/dev/null | sed -n 's/.*"id":\([0-9]*\),.*/\1/p'
}

# wait_log ID PREFIX SECONDS: a line of domain ID's console log starts with
# PREFIX.  On a timeout it says so and shows the log's end.
wait_log() {
	end=$(($(date +%s) + $3))
	while [ $(date +%s) -lt $end ]; do
		grep -q "^$2" /var/log/heron/console-$1.log 2>/dev/null && return 0
		sleep 0.2
	done
	echo "no '$2' on domain $1's console; its end:"
	tail -5 /var/log/heron/console-$1.log 2>/dev/null
	return 1
}

# test_domu NAME [LINE...]: /tmp/NAME.cfg for a 32 MiB test domU
# (pvops-guest with the test initramfs, taking commands on its console)
# with each LINE (a vif, a disk) added.
test_domu() {
	name=$1
	shift
	{
		cat <<CFG
name = "$name"
memory = 32
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "$name commands"
CFG
		for line in "$@"; do
			[ -n "$line" ] && echo "$line"
		done
	} >/tmp/$name.cfg
}

# show NAME PREFIX: domain NAME's console lines starting with PREFIX, each
# marked "NAME: ".
show() {
	grep "^$2" /var/log/heron/console-$(id_of $1).log | tr -d '\r' | sed "s/^/$1: /"
}

# ping_n NAME ADDR N: domain NAME pings ADDR (3 pings); prints the summary
# of its ping number N.
ping_n() {
	say $1 "ping $2"
	for i in $(seq 150); do
		[ $(grep -c "^ping $2:" /var/log/heron/console-$(id_of $1).log) -ge $3 ] && break
		sleep 0.2
	done
	echo "$1 ping $3: $(grep "^ping $2:" /var/log/heron/console-$(id_of $1).log |
		sed -n "$3p" | tr -d '\r')"
}

# say NAME LINE: types LINE on domain NAME's console, then detaches (Ctrl-]).
say() {
	(printf '%s\n' "$2"; sleep 0.5; printf '\035') | heron console $1 >/dev/null
}

# What must come back after a domain goes: hv's free pages (exact) and the
# number of xenstore nodes.
state() {
	xen-probe physinfo | cut -d' ' -f2
	heron-xs ls -r / | wc -l
}

# The baseline, /tmp/before: state once it has held still for 2 s (up to
# 30 s; the backends and consoled may still be settling a domain's end).
steady() {
	state >/tmp/before
	same=0
	end=$(($(date +%s) + 30))
	while [ $(date +%s) -lt $end ]; do
		sleep 0.5
		state >/tmp/s1
		if cmp -s /tmp/s1 /tmp/before; then
			same=$((same + 1))
			[ $same -ge 4 ] && return
		else
			same=0
			cp /tmp/s1 /tmp/before
		fi
	done
}

# settle [SECONDS]: up to SECONDS (30) for state to come back to the
# baseline; /tmp/after holds the last state read.
settle() {
	end=$(($(date +%s) + ${1:-30}))
	while [ $(date +%s) -lt $end ]; do
		state >/tmp/after
		cmp -s /tmp/before /tmp/after && return
		sleep 0.2
	done
}

# A domU's kernel xenbus over its store ring, through /dev/xen/xenbus:
# xenbus-probe's selftest (told to on the domU's console) writes, reads,
# lists and removes nodes, commits and aborts transactions and watches
# data/flag, which dom0 writes once it says it is watching.  Dom0 sees
# what the domU wrote; after destroy the xenstore tree and free memory
# are back to their values after a warm-up create/destroy (the first
# create leaves /vm, /libxl and dom0's grant maptrack page, as in Xen).
# Run by test_domains.
cat >/tmp/xb.cfg <<CFG
name = "xb"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "xb commands"
CFG
state() {
	xen-probe physinfo | cut -d' ' -f2
	heron-xs ls -r / | wc -l
}
# Up to 30 s for the state to hold still for 2 s: /tmp/before (the last
# page of a destroyed domain comes back when heron-consoled lets go).
steady() {
	state >/tmp/before
	same=0
	for i in $(seq 60); do
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
# Up to 30 s for the state to come back to /tmp/before: a destroyed
# domain's last pages return once heron-consoled and heron-blkback let go.
settle() {
	for i in $(seq 150); do
		state >/tmp/after
		cmp -s /tmp/before /tmp/after && return
		sleep 0.2
	done
}
# Waits up to 30 s for a line starting with $1 in the domU's console log.
wait_log() {
	for i in $(seq 150); do
		grep -q "^$1" /var/log/heron/console-$id.log 2>/dev/null && return 0
		sleep 0.2
	done
	echo "no '$1' on the console"
	return 1
}
id=1
heron create /tmp/xb.cfg >/dev/null
wait_log "test domU xb: up"
heron destroy xb
steady
id=2
heron create /tmp/xb.cfg
wait_log "test domU xb: up"
(printf 'xenbus\n'; sleep 1; printf '\035') | heron console xb >/dev/null
wait_log "xs watching"
heron-xs write /local/domain/$id/data/flag 42
wait_log "xs oversized"
grep "^xs \|^xenbus: " /var/log/heron/console-$id.log | tr -d '\r'
echo "dom0 reads tx: $(heron-xs read /local/domain/$id/data/tx)"
echo "dom0 lists data: $(heron-xs ls /local/domain/$id/data | tr '\n' ' ')"
heron destroy xb
echo "destroy: $?"
settle
cmp -s /tmp/before /tmp/after && echo "xenstore and free memory: back"

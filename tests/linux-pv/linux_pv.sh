# Debian's stock kernel (its bzImage, as packaged) as a PV domU created by
# heron, with two vCPUs: its console shows the initramfs's /init output
# (CPU 1 used, taken offline and back first); its xvda is
# dom0's /dev/sda (the host's image, served by heron-blkback); its eth0 is
# a vif on heron-netback's xenbr0, where it pings the pvops-guest domU
# "peer", peer pings it and it sends peer 1000 UDP datagrams (net-probe
# on both ends, payloads checked by peer); it powers off, peer is
# destroyed and the memory both had comes back.  Then a second Linux
# domU (two vCPUs, no devices) is destroyed while both its vCPUs spin,
# and its memory comes back too.  Run by test_linux_pv.
. /etc/heron/testlib.sh
[ -f /boot/linux-version ] || { echo "no Debian kernel in dom0 (fetch failed)"; exit 20; }
# Warm-up (as three_domus.sh): dom0's first grant mappings of a domU's
# pages give dom0 a grant maptrack page in hv, kept as Xen keeps it.
cat >/tmp/warmup.cfg <<CFG
name = "warmup"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/domu-initrd.cpio.gz"
CFG
heron create /tmp/warmup.cfg >/dev/null || exit 11
heron destroy warmup
sleep 1
xen-probe physinfo | cut -d' ' -f2 >/tmp/mem-before
cat >/tmp/linux.cfg <<CFG
name = "linux"
memory = 128
vcpus = 2
kernel = "/boot/vmlinuz-$(cat /boot/linux-version)"
ramdisk = "/boot/linux-initrd.cpio.gz"
extra = "console=hvc0 earlyprintk=xen loglevel=7"
disk = [ 'phy:/dev/sda,xvda,w' ]
vif = [ 'bridge=xenbr0,mac=00:16:3e:4c:00:01' ]
CFG
cat >/tmp/peer.cfg <<CFG
name = "peer"
memory = 32
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "peer commands"
vif = [ 'bridge=xenbr0,mac=00:16:3e:50:00:02' ]
CFG
heron create /tmp/linux.cfg || exit 10
heron create /tmp/peer.cfg || exit 12
wait_log 3 "test domU peer: up" 60 && say peer "ifup 10.0.1.2" && wait_log 3 "ifup eth0" 20
# Linux pings peer, then peer pings Linux (each waits for its summary).
if wait_log 2 "=== LINUX PV NET READY ===" 120; then
	say linux "ping 10.0.1.2"
	wait_log 2 "linux ping 10.0.1.2:" 60
	say peer "ping 10.0.1.1"
	wait_log 3 "ping 10.0.1.1:" 60
	grep "^ping 10.0.1.1:" /var/log/heron/console-3.log | tr -d '\r' | sed 's/^/peer: /'
	say peer "net recv 7000 1000"
	sleep 1
	say linux "net 10.0.1.2 7000 1000"
	wait_log 2 "net send:" 120
	wait_log 3 "net recv:" 30
	grep "^net recv:" /var/log/heron/console-3.log | tr -d '\r' | sed 's/^/peer: /'
	say linux poweroff
fi
# /init powers off; wait (at most 60 s) for the domain to go away.
i=0
while heron list | grep -q '^linux '; do
	i=$((i + 1))
	[ $i -gt 60 ] && { echo "linux: still running after 60 s"; heron destroy linux; break; }
	sleep 1
done
echo "--- linux console ---"
cat /var/log/heron/console-2.log
echo "--- end linux console ---"
echo "--- blkback ---"
cat /var/log/heron/blkback.log
echo "--- end blkback ---"
echo "--- netback ---"
cat /var/log/heron/netback.log
echo "--- end netback ---"
heron destroy peer
# Waits (at most 15 s) for the free page count to come back to the
# baseline, and prints both as "free pages before B $1 A": dom0's grant
# mappings of a domain's pages go as its backends let them go.
mem_back() {
	for i in $(seq 75); do
		xen-probe physinfo | cut -d' ' -f2 >/tmp/mem-after
		cmp -s /tmp/mem-before /tmp/mem-after && break
		sleep 0.2
	done
	echo "free pages before $(cat /tmp/mem-before) $1 $(cat /tmp/mem-after)"
}
mem_back after
# The second Linux: destroyed while running, not powered off.
cat >/tmp/linux2.cfg <<CFG
name = "linux2"
memory = 96
vcpus = 2
kernel = "/boot/vmlinuz-$(cat /boot/linux-version)"
ramdisk = "/boot/linux-initrd.cpio.gz"
extra = "console=hvc0 loglevel=4 heron_test=destroy"
CFG
heron create /tmp/linux2.cfg || exit 13
if wait_log 4 "=== LINUX PV WAITING ===" 120; then
	say linux2 spin
	wait_log 4 "=== LINUX PV SPINNING ===" 30
	sleep 1
	heron list | grep '^linux2 '
fi
heron destroy linux2 && echo "linux2: destroyed"
heron list | grep -q '^linux2 ' && echo "linux2: still listed after destroy"
echo "--- linux2 console ---"
cat /var/log/heron/console-4.log
echo "--- end linux2 console ---"
mem_back "after linux2's destroy"

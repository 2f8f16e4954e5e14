# A domU's domctls are refused with -EPERM, and its kernel's xenbus works
# (it reads nodes through /dev/xen/xenbus, told to on its console); bad
# configs are refused with messages naming the cause and leave nothing
# behind (domain list, free pages, xenstore tree).  Run by test_domains.
mk() {
	cat >/tmp/$1.cfg
}
mk probe <<CFG
name = "probe"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "probe domctl"
CFG
mk unknown <<CFG
name = "unknown"
memory = 16
colour = "blue"
kernel = "/boot/pvops-guest.elf"
CFG
mk huge <<CFG
name = "huge"
memory = 4000
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
CFG
mk notelf <<CFG
name = "notelf"
memory = 16
kernel = "/boot/test-domu-initrd.cpio.gz"
CFG
mk noxen <<CFG
name = "noxen"
memory = 16
kernel = "/bin/busybox"
CFG
mk dup <<CFG
name = "probe"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
CFG
state() {
	heron list | tail -n +2 | cut -c1-46
	xen-probe physinfo | cut -d' ' -f2
	heron-xs ls -r / | wc -l
}
heron create /tmp/probe.cfg
for i in $(seq 100); do
	grep -q "^sysctl physinfo" /var/log/heron/console-1.log 2>/dev/null && break
	sleep 0.2
done
grep "^domctl\|^sysctl" /var/log/heron/console-1.log | tr -d '\r'
(printf 'xs name domid /local/domain/0/name nosuch\n'; sleep 3;
	printf '\035') | heron console probe >/dev/null
grep "^xs \|^xenbus: " /var/log/heron/console-1.log | tr -d '\r'
state >/tmp/before
for c in unknown huge notelf noxen dup; do
	heron create /tmp/$c.cfg
	echo "$c: $?"
done
state >/tmp/after
cmp -s /tmp/before /tmp/after && echo "nothing left behind"
cat /tmp/after
heron destroy probe
echo "destroy: $?"

# HVM domains from configs (issue 7), run by test_hvm_domains: pvops-guest
# as an HVM domain running the busybox test script (its COM1 is heron-dm's,
# its output reaches console-N.log through heron-consoled), next to a PV
# domU and an HVM domU reading commands typed on its console, with two
# IDE disks served by heron-dm (one read-only); a triple-
# faulting HVM kernel crashes alone; everything is destroyed and free
# memory and the xenstore tree come back.  Then the refusals: bad HVM
# configs (heron's messages) and HERON_DOMCTL_hvm_build's argument checks
# (hvm-probe), each leaving nothing behind.
. /etc/heron/testlib.sh
mk() {
	cat >/tmp/$1.cfg
}
mk shell <<CFG
name = "shell"
type = "hvm"
memory = 64
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/hvm-shell-initrd.cpio.gz"
cmdline = "shell"
on_poweroff = "preserve"
CFG
mk pvdom <<CFG
name = "pvdom"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "pvdom"
CFG
# 80 KiB: blk fill writes 64 KiB in one request, then 16 KiB.
dd if=/dev/zero of=/tmp/hvm.img bs=1024 count=80 2>/dev/null
yes Z | head -c 8192 >/tmp/ro.img
cp /tmp/ro.img /tmp/ro.orig
mk typed <<CFG
name = "typed"
builder = "hvm"
memory = 32
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "typed commands"
disk = [ "/tmp/hvm.img,raw,hda,rw", "/tmp/ro.img,raw,hdb,ro" ]
CFG
mk triple <<CFG
name = "triple"
type = "hvm"
memory = 8
kernel = "/boot/test_hvm.elf"
cmdline = "mode=triple"
on_crash = "preserve"
CFG
# Waits up to 60 s for $2 in domain $1's console log.
wait_text() {
	for i in $(seq 300); do
		grep -q "$2" /var/log/heron/console-$1.log 2>/dev/null && return 0
		sleep 0.2
	done
	echo "timeout waiting for '$2' from domain $1"
	return 1
}
# Waits up to 20 s for domain $1's state to match $2.
wait_state() {
	for i in $(seq 100); do
		heron list $1 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.2
	done
	echo "timeout waiting for $1 to be $2"
}
state() {
	heron list | tail -n +2 | cut -c1-46
	xen-probe physinfo | cut -d' ' -f2
	heron-xs ls -r / | wc -l
}
# Warm-up (see three_domus.sh): dom0's grant maptrack, /vm and /libxl.
heron create /tmp/pvdom.cfg >/dev/null
heron destroy pvdom
sleep 1
state >/tmp/before
heron create /tmp/pvdom.cfg
heron create /tmp/shell.cfg
heron create /tmp/typed.cfg
pv=$(id_of pvdom) sh=$(id_of shell) ty=$(id_of typed)
wait_text $pv "test domU pvdom: up"
wait_text $ty "test domU typed: up"
# Each HVM domain has its device model (pid in /libxl/N/dm-pid).
dm_alive() {
	pid=$(heron-xs read /libxl/$1/dm-pid 2>/dev/null)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$2: device model running"
}
dm_alive $sh shell
dm_alive $ty typed
dm_pid_typed=$(heron-xs read /libxl/$ty/dm-pid)
[ -z "$(heron-xs read /libxl/$pv/dm-pid 2>/dev/null)" ] && echo "pvdom: no device model"
heron list --json | sed 's/"cpu_time_s":[0-9.]*/T/g'
heron list | sed -n 's/^\(typed\|shell\|pvdom\) .* \([-a-z]\{6\}\) .*/\1 \2/p'
# Input through heron console reaches the HVM domain's COM1; its disks.
grep "^ata: " /var/log/heron/console-$ty.log
(sleep 1; printf 'blk size /dev/sdb\n'; sleep 1; printf 'blk fill /dev/sda 7\n'; sleep 1
 printf '\035') | heron console typed >/dev/null
wait_text $ty "blk fill: " && grep "^blk " /var/log/heron/console-$ty.log
(printf 'blk write /dev/sdb\n'; sleep 1; printf 'poweroff\n'; sleep 2; printf '\035') |
	heron console typed >/dev/null
wait_text $ty "test domU typed: poweroff" && echo "typed: input reached COM1"
grep "^blk write" /var/log/heron/console-$ty.log
cmp -s /tmp/ro.img /tmp/ro.orig && echo "read-only image unchanged"
echo "=== IMAGE ==="
od -A n -t x1 -v /tmp/hvm.img
echo "=== END IMAGE ==="
heron pause typed && heron list typed | grep -q -- "p---" && echo "typed: paused"
heron unpause typed && echo "typed: unpaused"
wait_text $sh "=== ALL DONE ===" && echo "shell: all done"
wait_state shell "---s--"
sed -n '/=== BEGIN shell ===/,/=== END shell/p' /var/log/heron/console-$sh.log \
	>/tmp/shell.out
cat /tmp/shell.out
# A triple fault crashes that domain only.
heron create /tmp/triple.cfg
tr=$(id_of triple)
wait_state triple "----c-"
heron list | sed -n 's/^\(shell\|triple\) .* \([-a-z]\{6\}\) .*/\1 \2/p'
for d in pvdom typed; do
	heron list $d | grep -q -- "---s--\|----c-" || echo "$d: not shut down"
done
wait_text $pv "test domU pvdom: tick 3" && echo "pvdom still ticking"
# No PV drivers: only hv's hard shutdown stops an HVM domain; the
# monitor then destroys it (on_poweroff = "destroy").
heron shutdown typed
echo "shutdown: status $?"
heron shutdown -F -w typed && echo "typed: shut down and gone"
heron list typed >/dev/null 2>&1 || echo "typed: not listed"
for d in triple shell pvdom; do heron destroy $d; done
sleep 1
grep -q "heron-dm: domain $ty: stopped" /var/log/heron/dm-$ty.log &&
	echo "typed: device model stopped"
state >/tmp/after
if cmp -s /tmp/before /tmp/after; then echo "state back to baseline"; else
	echo "state differs:"; diff /tmp/before /tmp/after; fi
# Refusals: each names its cause and leaves nothing behind.
dd if=/dev/zero of=/tmp/big bs=1024 count=5120 2>/dev/null
mk notkernel <<CFG
name = "notkernel"
type = "hvm"
memory = 16
kernel = "/bin/busybox"
CFG
mk bigrd <<CFG
name = "bigrd"
type = "hvm"
memory = 4
kernel = "/boot/test_hvm.elf"
ramdisk = "/tmp/big"
CFG
mk twocpu <<CFG
name = "twocpu"
type = "hvm"
vcpus = 2
kernel = "/boot/test_hvm.elf"
CFG
mk pvh <<CFG
name = "pvh"
type = "pvh"
kernel = "/boot/test_hvm.elf"
CFG
mk cdrom <<CFG
name = "cdrom"
type = "hvm"
kernel = "/boot/test_hvm.elf"
disk = [ "/tmp/ro.img,raw,hdc,ro,devtype=cdrom" ]
CFG
mk huge <<CFG
name = "huge"
type = "hvm"
memory = 4000
kernel = "/boot/test_hvm.elf"
CFG
for c in notkernel bigrd twocpu pvh cdrom huge; do
	heron create /tmp/$c.cfg
	echo "$c: status $?"
done
hvm-probe refusals /boot/test_hvm.elf
state >/tmp/after
if cmp -s /tmp/before /tmp/after; then echo "state back to baseline after refusals"; else
	echo "state differs:"; diff /tmp/before /tmp/after; fi

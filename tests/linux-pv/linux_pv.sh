# Debian's stock kernel (its bzImage, as packaged) as a PV domU created by
# heron: its console shows the initramfs's /init output; it powers off;
# the memory it had comes back; its xvda is dom0's /dev/sda (the host's
# image, served by heron-blkback).  Run by test_linux_pv.
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
vcpus = 1
kernel = "/boot/vmlinuz-$(cat /boot/linux-version)"
ramdisk = "/boot/linux-initrd.cpio.gz"
extra = "console=hvc0 earlyprintk=xen loglevel=7"
disk = [ 'phy:/dev/sda,xvda,w' ]
CFG
heron create /tmp/linux.cfg || exit 10
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
xen-probe physinfo | cut -d' ' -f2 >/tmp/mem-after
echo "free pages before $(cat /tmp/mem-before) after $(cat /tmp/mem-after)"

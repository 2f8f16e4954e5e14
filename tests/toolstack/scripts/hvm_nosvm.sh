# Without SVM (QEMU -cpu max,-svm): hv says so at boot, heron create of an
# HVM config fails with the documented message and leaves nothing, and PV
# domUs work as before.  Run by test_hvm_domains.
cat >/tmp/hvm.cfg <<CFG
name = "hvmdom"
type = "hvm"
memory = 16
kernel = "/boot/test_hvm.elf"
CFG
cat >/tmp/pvdom.cfg <<CFG
name = "pvdom"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "pvdom"
CFG
heron info | grep virt_caps
xen-probe physinfo | cut -d' ' -f2 >/tmp/before
heron create /tmp/hvm.cfg
echo "hvm config: status $?"
heron list | tail -n +2 | cut -c1-46
xen-probe physinfo | cut -d' ' -f2 | cmp -s - /tmp/before && echo "free pages unchanged"
heron create /tmp/pvdom.cfg
for i in $(seq 100); do
	grep -q "test domU pvdom: up" /var/log/heron/console-*.log 2>/dev/null && break
	sleep 0.2
done
grep -h "test domU pvdom: up" /var/log/heron/console-*.log
heron destroy pvdom && echo "pvdom destroyed"

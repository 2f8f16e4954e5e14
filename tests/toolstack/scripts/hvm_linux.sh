# Debian's stock kernel (a bzImage) as an HVM domU from heron create: it
# boots to the HVM Linux test's /init on heron-dm's COM1 (ttyS0), which
# reports and powers off through ACPI S5; the monitor destroys it
# (on_poweroff = "destroy").  Run by test_hvm_domains.
cat >/tmp/debian.cfg <<CFG
name = "debian"
type = "hvm"
memory = 128
kernel = "/boot/vmlinuz"
ramdisk = "/boot/linux-initrd.cpio.gz"
cmdline = "console=ttyS0 quiet"
CFG
xen-probe physinfo | cut -d' ' -f2 >/tmp/before
heron create /tmp/debian.cfg
for i in $(seq 300); do
	[ -z "$(heron list debian 2>/dev/null)" ] && break
	sleep 0.2
done
heron list debian >/dev/null 2>&1 || echo "debian: gone"
cat /var/log/heron/console-1.log
sleep 1
xen-probe physinfo | cut -d' ' -f2 | cmp -s - /tmp/before && echo "free pages back"

# Debian's stock kernel (a bzImage) as an HVM domU from heron create: it
# boots to the HVM Linux test's /init on heron-dm's COM1 (ttyS0), loads
# ne2k-pci for heron-dm's NE2000 (on xenbr0, a local port of
# heron-netback), pings the PV domU pv (pvops-guest, a vif on xenbr0),
# loads ata_piix and sd_mod for heron-dm's IDE disk and fills it with
# blk-probe's pattern 9 (dumped here once the domain is gone, for the
# host to check), reports and powers off through ACPI S5; the monitor
# destroys it (on_poweroff = "destroy").  Linux finds bus 0 through the
# PCI root bridge in hv's DSDT and the NIC's IRQ through its _PRT.
# Run by test_hvm_domains.
# Waits up to $3 s for a line starting with $2 on domain $1's console.
. /etc/heron/testlib.sh
cat >/tmp/pv.cfg <<CFG
name = "pv"
memory = 32
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "pv commands"
vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:02' ]
CFG
dd if=/dev/zero of=/tmp/linux.img bs=1024 count=32 2>/dev/null
cat >/tmp/debian.cfg <<CFG
name = "debian"
type = "hvm"
memory = 128
kernel = "/boot/vmlinuz"
ramdisk = "/boot/linux-initrd.cpio.gz"
cmdline = "console=ttyS0 quiet nic_ip=10.0.1.3 nic_peer=10.0.1.2 disk_seed=9"
vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:03' ]
disk = [ "/tmp/linux.img,raw,hda,rw" ]
CFG
heron create /tmp/pv.cfg
pv=$(id_of pv)
wait_log $pv "test domU pv: up" 60
(printf 'ifup 10.0.1.2\n'; sleep 0.5; printf '\035') | heron console pv >/dev/null
wait_log $pv "ifup eth0" 20
xen-probe physinfo | cut -d' ' -f2 >/tmp/before
heron create /tmp/debian.cfg
for i in $(seq 450); do
	[ -z "$(heron list debian 2>/dev/null)" ] && break
	sleep 0.2
done
heron list debian >/dev/null 2>&1 || echo "debian: gone"
cat /var/log/heron/console-$((pv + 1)).log
echo "--- dm log ---"
cat /var/log/heron/dm-$((pv + 1)).log
echo "--- netback log ---"
cat /var/log/heron/netback.log
echo "--- pv console ---"
cat /var/log/heron/console-$pv.log
echo "--- end logs ---"
echo "=== IMAGE ==="
od -A n -t x1 -v /tmp/linux.img
echo "=== END IMAGE ==="
sleep 1
xen-probe physinfo | cut -d' ' -f2 | cmp -s - /tmp/before && echo "free pages back"
heron destroy pv

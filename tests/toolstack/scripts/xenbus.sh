# A domU's kernel xenbus over its store ring, through /dev/xen/xenbus:
# xenbus-probe's selftest (told to on the domU's console) writes, reads,
# lists and removes nodes, commits and aborts transactions and watches
# data/flag, which dom0 writes once it says it is watching.  Dom0 sees
# what the domU wrote; after destroy the xenstore tree and free memory
# are back to their values after a warm-up create/destroy (the first
# create leaves /vm, /libxl and dom0's grant maptrack page, as in Xen).
# Run by test_domains.
. /etc/heron/testlib.sh
cat >/tmp/xb.cfg <<CFG
name = "xb"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "xb commands"
CFG
id=1
heron create /tmp/xb.cfg >/dev/null
wait_log $id "test domU xb: up" 30
heron destroy xb
steady
id=2
heron create /tmp/xb.cfg
wait_log $id "test domU xb: up" 30
(printf 'xenbus\n'; sleep 1; printf '\035') | heron console xb >/dev/null
wait_log $id "xs watching" 30
heron-xs write /local/domain/$id/data/flag 42
wait_log $id "xs oversized" 30
grep "^xs \|^xenbus: " /var/log/heron/console-$id.log | tr -d '\r'
echo "dom0 reads tx: $(heron-xs read /local/domain/$id/data/tx)"
echo "dom0 lists data: $(heron-xs ls /local/domain/$id/data | tr '\n' ' ')"
heron destroy xb
echo "destroy: $?"
settle
cmp -s /tmp/before /tmp/after && echo "xenstore and free memory: back"

# 50 create/destroy cycles of a PV domU leak nothing: free memory (exact
# pages) and the xenstore tree are back to where they were after the
# first cycle (which makes /vm and /libxl, kept as in Xen, and grows
# hv's and the daemons' tables once).  Each domU is up (its console says
# so) before it is destroyed.  Run by test_domains.
cat >/tmp/cycle.cfg <<CFG
name = "cycle"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "cycle"
CFG
cycle() {
	out=$(heron create /tmp/cycle.cfg) || { echo "cycle $1: create failed"; return; }
	id=${out##*id }
	id=${id%)}
	for i in $(seq 100); do
		grep -q "^test domU cycle: up" /var/log/heron/console-$id.log 2>/dev/null && break
		sleep 0.1
	done
	grep -q "^test domU cycle: up" /var/log/heron/console-$id.log ||
		echo "cycle $1: domain $id never came up"
	heron destroy cycle || echo "cycle $1: destroy failed"
}
xen-probe physinfo | cut -d' ' -f2 >/tmp/free-0
cycle 1
sleep 1
xen-probe physinfo | cut -d' ' -f2 >/tmp/free-1
heron-xs ls -r / >/tmp/xs-1
start=$(date +%s)
n=2
while [ $n -le 50 ]; do
	cycle $n
	n=$((n + 1))
done
end=$(date +%s)
# Up to 30 s for the last cycle's pages to come back (heron-consoled lets
# go of a destroyed domain's console page a moment after it dies).
for i in $(seq 150); do
	xen-probe physinfo | cut -d' ' -f2 >/tmp/free-50
	heron-xs ls -r / >/tmp/xs-50
	cmp -s /tmp/free-1 /tmp/free-50 && cmp -s /tmp/xs-1 /tmp/xs-50 && break
	sleep 0.2
done
echo "free pages: $(cat /tmp/free-0) at start, $(cat /tmp/free-1) after 1 cycle, $(cat /tmp/free-50) after 50"
cmp -s /tmp/free-1 /tmp/free-50 && echo "free memory: back"
cmp -s /tmp/xs-1 /tmp/xs-50 && echo "xenstore: back ($(wc -l </tmp/xs-50) nodes)"
heron list | tail -n +2
ls /var/log/heron | grep -c "^console-"
echo "49 cycles took $((end - start)) s"

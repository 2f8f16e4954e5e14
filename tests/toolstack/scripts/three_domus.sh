# Three PV domUs from config files: created, listed, each one's console
# output shown, destroyed; free memory (exact pages) and the xenstore tree
# come back.  Run by test_domains (build/tests/toolstack/dom0-root).
cfg() {
	cat >/tmp/$1.cfg <<CFG
name = "$1"
memory = $2
vcpus = $3
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "$1"
CFG
}
cfg alpha 32 1
cfg beta 40 2
cfg gamma 24 1
# Warm-up: dom0's first grant mapping (heron-xenstored's and
# heron-consoled's of a domU's pages) gives dom0 a grant maptrack in hv,
# kept as Xen keeps it (one page); the first create also makes /vm and
# /libxl, which stay as in Xen.  The baseline is taken after it.
xen-probe physinfo | cut -d' ' -f2 >/tmp/mem-boot
cfg warmup 16 1
heron create /tmp/warmup.cfg >/dev/null
heron destroy warmup
sleep 1
heron-xs ls -r / >/tmp/xs-before
xen-probe physinfo | cut -d' ' -f2 >/tmp/mem-before
echo "warm-up kept $(( $(cat /tmp/mem-boot) - $(cat /tmp/mem-before) )) page(s)"
heron-xs watch @introduceDomain >/tmp/watch-intro &
w1=$!
heron-xs watch @releaseDomain >/tmp/watch-release &
w2=$!
for d in alpha beta gamma; do
	heron create /tmp/$d.cfg
	echo "create $d: $?"
done
# Each domU says hello on its console ring; wait for all three.
for i in $(seq 100); do
	n=$(cat /var/log/heron/console-*.log 2>/dev/null |
		grep -c "^test domU \(alpha\|beta\|gamma\): up")
	[ "$n" -ge 3 ] && break
	sleep 0.2
done
heron list
heron list --json
echo
heron vcpu-list beta
for d in alpha beta gamma; do
	id=$(heron list --json $d | sed 's/.*"id":\([0-9]*\),.*/\1/')
	echo "log $d: $(tr -d '\r' </var/log/heron/console-$id.log | grep -m1 '^test domU')"
	echo "xenstore $d: $(heron-xs read /local/domain/$id/name /local/domain/$id/domid)" |
		tr '\n' ' '
	echo
done
# heron console: the live relay of what each domU prints while attached
# (a tick a second), detached with Ctrl-].
for d in alpha beta gamma; do
	(sleep 2.5; printf '\035') | heron console $d | tr -d '\r' | grep -m1 "tick"
	echo "console $d: $?"
done
heron console nosuch
echo "console nosuch: $?"
for d in alpha beta gamma; do
	heron destroy $d
	echo "destroy $d: $?"
done
heron list
# Up to 30 s for memory and xenstore to come back: a destroyed domain's
# last pages return once heron-consoled lets go of its console page.
for i in $(seq 150); do
	xen-probe physinfo | cut -d' ' -f2 >/tmp/mem-after
	heron-xs ls -r / >/tmp/xs-after
	cmp -s /tmp/mem-before /tmp/mem-after && cmp -s /tmp/xs-before /tmp/xs-after && break
	sleep 0.2
done
echo "free pages: $(cat /tmp/mem-before) before, $(cat /tmp/mem-after) after"
cmp -s /tmp/xs-before /tmp/xs-after && echo "xenstore: back ($(wc -l </tmp/xs-after) nodes)"
kill $w1 $w2
echo "introduce watch: $(cut -d' ' -f1 /tmp/watch-intro | tr '\n' ' ')"
echo "release watch: $(cut -d' ' -f1 /tmp/watch-release | tr '\n' ' ')"

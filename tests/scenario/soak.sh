# Soak (docs/robustness.md), run in dom0 by tests/scenario/soak-run:
# LOADERS domUs stay up printing a tick a second while dom0 keeps writing,
# reading and watching xenstore, and for SOAK_SECONDS domUs are created
# and ended every way they can end, in turn:
#   destroy     created, up, destroyed by heron
#   crash       created, told on its console to crash itself (on_crash
#               destroy: heron's monitor removes it)
#   poweroff    likewise, powering itself off (on_poweroff destroy)
#   killed      `heron create` killed (SIGKILL) part-way, after a delay
#               that grows each time; what it left is destroyed by id (a
#               create killed after the domain exists but before it is
#               named leaves an unnamed domain, as xl does)
#   io          a domU with a disk (a file in dom0) destroyed in the
#               middle of random reads and writes (the frontend dies)
# Then the loaders are destroyed and every counter must be back where it
# was after the warm-up: free pages (exact), xenstore nodes, the domain
# list, and heron-xenstored still answers.  SOAK_SECONDS and LOADERS are set by soak-run.
SOAK_SECONDS=@SOAK_SECONDS@
LOADERS=@LOADERS@
cfg() {
	cat >/tmp/$1.cfg <<CFG
name = "$1"
memory = 32
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "$1 $2"
on_crash = "destroy"
on_poweroff = "destroy"
$3
CFG
}
id_of() {
	heron list --json $1 2>/dev/null | sed -n 's/.*"id":\([0-9]*\),.*/\1/p'
}
# Waits up to 20 s for domain $1's console to say it is up.
wait_up() {
	for i in $(seq 100); do
		id=$(id_of $1)
		[ -n "$id" ] && grep -q "^test domU $1: up" /var/log/heron/console-$id.log 2>/dev/null &&
			return 0
		sleep 0.2
	done
	echo "soak: $1 never came up"
	return 1
}
# Waits up to 20 s for domain $1 to leave the list.
wait_gone() {
	for i in $(seq 100); do
		heron list $1 >/dev/null 2>&1 || return 0
		sleep 0.2
	done
	echo "soak: $1 still listed"
	return 1
}
tell() {
	(printf '%s\n' "$2"; sleep 1; printf '\035') | heron console $1 >/dev/null
}
# The counters, and the xenstore tree itself into /tmp/tree-$1.
counters() {
	heron-xs ls -r / >/tmp/tree-$1
	echo "free pages $(xen-probe physinfo | cut -d' ' -f2)"
	echo "xenstore nodes $(wc -l </tmp/tree-$1)"
	echo "domains $(heron list | tail -n +2 | cut -d' ' -f1 | tr '\n' ' ')"
	echo "dom0's name $(heron-xs read /local/domain/0/name)"
}

# Warm-up (see tests/toolstack/scripts/three_domus.sh): dom0's grant
# maptrack, /vm, /libxl and (after a domU with a disk)
# /local/domain/0/backend/vbd stay after the first domU, as in Xen.
dd if=/dev/zero of=/tmp/soak-disk.img bs=1M count=4 2>/dev/null
cfg disky commands "disk = [ '/tmp/soak-disk.img,raw,xvda,w' ]"
heron create /tmp/disky.cfg >/dev/null
wait_up disky
heron destroy disky
wait_gone disky
sleep 1
counters before >/tmp/before
cat /tmp/before | sed 's/^/before: /'

i=1
while [ $i -le $LOADERS ]; do
	cfg load$i ""
	heron create /tmp/load$i.cfg >/dev/null || echo "soak: load$i: create failed"
	i=$((i + 1))
done
heron-xs mkdir /local/domain/0/soak
heron-xs watch /local/domain/0/soak >/tmp/watch.log 2>&1 &
watcher=$!
(
	n=0
	while :; do
		heron-xs write /local/domain/0/soak/k$((n % 8)) "v$n" || echo "soak: xenstore write failed"
		heron-xs read /local/domain/0/soak/k$((n % 8)) >/dev/null
		n=$((n + 1))
	done
) &
writer=$!

cfg churn commands
# Starts random I/O on disky's disk and waits until it is under way.
start_io() {
	(printf 'blk random /dev/xvda %s 100000\n' "$1"; sleep 0.5; printf '\035') |
		heron console disky >/dev/null
	sleep 2
}
start=$(date +%s)
end=$((start + SOAK_SECONDS))
cycles=0 delay=0
for kind in destroy crash poweroff killed io; do eval "n_$kind=0"; done
while [ "$(date +%s)" -lt $end ] || [ $cycles -lt 5 ]; do
	case $((cycles % 5)) in
	0) kind=destroy ;;
	1) kind=crash ;;
	2) kind=poweroff ;;
	3) kind=killed ;;
	*) kind=io ;;
	esac
	if [ $kind = io ]; then
		heron create /tmp/disky.cfg >/dev/null || echo "soak: disky: create failed"
		wait_up disky
		start_io $cycles
		grep -q "^blkfront" /var/log/heron/console-$(id_of disky).log ||
			echo "soak: disky: no disk"
		heron destroy disky || echo "soak: disky: destroy failed"
		wait_gone disky
	elif [ $kind = killed ]; then
		heron create /tmp/churn.cfg >/dev/null 2>&1 &
		pid=$!
		usleep $delay
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		delay=$(( (delay + 350000) % 3000000 ))
		heron list | tail -n +2 | while read -r name id rest; do
			case $name in
			churn) heron destroy $id ;;
			"(unnamed)") heron destroy $id && echo unnamed >>/tmp/unnamed ;;
			esac
		done
		wait_gone churn
	else
		heron create /tmp/churn.cfg >/dev/null || echo "soak: churn: create failed"
		wait_up churn
		case $kind in
		destroy) heron destroy churn || echo "soak: churn: destroy failed" ;;
		*) tell churn $kind ;;
		esac
		wait_gone churn
	fi
	eval "n_$kind=\$((n_$kind + 1))"
	cycles=$((cycles + 1))
done
took=$(( $(date +%s) - start ))

kill $writer $watcher
wait $writer $watcher 2>/dev/null
i=1
while [ $i -le $LOADERS ]; do
	grep -q "^test domU load$i: tick" /var/log/heron/console-$(id_of load$i).log ||
		echo "soak: load$i: no ticks"
	heron destroy load$i || echo "soak: load$i: destroy failed"
	i=$((i + 1))
done
heron-xs rm /local/domain/0/soak
echo "soak: $cycles cycles in ${took}s next to $LOADERS loaders:" \
	"destroy x$n_destroy, crash x$n_crash, poweroff x$n_poweroff, killed create x$n_killed," \
	"destroyed mid-I/O x$n_io"
echo "soak: killed creates that left an unnamed domain: $(cat /tmp/unnamed 2>/dev/null | wc -l)"
echo "soak: xenstore watch events $(wc -l </tmp/watch.log)"
# Up to 30 s for the last pages to come back (heron-consoled lets go of a
# dead domain's console page a moment after it dies).
for i in $(seq 30); do
	counters after >/tmp/after
	cmp -s /tmp/before /tmp/after && break
	sleep 1
done
cat /tmp/after | sed 's/^/after: /'
if cmp -s /tmp/before /tmp/after; then
	echo "soak: counters back to baseline"
else
	diff /tmp/tree-before /tmp/tree-after | sed 's/^/xenstore: /'
fi

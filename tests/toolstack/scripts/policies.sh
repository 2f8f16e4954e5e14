# on_reboot / on_crash for domUs that reboot (reboot -f) or crash
# themselves (told so on their console): restart brings up a new domain with the same name
# (which, told nothing, stays up), destroy removes the domain, preserve
# keeps it in the list, shut down.  Run by test_domains.
. /etc/heron/testlib.sh
mk() {
	cat >/tmp/$1.cfg <<CFG
name = "$1"
memory = 16
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "$1 commands"
on_reboot = "$2"
on_crash = "$3"
CFG
}
mk rebooter restart destroy
mk crasher destroy destroy
mk keeper destroy preserve
mk phoenix destroy restart
# Waits up to 20 s for domain $1 to be up (its console says so) with an
# id other than $2; prints the id.
wait_up() {
	for i in $(seq 100); do
		id=$(id_of $1)
		if [ -n "$id" ] && [ "$id" != "$2" ] &&
		   grep -q "^test domU $1: up" /var/log/heron/console-$id.log 2>/dev/null; then
			echo $id
			return
		fi
		sleep 0.2
	done
}
# Waits up to 20 s for domain $1 to be gone or shut down.
wait_down() {
	for i in $(seq 100); do
		heron list $1 2>/dev/null | grep -q -- "-b----\|r-----" || return
		sleep 0.2
	done
}
tell() {
	(printf '%s\n' "$2"; sleep 1; printf '\035') | heron console $1 >/dev/null
}
# Warm-up (see three_domus.sh): dom0's grant maptrack, /vm and /libxl.
heron create /tmp/keeper.cfg >/dev/null
heron destroy keeper
sleep 1
xen-probe physinfo | cut -d' ' -f2 >/tmp/free-before
heron-xs ls -r / >/tmp/xs-before
for d in rebooter crasher keeper phoenix; do
	heron create /tmp/$d.cfg >/dev/null
	eval id_$d=$(wait_up $d "")
done
echo "up: $id_rebooter $id_crasher $id_keeper $id_phoenix"
tell rebooter reboot
tell crasher crash
tell keeper crash
tell phoenix crash
r2=$(wait_up rebooter $id_rebooter)
p2=$(wait_up phoenix $id_phoenix)
wait_down crasher
wait_down keeper
sleep 1
echo "rebooter: $id_rebooter -> ${r2:-none}"
tr -d '\r' </var/log/heron/console-$id_rebooter.log | grep "^pvops-guest: reboot" |
	sed 's/^/rebooter log: /'
echo "phoenix: $id_phoenix -> ${p2:-none}"
heron list | tail -n +2 | sed 's/ \+[0-9.]*$//; s/  */ /g'
sed -n '/shut down\|restarted\|destroying\|preserved/s/^heron monitor: //p' \
	/var/log/heron/monitor-*.log
for d in rebooter phoenix keeper; do
	heron destroy $d
	echo "destroy $d: $?"
done
# Up to 30 s for memory and xenstore to come back (heron-consoled lets go
# of a destroyed domain's console page a moment after it dies).
for i in $(seq 150); do
	xen-probe physinfo | cut -d' ' -f2 >/tmp/free-after
	heron-xs ls -r / >/tmp/xs-after
	cmp -s /tmp/free-before /tmp/free-after && cmp -s /tmp/xs-before /tmp/xs-after && break
	sleep 0.2
done
heron list | tail -n +2 | cut -c1-46
cmp -s /tmp/free-before /tmp/free-after && echo "free memory: back"
cmp -s /tmp/xs-before /tmp/xs-after && echo "xenstore: back"

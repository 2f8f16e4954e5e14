# A domU destroyed in the middle of heavy block and network I/O (run by
# test_net's second case).  a (with a 1 MiB disk) and b are on xenbr0;
# b drops UDP on port 7002.  Three times over, v (a vif and a 16 MiB disk,
# both served from files in dom0) floods b with UDP and runs random reads
# and writes over its disk at once, and is destroyed with `heron destroy`
# while both go on.  After each cycle dom0's free memory (hv's), the
# whole xenstore tree (every backend's nodes and state) and the daemons
# serving the backends are what they were before v was first created, a
# still pings b and rewrites its own disk; hv prints dom0's grant table
# (the mappings it holds) before the first cycle and after each one, and
# test_net compares them.
. /etc/heron/testlib.sh
mk() {
	disk=
	[ -n "$3" ] && disk="disk = [ '$3' ]"
	test_domu $1 "vif = [ '$2' ]" "$disk"
}
# Brings domain $1 (made by mk) up with address 10.0.1.$2.
up() {
	heron create /tmp/$1.cfg >/dev/null
	wait_log $(id_of $1) "test domU $1: up" 60
	say $1 "ifup 10.0.1.$2"
	wait_log $(id_of $1) "ifup eth0" 20
}
# The number on domain $1's last console line starting with $2 (0 if none).
last_n() {
	n=$(grep "^$2" /var/log/heron/console-$1.log | tail -1 | tr -d '\r' |
		sed "s/^$2 *\([0-9]*\).*/\1/")
	echo ${n:-0}
}
# hv's free memory, the whole xenstore tree (every backend's nodes and
# state among them) and the daemons' pids.
state() {
	xen-probe physinfo | cut -d' ' -f2
	heron-xs ls -r /
	pidof heron-xenstored heron-consoled heron-blkback heron-netback
}

head -c 1048576 /dev/zero >/tmp/a.img
mk a 'bridge=xenbr0,mac=00:16:3e:0a:00:01' '/tmp/a.img,xvda,w'
mk b 'bridge=xenbr0,mac=00:16:3e:0b:00:01'
mk v 'bridge=xenbr0,mac=00:16:3e:0c:00:01' '/tmp/v.img,xvda,w'
# pvops-guest's ramfs keeps a file in one buffer that doubles as it grows:
# sized once here (one 16 MiB block), each cycle's rewrite reuses it
# instead of needing 8 + 16 MiB at once in a dom0 that is busy.
truncate -s 16777216 /tmp/v.img
up a 1
up b 2
say b "bg net-probe sink 7002"
ping_n a 10.0.1.2 1
steady
xen-probe gnttab 0 >/dev/null
echo "baseline taken"

for c in 1 2 3; do
	# blk-probe random starts from a zeroed disk.
	head -c 16777216 /dev/zero >/tmp/v.img
	heron create /tmp/v.cfg >/dev/null
	v=$(id_of v)
	wait_log $v "test domU v: up" 60
	say v "ifup 10.0.1.3"
	wait_log $v "ifup eth0" 20 && echo "cycle $c: v up"
	say v "bg net-probe flood 10.0.1.2 7002"
	say v "bg blk-probe random /dev/xvda $c 0"
	wait_log $v "blk progress:" 120
	# Both loads move at the same time: each counter goes past where it
	# stood once both had started.
	n0=$(last_n $v "net flooded") b0=$(last_n $v "blk progress:")
	for i in $(seq 150); do
		[ $(last_n $v "net flooded") -gt $n0 ] && [ $(last_n $v "blk progress:") -gt $b0 ] &&
			break
		sleep 0.2
	done
	n1=$(last_n $v "net flooded") b1=$(last_n $v "blk progress:")
	[ $n1 -gt $n0 ] && [ $b1 -gt $b0 ] && echo "cycle $c: v (domain $v) busy: disk and network both moving"
	echo "cycle $c: v has flooded $n1 datagrams and made $b1 disk operations"
	heron destroy v
	echo "cycle $c: destroy: $?"
	t=$(date +%s)
	settle 60
	if cmp -s /tmp/before /tmp/after; then
		echo "cycle $c: free memory, xenstore, daemons: back"
		echo "cycle $c: back $(($(date +%s) - t)) s after the destroy"
	else
		echo "cycle $c: state differs:"
		diff /tmp/before /tmp/after | head -20
	fi
	xen-probe gnttab 0 >/dev/null
	grep -h "/$v/" /var/log/heron/blkback.log /var/log/heron/netback.log | sed "s/^/cycle $c: /"
	ping_n a 10.0.1.2 $((c + 1))
	say a "blk fill /dev/xvda $c"
	for i in $(seq 150); do
		[ $(grep -c "^blk fill:" /var/log/heron/console-$(id_of a).log) -ge $c ] && break
		sleep 0.2
	done
	echo "cycle $c: a: $(grep "^blk fill:" /var/log/heron/console-$(id_of a).log |
		sed -n "${c}p" | tr -d '\r')"
	echo "cycle $c: b sank $(last_n $(id_of b) "net sunk") datagrams so far"
done
heron destroy a
heron destroy b

# Dom0's daemons killed part-way (run by test_faults; docs/robustness.md,
# "Faults").  Each daemon keeps its pid in /run/heron/NAME.pid (dom0 has
# no /proc).  x has a disk (a file in dom0) and a vif, y a vif:
#  1. heron-netback stopped with SIGTERM: its pid file goes; restarted.
#  2. heron-blkback killed (SIGKILL) in the middle of x's random disk I/O
#     and restarted: it takes the ring over and x's I/O finishes, every
#     read verified.
#  3. heron-netback killed in the middle of x sending to y and restarted:
#     the datagrams arrive undamaged, and y pings x.
#  4. netback, then blkback killed in the middle of I/O and left dead:
#     x's sends go unanswered, its disk request fails after blkfront's
#     30 s; x and y are destroyed, and free pages,
#     the xenstore tree and dom0's event channels are back where they
#     were (so the dead daemons' grant mappings went with them); both
#     daemons start again on nothing.
#  5. heron-xenstored killed while z does disk I/O: dom0, hv and z keep
#     running, heron-blkback still serves z's disk; the toolstack is down
#     for good (as with Xen's xenstored), so this comes last.
. /etc/heron/testlib.sh
log_of() {
	echo /var/log/heron/console-$(id_of $1).log
}
# Waits up to $3 s for a line starting with $2 in file $1 (quietly with $4).
wait_line() {
	end=$(($(date +%s) + $3))
	while [ $(date +%s) -le $end ]; do
		grep -q "^$2" $1 2>/dev/null && return 0
		sleep 0.2
	done
	[ -n "$4" ] || echo "missing: '$2' in $1"
	return 1
}
# Waits up to $4 s for $3 lines starting with $2 in file $1.
wait_n() {
	end=$(($(date +%s) + $4))
	while [ $(date +%s) -le $end ]; do
		[ "$(grep -c "^$2" $1 2>/dev/null)" -ge $3 ] && return 0
		sleep 0.2
	done
	echo "missing: $3 of '$2' in $1"
	return 1
}
pid_of() {
	cat /run/heron/$1.pid 2>/dev/null
}
ports() {
	xen-probe ports | cut -d' ' -f2
}
# Up to 30 s for dom0's ports in use to be $1.
wait_ports() {
	end=$(($(date +%s) + 30))
	while [ $(date +%s) -le $end ]; do
		[ "$(ports)" = "$1" ] && return 0
		sleep 0.2
	done
	echo "missing: dom0's ports $1 (there are $(ports))"
	return 1
}
start_daemon() {
	$1 >>/var/log/heron/${1#heron-}.log 2>&1 &
	for i in $(seq 50); do
		[ "$(pid_of $1)" = "$!" ] && return 0
		usleep 100000
	done
	echo "missing: $1's pid file"
	return 1
}
state() {
	echo "free pages $(xen-probe physinfo | cut -d' ' -f2)"
	echo "xenstore nodes $(heron-xs ls -r / | wc -l)"
	echo "dom0 ports $(ports)"
	echo "domains $(heron list | tail -n +2 | cut -d' ' -f1 | tr '\n' ' ')"
}
up() {
	heron create /tmp/$1.cfg >/dev/null
	wait_line $(log_of $1) "test domU $1: up" 60
}

# 4 KiB at a time: dom0 reads /dev/zero 4 KiB per call, and dd counts short reads.
dd if=/dev/zero of=/tmp/x.img bs=4096 count=512 2>/dev/null
# blk-probe random checks every read against what it wrote, zeros where it
# wrote nothing: the image is zeroed again (in place, while no request is
# in flight) after a fill.
zero_disk() {
	dd if=/dev/zero of=/tmp/x.img bs=4096 count=512 conv=notrunc 2>/dev/null
}
test_domu x "disk = [ '/tmp/x.img,raw,xvda,w' ]
vif = [ 'mac=00:16:3e:0c:00:01' ]"
test_domu y "vif = [ 'mac=00:16:3e:0c:00:02' ]"
for d in heron-xenstored heron-blkback heron-netback; do
	[ -n "$(pid_of $d)" ] && kill -0 $(pid_of $d) && echo "$d: pid file"
done

# Warm-up (see three_domus.sh): what stays after the first domUs, then
# the baseline.
up x
up y
heron destroy x
heron destroy y
steady
sed 's/^/before: /' /tmp/before

# 1. A clean stop removes the pid file.
pid=$(pid_of heron-netback)
kill -TERM $pid
for i in $(seq 50); do
	[ -e /run/heron/heron-netback.pid ] || break
	usleep 100000
done
[ -e /run/heron/heron-netback.pid ] || echo "netback SIGTERM: pid file removed"
start_daemon heron-netback && echo "netback: started again"

up x
up y
say x "ifup 10.0.2.1"
say y "ifup 10.0.2.2"
wait_line $(log_of y) "ifup eth0" 20
say x "blk fill /dev/xvda 5"
wait_line $(log_of x) "blk fill:" 300
show x "blk fill"
base=$(ports)

# 2. heron-blkback killed in the middle of x's I/O, then restarted.
# 12000 operations: tens of seconds even on a quiet machine, so the kill
# a second in lands in the middle (1500 once ended within 2 s).
zero_disk
say x "blk random /dev/xvda 5 12000"
sleep 1
grep -q "^blk random:" $(log_of x) && echo "blkback: x's I/O ended before the kill"
old=$(pid_of heron-blkback)
kill -9 $old
wait_ports $((base - 1)) && echo "blkback killed: its port closed"
echo "x after the kill: $(xen-probe domain $(id_of x) | cut -d' ' -f3)"
grep -q "^blk random:" $(log_of x) && echo "blkback: x's I/O ended while blkback was dead"
start_daemon heron-blkback && [ "$(pid_of heron-blkback)" != "$old" ] &&
	echo "blkback: restarted, new pid"
wait_ports $base && echo "blkback restarted: port bound again"
wait_line $(log_of x) "blk random:" 600
show x "blk random"
show x "blkfront"

# 3. heron-netback killed in the middle of x sending to y, then restarted.
say x "ping 10.0.2.2"
wait_line $(log_of x) "ping 10.0.2.2:" 60
# net-probe says "net sent N" every 5000 datagrams: the kill comes after
# the first of them, a quarter of the way.
say y "net recv 9000 20000"
sleep 1
say x "net send 10.0.2.2 9000 20000"
wait_line $(log_of x) "net sent 5000" 120
grep -q "^net send:" $(log_of x) && echo "netback: x's sending ended before the kill"
old=$(pid_of heron-netback)
kill -9 $old
wait_ports $((base - 2)) && echo "netback killed: its ports closed"
start_daemon heron-netback && [ "$(pid_of heron-netback)" != "$old" ] &&
	echo "netback: restarted, new pid"
wait_ports $base && echo "netback restarted: ports bound again"
wait_line $(log_of x) "net send:" 120
wait_line $(log_of y) "net recv:" 120
show x "net send"
show y "net recv"
say y "ping 10.0.2.1"
wait_line $(log_of y) "ping 10.0.2.1:" 60
echo "y ping after restart: $(grep "^ping 10.0.2.1:" $(log_of y) | tr -d '\r')"

# 4. Both killed in the middle of I/O and left dead; x and y destroyed.
say y "net recv 9001 20000"
sleep 1
say x "net send 10.0.2.2 9001 20000"
wait_n $(log_of x) "net sent 5000" 2 120
[ "$(grep -c "^net send:" $(log_of x))" -ge 2 ] &&
	echo "netback: x's sending ended before the second kill"
kill -9 $(pid_of heron-netback)
wait_ports $((base - 2)) && echo "netback killed again: its ports closed"
wait_n $(log_of x) "net send:" 2 120
# A fresh pattern: blk-probe random checks reads against fill's.
say x "blk fill /dev/xvda 6"
wait_n $(log_of x) "blk fill:" 2 300
zero_disk
say x "blk random /dev/xvda 6 100000"
sleep 2
kill -9 $(pid_of heron-blkback)
wait_ports $((base - 3)) && echo "both killed: their ports closed"
# blkfront gives up on a request after 30 s (EIO); either way x lives on.
if wait_line $(log_of x) "blk random: [a-z]*: " 60 quiet; then
	echo "x's I/O: failed"
else
	echo "x's I/O: waiting"
fi
show x "blk random"
show x "blkfront"
echo "x: $(xen-probe domain $(id_of x) | cut -d' ' -f3)"
heron destroy x
echo "destroy x: $?"
heron destroy y
echo "destroy y: $?"
settle
diff /tmp/before /tmp/after && echo "free pages, xenstore nodes, ports, domains: back"
start_daemon heron-blkback && start_daemon heron-netback && echo "both started again"
sleep 2
state >/tmp/after
diff /tmp/before /tmp/after && echo "after the restarts: still back"

# 5. heron-xenstored killed while z does disk I/O.
test_domu z "disk = [ '/tmp/x.img,raw,xvda,w' ]"
up z
zid=$(id_of z)
say z "blk fill /dev/xvda 7"
wait_line $(log_of z) "blk fill:" 300
zero_disk
say z "blk random /dev/xvda 7 100000"
sleep 2
kill -9 $(pid_of heron-xenstored)
for i in $(seq 50); do
	heron-xs read /local/domain/0/name >/dev/null 2>&1 || break
	usleep 100000
done
heron-xs read /local/domain/0/name >/dev/null 2>&1 || echo "xenstored killed: heron-xs cannot reach it"
heron list >/dev/null 2>&1 || echo "heron list: fails"
sum1=$(md5sum </tmp/x.img)
t1=$(xen-probe domain $zid | sed -n 's/.*cpu_time_ns //p')
sleep 3
sum2=$(md5sum </tmp/x.img)
t2=$(xen-probe domain $zid | sed -n 's/.*cpu_time_ns //p')
echo "z: $(xen-probe domain $zid | cut -d' ' -f3)"
[ -n "$t1" ] && [ "$t2" -gt "$t1" ] && echo "z: still running"
[ "$sum1" != "$sum2" ] && echo "z's disk: still written"
for d in heron-blkback heron-netback; do
	kill -0 $(pid_of $d) 2>/dev/null && echo "$d: alive"
done
echo "blkback log:"
cat /var/log/heron/blkback.log
echo "netback log:"
cat /var/log/heron/netback.log
echo "consoled log:"
tail -5 /var/log/heron/consoled.log

# The network stack over the veth test pair (expected/inetdev.out):
# configuration with busybox ifconfig, ARP, ping (busybox's raw ICMP
# socket) and UDP between 10.0.0.1 and 10.0.0.2.
ifconfig veth0 10.0.0.1 netmask 255.255.255.0 up && echo "veth0 up"
ifconfig veth1 10.0.0.2 netmask 255.255.255.0 up && echo "veth1 up"
ifconfig veth0 | grep -o 'HWaddr.*\|inet addr.*\|UP.*MTU:[0-9]*'
ifconfig lo | grep -o 'inet addr.*'
ifconfig nosuch 2>&1
route add default gw 10.0.0.2 && route -n && route del default && echo "route deleted"
route -n
echo "arp before:"
cat /proc/net/arp
# Ping times vary: keep everything else.
pings() {
	ping "$@" > /tmp/ping.out
	st=$?
	sed 's/ time=.*//' /tmp/ping.out | grep -v round-trip
	echo "ping -> $st"
}
pings -c 3 10.0.0.2
pings -c 3 127.0.0.1
echo "arp after:"
cat /proc/net/arp
grep '^Icmp:' /proc/net/snmp | tail -1 | (read a b c echos d reps e; echo "echo requests $echos, replies $reps")
/bin/inet_test veth
ifconfig veth1 down
pings -c 1 -W 1 10.0.0.2
grep veth1 /proc/net/dev | (read name rb rp re rd rest; [ "$rp" -gt 100000 ] && echo "veth1 received more than 100000 frames, $re errors")

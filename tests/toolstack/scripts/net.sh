# The PV network path (run by test_net): heron-netback in dom0 bridges the
# vifs of pvops-guest domUs on xenbr0.  a and b ping each other and a
# sends b 100000 UDP datagrams, every one checked; c's tx ring gets
# hostile requests (written by dom0's net-hostile, announced by c's own
# event): each is answered with an error, then garbage indices cut c off
# while a and b still talk; d is destroyed while sending to b, and free
# memory and the xenstore tree come back.
. /etc/heron/testlib.sh
mk() {
	test_domu $1 "vif = [ '$2' ]"
}
# Starts domain $1 with vif spec $2 and address 10.0.1.$3.
start() {
	mk $1 "$2"
	heron create /tmp/$1.cfg >/dev/null
	wait_log $(id_of $1) "test domU $1: up" 60
	say $1 "ifup 10.0.1.$3"
	wait_log $(id_of $1) "ifup eth0" 20
}
be=/local/domain/0/backend/vif

start a 'bridge=xenbr0,mac=00:16:3e:0a:00:01' 1
start b 'mac=00:16:3e:0b:00:01' 2
show a netfront
show b netfront
ping_n a 10.0.1.2 1
ping_n b 10.0.1.1 1

say b "net recv 7000 100000"
sleep 1
say a "net send 10.0.1.2 7000 100000"
wait_log $(id_of b) "net recv:" 300
wait_log $(id_of a) "net send:" 30
show a "net send"
show b "net recv"

# c: a vif whose tx ring turns hostile (no address: its kernel sends nothing).
mk c 'bridge=xenbr0'
heron create /tmp/c.cfg >/dev/null
c=$(id_of c)
wait_log $c "test domU c: up" 60
show c netfront
ref=$(heron-xs read /local/domain/$c/device/vif/0/tx-ring-ref)
port=$(heron-xs read /local/domain/$c/device/vif/0/event-channel)
net-hostile copy $c $ref
first=$(net-hostile garbage $c $ref | sed -n 's/^hostile: .* from //p')
echo "hostile: requests written"
say c "net kick $port"
net-hostile check $c $ref $first
echo "c backend state: $(heron-xs read $be/$c/0/state)"
net-hostile indices $c $ref >/dev/null
say c "net kick $port"
for i in $(seq 50); do
	[ "$(heron-xs read $be/$c/0/state)" = 5 ] && break
	sleep 0.2
done
echo "c backend state after garbage indices: $(heron-xs read $be/$c/0/state)"
ping_n a 10.0.1.2 2
heron destroy c
echo "destroy c: $?"
# The baseline: a and b running, c gone.
steady

# d is destroyed in the middle of sending to b.
start d 'bridge=xenbr0' 4
say b "net recv 7001 1000000"
sleep 1
say d "net send 10.0.1.2 7001 1000000"
wait_log $(id_of d) "net sent 5000" 60 && echo "d: sending"
heron destroy d
echo "destroy d: $?"
settle
cmp -s /tmp/before /tmp/after && echo "xenstore and free memory: back"
ping_n a 10.0.1.2 3
heron destroy a
heron destroy b
echo "netback log:"
cat /var/log/heron/netback.log

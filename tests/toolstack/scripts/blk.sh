# The PV block path (run by test_blk, which gives QEMU a disk whose MBR
# has /dev/sda1, the pattern disk, /dev/sda2, read-only data, and
# /dev/sda3, scratch): heron-blkback in dom0 serves each domU's xvda from
# a region of dom0's /dev/sda.  A domU runs 1000 random reads and writes
# over sda3 (64 MiB, zeros), every read verified, then reads back every
# block it wrote; another writes the pattern over sda1 (64 MiB), flushes
# and is destroyed (the host then checks both partitions' digests
# against what it computes from the same generators); a third gets sda2
# read-only and fails to write, then sees its backend go Closing (dom0
# writes the state, as a toolstack would): its next read fails, it goes
# Closed and ends its grants; when the backend is back in InitWait (dom0
# writes the frontend's state Initialising: blkback answers InitWait) its
# next read reconnects and reads the disk whole.  Free memory
# and the xenstore tree are back after all three.
. /etc/heron/testlib.sh
mk() {
	cat >/tmp/$1.cfg <<CFG
name = "$1"
memory = 32
kernel = "/boot/pvops-guest.elf"
ramdisk = "/boot/test-domu-initrd.cpio.gz"
cmdline = "$1 commands"
disk = [ '$2' ]
CFG
}
# Types command $2 on domain $1's console and waits for its "blk" line.
run_blk() {
	(printf '%s\n' "$2"; sleep 0.5; printf '\035') | heron console $1 >/dev/null
	wait_log $(id_of $1) "blk $(echo $2 | cut -d' ' -f2):" ${3:-60}
}
# Runs "blk check" on domain $1 for the $2th time and prints its line.
check_n() {
	(printf 'blk check /dev/xvda 0x5a\n'; sleep 0.5; printf '\035') | heron console $1 >/dev/null
	for i in $(seq 150); do
		[ $(grep -c "^blk check:" /var/log/heron/console-$(id_of $1).log) -ge $2 ] && break
		sleep 0.2
	done
	echo "check $2: $(grep "^blk check:" /var/log/heron/console-$(id_of $1).log | sed -n "$2p" |
		tr -d '\r')"
}
# Up to 10 s for node $1 to read $2.
wait_node() {
	for i in $(seq 50); do
		[ "$(heron-xs read $1)" = "$2" ] && return
		sleep 0.2
	done
}
ls /dev/sda*
mk randomio 'phy:/dev/sda3,xvda,w'
mk pattern 'phy:/dev/sda1,xvda,w'
mk ro 'phy:/dev/sda2,xvda,r'
mk hostile 'phy:/dev/sda3,xvda,w'

heron create /tmp/randomio.cfg
id=$(id_of randomio)
wait_log $id "test domU randomio: up" 60
run_blk randomio "blk size /dev/xvda"
run_blk randomio "blk random /dev/xvda 7 1000" 1200
grep "^blk\|^blkfront" /var/log/heron/console-$id.log | tr -d '\r'
heron destroy randomio
echo "destroy randomio: $?"
# The baseline follows the first domU (see test_domains' warm-up).
steady

heron create /tmp/pattern.cfg
id=$(id_of pattern)
wait_log $id "test domU pattern: up" 60
run_blk pattern "blk fill /dev/xvda 42" 1200
grep "^blk\|^blkfront" /var/log/heron/console-$id.log | tr -d '\r'
heron destroy pattern
echo "destroy pattern: $?"

heron create /tmp/ro.cfg
id=$(id_of ro)
wait_log $id "test domU ro: up" 60
run_blk ro "blk size /dev/xvda"
run_blk ro "blk write /dev/xvda"
check_n ro 1
# hostile: its blkif ring turns hostile (dom0's blk-hostile writes it, the
# domU kicks its own port) while ro stays up; sda3 must keep randomio's
# data (the host checks its digest).
heron create /tmp/hostile.cfg
h=$(id_of hostile)
wait_log $h "test domU hostile: up" 60
run_blk hostile "blk size /dev/xvda"
hbe=/local/domain/0/backend/vbd/$h/51712 hfe=/local/domain/$h/device/vbd/51712
ref=$(heron-xs read $hfe/ring-ref)
port=$(heron-xs read $hfe/event-channel)
first=$(blk-hostile garbage $h $ref | sed -n 's/^hostile: .* from //p')
say hostile "net kick $port"
blk-hostile check $h $ref $first
echo "hostile backend state: $(heron-xs read $hbe/state)"
blk-hostile indices $h $ref >/dev/null
say hostile "net kick $port"
wait_node $hbe/state 5
echo "hostile backend state after garbage indices: $(heron-xs read $hbe/state)"
heron destroy hostile
echo "destroy hostile: $?"
be=/local/domain/0/backend/vbd/$id/51712 fe=/local/domain/$id/device/vbd/51712
heron-xs write $be/state 5
check_n ro 2
wait_node $be/state 6
echo "after Closing: frontend $(heron-xs read $fe/state), backend $(heron-xs read $be/state)"
# The frontend starting again (as a new kernel's would) finds the backend
# back in InitWait; blkfront reconnects on its next call.
heron-xs write $fe/state 1
wait_node $be/state 2
check_n ro 3
echo "after InitWait: frontend $(heron-xs read $fe/state), backend $(heron-xs read $be/state)"
grep "^blk\|^blkfront" /var/log/heron/console-$id.log | tr -d '\r'
heron destroy ro
echo "destroy ro: $?"
settle
cmp -s /tmp/before /tmp/after && echo "xenstore and free memory: back"
echo "blkback log:"
cat /var/log/heron/blkback.log

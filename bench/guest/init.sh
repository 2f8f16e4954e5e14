#!/bin/sh
# /init of the benchmark initrd.  Each argument is one job,
# "PROGRAM:ARG:ARG...", run as /bench/PROGRAM ARG... between markers; then
# the machine powers off.  "ifup:ADDR" is no program: it gives eth0 the
# address ADDR/24 for the network figures (bench/lib.sh's net_append).
export PATH=/bin
mkdir -p /tmp
# The Linux PV domU's initrd carries Debian's xen-blkfront (a module):
# load it and wait for its disk before the jobs.
if [ -e /lib/modules/xen-blkfront.ko ]; then
	mkdir -p /dev
	mount -t devtmpfs devtmpfs /dev
	insmod /lib/modules/xen-blkfront.ko || echo "init: insmod xen-blkfront failed"
	i=0
	while [ ! -b /dev/xvda ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
fi
# Linux's initrd for emulated devices carries its IDE drivers (modules,
# dependencies first): load them when a disk job is to run, and wait for
# libata to probe and sd to attach /dev/sda.
case " $* " in
*" blk_"*)
	if [ -e /lib/modules/ata_piix.ko ]; then
		mkdir -p /dev
		mount -t devtmpfs devtmpfs /dev
		for m in scsi_common scsi_mod libata ata_piix crc64 crc64_rocksoft_generic \
			crc64-rocksoft crct10dif_common crct10dif_generic crc-t10dif t10-pi sd_mod; do
			insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
		done
		i=0
		while [ ! -b /dev/sda ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
	fi ;;
esac
for job in "$@"; do
	set -f
	IFS=:
	# shellcheck disable=SC2086
	set -- $job
	unset IFS
	set +f
	prog=$1
	shift
	if [ "$prog" = ifup ]; then
		# Linux's NIC drivers are modules (xen-netfront in the PV
		# initrd, ne2k-pci for heron-dm's NE2000 in the HVM one); the
		# device may still be probing.
		for m in xen-netfront 8390 ne2k-pci; do
			[ ! -e /lib/modules/$m.ko ] || insmod /lib/modules/$m.ko ||
				echo "init: insmod $m failed"
		done
		i=0
		until ifconfig eth0 "$1" netmask 255.255.255.0 up 2>/dev/null; do
			i=$((i + 1))
			[ $i -le 150 ] || { echo "init: no eth0 for $1"; break; }
			sleep 0.2
		done
		continue
	fi
	echo "=== BEGIN $prog ==="
	"/bench/$prog" "$@"
	echo "=== END $prog (status $?) ==="
done
echo "=== ALL DONE ==="
poweroff -f

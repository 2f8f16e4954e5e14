# Block devices: /dev/sda when QEMU gave the machine a disk
# (tests/guest/progs/disk_test.c), else a line saying there is none.
if [ -b /dev/sda ]; then
	/bin/disk_test /dev/sda
else
	echo "no /dev/sda"
	ls /dev
fi

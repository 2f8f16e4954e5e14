# The first disk: /dev/sda when QEMU gave the machine one
# (tests/guest/progs/disk_test.c), else a line saying there is none.
if [ -b /dev/sda ]; then
	/bin/disk_test pattern /dev/sda
else
	echo "no /dev/sda"
fi

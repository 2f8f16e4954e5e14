# The second disk, /dev/sdb: the host's MBR partitions, and sector 1500
# (sdb3's sector 300) failing in QEMU (tests/guest/test_guest_disk.c).
# Last, a process's own port I/O, which must not work.
/bin/disk_test parts /dev/sdb
/bin/disk_test errors /dev/sdb3 300
/bin/disk_test userio

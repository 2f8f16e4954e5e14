# /dev/xen/{privcmd,evtchn,gntdev} (run as dom0 of hv only: natively they do not exist).
ls -1 /dev/xen
/bin/xendev_test

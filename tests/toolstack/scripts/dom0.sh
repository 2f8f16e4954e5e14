# dom0's userland as booted by make run: the toolstack programs and
# configs are in place and heron reaches hv through /dev/xen/privcmd.
heron help create
heron list
echo "list: $?"
heron frob 2>&1
echo "frob: $?"
ls /etc/heron/*.cfg /boot
[ -x /bin/heron-consoled ] && echo "consoled installed"
[ -x /bin/heron-xs ] && echo "heron-xs installed"

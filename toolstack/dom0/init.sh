#!/bin/sh
# /init of dom0: starts the control plane that is present (heron-xenstored,
# heron-consoled, heron-blkback, heron-netback), then either runs
# /etc/heron/run.sh non-interactively (make run SCRIPT=FILE) or gives the
# console an interactive shell.
# Leaving either powers the machine off (hv ends when dom0 does).
export PATH=/bin
mkdir -p /tmp /var/log/heron /run/xenstored

# The daemons need dom0's AF_UNIX sockets and /dev/xen devices; each is
# started only once what it needs is there, and logs to /var/log/heron.
if [ -x /bin/heron-xenstored ]; then
	heron-xenstored --socket /run/xenstored/socket \
		>/var/log/heron/xenstored.log 2>&1 &
	xsd=$!
	i=0
	while [ ! -S /run/xenstored/socket ] && [ $i -lt 50 ] && kill -0 $xsd 2>/dev/null; do
		usleep 100000
		i=$((i + 1))
	done
	# dom0's own entries, as Xen's xencommons writes them.
	heron-xs write /local/domain/0/name Domain-0 >/dev/null 2>&1
	heron-xs write /local/domain/0/domid 0 >/dev/null 2>&1
fi
if [ -x /bin/heron-consoled ] && [ -c /dev/xen/evtchn ] && [ -c /dev/xen/privcmd ]; then
	heron-consoled >/var/log/heron/consoled.log 2>&1 &
fi
if [ -x /bin/heron-blkback ] && [ -c /dev/xen/gntdev ] && [ -S /run/xenstored/socket ]; then
	heron-blkback >/var/log/heron/blkback.log 2>&1 &
fi
if [ -x /bin/heron-netback ] && [ -c /dev/xen/gntdev ] && [ -S /run/xenstored/socket ]; then
	heron-netback >/var/log/heron/netback.log 2>&1 &
fi

if [ -f /etc/heron/run.sh ]; then
	# Markers for toolstack/dom0/run-script, which prints what lies
	# between them and exits with the status.
	echo "=== HERON RUN BEGIN ==="
	/bin/sh /etc/heron/run.sh </dev/null
	echo "=== HERON RUN END (status $?) ==="
	poweroff -f
fi

echo "heron dom0: pvops-guest on hv, busybox sh. 'exit' powers off."
echo "Example domain configs: /etc/heron/*.cfg ('heron help' lists commands)."
/bin/sh
poweroff -f

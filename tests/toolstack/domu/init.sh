#!/bin/sh
# /init of the scenario tests' domUs.  The kernel command line's words
# are its arguments: "NAME" says hello as NAME and stays alive, printing
# a tick each second (so that an attached console sees output);
# "NAME commands" reads commands from its console (heron console):
# "reboot" reboots it (busybox reboot -f: the kernel's SCHEDOP_shutdown
# reboot); on "crash" or "poweroff" it asks hv for that shutdown of itself
# directly (a kernel's panic does the same: pvops-guest has no way for a
# program to panic it); "xs PATH..." reads PATHs through the kernel's
# xenbus (/dev/xen/xenbus); "xenbus" runs xenbus-probe's selftest;
# "NAME domctl" first shows that hv refuses a domU's domctls, then reads
# commands.
export PATH=/bin
name=${1:-domU} action=${2:-}
echo "test domU $name: up"
[ "$action" = domctl ] && xen-probe domctl
case "$action" in
domctl|commands)
	while read -r cmd args; do
		case "$cmd" in
		reboot)
			echo "test domU $name: reboot"
			reboot -f
			;;
		crash|poweroff)
			echo "test domU $name: $cmd"
			xen-probe shutdown "$cmd"
			;;
		xs)
			xenbus-probe read $args
			;;
		xenbus)
			xenbus-probe selftest
			;;
		blk)
			blk-probe $args
			;;
		esac
	done
	;;
esac
i=0
while :; do
	sleep 1
	i=$((i + 1))
	echo "test domU $name: tick $i"
done

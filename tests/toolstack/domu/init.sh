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
# "bg CMD ARGS" runs program CMD in the background (two loads at once);
# "ifup IP" configures eth0 (the vif) as IP/24; "ping IP" pings it 3
# times and prints the summary; "net ARGS" runs net-probe ARGS (UDP);
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
		ifup)
			ifconfig eth0 $args netmask 255.255.255.0 up && echo "ifup eth0: $args"
			;;
		ping)
			echo "ping $args: $(ping -c 3 $args 2>&1 | grep 'packets transmitted')"
			;;
		net)
			net-probe $args
			;;
		bg)
			$args &
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

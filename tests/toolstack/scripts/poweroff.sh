echo before
poweroff -f
echo after

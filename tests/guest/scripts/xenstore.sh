# heron-xenstored inside the guest, serving a UNIX socket, driven by the
# heron-xs client over it (expected/xenstore.out).
S=/run/xenstored/socket
mkdir -p /run           # as a dom0 init would; the daemon makes xenstored/
heron-xenstored --socket $S &
xsd=$!
i=0
while [ ! -S $S ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S $S ] && echo "socket up"
xs() { heron-xs -s $S "$@"; echo "-> $?"; }
xs write /tool/a hello /tool/b "two words"
xs read /tool/a /tool/b
xs mkdir /tool/d
xs ls /tool
xs ls -r /tool
# A watch fires once when set, then for the write below.
heron-xs -s $S watch -n 2 /tool/w > /tmp/watch.out &
watcher=$!
i=0
while [ ! -s /tmp/watch.out ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
xs write /tool/w/x 1
wait $watcher
echo "watcher -> $?"
cat /tmp/watch.out
xs rm /tool/a
xs read /tool/a 2>&1
xs ls /tool
kill -TERM $xsd
wait $xsd
echo "heron-xenstored -> $?"
[ -e $S ] || echo "socket removed"

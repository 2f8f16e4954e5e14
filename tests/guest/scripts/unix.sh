# AF_UNIX sockets: tests/guest/progs/unix_test.c, its output compared with
# expected/unix.out (which a Linux host's run of the same source gives).
mkdir -p /tmp/unix
/bin/unix_test /tmp/unix

# AF_INET UDP sockets over lo: tests/guest/progs/inet_test.c, its output
# compared with expected/inet.out (what a Linux host's run of the same
# source prints).
/bin/inet_test lo

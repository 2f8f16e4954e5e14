/* heron-xenstored for host tests (xsd_run.h). */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xsd_run.h"

void xsd_start(struct xsd_run *x)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    strcpy(x->dir, "/tmp/heron-ts-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(x->dir));
    snprintf(x->sock, sizeof(x->sock), "%s/xenstored.sock", x->dir);
    strcpy(sa.sun_path, x->sock);
    x->pid = fork();
    if (x->pid == 0) {
        int null = open("/dev/null", 0);

        dup2(null, 2);      /* its "no /dev/xen here" note is expected */
        execl(XSD_BIN, XSD_BIN, "--socket", x->sock, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 250; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
            close(fd);
            return;
        }
        close(fd);
        nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
    }
    ck_abort_msg("heron-xenstored did not come up on %s", x->sock);
}

void xsd_stop(struct xsd_run *x)
{
    char cmd[128];
    int st;

    kill(x->pid, SIGTERM);
    waitpid(x->pid, &st, 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", x->dir);
    ck_assert_int_eq(system(cmd), 0);
}

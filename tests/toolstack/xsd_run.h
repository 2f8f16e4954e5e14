/* A heron-xenstored on a temporary socket for host tests. */
#ifndef TESTS_TOOLSTACK_XSD_RUN_H
#define TESTS_TOOLSTACK_XSD_RUN_H

#include <sys/types.h>

struct xsd_run {
    char dir[64];           /* a fresh temporary directory ... */
    char sock[96];          /* ... holding the daemon's socket */
    pid_t pid;
};

/* Starts the daemon and waits for its socket; aborts the test if it fails. */
void xsd_start(struct xsd_run *x);
/* SIGTERM, wait, and remove the directory (and anything left in it). */
void xsd_stop(struct xsd_run *x);

#endif

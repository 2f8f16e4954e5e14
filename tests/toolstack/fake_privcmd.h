/*
 * A stand-in for dom0's /dev/xen/privcmd in a host test: linked with
 * -Wl,--wrap=open,--wrap=ioctl,--wrap=mmap,--wrap=munmap, it answers
 * the toolstack's open/ioctl/mmap of the device by decoding each
 * hypercall exactly as hv will receive it (Xen's ABI structures, domctl
 * and sysctl interface versions) and serving it from the fake hv.  Every
 * hypercall is recorded as "name:subop" for the test to compare.
 */
#ifndef TESTS_TOOLSTACK_FAKE_PRIVCMD_H
#define TESTS_TOOLSTACK_FAKE_PRIVCMD_H

#include "fake_hv.h"

#define FAKE_PRIVCMD_TRACE 4096

void fake_privcmd_attach(struct fake_hv *f);

/* The recorded hypercalls, one "name:subop" per line, and a reset. */
const char *fake_privcmd_trace(void);
void fake_privcmd_clear_trace(void);

#endif

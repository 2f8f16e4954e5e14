/*
 * Kernel random bytes (getrandom, AT_RANDOM): xorshift seeded from the
 * clock.  Not cryptographic; good enough for stack-protector canaries and
 * hash seeds in test programs.
 */
#ifndef GUEST_RANDOM_H
#define GUEST_RANDOM_H

#include "kernel.h"

void random_bytes(void *buf, size_t n);

#endif

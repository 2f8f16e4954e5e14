/*
 * Random and mutated xenstore traffic for the robustness tests: the
 * libFuzzer target and the fixed-seed soak test share the generator.
 */
#ifndef XS_CHAOS_H
#define XS_CHAOS_H

#include <stddef.h>
#include <stdint.h>

#include "xs_harness.h"

struct chaos_rng {
    uint64_t s;
};

uint32_t chaos_next(struct chaos_rng *r);
/* Builds one message (valid, mutated or garbage) into buf; returns length. */
size_t chaos_message(struct chaos_rng *r, char *buf, size_t cap,
                     uint32_t tx_hint);
/* A small tree, with a /protected subtree only dom0 may touch. */
void chaos_populate(struct xsd *x, struct conn *dom0);
/* Fingerprint of /protected (values and perms), to prove it unchanged. */
uint64_t chaos_protected_sum(struct xsd *x);

#endif

/*
 * XXH64 for the PV test guests (the host's libxxhash is not freestanding):
 * the canary hashes its region with it, so a host tool can check a value
 * the guest prints against XXH64() of the same bytes.
 */
#ifndef GUEST_XXHASH_H
#define GUEST_XXHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t xxh64(const void *data, size_t len, uint64_t seed);

#endif

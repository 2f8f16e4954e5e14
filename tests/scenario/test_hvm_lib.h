/*
 * Helpers shared by the HVM scenario tests (test_hvm_*.c): the test
 * kernel and pvops-guest paths, one domain's console lines, and the exit
 * counts hv prints when an HVM domain dies.
 */
#ifndef HERON_TEST_HVM_LIB_H
#define HERON_TEST_HVM_LIB_H

#include <unistd.h>
#include "test_pv_lib.h"

#define HVM_TEST_KERNEL HERON_BUILD_DIR "/tests/hvm-guests/test_hvm.elf"
#define PVOPS_GUEST     HERON_BUILD_DIR "/pvops-guest.elf"
#define GUEST_INITRD    HERON_BUILD_DIR "/guest/initrd.cpio.gz"

/* Everything domain `dom` printed, without the "(dN) " prefixes and CRs. */
static inline char *domain_output(struct qemu *q, unsigned int dom)
{
    const char *p = qemu_output(q);
    char prefix[16], *out = calloc(1, strlen(p) + 1), *o = out;
    size_t plen = snprintf(prefix, sizeof(prefix), "(d%u) ", dom);

    ck_assert(out != NULL);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len >= plen && !strncmp(p, prefix, plen)) {
            for (size_t i = plen; i < len; i++)
                if (p[i] != '\r')
                    *o++ = p[i];
            *o++ = '\n';
        }
        p += len + (nl != NULL);
    }
    return out;
}

/* The count of exit `name` in "hvm: domain N exits: ..." (0 if absent). */
static inline long long exit_count(struct qemu *q, unsigned int dom, const char *name)
{
    char key[48], item[48];
    const char *line, *p, *end;

    snprintf(key, sizeof(key), "hvm: domain %u exits: ", dom);
    line = strstr(qemu_output(q), key);
    ck_assert_msg(line != NULL, "no exit counts for domain %u", dom);
    end = strchr(line, '\n');
    snprintf(item, sizeof(item), " %s ", name);
    p = strstr(line, item);
    if (!p || (end && p > end))
        return 0;
    return strtoll(p + strlen(item), NULL, 10);
}

#endif

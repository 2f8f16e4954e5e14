/*
 * Helpers shared by the PV scenario tests (test_pv_*.c): booting hv with
 * PV guest modules and reading what hv and the guests print.  domU
 * lines carry hv's "(dN) " prefix; dom0's are unprefixed.
 */
#ifndef HERON_TEST_PV_LIB_H
#define HERON_TEST_PV_LIB_H

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu.h"

#define GUEST(name)  HERON_BUILD_DIR "/tests/guests/" name ".elf"
#define EXIT_POWEROFF 0         /* ACPI S5 (or a reset under -no-reboot) */
#define EXIT_PANIC    3         /* isa-debug-exit code 1: hv crashed */

/* Fails unless `text` occurs in everything QEMU printed. */
static inline void expect_output(struct qemu *q, const char *text)
{
    ck_assert_msg(qemu_count(q, text) > 0, "missing from the output: \"%s\"", text);
}

/* The value after `key` in the first line containing `key`. */
static inline long long value_after(struct qemu *q, const char *key)
{
    const char *p = strstr(qemu_output(q), key);

    ck_assert_msg(p != NULL, "missing from the output: \"%s\"", key);
    return strtoll(p + strlen(key), NULL, 10);
}

/* hv's frame accounting after the last domain died must balance. */
static inline void expect_frames_balanced(struct qemu *q)
{
    unsigned long long before, now;
    const char *p = strstr(qemu_output(q), "hv: frame accounting: ");

    ck_assert_msg(p != NULL, "no frame accounting line");
    ck_assert_int_eq(sscanf(p, "hv: frame accounting: %llu free before domains, "
                               "%llu free now", &before, &now), 2);
    ck_assert_msg(before == now, "free frames: %llu before the domains, %llu after",
                  before, now);
    expect_output(q, "free now: balanced");
}

#endif

/*
 * The runtime of heron's PV test guests (in the spirit of the Xen Test
 * Framework): entry, console, traps, and a small test API.  Each test guest
 * provides test_title and test_main(); guest_start() runs it and reports
 * "Test result: PASS|FAIL" on the console before shutting down.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <hv/lib.h>          /* string functions and vsnprintf, shared with hv */
#include <public/xen.h>
#include <public/errno.h>
#include "hypercall.h"

#define GUEST_VIRT_BASE 0xffffffff80000000UL

extern start_info_t *start_info;
extern shared_info_t *shared_info;
/* The machine-to-phys table hv maps read-only into every PV guest. */
#define machine_to_phys ((const uint64_t *)MACH2PHYS_VIRT_START)

extern const char test_title[];
void test_main(void);

/*
 * A test is a list of sub-tests.  subtest() runs one and prints
 * "ok: NAME" or "FAIL: NAME"; the failed checks inside it are listed
 * above that line.
 */
void subtest(const char *name, void (*fn)(void));
/* The same, for sub-tests that are not one function. */
void subtest_begin(const char *name);
void subtest_end(void);

/* Record a failed expectation; the test goes on. */
void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define CHECK(cond, ...) do { if (!(cond)) test_fail(__VA_ARGS__); } while (0)
#define CHECK_EQ(got, want, what)                                          \
    do {                                                                   \
        long _g = (long)(got), _w = (long)(want);                          \
        if (_g != _w)                                                      \
            test_fail("%s: got %ld, want %ld", what, _g, _w);              \
    } while (0)

/*
 * Xen's dom0 has privileges a domU lacks (I/O memory, foreign mappings),
 * so some hostile cases only fail for a domU.  Such a check starts with
 * `if (skip_on_dom0("what")) return;`: on dom0 it prints "skip: what".
 */
bool is_dom0(void);
bool skip_on_dom0(const char *what);

/* Values from start_info->cmd_line, given as "key=value" words. */
bool cmdline_get(const char *key, char *buf, size_t size);
long cmdline_long(const char *key, long fallback);

void shutdown(unsigned int reason) __attribute__((noreturn));

#endif

#ifndef MM_TEST_SUITES_H
#define MM_TEST_SUITES_H

#include <check.h>

/* Each test runs in its own process on a fresh simulated machine. */
void mm_test_setup(void);

Suite *alloc_suite(void);
Suite *pt_suite(void);
Suite *hypercall_suite(void);
Suite *teardown_suite(void);
Suite *random_suite(void);

#endif

#ifndef GNT_TEST_SUITES_H
#define GNT_TEST_SUITES_H

#include <check.h>

Suite *gnt_setup_suite(void);
Suite *gnt_map_suite(void);
Suite *gnt_revoke_suite(void);
Suite *gnt_copy_suite(void);
Suite *gnt_teardown_suite(void);
Suite *gnt_random_suite(void);

#endif

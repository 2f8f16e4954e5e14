/* hv mm unit tests: frame table, allocator and PV MMU on a simulated machine. */
#include <stdlib.h>
#include "helpers.h"
#include "suites.h"

void mm_test_setup(void)
{
    sim_init();
}

int main(void)
{
    SRunner *sr = srunner_create(alloc_suite());
    int failed;

    srunner_add_suite(sr, pt_suite());
    srunner_add_suite(sr, hypercall_suite());
    srunner_add_suite(sr, teardown_suite());
    srunner_add_suite(sr, random_suite());
    /* mm keeps global state: every test needs its own process. */
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

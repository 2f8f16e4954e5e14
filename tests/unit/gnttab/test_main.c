/* Grant-table unit tests: hv's grant code and PV MMU on the mm simulator. */
#include <stdlib.h>
#include "gnt_suites.h"

int main(void)
{
    SRunner *sr = srunner_create(gnt_setup_suite());
    int failed;

    srunner_add_suite(sr, gnt_map_suite());
    srunner_add_suite(sr, gnt_revoke_suite());
    srunner_add_suite(sr, gnt_copy_suite());
    srunner_add_suite(sr, gnt_teardown_suite());
    srunner_add_suite(sr, gnt_random_suite());
    /* hv keeps global state: every test needs its own process. */
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

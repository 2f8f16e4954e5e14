/* Host unit tests of the HVM layer (tests/unit/hvm/): one suite per file. */
#include <stdlib.h>
#include "hvm_unit.h"

int main(void)
{
    Suite *s = suite_create("hvm");
    SRunner *sr;
    int failed;

    suite_add_tcase(s, tcase_decode());
    suite_add_tcase(s, tcase_walk());
    suite_add_tcase(s, tcase_pic());
    suite_add_tcase(s, tcase_pit());
    suite_add_tcase(s, tcase_rtc());
    suite_add_tcase(s, tcase_lapic());
    suite_add_tcase(s, tcase_ioapic());
    suite_add_tcase(s, tcase_uart_pm());
    suite_add_tcase(s, tcase_builder());
    suite_add_tcase(s, tcase_cpuid());
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

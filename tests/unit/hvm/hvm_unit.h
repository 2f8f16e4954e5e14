/* Host unit tests of the HVM layer's pure logic: one Check binary. */
#ifndef HVM_UNIT_H
#define HVM_UNIT_H

#include <check.h>
#include <string.h>
#include <hv/errno.h>
#include <hv/types.h>

TCase *tcase_decode(void);
TCase *tcase_walk(void);
TCase *tcase_pic(void);
TCase *tcase_pit(void);
TCase *tcase_rtc(void);
TCase *tcase_lapic(void);
TCase *tcase_ioapic(void);
TCase *tcase_uart_pm(void);
TCase *tcase_builder(void);
TCase *tcase_cpuid(void);

#endif

/* The little ACPI hv needs: FADT power control and the PM timer. */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <hv/types.h>

void acpi_init(void);
/* Enters S5 through PM1a/b_CNT; returns only if that failed. */
void acpi_power_off(void);
/* Writes the FADT reset register; returns if there is none or it failed. */
void acpi_reset(void);

#endif

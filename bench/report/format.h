/*
 * How figures are printed in the Markdown report.  The checker formats the
 * JSON figures the same way and compares, so the two cannot drift apart.
 */
#ifndef BENCH_FORMAT_H
#define BENCH_FORMAT_H

#include <stddef.h>

/* Nanoseconds with three significant digits and a scaled unit: "2.41 µs". */
void fmt_time(double ns, char *buf, size_t len);
/* An instruction count, three significant digits: "812", "41.3 k", "2.05 M". */
void fmt_count(double n, char *buf, size_t len);
/* A ratio: "1.00x", "0.071x", "30.6x". */
void fmt_ratio(double r, char *buf, size_t len);

#endif

/*
 * The report checker: DIR/results.json must be well-formed JSON of the
 * expected shape whose summaries follow from its runs; DIR/results.md must
 * have well-formed tables that say what the JSON says.
 */
#ifndef BENCH_CHECKER_H
#define BENCH_CHECKER_H

#include <stdio.h>

/* Prints every problem found to out; returns how many there were. */
int check_results(const char *dir, FILE *out);

#endif

/* The report's three outputs, all drawn from one loaded model. */
#ifndef BENCH_OUTPUT_H
#define BENCH_OUTPUT_H

#include <stdio.h>

#include "model.h"

#define JSON_SCHEMA "heron-bench/3"

/* results.json: every run, every failure, the summaries.  Returns 0 or -1. */
int write_json(const struct model *m, FILE *f);
/* results.md: the tables the checker verifies against the JSON. */
int write_markdown(const struct model *m, FILE *f);
/*
 * chart-METRIC.dat for each metric with a configuration to compare, and
 * chart.gp, which gnuplot runs in dir to draw chart.svg and chart.png.
 */
int write_plot(const struct model *m, const char *dir);

#endif

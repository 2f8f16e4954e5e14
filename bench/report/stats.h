/* Median, minimum and maximum of a set of figures. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

struct stats {
	int n;
	double median, min, max;
};

/*
 * Fills s from v[0..n-1] (left unchanged).  The median of an even count is
 * the mean of the two middle figures.  Returns -1 when n < 1.
 */
int stats_compute(const double *v, int n, struct stats *s);

#endif

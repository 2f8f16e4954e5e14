#include "format.h"

#include <stdio.h>

/* Three significant digits for 1 <= v < 1000 (and plain digits below 1). */
static void sig3(double v, const char *suffix, char *buf, size_t len)
{
	const char *f = v >= 99.95 ? "%.0f%s" : v >= 9.995 ? "%.1f%s" : "%.2f%s";

	snprintf(buf, len, f, v, suffix);
}

static void scaled(double v, const char *const units[4], char *buf, size_t len)
{
	int i = 0;

	while (i < 3 && v >= 999.5) {
		v /= 1000;
		i++;
	}
	sig3(v, units[i], buf, len);
}

void fmt_time(double ns, char *buf, size_t len)
{
	static const char *const units[4] = { " ns", " µs", " ms", " s" };

	scaled(ns, units, buf, len);
}

void fmt_count(double n, char *buf, size_t len)
{
	static const char *const units[4] = { "", " k", " M", " G" };

	scaled(n, units, buf, len);
}

void fmt_ratio(double r, char *buf, size_t len)
{
	snprintf(buf, len, r >= 99.95 ? "%.0fx" : r >= 9.995 ? "%.1fx" :
		 r >= 0.0995 ? "%.2fx" : "%.3fx", r);
}

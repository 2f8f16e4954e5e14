/*
 * Chart: one panel per metric, grouped bars of the ratio to the baseline
 * per benchmark (log scale), one bar per configuration with figures plus,
 * for time, the target and reference ratios (those over the baseline: a
 * goal stated over another row is in results.md's verdicts only).  gnuplot draws it from
 * chart.gp; the data sit in chart-METRIC.dat.
 */
#include "output.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_SERIES 16

struct series {
	const char *title;
	int reference;                  /* a goal or outside figure, hatched */
	double ratio[64];               /* per benchmark, 0 = no figure */
};

struct panel {
	enum metric metric;
	size_t nr;
	struct series s[MAX_SERIES];
};

static void add_configs(const struct model *m, struct panel *p)
{
	for (size_t c = 0; c < m->nr_configs && p->nr < MAX_SERIES; c++) {
		struct series *s = &p->s[p->nr];
		int any = 0;

		memset(s, 0, sizeof(*s));
		s->title = m->configs[c].title;
		for (size_t b = 0; b < m->nr_benches && b < 64; b++) {
			const struct summary *x = model_summary(m, (int)c, (int)b, p->metric);

			if (x && x->has_ratio) {
				s->ratio[b] = x->ratio;
				any = 1;
			}
		}
		if (any)
			p->nr++;
	}
}

/* A goal checked over another row than the baseline: not a ratio to native. */
static int over_other_row(const struct model *m, const char *series)
{
	for (size_t i = 0; i < m->nr_checks; i++)
		if (m->checks[i].against >= 0 && !strcmp(m->checks[i].series, series))
			return 1;
	return 0;
}

static void add_targets(const struct model *m, struct panel *p)
{
	for (size_t i = 0; i < m->nr_targets; i++) {
		const struct target *t = &m->targets[i];
		size_t k;

		if (over_other_row(m, t->series))
			continue;
		for (k = 0; k < p->nr && strcmp(p->s[k].title, t->title); k++)
			;
		if (k == p->nr) {
			if (p->nr == MAX_SERIES)
				continue;
			memset(&p->s[k], 0, sizeof(p->s[k]));
			p->s[k].title = t->title;
			p->s[k].reference = 1;
			p->nr++;
		}
		if (t->bench < 64)
			p->s[k].ratio[t->bench] = t->ratio;
	}
}

static int write_data(const struct model *m, const struct panel *p, const char *dir,
		      double *lo, double *hi)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/chart-%s.dat", dir, metric_name(p->metric));
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("# benchmark", f);
	for (size_t k = 0; k < p->nr; k++)
		fprintf(f, " \"%s\"", p->s[k].title);
	fputc('\n', f);
	for (size_t b = 0; b < m->nr_benches && b < 64; b++) {
		int any = 0;

		for (size_t k = 0; k < p->nr; k++)
			any |= p->s[k].ratio[b] > 0;
		if (!any)
			continue;
		fprintf(f, "\"%s\"", m->benches[b].title);
		for (size_t k = 0; k < p->nr; k++) {
			double r = p->s[k].ratio[b];

			if (r > 0) {
				fprintf(f, " %.6g", r);
				*lo = fmin(*lo, r);
				*hi = fmax(*hi, r);
			} else {
				fputs(" -", f);
			}
		}
		fputc('\n', f);
	}
	return fclose(f) ? -1 : 0;
}

static void write_panel(const struct model *m, const struct panel *p, double lo,
			double hi, FILE *gp)
{
	fprintf(gp, "set title \"%s per operation relative to %s: log scale, lower is better\"\n",
		p->metric == METRIC_TIME ? "Time" : "Instructions (QEMU -icount)",
		m->configs[m->baseline].title);
	fprintf(gp, "set yrange [%g:%g]\n", pow(10, floor(log10(lo))),
		pow(10, ceil(log10(hi)) + (hi == lo)));
	fputs("plot ", gp);
	for (size_t k = 0; k < p->nr; k++)
		fprintf(gp, "%s'chart-%s.dat' using %zu%s%s title \"%s\"", k ? ", \\\n     " : "",
			metric_name(p->metric), k + 2, k ? "" : ":xtic(1)",
			p->s[k].reference ? " fill pattern 4" : "", p->s[k].title);
	fputs(", 1 with lines dashtype 2 lc rgb 'black' notitle\n", gp);
}

int write_plot(const struct model *m, const char *dir)
{
	static struct panel panels[NR_METRICS];
	double lo[NR_METRICS], hi[NR_METRICS];
	char path[4096];
	int nr = 0, own_base = 0;
	FILE *gp;

	for (int k = 0; k < NR_METRICS; k++) {
		struct panel *p = &panels[nr];

		p->metric = k;
		p->nr = 0;
		add_configs(m, p);
		if (k == METRIC_TIME)
			add_targets(m, p);
		/* Only the baseline's bars at 1 would compare nothing. */
		if (p->nr < 2)
			continue;
		lo[nr] = 1;
		hi[nr] = 1;
		if (write_data(m, p, dir, &lo[nr], &hi[nr]))
			return -1;
		nr++;
	}

	snprintf(path, sizeof(path), "%s/chart.gp", dir);
	gp = fopen(path, "w");
	if (!gp)
		return -1;
	fputs("# Drawn by bench/report; run in this directory: gnuplot chart.gp\n", gp);
	if (!nr) {
		fputs("# No configuration to compare with the baseline yet.\n", gp);
		return fclose(gp) ? -1 : 0;
	}
	fprintf(gp, "set terminal svg size 1000,%d dynamic font 'sans,11' noenhanced\n"
		"set output 'chart.svg'\n", 560 * nr);
	fputs("set style data histogram\n"
	      "set style histogram clustered gap 1\n"
	      "set style fill solid 0.8 border -1\n"
	      "set logscale y\n"
	      "set grid ytics\n"
	      "set datafile missing '-'\n"
	      "set key below\n"
	      "set xtics noenhanced rotate by -25\n", gp);
	/* Rows with a baseline of their own (ratio_to) say so in their titles. */
	for (size_t c = 0; c < m->nr_configs; c++)
		own_base |= m->configs[c].base != m->baseline;
	fprintf(gp, "set ylabel 'ratio to baseline%s'\n",
		own_base ? " (or to the one a row names)" : "");
	fprintf(gp, "set multiplot layout %d,1\n", nr);
	for (int i = 0; i < nr; i++)
		write_panel(m, &panels[i], lo[i], hi[i], gp);
	fputs("unset multiplot\n", gp);
	fprintf(gp, "set terminal pngcairo size 1000,%d font 'sans,10' noenhanced\n"
		"set output 'chart.png'\n", 560 * nr);
	fprintf(gp, "set multiplot layout %d,1\n", nr);
	for (int i = 0; i < nr; i++)
		write_panel(m, &panels[i], lo[i], hi[i], gp);
	fputs("unset multiplot\n", gp);
	return fclose(gp) ? -1 : 0;
}

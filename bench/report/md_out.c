/*
 * results.md writer.  Every table keeps one cell count per row, and the
 * figure cells are exactly what the checker recomputes from the JSON
 * (format.h), so a reader can trust the table as much as the data.
 */
#include "format.h"
#include "output.h"

#include <string.h>

#define NO_FIGURE "—"
#define NOT_APPLICABLE "n/a"

static void table_header(FILE *f, const char *first, const struct model *m,
			 int with_later)
{
	size_t cols = 1;

	fprintf(f, "| %s |", first);
	for (size_t b = 0; b < m->nr_benches; b++)
		if (with_later || !m->benches[b].later) {
			fprintf(f, " %s |", m->benches[b].title);
			cols++;
		}
	fputs("\n|---|", f);
	for (size_t c = 1; c < cols; c++)
		fputs("---:|", f);
	fputc('\n', f);
}

/* The cell of one figure: "2.41 µs (1.00x)", or why there is none. */
static void figure_cell(const struct model *m, int config, int bench, enum metric k,
			char *buf, size_t len)
{
	const struct summary *s = model_summary(m, config, bench, k);
	char fig[32], ratio[32];

	if (model_not_applicable(m, config, bench)) {
		snprintf(buf, len, NOT_APPLICABLE);
		return;
	}
	if (!s) {
		snprintf(buf, len, "failed");
		return;
	}
	if (k == METRIC_TIME)
		fmt_time(s->st.median, fig, sizeof(fig));
	else
		fmt_count(s->st.median, fig, sizeof(fig));
	if (s->has_ratio) {
		fmt_ratio(s->ratio, ratio, sizeof(ratio));
		snprintf(buf, len, "%s (%s)", fig, ratio);
	} else {
		snprintf(buf, len, "%s", fig);
	}
}

/* The second cell of a row without figures: why, or NULL for a row with them. */
static const char *row_excuse(const struct model *m, int config, enum metric k)
{
	const struct config *c = &m->configs[config];

	if (c->pending)
		return c->pending;
	if (!(c->metrics & (1u << k)))
		return k == METRIC_ICOUNT ? "no instruction count: not run under QEMU"
					  : "not timed";
	return NULL;
}

static void figure_table(const struct model *m, enum metric k, FILE *f)
{
	char cell[96];

	table_header(f, "configuration", m, 0);
	for (size_t c = 0; c < m->nr_configs; c++) {
		const char *excuse = row_excuse(m, (int)c, k);
		int first = 1;

		fprintf(f, "| %s |", m->configs[c].title);
		for (size_t b = 0; b < m->nr_benches; b++) {
			if (m->benches[b].later)
				continue;
			if (excuse) {
				fprintf(f, " %s |", first ? excuse : NO_FIGURE);
			} else {
				figure_cell(m, (int)c, (int)b, k, cell, sizeof(cell));
				fprintf(f, " %s |", cell);
			}
			first = 0;
		}
		fputc('\n', f);
	}
}

static void spread_table(const struct model *m, FILE *f)
{
	fputs("| benchmark | configuration | metric | unit | runs | median | min | max | ratio |\n"
	      "|---|---|---|---|---:|---:|---:|---:|---:|\n", f);
	for (size_t i = 0; i < m->nr_summaries; i++) {
		const struct summary *s = &m->summaries[i];
		char unit[48], ratio[32] = NO_FIGURE;
		char med[32], lo[32], hi[32];
		void (*fmt)(double, char *, size_t) =
			s->metric == METRIC_TIME ? fmt_time : fmt_count;

		metric_unit(&m->benches[s->bench], s->metric, unit, sizeof(unit));
		fmt(s->st.median, med, sizeof(med));
		fmt(s->st.min, lo, sizeof(lo));
		fmt(s->st.max, hi, sizeof(hi));
		if (s->has_ratio)
			fmt_ratio(s->ratio, ratio, sizeof(ratio));
		fprintf(f, "| %s | %s | %s | %s | %d | %s | %s | %s | %s |\n",
			m->benches[s->bench].title, m->configs[s->config].title,
			metric_name(s->metric), unit, s->st.n, med, lo, hi, ratio);
	}
}

static void targets_table(const struct model *m, FILE *f)
{
	const char *series[16];
	const char *titles[16];
	size_t nr = 0;
	char ratio[32];

	for (size_t i = 0; i < m->nr_targets && nr < 16; i++) {
		size_t s;

		for (s = 0; s < nr && strcmp(series[s], m->targets[i].series); s++)
			;
		if (s == nr) {
			series[nr] = m->targets[i].series;
			titles[nr++] = m->targets[i].title;
		}
	}
	fputs("| benchmark |", f);
	for (size_t s = 0; s < nr; s++)
		fprintf(f, " %s |", titles[s]);
	fputs("\n|---|", f);
	for (size_t s = 0; s < nr; s++)
		fputs("---:|", f);
	fputc('\n', f);
	for (size_t b = 0; b < m->nr_benches; b++) {
		int any = 0;

		for (size_t i = 0; i < m->nr_targets; i++)
			any |= m->targets[i].bench == (int)b;
		if (!any)
			continue;
		fprintf(f, "| %s |", m->benches[b].title);
		for (size_t s = 0; s < nr; s++) {
			const char *cell = NO_FIGURE;

			for (size_t i = 0; i < m->nr_targets; i++)
				if (m->targets[i].bench == (int)b &&
				    !strcmp(m->targets[i].series, series[s])) {
					fmt_ratio(m->targets[i].ratio, ratio, sizeof(ratio));
					cell = ratio;
				}
			fprintf(f, " %s |", cell);
		}
		fputc('\n', f);
	}
}

/* "1.95x fail": one metric's ratio against the goal, or why there is none. */
static void verdict_cell(const struct model *m, const struct goal_check *g,
			 const struct target *t, enum metric k, char *buf, size_t len)
{
	char ratio[32];
	double r;

	if (model_not_applicable(m, g->config, t->bench) ||
	    (g->against >= 0 && model_not_applicable(m, g->against, t->bench))) {
		snprintf(buf, len, NOT_APPLICABLE);
		return;
	}
	if (model_check_ratio(m, g, t->bench, k, &r)) {
		snprintf(buf, len, "no figure");
		return;
	}
	fmt_ratio(r, ratio, sizeof(ratio));
	snprintf(buf, len, "%s %s", ratio, r <= t->ratio ? "pass" : "**fail**");
}

/* Every goal check (CHECK records) against every ratio of its series. */
static void verdict_table(const struct model *m, FILE *f)
{
	char goal[32], time[48], insns[48];

	if (!m->nr_checks) {
		fputs("None.\n", f);
		return;
	}
	fputs("| goal | configuration | over | benchmark | goal ratio | time | instructions |\n"
	      "|---|---|---|---|---:|---:|---:|\n", f);
	for (size_t i = 0; i < m->nr_checks; i++) {
		const struct goal_check *g = &m->checks[i];
		int over = g->against >= 0 ? g->against : m->configs[g->config].base;

		for (size_t j = 0; j < m->nr_targets; j++) {
			const struct target *t = &m->targets[j];

			if (strcmp(t->series, g->series))
				continue;
			fmt_ratio(t->ratio, goal, sizeof(goal));
			verdict_cell(m, g, t, METRIC_TIME, time, sizeof(time));
			verdict_cell(m, g, t, METRIC_ICOUNT, insns, sizeof(insns));
			fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n", t->title,
				m->configs[g->config].title, m->configs[over].name,
				m->benches[t->bench].title, goal, time, insns);
		}
	}
}

static void configs_table(const struct model *m, FILE *f)
{
	fputs("| configuration | role | status | note |\n|---|---|---|---|\n", f);
	for (size_t c = 0; c < m->nr_configs; c++)
		fprintf(f, "| %s | %s | %s | %s |\n", m->configs[c].title,
			role_name(m->configs[c].role), config_status(m, (int)c),
			m->configs[c].pending ? m->configs[c].pending : NO_FIGURE);
}

static void later_table(const struct model *m, FILE *f)
{
	fputs("| figure | reason |\n|---|---|\n", f);
	for (size_t b = 0; b < m->nr_benches; b++)
		if (m->benches[b].later)
			fprintf(f, "| %s | %s |\n", m->benches[b].title, m->benches[b].later);
}

static void na_table(const struct model *m, FILE *f)
{
	if (!m->nr_na) {
		fputs("None.\n", f);
		return;
	}
	fputs("| configuration | benchmark | why |\n|---|---|---|\n", f);
	for (size_t i = 0; i < m->nr_na; i++)
		fprintf(f, "| %s | %s | %s |\n", m->configs[m->na[i].config].title,
			m->benches[m->na[i].bench].title, m->na[i].note);
}

static void failures_table(const struct model *m, FILE *f)
{
	if (!m->nr_failures) {
		fputs("None.\n", f);
		return;
	}
	fputs("| configuration | mode | run | benchmark | what happened |\n"
	      "|---|---|---:|---|---|\n", f);
	for (size_t i = 0; i < m->nr_failures; i++) {
		const struct failure *x = &m->failures[i];

		fprintf(f, "| %s | %s | %d | %s | %s |\n", m->configs[x->config].title,
			metric_name(x->metric), x->run,
			x->bench >= 0 ? m->benches[x->bench].title : "(whole boot)", x->note);
	}
}

static void facts(const struct model *m, FILE *f)
{
	static const struct { const char *key, *label; } lines[] = {
		{ "host_cpu", "Host CPU" }, { "host_os", "Host OS" },
		{ "qemu", "QEMU" }, { "commit", "heron commit" },
		{ "target_ms", "Timed batch per figure (ms)" },
		{ "icount_target_ms", "Batch under -icount (ms of virtual time)" },
	};

	fprintf(f, "- Runs per figure: %d, interleaved across configurations\n", m->runs);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (model_meta(m, lines[i].key))
			fprintf(f, "- %s: %s\n", lines[i].label, model_meta(m, lines[i].key));
}

/* The denominators of the ratios: the baseline's, then any row's own. */
static void ratio_note(const struct model *m, FILE *f)
{
	fprintf(f, "in parentheses the ratio to %s", m->configs[m->baseline].title);
	for (size_t c = 0; c < m->nr_configs; c++) {
		const struct config *x = &m->configs[c];

		if (x->base != m->baseline)
			fprintf(f, "; for %s, to %s", x->name, m->configs[x->base].name);
	}
}

int write_markdown(const struct model *m, FILE *f)
{
	const char *quick = model_meta(m, "quick");

	fprintf(f, "# heron benchmarks, %s\n\n", model_meta(m, "date"));
	if (quick && strcmp(quick, "0"))
		fputs("**QUICK run**: few runs and short batches, to check the harness; "
		      "do not read the figures.\n\n", f);
	facts(m, f);
	fputs("\n## Time per operation\n\nMedian over runs; ", f);
	ratio_note(m, f);
	fputs(". Lower is better. Spread (min, max) below.\n\n", f);
	figure_table(m, METRIC_TIME, f);
	fputs("\n## Instructions per operation\n\n"
		"Guest TSC ticks per operation under QEMU `-icount shift=0`, where the "
		"TSC advances by one per executed instruction (user, kernel and "
		"hypervisor): a path length free of host noise (the timer's lateness "
		"is virtual time: instructions, plus any idle wait for a tick); ", f);
	ratio_note(m, f);
	fputs(".\n\n", f);
	figure_table(m, METRIC_ICOUNT, f);
	fputs("\n## Targets and reference ratios\n\n"
	      "Ratios to native on QEMU TCG. heron's PV and HVM rows must beat the "
	      "Xen 4.17 figures.\n\n", f);
	targets_table(m, f);
	fputs("\n## Goals: pass or fail\n\n"
	      "Each goal's configuration against each of its ratios: the median "
	      "over the median of the configuration named under *over* (its "
	      "baseline, or the row the goal is stated against), per metric; "
	      "pass when at or under the goal ratio.\n\n", f);
	verdict_table(m, f);
	fputs("\n## Configurations\n\n", f);
	configs_table(m, f);
	fputs("\n## Not measured yet\n\n", f);
	later_table(m, f);
	fputs("\n## Not applicable\n\n", f);
	na_table(m, f);
	fputs("\n## Spread\n\n", f);
	spread_table(m, f);
	fputs("\n## Failures\n\n", f);
	failures_table(m, f);
	return ferror(f) ? -1 : 0;
}

/* results.json writer (layout in docs/benchmarks.md). */
#include "output.h"

#include <string.h>

static void str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A meta value that is a plain decimal integer is written as a number. */
static int is_integer(const char *s)
{
	if (!*s || strlen(s) > 15)
		return 0;
	if (*s == '0' && s[1])
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void write_meta(const struct model *m, FILE *f)
{
	fputs("  \"meta\": {", f);
	for (size_t i = 0; i < m->nr_meta; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		str(f, m->meta[i].key);
		fputs(": ", f);
		if (is_integer(m->meta[i].val))
			fputs(m->meta[i].val, f);
		else
			str(f, m->meta[i].val);
	}
	fputs("\n  },\n", f);
}

static void write_configs(const struct model *m, FILE *f)
{
	fputs("  \"configs\": [", f);
	for (size_t i = 0; i < m->nr_configs; i++) {
		const struct config *c = &m->configs[i];
		int first = 1;

		fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		str(f, c->name);
		fputs(", \"title\": ", f);
		str(f, c->title);
		fputs(", \"role\": ", f);
		str(f, role_name(c->role));
		fputs(", \"modes\": [", f);
		for (int k = 0; k < NR_METRICS; k++)
			if (c->metrics & (1u << k)) {
				fputs(first ? "" : ", ", f);
				str(f, metric_name(k));
				first = 0;
			}
		fputs("], \"ratio_to\": ", f);
		str(f, m->configs[c->base].name);
		fputs(", \"status\": ", f);
		str(f, config_status(m, (int)i));
		fputs(", \"note\": ", f);
		str(f, c->pending);
		fputc('}', f);
	}
	fputs("\n  ],\n", f);
}

static void write_benchmarks(const struct model *m, FILE *f)
{
	fputs("  \"benchmarks\": [", f);
	for (size_t i = 0; i < m->nr_benches; i++) {
		const struct benchdef *b = &m->benches[i];

		fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		str(f, b->name);
		fputs(", \"title\": ", f);
		str(f, b->title);
		fputs(", \"unit\": ", f);
		str(f, b->unit);
		fputs(", \"status\": ", f);
		str(f, b->later ? "later" : "measured");
		fputs(", \"note\": ", f);
		str(f, b->later);
		fputc('}', f);
	}
	fputs("\n  ],\n", f);
}

static void write_na(const struct model *m, FILE *f)
{
	fputs("  \"not_applicable\": [", f);
	for (size_t i = 0; i < m->nr_na; i++) {
		const struct not_applicable *x = &m->na[i];

		fputs(i ? ",\n    {\"config\": " : "\n    {\"config\": ", f);
		str(f, m->configs[x->config].name);
		fputs(", \"benchmark\": ", f);
		str(f, m->benches[x->bench].name);
		fputs(", \"note\": ", f);
		str(f, x->note);
		fputc('}', f);
	}
	fputs("\n  ],\n", f);
}

static void write_targets(const struct model *m, FILE *f)
{
	fputs("  \"targets\": [", f);
	for (size_t i = 0; i < m->nr_targets; i++) {
		const struct target *t = &m->targets[i];

		fputs(i ? ",\n    {\"series\": " : "\n    {\"series\": ", f);
		str(f, t->series);
		fputs(", \"title\": ", f);
		str(f, t->title);
		fputs(", \"benchmark\": ", f);
		str(f, m->benches[t->bench].name);
		fprintf(f, ", \"ratio\": %.10g}", t->ratio);
	}
	fputs("\n  ],\n", f);
}

static void write_runs(const struct model *m, FILE *f)
{
	fputs("  \"runs\": [", f);
	for (size_t i = 0; i < m->nr_results; i++) {
		const struct result *r = &m->results[i];

		fputs(i ? ",\n    {\"config\": " : "\n    {\"config\": ", f);
		str(f, m->configs[r->config].name);
		fputs(", \"mode\": ", f);
		str(f, metric_name(r->metric));
		fprintf(f, ", \"run\": %d, \"benchmark\": ", r->run);
		str(f, m->benches[r->bench].name);
		fputs(", \"unit\": ", f);
		str(f, m->benches[r->bench].unit);
		fprintf(f, ", \"value\": %.10g, \"iters\": %llu, \"tsc\": %.10g}",
			r->value, (unsigned long long)r->iters, r->tsc);
	}
	fputs("\n  ],\n", f);
}

static void write_failures(const struct model *m, FILE *f)
{
	fputs("  \"failures\": [", f);
	for (size_t i = 0; i < m->nr_failures; i++) {
		const struct failure *x = &m->failures[i];

		fputs(i ? ",\n    {\"config\": " : "\n    {\"config\": ", f);
		str(f, m->configs[x->config].name);
		fputs(", \"mode\": ", f);
		str(f, metric_name(x->metric));
		fprintf(f, ", \"run\": %d, \"benchmark\": ", x->run);
		str(f, x->bench >= 0 ? m->benches[x->bench].name : NULL);
		fputs(", \"note\": ", f);
		str(f, x->note);
		fputc('}', f);
	}
	fputs("\n  ],\n", f);
}

static void write_summary(const struct model *m, FILE *f)
{
	char unit[48];

	fputs("  \"summary\": [", f);
	for (size_t i = 0; i < m->nr_summaries; i++) {
		const struct summary *s = &m->summaries[i];

		metric_unit(&m->benches[s->bench], s->metric, unit, sizeof(unit));
		fputs(i ? ",\n    {\"config\": " : "\n    {\"config\": ", f);
		str(f, m->configs[s->config].name);
		fputs(", \"benchmark\": ", f);
		str(f, m->benches[s->bench].name);
		fputs(", \"metric\": ", f);
		str(f, metric_name(s->metric));
		fputs(", \"unit\": ", f);
		str(f, unit);
		fprintf(f, ", \"n\": %d, \"median\": %.10g, \"min\": %.10g, \"max\": %.10g, \"ratio\": ",
			s->st.n, s->st.median, s->st.min, s->st.max);
		if (s->has_ratio)
			fprintf(f, "%.10g}", s->ratio);
		else
			fputs("null}", f);
	}
	fputs("\n  ]\n", f);
}

int write_json(const struct model *m, FILE *f)
{
	fputs("{\n  \"schema\": ", f);
	str(f, JSON_SCHEMA);
	fputs(",\n", f);
	write_meta(m, f);
	write_configs(m, f);
	write_benchmarks(m, f);
	write_na(m, f);
	write_targets(m, f);
	write_runs(m, f);
	write_failures(m, f);
	write_summary(m, f);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

/* Report checker (see checker.h). */
#include "checker.h"
#include "format.h"
#include "json.h"
#include "output.h"
#include "stats.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define NO_FIGURE "—"
#define NOT_APPLICABLE "n/a"

struct checker {
	FILE *out;
	int problems;
	const struct json *root, *configs, *benches, *na, *runs, *failures, *summary, *targets;
	long nruns;
	size_t baseline;
};

static void problem(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	fputs("bench-check: ", c->out);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
	c->problems++;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = 0;
		}
	}
	fclose(f);
	return buf;
}

/* ---- JSON accessors ---------------------------------------------------- */

static const char *jstr(const struct json *o, const char *key)
{
	const struct json *v = json_get(o, key);

	return v && v->type == JSON_STRING ? v->string : NULL;
}

static int jnum(const struct json *o, const char *key, double *out)
{
	const struct json *v = json_get(o, key);

	if (!v || v->type != JSON_NUMBER)
		return -1;
	*out = v->number;
	return 0;
}

/* A string member, or NULL after reporting it missing. */
static const char *need_str(struct checker *c, const struct json *o, const char *what,
			    size_t i, const char *key)
{
	const char *s = jstr(o, key);

	if (!s || !*s)
		problem(c, "%s[%zu]: \"%s\" is not a non-empty string", what, i, key);
	return s;
}

static int one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return 1;
	return 0;
}

static const struct json *find_named(const struct json *arr, const char *key, const char *name)
{
	for (size_t i = 0; name && i < arr->n; i++) {
		const char *s = jstr(arr->items[i], key);

		if (s && !strcmp(s, name))
			return arr->items[i];
	}
	return NULL;
}

static int has_mode(const struct json *config, const char *mode)
{
	const struct json *modes = json_get(config, "modes");

	for (size_t i = 0; modes && i < modes->n; i++)
		if (modes->items[i]->type == JSON_STRING && !strcmp(modes->items[i]->string, mode))
			return 1;
	return 0;
}

static int is_positive_integer(double v)
{
	return v >= 1 && v == floor(v);
}

/* ---- JSON checks ------------------------------------------------------- */

static const struct json *need_array(struct checker *c, const char *key)
{
	const struct json *v = json_get(c->root, key);

	if (!v || v->type != JSON_ARRAY) {
		problem(c, "\"%s\" is not an array", key);
		return NULL;
	}
	for (size_t i = 0; i < v->n; i++)
		if (v->items[i]->type != JSON_OBJECT) {
			problem(c, "%s[%zu] is not an object", key, i);
			return NULL;
		}
	return v;
}

static void check_configs(struct checker *c)
{
	static const char *const roles[] = { "reference", "baseline", "measured", NULL };
	static const char *const statuses[] = { "measured", "pending", "failed", NULL };
	static const char *const modes[] = { "time", "icount", NULL };
	int baselines = 0;

	for (size_t i = 0; i < c->configs->n; i++) {
		const struct json *o = c->configs->items[i], *m = json_get(o, "modes"),
			*note = json_get(o, "note");
		const char *name = need_str(c, o, "configs", i, "name"),
			*role = need_str(c, o, "configs", i, "role"),
			*status = need_str(c, o, "configs", i, "status");
		int has_runs = 0;

		const char *ratio_to = need_str(c, o, "configs", i, "ratio_to");

		need_str(c, o, "configs", i, "title");
		if (ratio_to && !find_named(c->configs, "name", ratio_to))
			problem(c, "configs[%zu]: ratio_to names no configuration: %s", i, ratio_to);
		if (ratio_to && name && role && !strcmp(role, "baseline") && strcmp(ratio_to, name))
			problem(c, "configs[%zu]: the baseline's ratios are not to itself", i);
		if (name && find_named(c->configs, "name", name) != o)
			problem(c, "configs: %s given twice", name);
		if (role && !one_of(role, roles))
			problem(c, "configs[%zu]: unknown role %s", i, role);
		if (role && !strcmp(role, "baseline")) {
			baselines++;
			c->baseline = i;
		}
		if (!m || m->type != JSON_ARRAY || !m->n)
			problem(c, "configs[%zu]: \"modes\" is not a non-empty array", i);
		for (size_t k = 0; m && m->type == JSON_ARRAY && k < m->n; k++)
			if (m->items[k]->type != JSON_STRING || !one_of(m->items[k]->string, modes))
				problem(c, "configs[%zu]: bad mode", i);
		if (!note || (note->type != JSON_NULL && note->type != JSON_STRING))
			problem(c, "configs[%zu]: \"note\" must be a string or null", i);
		if (!status || !one_of(status, statuses)) {
			problem(c, "configs[%zu]: bad status", i);
			continue;
		}
		if (!strcmp(status, "pending") && (!note || note->type != JSON_STRING || !*note->string))
			problem(c, "configs[%zu]: pending without a reason", i);
		for (size_t r = 0; name && r < c->runs->n; r++) {
			const char *rc = jstr(c->runs->items[r], "config");

			has_runs |= rc && !strcmp(rc, name);
		}
		if (has_runs != !strcmp(status, "measured"))
			problem(c, "configs[%zu]: status %s but %s runs", i, status,
				has_runs ? "has" : "has no");
	}
	if (baselines != 1)
		problem(c, "need exactly one baseline configuration, have %d", baselines);
}

static void check_benchmarks(struct checker *c)
{
	for (size_t i = 0; i < c->benches->n; i++) {
		const struct json *o = c->benches->items[i], *unit = json_get(o, "unit");
		const char *name = need_str(c, o, "benchmarks", i, "name"),
			*status = need_str(c, o, "benchmarks", i, "status");

		need_str(c, o, "benchmarks", i, "title");
		if (name && find_named(c->benches, "name", name) != o)
			problem(c, "benchmarks: %s given twice", name);
		if (!unit || (unit->type != JSON_NULL &&
			      (unit->type != JSON_STRING || strncmp(unit->string, "ns/", 3))))
			problem(c, "benchmarks[%zu]: \"unit\" must be ns/... or null", i);
		if (status && !strcmp(status, "later"))
			need_str(c, o, "benchmarks", i, "note");
		else if (status && strcmp(status, "measured"))
			problem(c, "benchmarks[%zu]: bad status %s", i, status);
	}
}

static void check_targets(struct checker *c)
{
	for (size_t i = 0; i < c->targets->n; i++) {
		const struct json *o = c->targets->items[i];
		double ratio;

		need_str(c, o, "targets", i, "series");
		need_str(c, o, "targets", i, "title");
		if (!find_named(c->benches, "name", jstr(o, "benchmark")))
			problem(c, "targets[%zu]: unknown benchmark", i);
		if (jnum(o, "ratio", &ratio) || !(ratio > 0))
			problem(c, "targets[%zu]: ratio is not a positive number", i);
	}
}

/* Why bench does not apply to config (not_applicable[]), or NULL. */
static const char *na_note(const struct checker *c, const char *config, const char *bench)
{
	for (size_t i = 0; config && bench && i < c->na->n; i++) {
		const struct json *o = c->na->items[i];
		const char *nc = jstr(o, "config"), *nb = jstr(o, "benchmark");

		if (nc && nb && !strcmp(nc, config) && !strcmp(nb, bench))
			return jstr(o, "note") ? jstr(o, "note") : "";
	}
	return NULL;
}

/* Each entry names a configuration and a measured benchmark, once, with a
 * reason, and nothing was measured or failed there. */
static void check_na(struct checker *c)
{
	for (size_t i = 0; i < c->na->n; i++) {
		const struct json *o = c->na->items[i];
		const char *config = need_str(c, o, "not_applicable", i, "config"),
			*bench = need_str(c, o, "not_applicable", i, "benchmark"),
			*note = need_str(c, o, "not_applicable", i, "note");
		const struct json *b = find_named(c->benches, "name", bench);

		if (!config || !bench || !note)
			continue;
		if (!find_named(c->configs, "name", config))
			problem(c, "not_applicable[%zu]: unknown configuration %s", i, config);
		if (!b || !jstr(b, "status") || strcmp(jstr(b, "status"), "measured"))
			problem(c, "not_applicable[%zu]: %s is not a measured benchmark", i, bench);
		if (!*note)
			problem(c, "not_applicable[%zu]: empty reason", i);
		for (size_t j = 0; j < i; j++) {
			const struct json *p = c->na->items[j];

			if (jstr(p, "config") && jstr(p, "benchmark") &&
			    !strcmp(jstr(p, "config"), config) && !strcmp(jstr(p, "benchmark"), bench))
				problem(c, "not_applicable[%zu]: same as not_applicable[%zu]", i, j);
		}
		for (size_t r = 0; r < c->runs->n; r++) {
			const char *rc = jstr(c->runs->items[r], "config"),
				*rb = jstr(c->runs->items[r], "benchmark");

			if (rc && rb && !strcmp(rc, config) && !strcmp(rb, bench))
				problem(c, "runs[%zu]: %s in %s, where it does not apply", r, bench, config);
		}
		for (size_t r = 0; r < c->failures->n; r++) {
			const char *fc = jstr(c->failures->items[r], "config"),
				*fb = jstr(c->failures->items[r], "benchmark");

			if (fc && fb && !strcmp(fc, config) && !strcmp(fb, bench))
				problem(c, "failures[%zu]: %s in %s, where it does not apply", r, bench,
					config);
		}
	}
}

/* config, mode and run of a runs[] or failures[] entry. */
static int check_where(struct checker *c, const struct json *o, const char *what, size_t i)
{
	const struct json *config = find_named(c->configs, "name", jstr(o, "config"));
	const char *mode = jstr(o, "mode");
	double run;

	if (!config) {
		problem(c, "%s[%zu]: unknown configuration", what, i);
		return -1;
	}
	if (!mode || !has_mode(config, mode)) {
		problem(c, "%s[%zu]: configuration has no such mode", what, i);
		return -1;
	}
	if (jnum(o, "run", &run) || !is_positive_integer(run) || run > c->nruns) {
		problem(c, "%s[%zu]: run is not in 1..%ld", what, i, c->nruns);
		return -1;
	}
	return 0;
}

static int same_figure(const struct json *a, const struct json *b)
{
	static const char *const keys[] = { "config", "mode", "benchmark" };
	double ra, rb;

	for (size_t k = 0; k < 3; k++) {
		const char *x = jstr(a, keys[k]), *y = jstr(b, keys[k]);

		if (!x || !y || strcmp(x, y))
			return 0;
	}
	return !jnum(a, "run", &ra) && !jnum(b, "run", &rb) && ra == rb;
}

static void check_runs(struct checker *c)
{
	for (size_t i = 0; i < c->runs->n; i++) {
		const struct json *o = c->runs->items[i];
		const struct json *b = find_named(c->benches, "name", jstr(o, "benchmark"));
		double value, tsc, iters;

		if (check_where(c, o, "runs", i))
			continue;
		if (!b || !jstr(b, "status") || strcmp(jstr(b, "status"), "measured"))
			problem(c, "runs[%zu]: not a measured benchmark", i);
		else if (!jstr(o, "unit") || !jstr(b, "unit") || strcmp(jstr(o, "unit"), jstr(b, "unit")))
			problem(c, "runs[%zu]: unit differs from the benchmark's", i);
		if (jnum(o, "value", &value) || !(value > 0) || jnum(o, "tsc", &tsc) || !(tsc > 0))
			problem(c, "runs[%zu]: value and tsc must be positive numbers", i);
		if (jnum(o, "iters", &iters) || !is_positive_integer(iters))
			problem(c, "runs[%zu]: iters is not a positive integer", i);
		for (size_t j = 0; j < i; j++)
			if (same_figure(o, c->runs->items[j]))
				problem(c, "runs[%zu]: same figure as runs[%zu]", i, j);
	}
	for (size_t i = 0; i < c->failures->n; i++) {
		const struct json *o = c->failures->items[i], *b = json_get(o, "benchmark");

		if (check_where(c, o, "failures", i))
			continue;
		if (!b || (b->type != JSON_NULL && !find_named(c->benches, "name", jstr(o, "benchmark"))))
			problem(c, "failures[%zu]: benchmark must be a known name or null", i);
		need_str(c, o, "failures", i, "note");
	}
}

/* Does a failure account for the missing figure (config, mode, run, bench)? */
static int failure_covers(const struct checker *c, const char *config, const char *mode,
			  long run, const char *bench)
{
	for (size_t i = 0; i < c->failures->n; i++) {
		const struct json *o = c->failures->items[i];
		const char *fc = jstr(o, "config"), *fm = jstr(o, "mode"), *fb = jstr(o, "benchmark");
		double fr;

		if (fc && fm && !strcmp(fc, config) && !strcmp(fm, mode) &&
		    !jnum(o, "run", &fr) && fr == run && (!fb || !strcmp(fb, bench)))
			return 1;
	}
	return 0;
}

/* The figures of runs[] for one summary, in *v (caller frees); returns the count. */
static int collect(const struct checker *c, const char *config, const char *bench,
		   const char *mode, double **v)
{
	int n = 0;

	*v = malloc(sizeof(**v) * (c->runs->n + 1));
	for (size_t i = 0; *v && i < c->runs->n; i++) {
		const struct json *o = c->runs->items[i];
		const char *rc = jstr(o, "config"), *rb = jstr(o, "benchmark"), *rm = jstr(o, "mode");
		double x;

		if (rc && rb && rm && !strcmp(rc, config) && !strcmp(rb, bench) && !strcmp(rm, mode) &&
		    !jnum(o, strcmp(mode, "time") ? "tsc" : "value", &x))
			(*v)[n++] = x;
	}
	return n;
}

static const struct json *find_summary(const struct checker *c, const char *config,
				       const char *bench, const char *metric)
{
	for (size_t i = 0; i < c->summary->n; i++) {
		const struct json *o = c->summary->items[i];
		const char *sc = jstr(o, "config"), *sb = jstr(o, "benchmark"), *sm = jstr(o, "metric");

		if (sc && sb && sm && !strcmp(sc, config) && !strcmp(sb, bench) && !strcmp(sm, metric))
			return o;
	}
	return NULL;
}

static int close_to(double a, double b)
{
	return fabs(a - b) <= 1e-8 * fmax(fabs(a), fabs(b));
}

static void check_one_summary(struct checker *c, const struct json *o, size_t i)
{
	const char *config = jstr(o, "config"), *bench = jstr(o, "benchmark"),
		*metric = jstr(o, "metric"), *unit = jstr(o, "unit");
	const struct json *cfg = config ? find_named(c->configs, "name", config) : NULL;
	const char *base = cfg ? jstr(cfg, "ratio_to") : NULL;
	const struct json *ratio = json_get(o, "ratio"), *bs;
	double n, median, min, max, *v;
	struct stats st;
	int count;

	if (!config || !bench || !metric || !unit || jnum(o, "n", &n) ||
	    jnum(o, "median", &median) || jnum(o, "min", &min) || jnum(o, "max", &max) || !ratio) {
		problem(c, "summary[%zu]: missing or mistyped member", i);
		return;
	}
	if (find_summary(c, config, bench, metric) != o)
		problem(c, "summary[%zu]: %s %s %s given twice", i, config, bench, metric);
	if (strncmp(unit, strcmp(metric, "time") ? "insns/" : "ns/", strcmp(metric, "time") ? 6 : 3))
		problem(c, "summary[%zu]: unit %s does not fit metric %s", i, unit, metric);
	if (!(min <= median && median <= max))
		problem(c, "summary[%zu]: not min <= median <= max", i);
	count = collect(c, config, bench, metric, &v);
	if (count != n || stats_compute(v, count, &st) ||
	    !close_to(st.median, median) || !close_to(st.min, min) || !close_to(st.max, max))
		problem(c, "summary[%zu]: %s %s %s does not follow from its %d runs", i,
			config, bench, metric, count);
	free(v);
	bs = base ? find_summary(c, base, bench, metric) : NULL;
	if (!bs) {
		if (ratio->type != JSON_NULL)
			problem(c, "summary[%zu]: ratio without a baseline figure", i);
	} else if (ratio->type != JSON_NUMBER || jnum(bs, "median", &n) ||
		   !(fabs(ratio->number - median / n) <= 1e-6 * ratio->number)) {
		problem(c, "summary[%zu]: ratio is not median / the median of %s", i, base);
	}
}

static void check_summary(struct checker *c)
{
	for (size_t i = 0; i < c->summary->n; i++)
		check_one_summary(c, c->summary->items[i], i);

	/* Every figure of every runnable configuration: measured, failed or n/a. */
	for (size_t ci = 0; ci < c->configs->n; ci++) {
		const struct json *cfg = c->configs->items[ci], *modes = json_get(cfg, "modes");
		const char *config = jstr(cfg, "name"), *status = jstr(cfg, "status");

		if (!config || !status || !strcmp(status, "pending") || !modes || modes->type != JSON_ARRAY)
			continue;
		for (size_t bi = 0; bi < c->benches->n; bi++) {
			const char *bench = jstr(c->benches->items[bi], "name"),
				*bstatus = jstr(c->benches->items[bi], "status");

			if (!bench || !bstatus || strcmp(bstatus, "measured") ||
			    na_note(c, config, bench))
				continue;
			for (size_t k = 0; k < modes->n; k++) {
				const char *mode = modes->items[k]->string;
				double *v;
				int n;

				if (!mode)
					continue;
				n = collect(c, config, bench, mode, &v);
				free(v);
				if (!n != !find_summary(c, config, bench, mode))
					problem(c, "summary: %s %s %s %s", config, bench, mode,
						n ? "missing" : "without runs");
				for (long r = 1; r <= c->nruns; r++) {
					int found = 0;

					for (size_t i = 0; i < c->runs->n; i++) {
						const struct json *o = c->runs->items[i];
						const char *rc = jstr(o, "config"), *rb = jstr(o, "benchmark"),
							*rm = jstr(o, "mode");
						double rr;

						found |= rc && rb && rm && !strcmp(rc, config) &&
							 !strcmp(rb, bench) && !strcmp(rm, mode) &&
							 !jnum(o, "run", &rr) && rr == r;
					}
					if (!found && !failure_covers(c, config, mode, r, bench))
						problem(c, "%s %s %s run %ld: neither a figure nor a failure",
							config, bench, mode, r);
				}
			}
		}
	}
}

static void check_json(struct checker *c)
{
	const struct json *meta = json_get(c->root, "meta");
	double runs;

	if (c->root->type != JSON_OBJECT) {
		problem(c, "results.json: not an object");
		return;
	}
	if (!jstr(c->root, "schema") || strcmp(jstr(c->root, "schema"), JSON_SCHEMA))
		problem(c, "results.json: schema is not %s", JSON_SCHEMA);
	if (!meta || meta->type != JSON_OBJECT || !jstr(meta, "date") ||
	    jnum(meta, "runs", &runs) || !is_positive_integer(runs)) {
		problem(c, "results.json: meta needs a date and a positive integer runs");
		return;
	}
	c->nruns = (long)runs;
	c->configs = need_array(c, "configs");
	c->benches = need_array(c, "benchmarks");
	c->na = need_array(c, "not_applicable");
	c->targets = need_array(c, "targets");
	c->runs = need_array(c, "runs");
	c->failures = need_array(c, "failures");
	c->summary = need_array(c, "summary");
	if (!c->configs || !c->benches || !c->na || !c->targets || !c->runs || !c->failures ||
	    !c->summary)
		return;
	check_configs(c);
	check_benchmarks(c);
	check_targets(c);
	check_runs(c);
	check_na(c);
	if (!c->problems)
		check_summary(c);
}

/* ---- Markdown ---------------------------------------------------------- */

struct table {
	const char *section;
	size_t rows, cols;              /* rows after the separator */
	char **cell;                    /* (rows + 1) x cols, row 0 the header */
};

struct md {
	struct table t[32];
	size_t nr;
	char *text;
};

static char *trim(char *s)
{
	char *e = s + strlen(s);

	while (*s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		*--e = 0;
	return s;
}

/* Splits "| a | b |" into cells; returns the count, or -1 if not a table row. */
static int split_row(char *line, char **cells, int max)
{
	size_t len = strlen(line);
	int n = 0;
	char *p;

	if (len < 2 || line[0] != '|' || line[len - 1] != '|')
		return -1;
	line[len - 1] = 0;
	for (p = line + 1; n < max; n++) {
		char *bar = strchr(p, '|');

		if (bar)
			*bar = 0;
		cells[n] = trim(p);
		if (!bar)
			return n + 1;
		p = bar + 1;
	}
	return -1;
}

static int is_separator(char **cells, int n)
{
	for (int i = 0; i < n; i++) {
		const char *s = cells[i];

		if (*s == ':')
			s++;
		if (*s != '-')
			return 0;
		while (*s == '-')
			s++;
		if (*s == ':')
			s++;
		if (*s)
			return 0;
	}
	return n > 0;
}

#define MAX_COLS 32

static int parse_md(struct checker *c, struct md *md, char *text)
{
	const char *section = "";
	char *line = text, *cells[MAX_COLS];
	int lineno = 0;

	md->text = text;
	while (line && *line) {
		char *next = strchr(line, '\n');

		if (next)
			*next++ = 0;
		lineno++;
		if (!strncmp(line, "## ", 3))
			section = line + 3;
		if (line[0] == '|') {
			struct table *t = &md->t[md->nr];
			int n = split_row(line, cells, MAX_COLS), row = 0;

			if (md->nr == sizeof(md->t) / sizeof(md->t[0]) || n < 1) {
				problem(c, "results.md:%d: bad table header", lineno);
				return -1;
			}
			t->section = section;
			t->cols = (size_t)n;
			t->cell = malloc(sizeof(char *) * (size_t)n);
			memcpy(t->cell, cells, sizeof(char *) * (size_t)n);
			md->nr++;
			while (next && *next == '|') {
				line = next;
				next = strchr(line, '\n');
				if (next)
					*next++ = 0;
				lineno++;
				if (split_row(line, cells, MAX_COLS) != n) {
					problem(c, "results.md:%d: row has a different cell count", lineno);
					return -1;
				}
				if (row++ == 0) {
					if (!is_separator(cells, n)) {
						problem(c, "results.md:%d: no separator row", lineno);
						return -1;
					}
					continue;
				}
				t->cell = realloc(t->cell, sizeof(char *) * (size_t)n * (t->rows + 2));
				memcpy(t->cell + (t->rows + 1) * t->cols, cells, sizeof(char *) * (size_t)n);
				t->rows++;
			}
			if (row == 0) {
				problem(c, "results.md:%d: table without a separator row", lineno);
				return -1;
			}
		}
		line = next;
	}
	return 0;
}

static const struct table *section_table(struct checker *c, const struct md *md,
					 const char *section)
{
	for (size_t i = 0; i < md->nr; i++)
		if (!strcmp(md->t[i].section, section))
			return &md->t[i];
	problem(c, "results.md: no table under \"## %s\"", section);
	return NULL;
}

static const char *cell(const struct table *t, size_t row, size_t col)
{
	return t->cell[row * t->cols + col];
}

/* The cell the report must have printed for one figure. */
static void expected_figure(const struct checker *c, const char *config, const char *bench,
			    const char *metric, char *buf, size_t len)
{
	const struct json *s = find_summary(c, config, bench, metric);
	const struct json *ratio = s ? json_get(s, "ratio") : NULL;
	char fig[32], r[32];
	double median;

	if (na_note(c, config, bench)) {
		snprintf(buf, len, NOT_APPLICABLE);
		return;
	}
	if (!s || jnum(s, "median", &median)) {
		snprintf(buf, len, "failed");
		return;
	}
	(strcmp(metric, "time") ? fmt_count : fmt_time)(median, fig, sizeof(fig));
	if (ratio && ratio->type == JSON_NUMBER) {
		fmt_ratio(ratio->number, r, sizeof(r));
		snprintf(buf, len, "%s (%s)", fig, r);
	} else {
		snprintf(buf, len, "%s", fig);
	}
}

static void check_figure_table(struct checker *c, const struct md *md, const char *section,
			       const char *metric)
{
	const struct table *t = section_table(c, md, section);
	size_t col = 1;
	char want[96];

	if (!t)
		return;
	if (strcmp(cell(t, 0, 0), "configuration"))
		problem(c, "%s: first column is not \"configuration\"", section);
	for (size_t b = 0; b < c->benches->n; b++) {
		const struct json *o = c->benches->items[b];

		if (strcmp(jstr(o, "status"), "measured"))
			continue;
		if (col >= t->cols || strcmp(cell(t, 0, col), jstr(o, "title")))
			problem(c, "%s: column %zu is not \"%s\"", section, col, jstr(o, "title"));
		col++;
	}
	if (col != t->cols)
		problem(c, "%s: %zu columns, expected %zu", section, t->cols, col);
	if (t->rows != c->configs->n) {
		problem(c, "%s: %zu rows for %zu configurations", section, t->rows, c->configs->n);
		return;
	}
	for (size_t r = 0; r < t->rows && col == t->cols; r++) {
		const struct json *cfg = c->configs->items[r];
		const char *note = jstr(cfg, "note"), *name = jstr(cfg, "name");
		int excused = !strcmp(jstr(cfg, "status"), "pending") || !has_mode(cfg, metric);

		if (strcmp(cell(t, r + 1, 0), jstr(cfg, "title")))
			problem(c, "%s: row %zu is not \"%s\"", section, r + 1, jstr(cfg, "title"));
		for (size_t k = 1, b = 0; k < t->cols; k++, b++) {
			while (strcmp(jstr(c->benches->items[b], "status"), "measured"))
				b++;
			if (excused) {
				if (k == 1 && note && strcmp(cell(t, r + 1, 1), note))
					problem(c, "%s: %s row does not give its reason", section, name);
				if (k == 1 && !*cell(t, r + 1, 1))
					problem(c, "%s: %s row has no reason", section, name);
				if (k > 1 && strcmp(cell(t, r + 1, k), NO_FIGURE))
					problem(c, "%s: %s row has a figure", section, name);
				continue;
			}
			expected_figure(c, name, jstr(c->benches->items[b], "name"), metric,
					want, sizeof(want));
			if (strcmp(cell(t, r + 1, k), want))
				problem(c, "%s: %s, %s: \"%s\", JSON says \"%s\"", section, name,
					jstr(c->benches->items[b], "name"), cell(t, r + 1, k), want);
		}
	}
}

static void check_md(struct checker *c, char *text)
{
	struct md md = { 0 };
	const struct table *t;
	size_t later = 0;

	if (parse_md(c, &md, text))
		goto out;
	check_figure_table(c, &md, "Time per operation", "time");
	check_figure_table(c, &md, "Instructions per operation", "icount");
	section_table(c, &md, "Targets and reference ratios");
	if ((t = section_table(c, &md, "Configurations"))) {
		if (t->rows != c->configs->n || t->cols != 4)
			problem(c, "Configurations: %zu rows of %zu cells for %zu configurations",
				t->rows, t->cols, c->configs->n);
		for (size_t r = 0; r < t->rows && r < c->configs->n && t->cols == 4; r++) {
			const struct json *cfg = c->configs->items[r];

			if (strcmp(cell(t, r + 1, 0), jstr(cfg, "title")) ||
			    strcmp(cell(t, r + 1, 2), jstr(cfg, "status")))
				problem(c, "Configurations: row %zu does not match configs[%zu]", r + 1, r);
		}
	}
	if ((t = section_table(c, &md, "Not measured yet"))) {
		for (size_t b = 0; b < c->benches->n; b++) {
			const struct json *o = c->benches->items[b];

			if (strcmp(jstr(o, "status"), "later"))
				continue;
			if (later >= t->rows || t->cols != 2 ||
			    strcmp(cell(t, later + 1, 0), jstr(o, "title")) ||
			    strcmp(cell(t, later + 1, 1), jstr(o, "note")))
				problem(c, "Not measured yet: no row for %s with its reason", jstr(o, "name"));
			later++;
		}
		if (later != t->rows)
			problem(c, "Not measured yet: %zu rows for %zu figures", t->rows, later);
	}
	if (c->na->n && (t = section_table(c, &md, "Not applicable"))) {
		if (t->rows != c->na->n || t->cols != 3)
			problem(c, "Not applicable: %zu rows of %zu cells for %zu entries",
				t->rows, t->cols, c->na->n);
		for (size_t r = 0; r < t->rows && r < c->na->n && t->cols == 3; r++) {
			const struct json *o = c->na->items[r];
			const struct json *cfg = find_named(c->configs, "name", jstr(o, "config"));
			const struct json *b = find_named(c->benches, "name", jstr(o, "benchmark"));

			if (!cfg || !b || strcmp(cell(t, r + 1, 0), jstr(cfg, "title")) ||
			    strcmp(cell(t, r + 1, 1), jstr(b, "title")) ||
			    strcmp(cell(t, r + 1, 2), jstr(o, "note")))
				problem(c, "Not applicable: row %zu does not match not_applicable[%zu]",
					r + 1, r);
		}
	}
	if ((t = section_table(c, &md, "Spread")) && t->rows != c->summary->n)
		problem(c, "Spread: %zu rows for %zu summaries", t->rows, c->summary->n);
out:
	for (size_t i = 0; i < md.nr; i++)
		free(md.t[i].cell);
}

int check_results(const char *dir, FILE *out)
{
	struct checker c = { .out = out };
	char path[4096], err[256];
	char *text;
	struct json *root;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	text = slurp(path);
	if (!text) {
		problem(&c, "cannot read %s", path);
		return c.problems;
	}
	root = json_parse(text, err, sizeof(err));
	free(text);
	if (!root) {
		problem(&c, "%s: not JSON: %s", path, err);
		return c.problems;
	}
	c.root = root;
	check_json(&c);
	if (!c.problems) {
		snprintf(path, sizeof(path), "%s/results.md", dir);
		text = slurp(path);
		if (!text)
			problem(&c, "cannot read %s", path);
		else
			check_md(&c, text);
		free(text);
	}
	json_free(root);
	return c.problems;
}

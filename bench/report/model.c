/* Loading and summarising raw benchmark results (see model.h). */
#include "model.h"
#include "record.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loader {
	struct model *m;
	const char *path;
	int line;
	char *err;
	size_t errlen;
};

static int fail(struct loader *ld, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ld->err, ld->errlen, "%s:%d: ", ld->path, ld->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ld->errlen)
		vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Grows *arr by one zeroed element; returns it, or NULL when out of memory. */
static void *push(void *arr, size_t *nr, size_t size)
{
	void **a = arr;
	char *grown = realloc(*a, (*nr + 1) * size);

	if (!grown)
		return NULL;
	*a = grown;
	memset(grown + *nr * size, 0, size);
	return grown + (*nr)++ * size;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *need(struct loader *ld, const struct record *r, const char *key)
{
	const char *v = record_get(r, key);

	if (!v)
		fail(ld, "%s record without %s=", r->type, key);
	return v;
}

static int valid_name(const char *s)
{
	if (!*s || strlen(s) > 40)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* Free text lands in Markdown table cells: no '|', no control characters. */
static int valid_text(const char *s)
{
	if (!s)
		return 1;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s == '|' || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

static int parse_positive(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || !isfinite(*out) || *out <= 0 ? -1 : 0;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < lo || *out > hi ? -1 : 0;
}

static int find_config(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nr_configs; i++)
		if (!strcmp(m->configs[i].name, name))
			return (int)i;
	return -1;
}

static int find_bench(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nr_benches; i++)
		if (!strcmp(m->benches[i].name, name))
			return (int)i;
	return -1;
}

static int parse_metric(const char *s, enum metric *k)
{
	for (int i = 0; i < NR_METRICS; i++)
		if (!strcmp(s, metric_name(i))) {
			*k = i;
			return 0;
		}
	return -1;
}

static int load_meta(struct loader *ld, const struct record *r)
{
	struct model *m = ld->m;

	for (int i = 0; i < r->nfields; i++) {
		struct meta_field *f;

		if (model_meta(m, r->key[i]))
			return fail(ld, "META %s given twice", r->key[i]);
		f = push(&m->meta, &m->nr_meta, sizeof(*f));
		if (!f || !(f->key = strdup(r->key[i])) || !(f->val = strdup(r->val[i])))
			return fail(ld, "out of memory");
	}
	return 0;
}

static int parse_metrics(const char *s, unsigned int *mask)
{
	char buf[64], *tok, *save;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		enum metric k;

		if (parse_metric(tok, &k) || *mask & (1u << k))
			return -1;
		*mask |= 1u << k;
	}
	return *mask ? 0 : -1;
}

static int load_config(struct loader *ld, const struct record *r)
{
	const char *name = need(ld, r, "name"), *title = need(ld, r, "title"),
		*role = need(ld, r, "role"), *modes = need(ld, r, "modes"),
		*ratio_to = record_get(r, "ratio_to");
	struct config *c;
	unsigned int metrics;
	int ri, base = -1;

	if (!name || !title || !role || !modes)
		return -1;
	if (!valid_name(name))
		return fail(ld, "bad configuration name '%s'", name);
	if (find_config(ld->m, name) >= 0)
		return fail(ld, "configuration %s given twice", name);
	if (!valid_text(title) || !valid_text(record_get(r, "pending")))
		return fail(ld, "configuration %s: empty text or text with '|'", name);
	for (ri = 0; ri <= ROLE_MEASURED && strcmp(role, role_name(ri)); ri++)
		;
	if (ri > ROLE_MEASURED)
		return fail(ld, "configuration %s: unknown role '%s'", name, role);
	if (parse_metrics(modes, &metrics))
		return fail(ld, "configuration %s: bad modes '%s'", name, modes);
	if (ratio_to) {
		/* Itself (a baseline of its own rows) or a configuration before it. */
		base = strcmp(ratio_to, name) ? find_config(ld->m, ratio_to)
					      : (int)ld->m->nr_configs;
		if (base < 0)
			return fail(ld, "configuration %s: ratio_to names no earlier "
				    "configuration: '%s'", name, ratio_to);
		if (ri == ROLE_BASELINE)
			return fail(ld, "configuration %s: the baseline takes no ratio_to", name);
	}
	c = push(&ld->m->configs, &ld->m->nr_configs, sizeof(*c));
	if (!c)
		return fail(ld, "out of memory");
	c->name = strdup(name);
	c->title = strdup(title);
	c->pending = dup_or_null(record_get(r, "pending"));
	c->role = ri;
	c->metrics = metrics;
	c->base = base;
	return 0;
}

static int load_benchdef(struct loader *ld, const struct record *r)
{
	const char *name = need(ld, r, "name"), *title = need(ld, r, "title");
	struct benchdef *b;

	if (!name || !title)
		return -1;
	if (!valid_name(name))
		return fail(ld, "bad benchmark name '%s'", name);
	if (find_bench(ld->m, name) >= 0)
		return fail(ld, "benchmark %s given twice", name);
	if (!valid_text(title) || !valid_text(record_get(r, "later")))
		return fail(ld, "benchmark %s: empty text or text with '|'", name);
	b = push(&ld->m->benches, &ld->m->nr_benches, sizeof(*b));
	if (!b)
		return fail(ld, "out of memory");
	b->name = strdup(name);
	b->title = strdup(title);
	b->later = dup_or_null(record_get(r, "later"));
	return 0;
}

static int load_na(struct loader *ld, const struct record *r)
{
	const char *cs = need(ld, r, "config"), *name = need(ld, r, "name"),
		*note = need(ld, r, "note");
	struct not_applicable *na;
	int c, b;

	if (!cs || !name || !note)
		return -1;
	if ((c = find_config(ld->m, cs)) < 0)
		return fail(ld, "NA for unknown configuration %s", cs);
	if ((b = find_bench(ld->m, name)) < 0 || ld->m->benches[b].later)
		return fail(ld, "NA for unknown benchmark %s", name);
	if (!valid_text(note))
		return fail(ld, "NA note empty or with '|'");
	if (model_not_applicable(ld->m, c, b))
		return fail(ld, "NA for %s in %s given twice", name, cs);
	na = push(&ld->m->na, &ld->m->nr_na, sizeof(*na));
	if (!na)
		return fail(ld, "out of memory");
	na->config = c;
	na->bench = b;
	na->note = strdup(note);
	return 0;
}

static int load_target(struct loader *ld, const struct record *r)
{
	const char *series = need(ld, r, "series"), *title = need(ld, r, "title"),
		*bench = need(ld, r, "benchmark"), *ratio = need(ld, r, "ratio");
	struct target *t;
	double v;
	int b;

	if (!series || !title || !bench || !ratio)
		return -1;
	if (!valid_name(series))
		return fail(ld, "bad target series '%s'", series);
	if ((b = find_bench(ld->m, bench)) < 0)
		return fail(ld, "target for unknown benchmark %s", bench);
	if (parse_positive(ratio, &v))
		return fail(ld, "target ratio '%s' is not a positive number", ratio);
	if (!valid_text(title))
		return fail(ld, "target %s: empty title or title with '|'", series);
	for (size_t i = 0; i < ld->m->nr_targets; i++)
		if (!strcmp(ld->m->targets[i].series, series) && ld->m->targets[i].bench == b)
			return fail(ld, "target %s for %s given twice", series, bench);
	t = push(&ld->m->targets, &ld->m->nr_targets, sizeof(*t));
	if (!t)
		return fail(ld, "out of memory");
	t->series = strdup(series);
	t->title = strdup(title);
	t->bench = b;
	t->ratio = v;
	return 0;
}

static int load_check(struct loader *ld, const struct record *r)
{
	const char *series = need(ld, r, "series"), *config = need(ld, r, "config"),
		*against = record_get(r, "against");
	struct goal_check *g;
	int c, a = -1, known = 0;

	if (!series || !config)
		return -1;
	for (size_t i = 0; i < ld->m->nr_targets; i++)
		known |= !strcmp(ld->m->targets[i].series, series);
	if (!known)
		return fail(ld, "check of series %s, which has no target before it", series);
	if ((c = find_config(ld->m, config)) < 0)
		return fail(ld, "check of unknown configuration %s", config);
	if (against && ((a = find_config(ld->m, against)) < 0 || a == c))
		return fail(ld, "check of %s against '%s': no other configuration of that name",
			    config, against);
	for (size_t i = 0; i < ld->m->nr_checks; i++)
		if (!strcmp(ld->m->checks[i].series, series) && ld->m->checks[i].config == c)
			return fail(ld, "check of %s for %s given twice", series, config);
	g = push(&ld->m->checks, &ld->m->nr_checks, sizeof(*g));
	if (!g)
		return fail(ld, "out of memory");
	g->series = strdup(series);
	g->config = c;
	g->against = a;
	return 0;
}

/* The config, metric and run fields common to RESULT and FAIL. */
static int load_where(struct loader *ld, const struct record *r, int *config,
		      enum metric *k, int *run)
{
	const char *cs = need(ld, r, "config"), *ms = need(ld, r, "mode"),
		*rs = need(ld, r, "run");
	long runv;

	if (!cs || !ms || !rs)
		return -1;
	if (!ld->m->runs)
		return fail(ld, "%s before META runs=", r->type);
	if ((*config = find_config(ld->m, cs)) < 0)
		return fail(ld, "unknown configuration %s", cs);
	if (ld->m->configs[*config].pending)
		return fail(ld, "configuration %s is pending but has a %s", cs, r->type);
	if (parse_metric(ms, k) || !(ld->m->configs[*config].metrics & (1u << *k)))
		return fail(ld, "configuration %s has no mode '%s'", cs, ms);
	if (parse_int(rs, 1, ld->m->runs, &runv))
		return fail(ld, "run '%s' is not in 1..%d", rs, ld->m->runs);
	*run = (int)runv;
	return 0;
}

static int load_result(struct loader *ld, const struct record *r)
{
	const char *name = need(ld, r, "name"), *unit = need(ld, r, "unit"),
		*value = need(ld, r, "value"), *iters = need(ld, r, "iters"),
		*tsc = need(ld, r, "tsc");
	struct model *m = ld->m;
	struct result *res, x = { 0 };
	struct benchdef *b;
	long n;

	if (!name || !unit || !value || !iters || !tsc ||
	    load_where(ld, r, &x.config, &x.metric, &x.run))
		return -1;
	if ((x.bench = find_bench(m, name)) < 0 || m->benches[x.bench].later)
		return fail(ld, "result for unknown benchmark %s", name);
	b = &m->benches[x.bench];
	if (strncmp(unit, "ns/", 3) || !unit[3] || strlen(unit) > 24)
		return fail(ld, "unit '%s' is not ns/SOMETHING", unit);
	if (b->unit && strcmp(b->unit, unit))
		return fail(ld, "benchmark %s in %s here but in %s before", name, unit, b->unit);
	if (parse_positive(value, &x.value) || parse_positive(tsc, &x.tsc))
		return fail(ld, "value and tsc must be positive numbers");
	if (parse_int(iters, 1, 0x7fffffffffffffffL, &n))
		return fail(ld, "iters '%s' is not a positive integer", iters);
	x.iters = (uint64_t)n;
	for (size_t i = 0; i < m->nr_results; i++) {
		const struct result *o = &m->results[i];

		if (o->config == x.config && o->bench == x.bench &&
		    o->metric == x.metric && o->run == x.run)
			return fail(ld, "second result for %s %s run %d", name,
				    metric_name(x.metric), x.run);
	}
	if (!b->unit && !(b->unit = strdup(unit)))
		return fail(ld, "out of memory");
	res = push(&m->results, &m->nr_results, sizeof(*res));
	if (!res)
		return fail(ld, "out of memory");
	*res = x;
	return 0;
}

static int load_failure(struct loader *ld, const struct record *r)
{
	const char *name = record_get(r, "name"), *note = need(ld, r, "note");
	struct failure *f, x = { .bench = -1 };

	if (!note || load_where(ld, r, &x.config, &x.metric, &x.run))
		return -1;
	if (!valid_text(note))
		return fail(ld, "failure note empty or with '|'");
	if (name && ((x.bench = find_bench(ld->m, name)) < 0 || ld->m->benches[x.bench].later))
		return fail(ld, "failure of unknown benchmark %s", name);
	f = push(&ld->m->failures, &ld->m->nr_failures, sizeof(*f));
	if (!f)
		return fail(ld, "out of memory");
	*f = x;
	f->note = strdup(note);
	return 0;
}

static int load_record(struct loader *ld, const struct record *r)
{
	long runs;

	if (!strcmp(r->type, "META")) {
		if (load_meta(ld, r))
			return -1;
		if (record_get(r, "runs")) {
			if (parse_int(record_get(r, "runs"), 1, 1000, &runs))
				return fail(ld, "META runs= must be 1..1000");
			ld->m->runs = (int)runs;
		}
		return 0;
	}
	if (!strcmp(r->type, "CONFIG"))
		return load_config(ld, r);
	if (!strcmp(r->type, "BENCHDEF"))
		return load_benchdef(ld, r);
	if (!strcmp(r->type, "NA"))
		return load_na(ld, r);
	if (!strcmp(r->type, "TARGET"))
		return load_target(ld, r);
	if (!strcmp(r->type, "CHECK"))
		return load_check(ld, r);
	if (!strcmp(r->type, "RESULT"))
		return load_result(ld, r);
	if (!strcmp(r->type, "FAIL"))
		return load_failure(ld, r);
	return fail(ld, "unknown record type %s", r->type);
}

static int summarise(struct model *m)
{
	double *v = malloc(sizeof(*v) * (m->nr_results + 1));

	if (!v)
		return -1;
	for (size_t c = 0; c < m->nr_configs; c++)
		for (size_t b = 0; b < m->nr_benches; b++)
			for (int k = 0; k < NR_METRICS; k++) {
				struct summary *s, x = { .config = (int)c, .bench = (int)b,
							 .metric = k };
				int n = 0;

				for (size_t i = 0; i < m->nr_results; i++) {
					const struct result *r = &m->results[i];

					if (r->config == (int)c && r->bench == (int)b && r->metric == (enum metric)k)
						v[n++] = k == METRIC_TIME ? r->value : r->tsc;
				}
				if (!n)
					continue;
				stats_compute(v, n, &x.st);
				s = push(&m->summaries, &m->nr_summaries, sizeof(*s));
				if (!s) {
					free(v);
					return -1;
				}
				*s = x;
			}
	free(v);
	for (size_t i = 0; i < m->nr_summaries; i++) {
		struct summary *s = &m->summaries[i];
		const struct summary *base = model_summary(m, m->configs[s->config].base,
							   s->bench, s->metric);

		if (base) {
			s->has_ratio = 1;
			s->ratio = s->st.median / base->st.median;
		}
	}
	return 0;
}

static int check_complete(struct loader *ld)
{
	struct model *m = ld->m;
	int baselines = 0;

	ld->line = 0;
	if (!model_meta(m, "date") || !m->runs)
		return fail(ld, "META date= and runs= are required");
	for (size_t i = 0; i < m->nr_configs; i++)
		if (m->configs[i].role == ROLE_BASELINE) {
			baselines++;
			m->baseline = (int)i;
		}
	if (baselines != 1)
		return fail(ld, "need exactly one baseline configuration, have %d", baselines);
	for (size_t i = 0; i < m->nr_configs; i++)
		if (m->configs[i].base < 0)
			m->configs[i].base = m->baseline;
	for (size_t i = 0; i < m->nr_results; i++)
		if (model_not_applicable(m, m->results[i].config, m->results[i].bench))
			return fail(ld, "result for %s in %s, where it does not apply",
				    m->benches[m->results[i].bench].name,
				    m->configs[m->results[i].config].name);
	for (size_t i = 0; i < m->nr_failures; i++)
		if (m->failures[i].bench >= 0 &&
		    model_not_applicable(m, m->failures[i].config, m->failures[i].bench))
			return fail(ld, "failure of %s in %s, where it does not apply",
				    m->benches[m->failures[i].bench].name,
				    m->configs[m->failures[i].config].name);
	return 0;
}

int model_load(struct model *m, const char *path, char *err, size_t errlen)
{
	struct loader ld = { .m = m, .path = path, .err = err, .errlen = errlen };
	char line[4096];
	FILE *f = fopen(path, "r");

	memset(m, 0, sizeof(*m));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct record r;
		const char *why;

		ld.line++;
		if (!strchr(line, '\n') && !feof(f)) {
			fclose(f);
			return fail(&ld, "line too long");
		}
		if (record_parse(line, &r, &why)) {
			fclose(f);
			return fail(&ld, "%s", why);
		}
		if (r.type && load_record(&ld, &r)) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (check_complete(&ld))
		return -1;
	if (summarise(m)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->nr_meta; i++) {
		free(m->meta[i].key);
		free(m->meta[i].val);
	}
	for (size_t i = 0; i < m->nr_configs; i++) {
		free(m->configs[i].name);
		free(m->configs[i].title);
		free(m->configs[i].pending);
	}
	for (size_t i = 0; i < m->nr_benches; i++) {
		free(m->benches[i].name);
		free(m->benches[i].title);
		free(m->benches[i].later);
		free(m->benches[i].unit);
	}
	for (size_t i = 0; i < m->nr_na; i++)
		free(m->na[i].note);
	for (size_t i = 0; i < m->nr_targets; i++) {
		free(m->targets[i].series);
		free(m->targets[i].title);
	}
	for (size_t i = 0; i < m->nr_checks; i++)
		free(m->checks[i].series);
	for (size_t i = 0; i < m->nr_failures; i++)
		free(m->failures[i].note);
	free(m->meta);
	free(m->configs);
	free(m->benches);
	free(m->na);
	free(m->targets);
	free(m->checks);
	free(m->results);
	free(m->failures);
	free(m->summaries);
	memset(m, 0, sizeof(*m));
}

int model_check_ratio(const struct model *m, const struct goal_check *g, int bench,
		      enum metric k, double *ratio)
{
	const struct summary *s = model_summary(m, g->config, bench, k), *d;

	if (!s)
		return -1;
	if (g->against < 0) {
		*ratio = s->ratio;
		return s->has_ratio ? 0 : -1;
	}
	d = model_summary(m, g->against, bench, k);
	if (!d || d->st.median <= 0)
		return -1;
	*ratio = s->st.median / d->st.median;
	return 0;
}

const char *metric_name(enum metric k)
{
	return k == METRIC_TIME ? "time" : "icount";
}

const char *role_name(enum role r)
{
	static const char *const names[] = { "reference", "baseline", "measured" };

	return names[r];
}

const char *config_status(const struct model *m, int config)
{
	if (m->configs[config].pending)
		return "pending";
	for (size_t i = 0; i < m->nr_results; i++)
		if (m->results[i].config == config)
			return "measured";
	return "failed";
}

const char *model_meta(const struct model *m, const char *key)
{
	for (size_t i = 0; i < m->nr_meta; i++)
		if (!strcmp(m->meta[i].key, key))
			return m->meta[i].val;
	return NULL;
}

const char *model_not_applicable(const struct model *m, int config, int bench)
{
	for (size_t i = 0; i < m->nr_na; i++)
		if (m->na[i].config == config && m->na[i].bench == bench)
			return m->na[i].note;
	return NULL;
}

const struct summary *model_summary(const struct model *m, int config, int bench,
				    enum metric k)
{
	for (size_t i = 0; i < m->nr_summaries; i++) {
		const struct summary *s = &m->summaries[i];

		if (s->config == config && s->bench == bench && s->metric == k)
			return s;
	}
	return NULL;
}

void metric_unit(const struct benchdef *b, enum metric k, char *buf, size_t len)
{
	const char *per = b->unit ? b->unit + 3 : "op";

	snprintf(buf, len, "%s/%s", k == METRIC_TIME ? "ns" : "insns", per);
}

/*
 * The benchmark results as the report sees them: loaded from a raw file
 * written by bench/run, validated, and summarised per configuration,
 * benchmark and metric.
 *
 * Raw records (see record.h for the line syntax):
 *   META      KEY=VALUE...          run facts; date and runs are required
 *   CONFIG    name title role modes [ratio_to] [pending]
 *                                   ratio_to: the configuration whose medians
 *                                   divide this one's (itself or an earlier
 *                                   one; default the baseline)
 *   BENCHDEF  name title [later]    later: a figure not measurable yet, why
 *   NA        config name note      a benchmark that means nothing in a
 *                                   configuration (a hypercall natively), why
 *   TARGET    series title benchmark ratio
 *   CHECK     series config [against]
 *                                   a goal: config's ratio for every
 *                                   benchmark of series must not exceed the
 *                                   series' ratio; against: the
 *                                   configuration whose medians divide
 *                                   config's (default config's own base)
 *   RESULT    config mode run name unit value iters tsc
 *   FAIL      config mode run [name] note
 */
#ifndef BENCH_MODEL_H
#define BENCH_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/* time: clock_gettime figures; icount: TSC deltas under QEMU -icount. */
enum metric { METRIC_TIME, METRIC_ICOUNT, NR_METRICS };

enum role { ROLE_REFERENCE, ROLE_BASELINE, ROLE_MEASURED };

struct meta_field {
	char *key, *val;
};

struct config {
	char *name, *title, *pending;   /* pending: why it cannot run, or NULL */
	enum role role;
	unsigned int metrics;           /* 1 << enum metric */
	int base;                       /* its ratios' denominator (index) */
};

struct benchdef {
	char *name, *title, *later;     /* later: why not measurable, or NULL */
	char *unit;                     /* time unit ("ns/op"), from results */
};

struct not_applicable {
	int config, bench;
	char *note;
};

struct target {
	char *series, *title;
	int bench;
	double ratio;
};

struct goal_check {
	char *series;
	int config, against;            /* against -1: config's own ratios */
};

struct result {
	int config, bench, run;
	enum metric metric;             /* the boot mode it came from */
	double value, tsc;
	uint64_t iters;
};

struct failure {
	int config, bench, run;         /* bench -1: the whole boot */
	enum metric metric;
	char *note;
};

struct summary {
	int config, bench;
	enum metric metric;
	struct stats st;
	int has_ratio;
	double ratio;                   /* median / its configuration's base's median */
};

struct model {
	int runs, baseline;
	struct meta_field *meta;
	struct config *configs;
	struct benchdef *benches;
	struct not_applicable *na;
	struct target *targets;
	struct goal_check *checks;
	struct result *results;
	struct failure *failures;
	struct summary *summaries;
	size_t nr_meta, nr_configs, nr_benches, nr_na, nr_targets, nr_checks, nr_results,
		nr_failures, nr_summaries;
};

/*
 * Reads a raw file into m and computes the summaries.  Returns 0, or -1
 * with a "FILE:LINE: why" message in err.  model_free(m) either way.
 */
int model_load(struct model *m, const char *path, char *err, size_t errlen);
void model_free(struct model *m);

const char *metric_name(enum metric k);
const char *role_name(enum role r);
/* "measured", "pending" or "failed" (runnable but no figure at all). */
const char *config_status(const struct model *m, int config);
const char *model_meta(const struct model *m, const char *key);

/* Why bench does not apply to config, or NULL when it does. */
const char *model_not_applicable(const struct model *m, int config, int bench);
/* The summary of (config, bench, metric), or NULL when nothing was measured. */
const struct summary *model_summary(const struct model *m, int config, int bench,
				    enum metric k);
/*
 * A goal check's ratio for one benchmark and metric: into *ratio, 0; -1
 * when a figure is missing.
 */
int model_check_ratio(const struct model *m, const struct goal_check *g, int bench,
		      enum metric k, double *ratio);
/* The unit of a metric for a benchmark: "ns/page" or "insns/page". */
void metric_unit(const struct benchdef *b, enum metric k, char *buf, size_t len);

#endif

/*
 * bench_main: warm up, size the iteration count to the target time, time
 * one batch, print the result line.  See bench.h.
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TARGET_MS 300
#define MAX_ITERS (1ULL << 40)

static const char *bench_name = "bench";

int bench_fail(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", bench_name, what, strerror(errno));
	return -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t read_tsc(void)
{
	return __builtin_ia32_rdtsc();
}

static int parse_count(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* The directory part of argv[0] ("." when started through PATH). */
static const char *program_dir(const char *argv0)
{
	static char dir[4096];
	const char *slash = strrchr(argv0, '/');

	if (!slash || (size_t)(slash - argv0) >= sizeof(dir))
		return ".";
	memcpy(dir, argv0, slash - argv0);
	dir[slash - argv0] = 0;
	return slash == argv0 ? "/" : dir;
}

static int usage(const struct bench *b)
{
	fprintf(stderr, "usage: %s [-t TARGET_MS] [-n ITERATIONS]%s%s\n"
		"  -t  run the timed batch for about TARGET_MS (default %d)\n"
		"  -n  run exactly ITERATIONS timed operations instead\n",
		bench_name, b->operand_usage ? " " : "",
		b->operand_usage ? b->operand_usage : "", DEFAULT_TARGET_MS);
	return 2;
}

/*
 * Runs batches of 1, 2, 4, ... operations until one takes an eighth of the
 * target: that warms caches and the kernel paths, and gives the rate from
 * which the timed batch is sized.
 */
static int calibrate(const struct bench *b, uint64_t target_ns, uint64_t *iters)
{
	uint64_t n = 1, t;

	for (;;) {
		t = now_ns();
		if (b->run(n))
			return -1;
		t = now_ns() - t;
		if (t >= target_ns / 8 || n >= MAX_ITERS / 16)
			break;
		n *= 2;
	}
	if (t == 0)
		t = 1;
	*iters = (uint64_t)((double)n * (double)target_ns / (double)t);
	if (*iters == 0)
		*iters = 1;
	if (*iters > MAX_ITERS)
		*iters = MAX_ITERS;
	return 0;
}

int bench_main(int argc, char **argv, const struct bench *b)
{
	uint64_t target_ms = DEFAULT_TARGET_MS, iters = 0, t0, t1, c0, c1;
	double ns, tsc;
	int opt, rc = 1;

	bench_name = b->name;
	while ((opt = getopt(argc, argv, "t:n:")) != -1) {
		switch (opt) {
		case 't':
			if (parse_count(optarg, 3600 * 1000, &target_ms))
				return usage(b);
			break;
		case 'n':
			if (parse_count(optarg, MAX_ITERS, &iters))
				return usage(b);
			break;
		default:
			return usage(b);
		}
	}
	if (b->operands) {
		if (b->operands(argc - optind, argv + optind))
			return usage(b);
	} else if (optind != argc) {
		return usage(b);
	}

	if (b->setup && b->setup(program_dir(argv[0])))
		return 1;
	if (iters) {
		if (b->run(iters / 8 ? iters / 8 : 1))
			goto out;
	} else if (calibrate(b, target_ms * 1000000ULL, &iters)) {
		goto out;
	}

	t0 = now_ns();
	c0 = read_tsc();
	if (b->run(iters))
		goto out;
	c1 = read_tsc();
	t1 = now_ns();

	ns = (double)(t1 - t0) / (double)iters;
	tsc = (double)(c1 - c0) / (double)iters;
	if (b->median_tsc && c1 > c0) {
		double median = b->median_tsc();

		ns *= median / tsc;
		tsc = median;
	}
	if (b->wait_ns) {
		/* A kernel must never end a requested wait early. */
		if (ns <= (double)b->wait_ns) {
			fprintf(stderr, "%s: %.2f ns per operation, less than the %llu ns "
				"it waits\n", b->name, ns, (unsigned long long)b->wait_ns);
			goto out;
		}
		tsc *= (ns - (double)b->wait_ns) / ns;
		ns -= (double)b->wait_ns;
	}
	printf("BENCH name=%s unit=%s value=%.2f iters=%llu tsc=%.2f\n",
	       b->name, b->unit, ns, (unsigned long long)iters, tsc);
	fflush(stdout);
	rc = 0;
out:
	if (b->teardown)
		b->teardown();
	return rc;
}

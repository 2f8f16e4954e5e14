/*
 * domlife: a domain's life as dom0's toolstack gives it, timed from dom0.
 * Runs in the PV domU configuration's dom0 (bench/configs/35-pv-domu.sh),
 * next to heron-xenstored and heron-consoled:
 *
 *   domlife [-t TARGET_MS] CONFIG READY
 *
 * One cycle: `heron create CONFIG` (timed until the command returns: the
 * domain is built, in xenstore and unpaused), then the domain's console
 * log (/var/log/heron/console-ID.log, written by heron-consoled) is
 * watched for its first byte and for a line starting with READY (the
 * domain's /init is up), then `heron destroy ID` (timed until it returns).
 * One untimed warm-up cycle, then cycles until TARGET_MS have passed (at
 * least one).  Prints, as every benchmark program does (bench.h):
 *
 *   BENCH name=domcreate  ...   heron create
 *   BENCH name=domoutput  ...   create start to the first console output
 *   BENCH name=domboot    ...   create start to the READY line
 *   BENCH name=domdestroy ...   heron destroy
 *
 * The console log is polled each 1 ms sleep, which pvops-guest rounds up
 * to its next 10 ms tick: the two console figures are late by up to one
 * tick, and dom0 wakes 100 times a second while the domain boots.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT_S 600

enum { CREATE, OUTPUT, BOOT, DESTROY, NR_FIGURES };

static const char *const figure_names[NR_FIGURES] = {
	"domcreate", "domoutput", "domboot", "domdestroy",
};

struct stamp {
	uint64_t ns, tsc;
};

static struct stamp now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (struct stamp){ (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec,
			       __builtin_ia32_rdtsc() };
}

/* Runs heron ARGS..., its standard output into out (cap bytes); its status. */
static int heron(char *out, size_t cap, char *const args[])
{
	int p[2], status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execvp("heron", args);
		_exit(127);
	}
	close(p[1]);
	while (n + 1 < cap && (r = read(p[0], out + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Does the log hold a line starting with ready (ready NULL: any byte)? */
static int log_has(const char *path, const char *ready)
{
	char line[512];
	FILE *f;
	int found = 0;

	if (!ready) {
		struct stat st;

		return !stat(path, &st) && st.st_size > 0;
	}
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, ready, strlen(ready));
	fclose(f);
	return found;
}

static int wait_log(const char *path, const char *ready, struct stamp *at)
{
	const struct timespec tick = { .tv_sec = 0, .tv_nsec = 1000000 };
	struct stamp start = now();

	while (!log_has(path, ready)) {
		if (now().ns - start.ns > WAIT_S * 1000000000ULL) {
			fprintf(stderr, "domlife: no %s%s%s in %s after %d s\n",
				ready ? "line '" : "output", ready ? ready : "",
				ready ? "'" : "", path, WAIT_S);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	*at = now();
	return 0;
}

/* One create, boot, destroy; the four intervals into d. */
static int cycle(char *config, const char *ready, struct stamp d[NR_FIGURES])
{
	char out[256], id[16], log[64];
	char *create[] = { "heron", "create", config, NULL };
	char *destroy[] = { "heron", "destroy", id, NULL };
	struct stamp t0, t1, t2, t3, t4, t5;
	const char *p;
	int rc;

	t0 = now();
	rc = heron(out, sizeof(out), create);
	t1 = now();
	p = strstr(out, "(id ");
	if (rc || !p || sscanf(p, "(id %15[0-9])", id) != 1) {
		fprintf(stderr, "domlife: heron create %s: status %d, said '%s'\n", config, rc, out);
		return -1;
	}
	snprintf(log, sizeof(log), "/var/log/heron/console-%s.log", id);
	if (wait_log(log, NULL, &t2) || wait_log(log, ready, &t3))
		return -1;
	t4 = now();
	rc = heron(out, sizeof(out), destroy);
	t5 = now();
	if (rc) {
		fprintf(stderr, "domlife: heron destroy %s: status %d\n", id, rc);
		return -1;
	}
	d[CREATE] = (struct stamp){ t1.ns - t0.ns, t1.tsc - t0.tsc };
	d[OUTPUT] = (struct stamp){ t2.ns - t0.ns, t2.tsc - t0.tsc };
	d[BOOT] = (struct stamp){ t3.ns - t0.ns, t3.tsc - t0.tsc };
	d[DESTROY] = (struct stamp){ t5.ns - t4.ns, t5.tsc - t4.tsc };
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: domlife [-t TARGET_MS] CONFIG READY\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct stamp sum[NR_FIGURES] = { { 0, 0 } }, d[NR_FIGURES], start;
	unsigned long target_ms = 300, n = 0;
	char *end;
	int opt;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			return usage();
		errno = 0;
		target_ms = strtoul(optarg, &end, 10);
		if (errno || *end || !target_ms || target_ms > 3600 * 1000)
			return usage();
	}
	if (argc - optind != 2)
		return usage();
	if (cycle(argv[optind], argv[optind + 1], d))
		return 1;
	start = now();
	do {
		if (cycle(argv[optind], argv[optind + 1], d))
			return 1;
		for (int k = 0; k < NR_FIGURES; k++) {
			sum[k].ns += d[k].ns;
			sum[k].tsc += d[k].tsc;
		}
		n++;
	} while (now().ns - start.ns < target_ms * 1000000ULL);
	for (int k = 0; k < NR_FIGURES; k++)
		printf("BENCH name=%s unit=ns/domain value=%.2f iters=%lu tsc=%.2f\n",
		       figure_names[k], (double)sum[k].ns / (double)n, n,
		       (double)sum[k].tsc / (double)n);
	return 0;
}

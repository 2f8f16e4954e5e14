/*
 * Process context switch: one byte ping-ponged between two processes over
 * a pair of pipes.  One operation is one round trip, i.e. two switches
 * plus two writes and two reads (on one CPU every read blocks).
 */
#include "bench.h"

#include <sys/wait.h>
#include <unistd.h>

static int to_child[2] = { -1, -1 }, from_child[2] = { -1, -1 };
static pid_t child = -1;

/* The child echoes every byte until the parent closes its end. */
static void echo_loop(void)
{
	char c;

	close(to_child[1]);
	close(from_child[0]);
	while (read(to_child[0], &c, 1) == 1)
		if (write(from_child[1], &c, 1) != 1)
			_exit(1);
	_exit(0);
}

static int start_echo(const char *progdir)
{
	(void)progdir;
	if (pipe(to_child) || pipe(from_child))
		return bench_fail("pipe");
	child = fork();
	if (child < 0)
		return bench_fail("fork");
	if (child == 0)
		echo_loop();
	close(to_child[0]);
	close(from_child[1]);
	return 0;
}

static int ping_pong(uint64_t n)
{
	char c = 'x';

	while (n--) {
		if (write(to_child[1], &c, 1) != 1)
			return bench_fail("write");
		if (read(from_child[0], &c, 1) != 1)
			return bench_fail("read");
	}
	return 0;
}

static void stop_echo(void)
{
	close(to_child[1]);
	close(from_child[0]);
	if (child > 0)
		waitpid(child, NULL, 0);
}

static const struct bench b = {
	.name = "ctxsw",
	.unit = "ns/roundtrip",
	.setup = start_echo,
	.run = ping_pong,
	.teardown = stop_echo,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}

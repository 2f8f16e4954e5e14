/*
 * fork + exit + wait: the parent forks, the child exits at once, the
 * parent reaps it.  Covers copying the (small, static) address space,
 * scheduling the child, tearing it down and the wakeup of the parent.
 */
#include "bench.h"

#include <sys/wait.h>
#include <unistd.h>

static int fork_exit_wait(uint64_t n)
{
	while (n--) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return bench_fail("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid)
			return bench_fail("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return bench_fail("child status");
	}
	return 0;
}

static const struct bench b = {
	.name = "fork",
	.unit = "ns/op",
	.run = fork_exit_wait,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &b);
}

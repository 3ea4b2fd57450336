/*
 * A fork storm is bounded: children are forked until fork() fails (ENOMEM
 * or EAGAIN) or argv[1] (default 64) exist; all are reaped; the parent
 * lives on.
 */
#include <signal.h>
#include "check.h"

int main(int argc, char **argv)
{
	int max = argc > 1 ? atoi(argv[1]) : 64, n = 0, err = 0;
	pid_t *kids = calloc((size_t)max, sizeof(pid_t));
	for (; n < max; n++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid < 0) {
			err = errno;
			break;
		}
		kids[n] = pid;
	}
	CHECK(n == max || err == ENOMEM || err == EAGAIN, "fork_storm_bounded", "stopped at %d with %d", n, err);
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	int reaped = 0, st;
	while (wait(&st) > 0)
		reaped += killed_by(st, SIGKILL);
	CHECK(reaped == n, "all_children_reaped", "%d of %d", reaped, n);
	printf("forked %d\n", n);
	return finish();
}

/* Fork and copy-on-write: N pages (argv[2], default 256) written by the
 * parent, then fork.
 *   child  K: the child writes K (argv[3]) of them and exits (aim: K copies)
 *   parent:   the child exits at once, then the parent writes all N
 *             (aim: 0 copies: the pages are reused, nobody else maps them)
 * Reports the time of the writes after fork, per page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	int child_writes = argc > 1 && !strcmp(argv[1], "child");
	size_t n = argc > 2 ? (size_t)atoi(argv[2]) : 256, k = argc > 3 ? (size_t)atoi(argv[3]) : 64;
	volatile char *p = mmap(NULL, (n ? n : 1) * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < n; i++)
		p[i * 4096] = 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (child_writes) {
			double t0 = now_ns();
			for (size_t i = 0; i < k; i++)
				p[i * 4096] = 2;
			printf("fork_cow: child wrote %zu of %zu pages, %.0f ns per write\n", k, n,
			       (now_ns() - t0) / (double)k);
		}
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	if (!child_writes) {
		double t0 = now_ns();
		for (size_t i = 0; i < n; i++)
			p[i * 4096] = 3;
		printf("fork_cow: parent wrote %zu pages after the child exited, %.0f ns per write\n", n,
		       (now_ns() - t0) / (double)n);
	}
	return 0;
}

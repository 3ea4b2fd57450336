/* Anonymous page faults: mmap MiB (argv[1], default 16), write one byte per
 * page, report ns per fault. Runs on the host's Linux and in our guest. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atoi(argv[1]) : 16) << 20;
	/* The same one console line in every run, so that its port writes
	 * (one exit per byte) cancel out against the baseline (len 0). */
	volatile char *p = mmap(NULL, len ? len : 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	double t0 = now_ns();
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	double t1 = now_ns();
	printf("fault_loop: %8zu faults, %10.0f ns per fault\n", len / 4096,
	       len ? (t1 - t0) / (double)(len / 4096) : 0.0);
	return 0;
}

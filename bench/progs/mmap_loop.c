/* mmap, touch and munmap 512 pages, argv[1] times (default 20): ns per
 * round. */
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
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	double t0 = now_ns();
	for (int r = 0; r < rounds; r++) {
		volatile char *p = mmap(NULL, 512 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		for (int i = 0; i < 512; i++)
			p[i * 4096] = 1;
		munmap((void *)p, 512 * 4096);
	}
	printf("mmap_loop: %d rounds of mmap + 512 faults + munmap, %.0f us per round\n", rounds,
	       (now_ns() - t0) / 1e3 / rounds);
	return 0;
}

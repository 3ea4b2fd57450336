/* A 512-page munmap with the mm live on 2 CPUs: touch the pages on CPU 1,
 * move to CPU 0 (CPU 1 keeps the mm loaded, lazily, while it idles), then
 * munmap; argv[1] rounds (default 10, 0 for the baseline). The guest's TLB
 * counters say how many IPIs each munmap cost (aim: 1 per remote CPU). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	for (int r = 0; r < rounds; r++) {
		pin(1);
		volatile char *p = mmap(NULL, 512 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		for (int i = 0; i < 512; i++)
			p[i * 4096] = 1;
		pin(0);
		munmap((void *)p, 512 * 4096);
	}
	pin(0);
	printf("munmap_ipi: %4d rounds of 512 pages touched on CPU 1, unmapped on CPU 0\n", rounds);
	return 0;
}

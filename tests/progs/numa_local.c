/*
 * Memory comes from the node of the CPU a process runs on: pin to the CPU
 * given (argv[1]) with sched_setaffinity, check getcpu agrees, then touch
 * argv[2] MiB of fresh anonymous memory. The host test reads the guest's
 * per-node numa_hit/local_node counters to see which node served it.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "check.h"

int main(int argc, char **argv)
{
	int cpu = argc > 1 ? atoi(argv[1]) : 0;
	size_t len = (size_t)(argc > 2 ? atoi(argv[2]) : 4) << 20;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	CHECK(sched_setaffinity(0, sizeof(set), &set) == 0, "sched_setaffinity", "cpu %d", cpu);
	unsigned int now = ~0u, node = ~0u;
	CHECK(syscall(SYS_getcpu, &now, &node, NULL) == 0 && now == (unsigned)cpu, "running_on_that_cpu",
	      "getcpu says cpu %u", now);
	CPU_ZERO(&set);
	CHECK(sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) == 1 && CPU_ISSET(cpu, &set),
	      "affinity_reads_back", "%d CPUs in the mask", CPU_COUNT(&set));
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap", "%zu bytes", len);
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	printf("touched %zu MiB on cpu %u node %u\n", len >> 20, now, node);
	return finish();
}

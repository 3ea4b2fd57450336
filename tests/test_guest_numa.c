/*
 * Processes pinned to CPUs on different nodes get memory from their own
 * node: tests/progs/numa_local pins itself (sched_setaffinity, checked with
 * getcpu) and touches 8 MiB; the guest's per-node counters, as the VMM's
 * exit summary shows them, say which node served the pages.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/vmrun.h"

#define TIMEOUT 120
#define PAGES_TOUCHED (8 << 20 >> 12)

static unsigned long long node_value(const char *out, int node, const char *name)
{
	long long v = vm_summary_value(out, node, name);
	cr_assert_geq(v, 0, "no %s for node %d in the exit summary:\n%s", name, node, out);
	return (unsigned long long)v;
}

static void pinned_allocation(const char *config, const char *cpu, int node, int other)
{
	VM_REQUIRE();
	if (access("build/progs/numa_local", X_OK) != 0)
		cr_skip_test("SKIPPED: build/progs/numa_local not built (musl-gcc missing?)");
	const char *extra[] = { "--", "build/progs/numa_local", cpu, "8", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run(config, NULL, TIMEOUT, extra, &r), 0);
	cr_assert_eq(r.status, 0, "status %d:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "OK: 0 failed"), "%s", r.out);
	char want[64];
	snprintf(want, sizeof(want), "touched 8 MiB on cpu %s node %d", cpu, node);
	cr_assert(strstr(r.out, want), "getcpu disagrees: no \"%s\":\n%s", want, r.out);
	unsigned long long here = node_value(r.out, node, "local_node");
	unsigned long long there = node_value(r.out, other, "local_node");
	cr_assert_geq(here, PAGES_TOUCHED, "node %d served only %llu local pages", node, here);
	cr_assert_lt(there, PAGES_TOUCHED, "node %d served %llu pages: the memory went there", other, there);
	vm_result_free(&r);
}

Test(guest_numa, pinned_to_node_1_of_2_gets_node_1_memory, .timeout = TIMEOUT + 30)
{
	pinned_allocation("configs/2node.xml", "2", 1, 0);
}

Test(guest_numa, pinned_to_node_0_of_2_gets_node_0_memory, .timeout = TIMEOUT + 30)
{
	pinned_allocation("configs/2node.xml", "1", 0, 1);
}

/* 4node.xml: CPU 3 is alone on node 3 (16 MiB). */
Test(guest_numa, pinned_to_node_3_of_4_gets_node_3_memory, .timeout = TIMEOUT + 30)
{
	pinned_allocation("configs/4node.xml", "3", 3, 0);
}

/*
 * SLUB in a real guest under our VMM: the slub_selftest switch (every CPU
 * allocates, fills, checks and frees kmalloc objects at once, half of them
 * on another node, and frees another CPU's), the slabinfo report, the slab
 * counters on the counters page (exit summary), and slub_debug catching
 * each deliberate bug of the slub_bug= switch with a report naming the
 * cache and the object, then a panic (status 70).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vmrun.h"
#include "vmm/config.h"

#define TIMEOUT 120

static void run_selftest(const char *config, const char *cmdline, struct vm_result *r,
			 struct vm_config *cfg)
{
	char err[1024];

	cr_assert_eq(config_load(config, cfg, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vm_run(config, cmdline, TIMEOUT, NULL, r), 0);
	cr_assert_eq(r->status, 0, "status %d; output:\n%s", r->status, r->out);
	cr_assert_null(strstr(r->out, "FAIL"), "a self-test check failed:\n%s", r->out);
}

static void assert_every_cpu_passed(const char *out, const struct vm_config *cfg)
{
	char want[160];

	for (int c = 0; c < cfg->nr_vcpus; c++) {
		snprintf(want, sizeof(want), "slub selftest: cpu %d (node %d): 36 objects in 9 size classes "
			 "allocated and filled, 18 of 18 on node ", c, cfg->cpu_node[c]);
		cr_assert(strstr(out, want), "missing \"%s\":\n%s", want, out);
		snprintf(want, sizeof(want), "slub selftest: cpu %d: freed cpu %d's 36 objects, 0 patterns "
			 "damaged: PASS", c, (c + 1) % cfg->nr_vcpus);
		cr_assert(strstr(out, want), "missing \"%s\":\n%s", want, out);
		snprintf(want, sizeof(want), "slub selftest: cpu %d: 4 rounds of 16 allocations, each "
			 "filled, checked and freed: PASS", c);
		cr_assert(strstr(out, want), "missing \"%s\":\n%s", want, out);
	}
	cr_assert(strstr(out, "slub selftest: no object left over after shrinking the kmalloc caches"),
		  "%s", out);
	snprintf(want, sizeof(want), "slub selftest: %d passed, 0 failed", 3 * cfg->nr_vcpus + 1);
	cr_assert(strstr(out, want), "missing \"%s\":\n%s", want, out);
}

/* CACHE's row in the exit summary's slabinfo table, with its geometry. */
static void expect_summary_row(const char *out, const char *cache, unsigned long objsize,
			       unsigned long objperslab, unsigned long pages)
{
	const char *table = strstr(out, "--- slabinfo\n");
	char want[64];
	unsigned long active, num, size, per, pps;

	cr_assert(table, "no slabinfo table in the exit summary:\n%s", out);
	snprintf(want, sizeof(want), "\n%s ", cache);
	const char *row = strstr(table, want);
	cr_assert(row, "no %s row:\n%s", cache, table);
	cr_assert_eq(sscanf(row + strlen(want), "%lu %lu %lu %lu %lu", &active, &num, &size, &per, &pps), 5,
		     "%s", row);
	cr_expect_eq(size, objsize, "%s objsize", cache);
	cr_expect_eq(per, objperslab, "%s objperslab", cache);
	cr_expect_eq(pps, pages, "%s pagesperslab", cache);
	cr_expect_leq(active, num, "%s", cache);
	cr_expect_eq(num % per, 0, "%s: num_objs is whole slabs", cache);
}

Test(guest_slub, two_nodes_every_cpu_at_once, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	struct vm_result r;

	run_selftest("configs/2node.xml", "slub_selftest slabinfo", &r, &cfg);
	assert_every_cpu_passed(r.out, &cfg);
	/* /proc/slabinfo's format on the console. */
	cr_assert(strstr(r.out, "slabinfo - version: 2.1\n"), "%s", r.out);
	cr_assert(strstr(r.out, "\nkmalloc-64 "), "%s", r.out);
	cr_assert(strstr(r.out, "\nkmalloc-8k "), "%s", r.out);
	/* The counters page, as the VMM's exit summary shows it: the totals,
	 * and the slab.<cache>.<column> counters as a slabinfo table. */
	cr_assert(strstr(r.out, "\nnr_slab_unreclaimable "), "%s", r.out);
	cr_assert(strstr(r.out, "\nnr_slab_reclaimable 0\n"), "%s", r.out);
	expect_summary_row(r.out, "kmalloc-64", 64, 64, 1);
	expect_summary_row(r.out, "kmalloc-192", 192, 21, 1);
	expect_summary_row(r.out, "kmalloc-8k", 8192, 4, 8);
	vm_result_free(&r);
}

Test(guest_slub, four_nodes_every_cpu_at_once, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	struct vm_result r;

	run_selftest("configs/4node.xml", "slub_selftest", &r, &cfg);
	assert_every_cpu_passed(r.out, &cfg);
	vm_result_free(&r);
}

Test(guest_slub, selftest_passes_with_slub_debug, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	struct vm_result r;

	run_selftest("configs/2node.xml", "slub_debug slub_selftest", &r, &cfg);
	cr_assert(strstr(r.out, "SLUB: slub_debug flags 0x10d00 for all caches"), "%s", r.out);
	assert_every_cpu_passed(r.out, &cfg);
	cr_assert_null(strstr(r.out, "BUG "), "%s", r.out);
	vm_result_free(&r);
}

/*
 * Boot with slub_debug and slub_bug=KIND; the guest names the object it
 * damages (PREFIX ... 0x<address>) and must panic with the report for it.
 */
static void expect_caught(const char *kind, const char *prefix, const char *what, long addr_delta)
{
	char cmdline[96], banner[128], object[64], *line;
	struct vm_result r;
	unsigned long addr;

	snprintf(cmdline, sizeof(cmdline), "slub_debug slub_bug=%s", kind);
	cr_assert_eq(vm_run("configs/2node.xml", cmdline, TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 70, "status %d (expected a guest panic); output:\n%s", r.status, r.out);
	line = strstr(r.out, prefix);
	cr_assert(line, "no \"%s\" line:\n%s", prefix, r.out);
	line = strstr(line, "object 0x");
	cr_assert(line, "%s", r.out);
	addr = strtoul(line + strlen("object "), NULL, 16);
	snprintf(banner, sizeof(banner), "BUG kmalloc-64 (Not tainted): %s", what);
	cr_assert(strstr(r.out, banner), "no \"%s\":\n%s", banner, r.out);
	snprintf(object, sizeof(object), "0x%lx", addr + (unsigned long)addr_delta);
	cr_assert(strstr(strstr(r.out, banner), object), "object %s not in the report:\n%s", object, r.out);
	cr_assert(strstr(r.out, "Kernel panic - not syncing: SLUB: kmalloc-64: "), "%s", r.out);
	cr_assert_null(strstr(r.out, "was not caught"), "%s", r.out);
	vm_result_free(&r);
}

Test(guest_slub_debug, write_past_an_object, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	expect_caught("redzone", "slub_bug: writing one byte past kmalloc-64", "Right Redzone overwritten", 0);
}

Test(guest_slub_debug, write_after_free, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	expect_caught("poison", "slub_bug: writing to kmalloc-64", "Poison overwritten", 0);
}

Test(guest_slub_debug, double_free, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	expect_caught("double_free", "slub_bug: freeing kmalloc-64", "Object already free", 0);
}

Test(guest_slub_debug, free_of_a_pointer_inside_an_object, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	expect_caught("invalid_free", "slub_bug: kfree(0x", "Invalid object pointer", 8);
}

/* Without slub_debug a write past an object goes unseen (no red zones),
 * but a double free into the CPU freelist is still caught. */
Test(guest_slub_debug, without_slub_debug, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	cr_assert_eq(vm_run("configs/1node.xml", "slub_bug=redzone", TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "slub_bug: redzone was not caught (is slub_debug on?)"), "%s", r.out);
	vm_result_free(&r);
	cr_assert_eq(vm_run("configs/1node.xml", "slub_bug=double_free", TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 70, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "BUG kmalloc-64 (Not tainted): Object already free"), "%s", r.out);
	vm_result_free(&r);
}

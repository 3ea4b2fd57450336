/*
 * Guest tests of the page allocator (guest/mm/page_alloc_selftest.c run in
 * a real guest under our VMM, switch mm_selftest): on every CPU an order-0
 * page comes from that CPU's node; a full node falls back to its nearest
 * node by SLIT distance, counted as numa_miss there and numa_foreign on
 * the full node; after the test every page is back. Also the buddyinfo and
 * numastat reports.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <gmm/ports.h>
#include "lib/vmrun.h"
#include "vmm/config.h"

#define TIMEOUT 120

static void run_selftest(const char *config, struct vm_result *r, struct vm_config *cfg)
{
	char err[1024];
	cr_assert_eq(config_load(config, cfg, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vm_run(config, "mm_selftest buddyinfo numastat", TIMEOUT, NULL, r), 0);
	cr_assert_eq(r->status, 0, "status %d; output:\n%s", r->status, r->out);
	cr_assert_null(strstr(r->out, "FAIL"), "a self-test check failed:\n%s", r->out);
}

static void assert_every_cpu_allocates_locally(const char *out, const struct vm_config *cfg)
{
	for (int c = 0; c < cfg->nr_vcpus; c++) {
		char want[160];
		int n = cfg->cpu_node[c];
		snprintf(want, sizeof(want), "page_alloc selftest: cpu %d (node %d): order-0 page from node %d, "
			 "numa_hit +1, local_node +1: PASS", c, n, n);
		cr_assert(strstr(out, want), "missing \"%s\":\n%s", want, out);
	}
}

/* The nearest other node by the config's distances (lowest id on a tie). */
static int nearest(const struct vm_config *cfg, int from)
{
	int best = -1;
	for (int n = 0; n < cfg->nr_nodes; n++)
		if (n != from && (best < 0 || cfg->node[from].distance[n] < cfg->node[from].distance[best]))
			best = n;
	return best;
}

static void assert_fallback_to_nearest(const char *out, const struct vm_config *cfg)
{
	for (int n = 0; n < cfg->nr_nodes; n++) {
		char want[200];
		int to = nearest(cfg, n);
		snprintf(want, sizeof(want), "): next page from node %d (nearest: %d), numa_miss +1 on node %d, "
			 "numa_foreign +1 on node %d: PASS", to, to, to, n);
		char head[64];
		snprintf(head, sizeof(head), "page_alloc selftest: node %d full (", n);
		const char *line = strstr(out, head);
		cr_assert(line, "no fill test of node %d:\n%s", n, out);
		const char *end = strchr(line, '\n');
		cr_assert(strstr(line, want) && strstr(line, want) < end, "node %d: expected \"%s\" in:\n%.*s",
			  n, want, (int)(end - line), line);
		snprintf(head, sizeof(head), "page_alloc selftest: all pages back: node %d ", n);
		cr_assert(strstr(out, head), "node %d: no leak check:\n%s", n, out);
	}
}

Test(guest_mm, two_nodes_local_allocation_fallback_and_no_leak, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	struct vm_result r;
	run_selftest("configs/2node.xml", &r, &cfg);
	assert_every_cpu_allocates_locally(r.out, &cfg);
	assert_fallback_to_nearest(r.out, &cfg);
	cr_assert(strstr(r.out, "page_alloc selftest: 4 passed, 0 failed"), "%s", r.out);
	vm_result_free(&r);
}

/* Asymmetric distances: node 1's nearest is 0 but node 0's nearest is 1,
 * node 3's is 2: the zonelists must follow each row of the SLIT. */
Test(guest_mm, four_nodes_asymmetric_fallback_follows_slit_rows, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	struct vm_result r;
	run_selftest("configs/4node.xml", &r, &cfg);
	assert_every_cpu_allocates_locally(r.out, &cfg);
	assert_fallback_to_nearest(r.out, &cfg);
	cr_assert(strstr(r.out, "page_alloc selftest: 8 passed, 0 failed"), "%s", r.out);
	vm_result_free(&r);
}

Test(guest_mm, one_node_has_no_fallback_but_no_leak_either, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	struct vm_result r;
	run_selftest("configs/1node.xml", &r, &cfg);
	assert_every_cpu_allocates_locally(r.out, &cfg);
	cr_assert(strstr(r.out, "node 0 full: SKIP"), "%s", r.out);
	cr_assert(strstr(r.out, "page_alloc selftest: all pages back: node 0 "), "%s", r.out);
	vm_result_free(&r);
}

Test(guest_mm, buddyinfo_and_numastat_reports, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	struct vm_result r;
	run_selftest("configs/2node.xml", &r, &cfg);
	for (int n = 0; n < 2; n++) {
		char want[64];
		snprintf(want, sizeof(want), "Node %d, zone    DMA32 ", n);
		cr_assert(strstr(r.out, want), "no buddyinfo line \"%s\":\n%s", want, r.out);
		snprintf(want, sizeof(want), "node%d numa_hit ", n);
		cr_assert(strstr(r.out, want), "no numastat line \"%s\":\n%s", want, r.out);
	}
	/* The self-test made exactly one miss on each node. */
	cr_assert(strstr(r.out, "numa_miss 2\n"), "%s", r.out);
	cr_assert(strstr(r.out, "numa_foreign 2\n"), "%s", r.out);
	vm_result_free(&r);
}

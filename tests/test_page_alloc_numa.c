/*
 * NUMA in guest/mm (host build): zonelists ordered by SLIT distance as
 * Linux's build_zonelists does (3 and 4 nodes, asymmetric tables, ties,
 * nodes without memory), local allocation, fallback to the nearest node
 * when one is full with numa_miss/numa_foreign/local_node/other_node
 * counted as Linux counts them, structures placed on their own node, the
 * guest self-test, and the /proc-style reports.
 */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/vmstat.h>
#include "mm_host.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* nr_nodes nodes of 16 MiB each (node_has_mem[i] == 0: none), one CPU each. */
static void boot_nodes(unsigned int nr_nodes, const int *distance, const int *has_mem,
		       int min_free_kbytes)
{
	struct mm_host_mem mem[8];
	int cpu_node[8];
	unsigned int i, nr_mem = 0;
	phys_addr_t base = 0;

	for (i = 0; i < nr_nodes; i++) {
		cpu_node[i] = (int)i;
		if (has_mem && !has_mem[i])
			continue;
		mem[nr_mem].base = base;
		mem[nr_mem].size = 16 * MiB;
		mem[nr_mem].nid = (int)i;
		base += 16 * MiB;
		nr_mem++;
	}
	struct mm_host_machine m = { .nr_nodes = nr_nodes, .nr_cpus = nr_nodes,
				     .cpu_node = cpu_node, .distance = distance, .mem = mem,
				     .nr_mem = nr_mem, .reserve_like_guest = true,
				     .min_free_kbytes = min_free_kbytes };
	mm_host_boot(&m);
}

/* The nodes of nid's fallback zonelist, in order, each once. */
static int zonelist_nodes(int nid, int *out)
{
	struct zoneref *z;
	int n = 0;

	for (z = NODE_DATA(nid)->node_zonelists[ZONELIST_FALLBACK]._zonerefs; z->zone; z++)
		if (n == 0 || out[n - 1] != zone_to_nid(z->zone))
			out[n++] = zone_to_nid(z->zone);
	return n;
}

static void expect_zonelist(int nid, const int *expected, int nr)
{
	int got[MAX_NUMNODES], n = zonelist_nodes(nid, got), i;
	char gs[128] = "", es[128] = "";

	for (i = 0; i < n; i++)
		snprintf(gs + strlen(gs), sizeof(gs) - strlen(gs), " %d", got[i]);
	for (i = 0; i < nr; i++)
		snprintf(es + strlen(es), sizeof(es) - strlen(es), " %d", expected[i]);
	cr_expect(n == nr && !memcmp(got, expected, sizeof(int) * (size_t)nr),
		  "node %d zonelist:%s, expected:%s", nid, gs, es);
}

Test(zonelist, four_nodes_asymmetric_distances_follow_each_nodes_row)
{
	/* Row = from. d(0,1) = 20 but d(1,0) = 40: each node's own row decides. */
	static const int d[] = {
		10, 20, 30, 40,
		40, 10, 20, 30,
		30, 40, 10, 20,
		20, 30, 40, 10,
	};
	static const int o0[] = { 0, 1, 2, 3 }, o1[] = { 1, 2, 3, 0 },
			 o2[] = { 2, 3, 0, 1 }, o3[] = { 3, 0, 1, 2 };

	boot_nodes(4, d, NULL, -1);
	expect_zonelist(0, o0, 4);
	expect_zonelist(1, o1, 4);
	expect_zonelist(2, o2, 4);
	expect_zonelist(3, o3, 4);
}

Test(zonelist, three_nodes_asymmetric_distances)
{
	static const int d[] = {
		10, 15, 25,
		25, 10, 15,
		15, 25, 10,
	};
	static const int o0[] = { 0, 1, 2 }, o1[] = { 1, 2, 0 }, o2[] = { 2, 0, 1 };

	boot_nodes(3, d, NULL, -1);
	expect_zonelist(0, o0, 3);
	expect_zonelist(1, o1, 3);
	expect_zonelist(2, o2, 3);
}

Test(zonelist, three_nodes_equal_distances_take_turns_through_node_load)
{
	/* Linux: ties prefer a higher node id, then the least loaded node. */
	static const int o0[] = { 0, 1, 2 }, o1[] = { 1, 2, 0 }, o2[] = { 2, 0, 1 };

	boot_nodes(3, NULL, NULL, -1);
	expect_zonelist(0, o0, 3);
	expect_zonelist(1, o1, 3);
	expect_zonelist(2, o2, 3);
}

Test(zonelist, four_nodes_with_ties_and_a_near_pair)
{
	/* 0-1 and 2-3 are pairs (12), the pairs are 20 or 30 apart. */
	static const int d[] = {
		10, 12, 20, 30,
		12, 10, 30, 20,
		20, 30, 10, 12,
		30, 20, 12, 10,
	};
	static const int o0[] = { 0, 1, 2, 3 }, o1[] = { 1, 0, 3, 2 },
			 o2[] = { 2, 3, 0, 1 }, o3[] = { 3, 2, 1, 0 };

	boot_nodes(4, d, NULL, -1);
	expect_zonelist(0, o0, 4);
	expect_zonelist(1, o1, 4);
	expect_zonelist(2, o2, 4);
	expect_zonelist(3, o3, 4);
}

Test(zonelist, node_without_memory_uses_its_nearest_nodes_and_is_in_no_list)
{
	static const int d[] = {
		10, 20, 30, 40,
		20, 10, 20, 30,
		30, 20, 10, 20,
		40, 30, 20, 10,
	};
	static const int has_mem[] = { 1, 1, 0, 1 };
	/* Node 2 is 20 from both 1 and 3: Linux prefers the node above it. */
	static const int o0[] = { 0, 1, 3 }, o2[] = { 3, 1, 0 }, o3[] = { 3, 1, 0 };
	struct page *page;

	boot_nodes(4, d, has_mem, -1);
	expect_zonelist(0, o0, 3);
	expect_zonelist(2, o2, 3);
	expect_zonelist(3, o3, 3);
	cr_expect_null(NODE_DATA(2)->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs[0].zone);
	mm_host_set_cpu(2);
	page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_not_null(page);
	cr_expect_eq(page_to_nid(page), 3);
	cr_expect_eq(node_numa_event_state(3, NUMA_HIT), 1, "preferred zone is node 3's");
	cr_expect_eq(node_numa_event_state(3, NUMA_OTHER), 1, "not the CPU's node");
	cr_expect_null(alloc_pages(GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0));
}

Test(zonelist, zones_of_a_node_go_highest_first)
{
	static const struct mm_host_mem mem[] = {
		{ 0, 32 * MiB, 0 },
		{ 32 * MiB, 32 * MiB, 1 },
		{ 4 * GiB, 32 * MiB, 1 },
	};
	struct mm_host_machine m = { .nr_nodes = 2, .nr_cpus = 2, .mem = mem, .nr_mem = 3,
				     .reserve_like_guest = true, .min_free_kbytes = -1 };
	struct zoneref *z;

	mm_host_boot(&m);
	z = NODE_DATA(1)->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	cr_expect(z[0].zone == &NODE_DATA(1)->node_zones[ZONE_NORMAL] && z[0].zone_idx == ZONE_NORMAL);
	cr_expect(z[1].zone == &NODE_DATA(1)->node_zones[ZONE_DMA32]);
	cr_expect(z[2].zone == &NODE_DATA(0)->node_zones[ZONE_DMA32], "node 0 has no Normal zone");
	cr_expect_null(z[3].zone);
	z = first_zones_zonelist(&NODE_DATA(1)->node_zonelists[ZONELIST_FALLBACK], ZONE_DMA32);
	cr_expect_eq(z->zone, &NODE_DATA(1)->node_zones[ZONE_DMA32], "GFP_DMA32 skips Normal");
}

/* ---- Placement ---- */

Test(numa_placement, memmap_pgdat_and_per_cpu_lists_live_on_their_own_node)
{
	static const int cpu_node[] = { 0, 1, 2, 2 };
	static const struct mm_host_mem mem[] = {
		{ 0, 30 * MiB, 0 },             /* node boundaries inside sections */
		{ 30 * MiB, 18 * MiB, 1 },
		{ 48 * MiB, 26 * MiB, 2 },
	};
	struct mm_host_machine m = { .nr_nodes = 3, .nr_cpus = 4, .cpu_node = cpu_node,
				     .mem = mem, .nr_mem = 3, .reserve_like_guest = true,
				     .min_free_kbytes = -1 };
	unsigned long nr;
	unsigned int cpu;
	int nid;

	mm_host_boot(&m);
	for (nr = 0; nr < nr_mem_sections; nr++) {
		unsigned long pfn = section_nr_to_pfn(nr);
		int owner = memblock_nid_of(PFN_PHYS(pfn));

		if (!pfn_valid(pfn))
			continue;
		if (owner == NUMA_NO_NODE)      /* first frame is a hole: look further */
			continue;
		cr_expect_eq(memblock_nid_of(__pa(pfn_to_page(pfn))), owner,
			     "section %lu (node %d) has its struct pages on node %d", nr, owner,
			     memblock_nid_of(__pa(pfn_to_page(pfn))));
	}
	for (nid = 0; nid < 3; nid++)
		cr_expect_eq(memblock_nid_of(__pa(NODE_DATA(nid))), nid, "pglist_data of node %d", nid);
	for (cpu = 0; cpu < 4; cpu++)
		cr_expect_eq(memblock_nid_of(__pa(zone_percpu_area[cpu])), cpu_node[cpu],
			     "per-CPU lists of cpu %u", cpu);
}

Test(numa_placement, straddling_section_pages_belong_to_their_own_node)
{
	static const struct mm_host_mem mem[] = {
		{ 0, 30 * MiB, 0 },
		{ 30 * MiB, 18 * MiB, 1 },
	};
	struct mm_host_machine m = { .nr_nodes = 2, .nr_cpus = 2, .mem = mem, .nr_mem = 2,
				     .reserve_like_guest = true, .min_free_kbytes = 0 };
	struct page *page;
	unsigned long n = 0;

	mm_host_boot(&m);
	/* Fill node 1: its first pages share a section with node 0's last. */
	while ((page = alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0))) {
		cr_assert_eq(page_to_nid(page), 1);
		cr_assert_geq(page_to_pfn(page), PFN_DOWN(30 * MiB));
		n++;
	}
	cr_expect_eq(n, NODE_DATA(1)->node_zones[ZONE_DMA32].managed_pages);
	cr_expect_null(mm_host_check(NULL, 0, false));
}

/* ---- Allocation and counters ---- */

Test(numa_alloc, each_cpu_allocates_from_its_node_and_counts_hit_and_local)
{
	unsigned int cpu;

	boot_nodes(4, NULL, NULL, -1);
	for (cpu = 0; cpu < 4; cpu++) {
		struct page *page;
		int nid = (int)cpu;

		mm_host_set_cpu(cpu);
		page = alloc_pages(GFP_KERNEL, 0);
		cr_assert_not_null(page);
		cr_expect_eq(page_to_nid(page), nid);
		cr_expect_eq(node_numa_event_state(nid, NUMA_HIT), 1);
		cr_expect_eq(node_numa_event_state(nid, NUMA_LOCAL), 1);
		cr_expect_eq(node_numa_event_state(nid, NUMA_MISS) +
			     node_numa_event_state(nid, NUMA_OTHER), 0);
	}
	cr_expect_eq(global_numa_event_state(NUMA_HIT), 4);
}

Test(numa_alloc, remote_preferred_node_counts_hit_there_and_other_node)
{
	struct page *page;

	boot_nodes(2, NULL, NULL, -1);
	mm_host_set_cpu(0);
	page = alloc_pages_node(1, GFP_KERNEL, 0);
	cr_assert_not_null(page);
	cr_expect_eq(page_to_nid(page), 1);
	cr_expect_eq(node_numa_event_state(1, NUMA_HIT), 1);
	cr_expect_eq(node_numa_event_state(1, NUMA_OTHER), 1);
	cr_expect_eq(node_numa_event_state(1, NUMA_LOCAL), 0);
	cr_expect_eq(node_numa_event_state(0, NUMA_FOREIGN), 0);
}

Test(numa_alloc, full_node_overflows_to_nearest_node_counting_miss_and_foreign)
{
	static const int d[] = {
		10, 30, 20, 40,
		30, 10, 40, 20,
		20, 40, 10, 30,
		40, 20, 30, 10,
	};
	struct page *page;
	unsigned long n = 0;

	boot_nodes(4, d, NULL, -1);
	mm_host_set_cpu(0);
	while (alloc_pages(GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0))
		n++;
	cr_assert_gt(n, 3000);
	cr_expect_eq(node_numa_event_state(0, NUMA_HIT), n);

	page = alloc_pages(GFP_KERNEL, 0);
	cr_assert_not_null(page);
	cr_expect_eq(page_to_nid(page), 2, "node 2 is nearest to node 0 (20)");
	cr_expect_eq(node_numa_event_state(2, NUMA_MISS), 1);
	cr_expect_eq(node_numa_event_state(0, NUMA_FOREIGN), 1);
	cr_expect_eq(node_numa_event_state(2, NUMA_OTHER), 1, "cpu 0 is on node 0");
	cr_expect_eq(node_numa_event_state(2, NUMA_HIT), 0);

	/* The same allocation from a CPU of node 2, preferring node 0: miss but local. */
	mm_host_set_cpu(2);
	page = alloc_pages_node(0, GFP_KERNEL, 0);
	cr_expect_eq(page_to_nid(page), 2);
	cr_expect_eq(node_numa_event_state(2, NUMA_MISS), 2);
	cr_expect_eq(node_numa_event_state(0, NUMA_FOREIGN), 2);
	cr_expect_eq(node_numa_event_state(2, NUMA_LOCAL), 1);
}

/* ---- The guest self-test, and reports ---- */

Test(selftest, passes_on_every_cpu_and_node_and_prints_pass_lines)
{
	static const int d[] = {
		10, 20, 30,
		20, 10, 20,
		30, 20, 10,
	};
	unsigned int cpu;
	int failed = 0;

	boot_nodes(3, d, NULL, -1);
	mm_host_console_clear();
	for (cpu = 0; cpu < 3; cpu++) {
		mm_host_set_cpu(cpu);
		failed += page_alloc_selftest_cpu();
	}
	mm_host_set_cpu(0);
	failed += page_alloc_selftest();
	cr_expect_eq(failed, 0, "console:\n%s", mm_host_console());
	cr_expect(strstr(mm_host_console(),
			 "page_alloc selftest: cpu 2 (node 2): order-0 page from node 2, numa_hit +1, local_node +1: PASS"),
		  "%s", mm_host_console());
	cr_expect(strstr(mm_host_console(), "next page from node 1 (nearest: 1), numa_miss +1 on node 1, numa_foreign +1 on node 0: PASS"),
		  "%s", mm_host_console());
	cr_expect(strstr(mm_host_console(), "page_alloc selftest: 6 passed, 0 failed"), "%s",
		  mm_host_console());
	cr_expect_null(strstr(mm_host_console(), "FAIL"));
	cr_expect_null(mm_host_check(NULL, 0, true));
}

Test(selftest, passes_with_a_cpu_on_a_node_without_memory)
{
	static const int has_mem[] = { 1, 0, 1 };
	unsigned int cpu;
	int failed = 0;

	boot_nodes(3, NULL, has_mem, -1);
	mm_host_console_clear();
	for (cpu = 0; cpu < 3; cpu++) {
		mm_host_set_cpu(cpu);
		failed += page_alloc_selftest_cpu();
	}
	mm_host_set_cpu(0);
	failed += page_alloc_selftest();
	cr_expect_eq(failed, 0, "console:\n%s", mm_host_console());
	cr_expect(strstr(mm_host_console(),
			 "cpu 1 (node 1): order-0 page from node 2, numa_hit +1, other_node +1: PASS"),
		  "%s", mm_host_console());
}

Test(selftest, skips_the_fill_test_with_one_node)
{
	mm_host_boot_simple(32 * MiB, 2, -1);
	mm_host_console_clear();
	cr_expect_eq(page_alloc_selftest_cpu(), 0);
	cr_expect_eq(page_alloc_selftest(), 0);
	cr_expect(strstr(mm_host_console(), "node 0 full: SKIP"));
}

static bool matches(const char *text, const char *re)
{
	regex_t r;
	bool m;

	cr_assert_eq(regcomp(&r, re, REG_EXTENDED | REG_NEWLINE), 0);
	m = regexec(&r, text, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

Test(reports, buddyinfo_and_numastat_in_linux_formats)
{
	struct page *page;

	boot_nodes(2, NULL, NULL, -1);
	page = alloc_pages_node(1, GFP_KERNEL, 0);
	__free_pages(page, 0);
	drain_all_pages(NULL);
	mm_host_console_clear();
	show_buddyinfo();
	cr_expect(matches(mm_host_console(),
			  "^Node 0, zone    DMA32( +[0-9]+){11} $"), "%s", mm_host_console());
	cr_expect(matches(mm_host_console(), "^Node 1, zone    DMA32( +[0-9]+){11} $"));
	mm_host_console_clear();
	show_numa_stats();
	cr_expect(matches(mm_host_console(), "^numa_hit 1$"), "%s", mm_host_console());
	cr_expect(matches(mm_host_console(), "^numa_other 1$"));
	cr_expect(matches(mm_host_console(),
			  "^node1 numa_hit 1 numa_miss 0 numa_foreign 0 interleave_hit 0 local_node 0 other_node 1$"),
		  "%s", mm_host_console());
}

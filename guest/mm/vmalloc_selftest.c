/*
 * Self-tests of vmalloc in the guest (switch vmalloc_selftest; mm/vmalloc.h).
 * One console line per check, "vmalloc selftest: <check>: PASS|FAIL|SKIP",
 * then "vmalloc selftest: N passed, M failed". Run once on one CPU, with
 * the others idle (the counter deltas and the fragmentation test assume
 * nobody else allocates or flushes meanwhile).
 *
 *   node          vmalloc_node(N): its pages, and a page table it needed,
 *                 come from node N
 *   map           written through the area, read back through the direct
 *                 map; the pages below and after the area are unmapped
 *   above 2^47    (5-level paging only) the area lies where only 5-level
 *                 paging reaches
 *   lazy purge    vfree() sends no IPI; vm_unmap_aliases() then flushes the
 *                 whole batch with one IPI per other CPU
 *   reuse         a freed range is reused only after the purge
 *   fragmented    with memory cut into single pages, a vmalloc larger than
 *                 the largest free buddy block succeeds
 *   vmap          scattered pages of the caller, mapped and unmapped
 *   invariants    the allocator's trees and lists (vmap_space_check)
 */
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/vm_event_item.h>
#include <mm/vmalloc.h>
#include <mm/vmstat.h>
#include <asm/pgtable.h>

#define TAG "vmalloc selftest: "

static struct selftest st = { TAG, 0, 0 };

static bool page_unmapped(unsigned long addr)
{
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	return !pte || !pte_present(ptep_get(pte));
}

static u64 pattern(unsigned long i)
{
	return 0x5eed000000000000ULL ^ (i * 0x9e3779b97f4a7c15ULL);
}

/* Write a word into each page through the area, read it back through the
 * direct map; the number of mismatches. */
static unsigned long write_and_verify(void *area, unsigned long pages)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < pages; i++)
		*(volatile u64 *)((char *)area + i * PAGE_SIZE + (i % 64) * 8) = pattern(i);
	for (unsigned long i = 0; i < pages; i++) {
		struct page *page = vmalloc_to_page((char *)area + i * PAGE_SIZE);

		if (!page || *(volatile u64 *)((char *)page_address(page) + (i % 64) * 8) != pattern(i))
			bad++;
	}
	return bad;
}

/* vmalloc_node(N): pages from N, and the page table it added from N. */
static void test_node(void)
{
	int nid;

	for_each_node_state(nid, N_MEMORY) {
		unsigned long tables = nr_page_table_pages(), bad = 0;
		/* 2 MiB aligned: a region no earlier area used, so it needs a
		 * new page-table page. */
		char *p = __vmalloc_node(4 * PAGE_SIZE, PMD_SIZE, GFP_KERNEL, nid);
		unsigned int level;
		pte_t *pte;

		if (!p) {
			selftest_report(&st, false, "node: vmalloc_node failed");
			continue;
		}
		for (int i = 0; i < 4; i++)
			bad += page_to_nid(vmalloc_to_page(p + i * PAGE_SIZE)) != nid;
		pte = lookup_address((unsigned long)p, &level);
		printk(TAG "node %d: vmalloc_node at 0x%lx, %lu of 4 pages off node, %lu new page table(s), pte page on node %d\n",
		       nid, (unsigned long)p, bad, nr_page_table_pages() - tables,
		       pte ? page_to_nid(virt_to_page(pte)) : -1);
		selftest_report(&st, bad == 0, "node: vmalloc_node pages from the node");
		if (nr_page_table_pages() == tables)
			printk(TAG "node: page table from the node: SKIP (no new table was needed)\n");
		else
			selftest_report(&st, pte && level == PG_LEVEL_4K && page_to_nid(virt_to_page(pte)) == nid,
			       "node: page table from the node");
		vfree(p);
	}
}

static void test_map_and_guards(void)
{
	char *p = vmalloc(3 * PAGE_SIZE);
	unsigned long a = (unsigned long)p;

	if (!p) {
		selftest_report(&st, false, "map: vmalloc(3 pages)");
		return;
	}
	printk(TAG "vmalloc(3 pages) at 0x%lx in [0x%lx, 0x%lx), %u-level paging\n", a,
	       VMALLOC_START, VMALLOC_END, pgtable_l5_enabled() ? 5 : 4);
	selftest_report(&st, write_and_verify(p, 3) == 0, "map: written through the area, read back through the direct map");
	selftest_report(&st, page_unmapped(a - PAGE_SIZE) && page_unmapped(a + 3 * PAGE_SIZE),
	       "map: the page below and the guard page after the area are unmapped");
	if (pgtable_l5_enabled()) {
		/* Bits 47..63 not all equal: not canonical with 4 levels. */
		bool above = (a >> 47) != 0x1ffff && (a >> 47) != 0;
		printk(TAG "5-level: area at 0x%lx, above 2^47 in the 57-bit kernel half\n", a);
		selftest_report(&st, above, "5-level: an address above 2^47 mapped and used");
	}
	vfree(p);
}

static void test_lazy_purge(void)
{
	unsigned long r0, rr0, purges0, r1, rr1, purges1, lazy;
	unsigned long others = nr_cpu_ids > 1 ? nr_cpu_ids - 1 : 0;
	struct vmap_space_info info;
	void *p[8];
	bool ok = true;

	vm_unmap_aliases();     /* start with an empty purge list */
	for (int i = 0; i < 8; i++)
		ok &= (p[i] = vmalloc(PAGE_SIZE)) != NULL;
	if (!ok) {
		selftest_report(&st, false, "lazy purge: 8 vmallocs");
		return;
	}
	r0 = global_vm_event(NR_TLB_REMOTE_FLUSH);
	rr0 = global_vm_event(NR_TLB_REMOTE_FLUSH_RECEIVED);
	purges0 = vmalloc_space.nr_purges;
	for (int i = 0; i < 8; i++)
		vfree(p[i]);
	vmap_space_info(&vmalloc_space, &info);
	lazy = info.nr_lazy_areas;
	r1 = global_vm_event(NR_TLB_REMOTE_FLUSH);
	selftest_report(&st, r1 == r0 && lazy == 8 && vmalloc_space.nr_purges == purges0,
	       "lazy purge: 8 vfree()s wait on the purge list and send no IPI");
	vm_unmap_aliases();
	r1 = global_vm_event(NR_TLB_REMOTE_FLUSH);
	rr1 = global_vm_event(NR_TLB_REMOTE_FLUSH_RECEIVED);
	purges1 = vmalloc_space.nr_purges;
	printk(TAG "purge of 8 areas: %lu shootdown(s), nr_tlb_remote_flush +%lu, nr_tlb_remote_flush_received +%lu (%lu other CPUs)\n",
	       purges1 - purges0, r1 - r0, rr1 - rr0, others);
	selftest_report(&st, purges1 - purges0 == 1 && r1 - r0 == (others ? 1 : 0) && rr1 - rr0 == others,
	       "lazy purge: one shootdown, one IPI per other CPU");
}

static void test_reuse_after_purge(void)
{
	void *a, *b, *c;

	vm_unmap_aliases();
	a = vmalloc(PAGE_SIZE);
	vfree(a);
	b = vmalloc(PAGE_SIZE);     /* a's range waits for the purge */
	vfree(b);
	vm_unmap_aliases();
	c = vmalloc(PAGE_SIZE);     /* the lowest free range again */
	selftest_report(&st, a && b && c && a != b && c == a, "reuse: a freed range is reused only after the purge");
	vfree(c);
	vm_unmap_aliases();
}

/* Highest order with a free block in any zone (buddy lists; PCP drained). */
static int largest_free_order(void)
{
	struct zone *zone;
	int best = -1;

	for_each_populated_zone(zone)
		for (int o = MAX_PAGE_ORDER; o > best; o--)
			if (READ_ONCE(zone->free_area[o].nr_free))
				best = o;
	return best;
}

static void release_list(struct list_head *list)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, list, lru) {
		unsigned int order = (unsigned int)page_private(page);

		list_del(&page->lru);
		set_page_private(page, 0);
		__free_pages(page, order);
	}
}

/*
 * Take every block of order >= 1 in the machine, give one of the largest
 * back and take it again as single pages, then free the odd-numbered ones:
 * their even buddies stay taken, so nothing merges, and the largest free
 * block is tiny while hundreds of pages are free.
 */
static void test_fragmented(void)
{
	LIST_HEAD(held);
	LIST_HEAD(singles);
	struct page *page, *tmp, *big = NULL;
	unsigned long freed = 0, want, bad, runs = 0, prev_pfn = 0;
	int order, largest;
	char *p;

	for (order = MAX_PAGE_ORDER; order >= 1; order--)
		while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)order))) {
			set_page_private(page, (unsigned long)order);
			list_add_tail(&page->lru, &held);
		}
	list_for_each_entry(page, &held, lru)
		if (!big || page_private(page) > page_private(big))
			big = page;
	if (!big) {
		selftest_report(&st, false, "fragmented: could not take any block");
		return;
	}
	list_del(&big->lru);
	order = (int)page_private(big);
	set_page_private(big, 0);
	__free_pages(big, (unsigned int)order);
	while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0))) {
		set_page_private(page, 0);
		list_add_tail(&page->lru, &singles);
	}
	list_for_each_entry_safe(page, tmp, &singles, lru)
		if (page_to_pfn(page) & 1) {
			list_del(&page->lru);
			__free_pages(page, 0);
			freed++;
		}
	drain_all_pages(NULL);
	largest = largest_free_order();
	want = max(2UL << (largest < 0 ? 0 : largest), 16UL);
	printk(TAG "fragmented: gave back an order-%d block as %lu single pages; largest free buddy block now order %d (%lu pages)\n",
	       order, freed, largest, largest < 0 ? 0UL : 1UL << largest);
	if (want > freed / 2) {
		selftest_report(&st, false, "fragmented: not enough single pages to test with");
		goto out;
	}
	p = vmalloc(want * PAGE_SIZE);
	if (!p) {
		selftest_report(&st, false, "fragmented: vmalloc larger than the largest free block");
		goto out;
	}
	bad = write_and_verify(p, want);
	for (unsigned long i = 0; i < want; i++) {
		unsigned long pfn = vmalloc_to_pfn(p + i * PAGE_SIZE);
		runs += i == 0 || pfn != prev_pfn + 1;
		prev_pfn = pfn;
	}
	printk(TAG "fragmented: vmalloc(%lu pages) at 0x%lx from %lu physically separate runs, %lu bad\n",
	       want, (unsigned long)p, runs, bad);
	selftest_report(&st, bad == 0 && (largest < 0 || want > (1UL << largest)),
	       "fragmented: vmalloc larger than the largest free buddy block succeeds");
	vfree(p);
out:
	release_list(&singles);
	release_list(&held);
	vm_unmap_aliases();
}

static void test_vmap(void)
{
	struct page *pages[5];
	char *p;
	bool ok = true;

	for (int i = 0; i < 5; i++)
		ok &= (pages[i] = alloc_pages(GFP_KERNEL, 0)) != NULL;
	if (!ok) {
		selftest_report(&st, false, "vmap: pages");
		return;
	}
	/* Mapped in reverse order: scattered and out of order. */
	struct page *rev[5] = { pages[4], pages[3], pages[2], pages[1], pages[0] };
	p = vmap(rev, 5, 0, PAGE_KERNEL);
	if (p) {
		for (int i = 0; i < 5; i++)
			*(volatile u64 *)(p + i * PAGE_SIZE) = pattern((unsigned long)i);
		for (int i = 0; i < 5; i++)
			ok &= *(u64 *)page_address(rev[i]) == pattern((unsigned long)i);
		vunmap(p);
		ok &= page_unmapped((unsigned long)p);
	}
	selftest_report(&st, p && ok, "vmap: caller's pages mapped in order, vunmap clears them");
	for (int i = 0; i < 5; i++)
		__free_pages(pages[i], 0);
}

int vmalloc_selftest(void)
{
	const char *why;

	st.passed = st.failed = 0;
	test_node();
	test_map_and_guards();
	test_lazy_purge();
	test_reuse_after_purge();
	test_fragmented();
	test_vmap();
	why = vmap_space_check(&vmalloc_space);
	if (why)
		printk(TAG "invariants: %s\n", why);
	selftest_report(&st, !why, "invariants: trees and lists consistent");
	return selftest_summary(&st);
}

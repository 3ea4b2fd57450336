/*
 * bad_page() in guest/mm (host build): each misuse Linux's bad_page and
 * free-list checks catch is detected, reported with a page dump, and ends
 * in panic (caught here by MM_HOST_PANICS).
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <mm/mm.h>
#include <mm/vmstat.h>
#include "mm_host.h"

#define MiB (1ULL << 20)

static void setup(void)
{
	mm_host_boot_simple(64 * MiB, 2, -1);
	mm_host_console_clear();
}

/* It panicked with "Bad page state: <reason>" after a full page dump. */
static void expect_bad_page(bool panicked, const char *reason)
{
	const char *con = mm_host_console();

	cr_assert(panicked, "no panic; console:\n%s", con);
	cr_expect(strstr(mm_host_panic_message(), "Bad page state") &&
		  strstr(mm_host_panic_message(), reason),
		  "panic message \"%s\", expected reason \"%s\"", mm_host_panic_message(), reason);
	cr_expect(strstr(con, "BUG: Bad page state on cpu"), "%s", con);
	cr_expect(strstr(con, "page: refcount:"), "%s", con);
	cr_expect(strstr(con, "flags: 0x"), "%s", con);
	cr_expect(strstr(con, "raw: "), "%s", con);
	cr_expect(strstr(con, "page dumped because: "), "%s", con);
}

Test(bad_page, double_free_of_an_order0_page_on_a_per_cpu_list)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, 0);
	__free_pages(page, 0);
	expect_bad_page(MM_HOST_PANICS(__free_pages(page, 0)), "double free");
}

Test(bad_page, double_free_of_a_block_already_merged_in_the_buddy_lists)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, PAGE_ALLOC_COSTLY_ORDER + 2);
	__free_pages(page, PAGE_ALLOC_COSTLY_ORDER + 2);
	cr_assert_eq(page_ref_count(page), 0, "freed straight to the buddy lists");
	expect_bad_page(MM_HOST_PANICS(__free_pages(page, PAGE_ALLOC_COSTLY_ORDER + 2)),
			"double free");
}

Test(bad_page, freeing_a_page_still_mapped)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, 0);
	page->_mapcount = 1;
	expect_bad_page(MM_HOST_PANICS(__free_pages(page, 0)), "nonzero mapcount");
	cr_expect(strstr(mm_host_console(), "mapcount:1"));
}

Test(bad_page, freeing_a_page_still_in_a_mapping)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, 0);
	page->mapping = (struct address_space *)0x1000;
	expect_bad_page(MM_HOST_PANICS(__free_pages(page, 0)), "non-NULL mapping");
}

Test(bad_page, freeing_a_page_still_referenced)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, 0);
	get_page(page);
	/* The free path proper, reached while a reference is still held. */
	expect_bad_page(MM_HOST_PANICS(free_unref_page(page, 0)), "nonzero _refcount");
	cr_expect(strstr(mm_host_console(), "refcount:2"));
}

Test(bad_page, dropping_one_of_two_references_frees_nothing)
{
	struct page *page;
	unsigned long free_before;

	setup();
	page = alloc_pages(GFP_KERNEL, 0);
	get_page(page);
	free_before = zone_pcp_pages(page_zone(page));
	cr_expect_not(MM_HOST_PANICS(__free_pages(page, 0)));
	cr_expect_eq(page_ref_count(page), 1);
	cr_expect_eq(zone_pcp_pages(page_zone(page)), free_before);
	cr_expect_not(MM_HOST_PANICS(put_page(page)));
}

Test(bad_page, freeing_with_a_smaller_order_than_allocated)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, 2);
	expect_bad_page(MM_HOST_PANICS(__free_pages(page, 1)), "wrong order");
	cr_expect(strstr(mm_host_console(), "allocated with order 2 freed with order 1"));
}

Test(bad_page, freeing_with_a_larger_order_than_allocated)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, 0);
	expect_bad_page(MM_HOST_PANICS(__free_pages(page, 3)), "wrong order");
}

Test(bad_page, freeing_a_tail_page_of_a_block)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, 2);
	expect_bad_page(MM_HOST_PANICS(__free_pages(page + 1, 0)), "tail page");
}

Test(bad_page, freeing_a_page_with_lru_flag_set)
{
	struct page *page;

	setup();
	page = alloc_pages(GFP_KERNEL, 0);
	SetPageLRU(page);
	expect_bad_page(MM_HOST_PANICS(__free_pages(page, 0)), "PAGE_FLAGS_CHECK_AT_FREE");
	cr_expect(strstr(mm_host_console(), "(lru|node=0|zone=0|order=0)"), "%s", mm_host_console());
}

Test(bad_page, freeing_a_reserved_page)
{
	struct page *page;

	setup();
	page = pfn_to_page(PFN_DOWN(1 * MiB));
	cr_assert(PageReserved(page));
	expect_bad_page(MM_HOST_PANICS(__free_pages(page, 0)), "not an allocated block");
}

/* The head of some block on a free list of order >= 1. */
__attribute__((noinline)) static struct page *a_free_block(struct zone *z, unsigned int *order)
{
	unsigned int o;

	for (o = 1; o < NR_PAGE_ORDERS; o++)
		if (!list_empty(&z->free_area[o].free_list)) {
			*order = o;
			return list_first_entry(&z->free_area[o].free_list, struct page, buddy_list);
		}
	cr_assert_fail("no free block");
	return NULL;
}

Test(bad_page, free_list_entry_that_is_not_a_buddy_is_corruption)
{
	struct zone *z;
	struct page *victim;
	unsigned int order;

	setup();
	z = page_zone(alloc_pages(GFP_KERNEL, 0));
	zone_pcp_disable(z);
	victim = a_free_block(z, &order);
	__ClearPageBuddy(victim);
	expect_bad_page(MM_HOST_PANICS(alloc_pages(GFP_KERNEL, order)), "corrupted free list");
}

Test(bad_page, free_list_entry_with_the_wrong_order_is_corruption)
{
	struct zone *z;
	struct page *victim;
	unsigned int order;

	setup();
	z = page_zone(alloc_pages(GFP_KERNEL, 0));
	zone_pcp_disable(z);
	victim = a_free_block(z, &order);
	set_page_private(victim, order - 1);
	expect_bad_page(MM_HOST_PANICS(alloc_pages(GFP_KERNEL, order)), "corrupted free list");
}

Test(bad_page, broken_free_list_links_are_corruption)
{
	struct zone *z;
	struct page *victim;
	unsigned int order;
	static struct list_head stray;

	setup();
	z = page_zone(alloc_pages(GFP_KERNEL, 0));
	zone_pcp_disable(z);
	victim = a_free_block(z, &order);
	INIT_LIST_HEAD(&stray);
	victim->buddy_list.next = &stray;      /* a write through a stale pointer */
	expect_bad_page(MM_HOST_PANICS(alloc_pages(GFP_KERNEL, order)), "corrupted free list");
}

Test(bad_page, use_after_free_write_to_struct_page_is_caught_at_allocation)
{
	struct page *page, *again;

	setup();
	page = alloc_pages(GFP_KERNEL, 0);
	__free_pages(page, 0);
	page->mapping = (struct address_space *)0x2000;  /* freed, then written */
	expect_bad_page(MM_HOST_PANICS(again = alloc_pages(GFP_KERNEL, 0)), "non-NULL mapping");
	(void)again;
}

Test(bad_page, broken_per_cpu_list_links_are_corruption)
{
	struct page *a, *b;
	static struct list_head stray;

	setup();
	a = alloc_pages(GFP_KERNEL, 0);
	b = alloc_pages(GFP_KERNEL, 0);
	__free_pages(a, 0);
	__free_pages(b, 0);
	INIT_LIST_HEAD(&stray);
	b->pcp_list.prev = &stray;
	expect_bad_page(MM_HOST_PANICS(alloc_pages(GFP_KERNEL, 0)), "corrupted per-CPU list");
}

Test(bad_page, an_unexpected_panic_aborts_the_process, .signal = SIGABRT)
{
	struct page *page;

	setup();
	freopen("/dev/null", "w", stderr);      /* the report is expected */
	page = alloc_pages(GFP_KERNEL, 0);
	__free_pages(page, 0);
	__free_pages(page, 0);
}

/*
 * Faults, the zero page, fork CoW, the anonymous rmap, file mmap through
 * the page cache, copies to/from user memory, and exact teardown
 * (guest/mm/memory.c, rmap.c, filemap.c, mmap.c; host build). User memory
 * is reached through the direct map (copy_*_user_mm), as the guest kernel
 * does; the MMU's part (which error code a user access raises) is given
 * by hand: 0x4 user read, 0x6 user write, 0x7 write to a present page.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/initramfs.h>
#include "mm_user_host.h"

#define PG 4096UL
#define RD 0x4
#define WR 0x6

static unsigned long before;

static void setup(void)
{
	mm_user_boot();
	/* Warm the caches once so the count below is the steady state. */
	mmput(mm_alloc());
	mm_user_settle();
	before = avail_pages();
}

TestSuite(fault, .init = setup);

static unsigned long ev(enum vm_event_item i)
{
	return global_vm_event(i);
}

static void assert_all_freed(void)
{
	mm_user_settle();
	cr_assert_eq(avail_pages(), before, "free pages %lu, before %lu", avail_pages(), before);
	cr_assert_eq((long)ev(NR_ANON_PAGES), 0L);
	cr_assert_eq((long)ev(NR_MAPPED), 0L);
}

Test(fault, read_maps_zero_page_write_allocates_segv_without_vma)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long a = 0x10000000UL;
	char buf[16];
	bool w;

	cr_assert_eq(do_mmap(mm, a, 4 * PG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0), (long)a);
	unsigned long z0 = ev(ZERO_PAGE_MAP), f0 = ev(PGFAULT);
	cr_assert_eq(handle_user_fault(mm, a + 5, RD), 0);
	cr_assert_eq(follow_page(mm, a, &w), zero_page());
	cr_assert_not(w);
	cr_assert_eq(ev(ZERO_PAGE_MAP), z0 + 1);
	cr_assert_eq(mm_rss(mm), 0UL, "the zero page is not RSS");
	/* Write after read: a fresh zeroed page replaces the zero page. */
	cr_assert_eq(handle_user_fault(mm, a + 5, 0x7), 0);
	struct page *p = follow_page(mm, a, &w);
	cr_assert(p && p != zero_page() && w);
	cr_assert_eq(page_mapcount(p), 1);
	cr_assert_eq(page_ref_count(p), 1);
	cr_assert_eq(mm_rss(mm), 1UL);
	cr_assert_eq((long)ev(NR_ANON_PAGES), 1L);
	cr_assert_eq(copy_to_user_mm(mm, a + PG - 3, "hello, world", 13), 0);
	cr_assert_eq(copy_from_user_mm(mm, buf, a + PG - 3, 13), 0);
	cr_assert_str_eq(buf, "hello, world");
	cr_assert_eq(strncpy_from_user_mm(mm, buf, a + PG - 3, sizeof(buf)), 12);
	cr_assert_eq(mm_rss(mm), 2UL);
	cr_assert_geq(ev(PGFAULT), f0 + 3);
	/* No VMA, and permission violations: SIGSEGV / EFAULT. */
	cr_assert_eq(handle_user_fault(mm, 0x1000, RD), 11);
	cr_assert_eq(handle_user_fault(mm, a + 4 * PG, RD), 11);
	cr_assert_eq(copy_from_user_mm(mm, buf, a + 4 * PG - 2, 4), -14);
	cr_assert_eq(do_mprotect(mm, a, PG, PROT_READ), 0);
	cr_assert_eq(handle_user_fault(mm, a, 0x7), 11);
	cr_assert_eq(handle_user_fault(mm, a, 0x14), 11, "no PROT_EXEC: fetch faults");
	cr_assert_eq(copy_to_user_mm(mm, a, "x", 1), -14);
	cr_assert_not(follow_page(mm, a, &w) == NULL);
	cr_assert_not(w, "mprotect took write away from the PTE");
	cr_assert_eq(do_mprotect(mm, a, PG, PROT_NONE), 0);
	cr_assert_eq(handle_user_fault(mm, a, RD), 11);
	cr_assert_eq(do_mprotect(mm, a, PG, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(copy_from_user_mm(mm, buf, a + PG - 3, 13), 0, "the page survived PROT_NONE");
	cr_assert_str_eq(buf, "hello, world");
	mmput(mm);
	assert_all_freed();
}

/* The figure the issue asks for: a child writing k of n pages copies k;
 * the parent writing after the child exited copies none. */
Test(fault, fork_cow_child_writes_k_of_n_then_parent_reuses)
{
	const unsigned long n = 16, k = 5;
	struct mm_struct *parent = mm_alloc(), *child;
	unsigned long a = 0x20000000UL, v;

	cr_assert_eq(do_mmap(parent, a, n * PG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, NULL, 0), (long)a);
	cr_assert_eq(mm_rss(parent), n);
	for (v = 0; v < n; v++)
		cr_assert_eq(copy_to_user_mm(parent, a + v * PG, &v, sizeof(v)), 0);
	child = dup_mm(parent);
	cr_assert_not_null(child);
	cr_assert_eq(mm_rss(child), n);
	for (v = 0; v < n; v++) {
		bool w1, w2;
		struct page *p = follow_page(parent, a + v * PG, &w1);

		cr_assert_eq(follow_page(child, a + v * PG, &w2), p);
		cr_assert(!w1 && !w2, "shared read-only in both");
		cr_assert_eq(page_mapcount(p), 2);
		cr_assert_eq(page_ref_count(p), 2);
		cr_assert_eq(rmap_walk_anon(p, NULL, NULL), 2, "the rmap finds both PTEs");
	}
	unsigned long cow0 = ev(COW_FAULT), reuse0 = ev(PGREUSE);
	for (v = 0; v < k; v++) {
		unsigned long x = 1000 + v, got;

		cr_assert_eq(copy_to_user_mm(child, a + v * PG, &x, sizeof(x)), 0);
		cr_assert_eq(copy_from_user_mm(parent, &got, a + v * PG, sizeof(got)), 0);
		cr_assert_eq(got, v, "the parent keeps its data");
	}
	cr_assert_eq(ev(COW_FAULT) - cow0, k, "child writing %lu of %lu pages copies %lu", k, n, k);
	mmput(child);
	for (v = 0; v < n; v++) {
		unsigned long got;

		cr_assert_eq(copy_to_user_mm(parent, a + v * PG, &v, sizeof(v)), 0);
		cr_assert_eq(copy_from_user_mm(parent, &got, a + v * PG, sizeof(got)), 0);
		cr_assert_eq(got, v);
	}
	cr_assert_eq(ev(COW_FAULT) - cow0, k, "the parent after the child exited copies nothing");
	cr_assert_eq(ev(PGREUSE) - reuse0, n, "it reuses every page (only it maps them now)");
	mmput(parent);
	assert_all_freed();
}

static u8 file_data[3 * 4096 + 100];
static struct initramfs_file file = { "data", file_data, sizeof(file_data), 0100644 };

Test(fault, file_mmap_private_and_shared_through_the_page_cache)
{
	struct mm_struct *m1, *m2;
	unsigned long a = 0x30000000UL, b = 0x40000000UL, c = 0x50000000UL;
	char buf[8];

	for (unsigned i = 0; i < sizeof(file_data); i++)
		file_data[i] = (u8)(i * 7);
	mm_user_settle();
	unsigned long base = avail_pages();
	m1 = mm_alloc();
	m2 = mm_alloc();
	unsigned long maj0 = ev(PGMAJFAULT), files0 = ev(NR_FILE_PAGES);
	cr_assert_eq(do_mmap(m1, a, 5 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, &file, 0),
		     (long)a);
	cr_assert_eq(do_mmap(m2, b, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, &file, 0),
		     (long)b);
	cr_assert_eq(do_mmap(m2, c, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, &file, 1),
		     (long)c);
	/* Reads see the file; both mms map the same page-cache page. */
	cr_assert_eq(copy_from_user_mm(m1, buf, a + PG + 3, 4), 0);
	cr_assert_eq(memcmp(buf, file_data + PG + 3, 4), 0);
	cr_assert_eq(copy_from_user_mm(m2, buf, b + PG + 3, 4), 0);
	cr_assert_eq(copy_from_user_mm(m2, buf, c + 3, 4), 0);
	struct page *p = follow_page(m1, a + PG, NULL);
	cr_assert_eq(follow_page(m2, b + PG, NULL), p);
	cr_assert_eq(follow_page(m2, c, NULL), p, "pgoff 1 of the private mapping");
	cr_assert_eq(page_mapcount(p), 3);
	cr_assert_eq(page_ref_count(p), 4, "three PTEs and the cache");
	cr_assert_eq(ev(PGMAJFAULT) - maj0, 1UL, "read in once");
	cr_assert_eq(ev(NR_FILE_PAGES) - files0, 1UL);
	cr_assert_eq(mm_shared_rss(m2), 2UL);
	/* A MAP_SHARED write is seen by the other mapper and by read(). */
	cr_assert_eq(copy_to_user_mm(m1, a + PG + 3, "SHRD", 4), 0);
	cr_assert_eq(copy_from_user_mm(m2, buf, b + PG + 3, 4), 0);
	cr_assert_eq(memcmp(buf, "SHRD", 4), 0);
	cr_assert_eq(filemap_read(&file, PG + 3, buf, 4), 4);
	cr_assert_eq(memcmp(buf, "SHRD", 4), 0);
	/* write() is seen by the mappers. */
	cr_assert_eq(filemap_write(&file, PG + 5, "w", 1), 1);
	cr_assert_eq(copy_from_user_mm(m1, buf, a + PG + 3, 4), 0);
	cr_assert_eq(memcmp(buf, "SHwD", 4), 0);
	/* A MAP_PRIVATE write copies; the others do not see it. */
	unsigned long cow0 = ev(COW_FAULT);
	cr_assert_eq(copy_to_user_mm(m2, c + 3, "PRIV", 4), 0);
	cr_assert_eq(ev(COW_FAULT) - cow0, 1UL);
	cr_assert_neq(follow_page(m2, c, NULL), p);
	cr_assert_eq(filemap_read(&file, PG + 3, buf, 4), 4);
	cr_assert_eq(memcmp(buf, "SHwD", 4), 0);
	/* Beyond EOF: the last partial page is zero-filled, the one after is SIGBUS. */
	cr_assert_eq(copy_from_user_mm(m1, buf, a + 3 * PG + 100, 4), 0);
	cr_assert_eq(memcmp(buf, "\0\0\0\0", 4), 0);
	cr_assert_eq(handle_user_fault(m1, a + 4 * PG + 8, RD), 7);
	cr_assert_eq(filemap_read(&file, sizeof(file_data) - 2, buf, 8), 2);
	mmput(m1);
	mmput(m2);
	cr_assert_eq(page_mapcount(p), 0);
	cr_assert_eq(page_ref_count(p), 1, "only the cache holds it");
	mm_user_settle();
	/* The written page went back into the file's bytes (the initramfs is
	 * the disk), then out of the cache: nothing lost, nothing kept. */
	cr_assert_eq(ev(NR_FILE_PAGES), files0);
	cr_assert_eq(memcmp(file_data + PG + 3, "SHwD", 4), 0);
	cr_assert_eq(filemap_read(&file, PG + 3, buf, 4), 4);
	cr_assert_eq(memcmp(buf, "SHwD", 4), 0);
	mm_user_settle();
	cr_assert_eq(avail_pages(), base, "avail %lu base %lu", avail_pages(), base);
}

Test(fault, shared_anonymous_memory_survives_fork)
{
	struct mm_struct *p = mm_alloc(), *c;
	unsigned long a = 0x60000000UL, x = 42, got = 0;

	cr_assert_eq(do_mmap(p, a, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
			     NULL, 0), (long)a);
	c = dup_mm(p);
	cr_assert_eq(copy_to_user_mm(c, a + PG, &x, sizeof(x)), 0, "child touches first");
	cr_assert_eq(copy_from_user_mm(p, &got, a + PG, sizeof(got)), 0);
	cr_assert_eq(got, 42UL, "the parent sees the child's write");
	mmput(c);
	mmput(p);
	assert_all_freed();
}

Test(fault, stack_grows_down_to_its_limit_keeping_the_guard_gap)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long top = 0x7ffff0000000UL;

	cr_assert_eq(mm_setup_stack(mm, top, 4 * PG), 0);
	cr_assert_eq(handle_user_fault(mm, top - 10 * PG, WR), 0);
	cr_assert_eq(find_vma(mm, top - 1)->vm_start, top - 10 * PG);
	cr_assert_eq(handle_user_fault(mm, top - STACK_RLIMIT - PG, WR), 11, "beyond RLIMIT_STACK");
	/* A mapping below: growth stops STACK_GUARD_GAP above it. */
	unsigned long below = top - 2 * 1024 * 1024;
	cr_assert_eq(do_mmap(mm, below - PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     NULL, 0), (long)(below - PG));
	cr_assert_eq(handle_user_fault(mm, below + STACK_GUARD_GAP - PG, WR), 11);
	cr_assert_eq(handle_user_fault(mm, below + STACK_GUARD_GAP, WR), 0);
	cr_assert_eq(vma_tree_check(mm), 0);
	mmput(mm);
	assert_all_freed();
}

Test(fault, madvise_dontneed_gives_back_zeroes)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long a = 0x70000000UL, x = 7, got = 1;

	cr_assert_eq(do_mmap(mm, a, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     NULL, 0), (long)a);
	cr_assert_eq(copy_to_user_mm(mm, a, &x, sizeof(x)), 0);
	cr_assert_eq(mm_rss(mm), 1UL);
	cr_assert_eq(do_madvise(mm, a, 2 * PG, MADV_DONTNEED), 0);
	cr_assert_eq(mm_rss(mm), 0UL);
	cr_assert_eq(copy_from_user_mm(mm, &got, a, sizeof(got)), 0);
	cr_assert_eq(got, 0UL);
	mmput(mm);
	assert_all_freed();
}

/* fork copies exactly the PTEs that exist, wherever they are in their
 * tables (zero-page PTEs too), and nothing else. */
Test(fault, fork_copies_sparse_ptes)
{
	struct mm_struct *p = mm_alloc(), *c;
	unsigned long a = 0x7fe00000UL, len = 1024 * PG;        /* crosses a 2 MiB boundary */
	static const unsigned long at[] = { 5, 511, 512, 700, 1023 };
	unsigned long v, got;

	cr_assert_eq(do_mmap(p, a, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     NULL, 0), (long)a);
	for (unsigned i = 0; i < 5; i++) {
		v = at[i];
		cr_assert_eq(copy_to_user_mm(p, a + at[i] * PG, &v, sizeof(v)), 0);
	}
	cr_assert_eq(handle_user_fault(p, a + 600 * PG, RD), 0);
	c = dup_mm(p);
	cr_assert_not_null(c);
	cr_assert_eq(mm_rss(c), 5UL);
	for (unsigned long i = 0; i < 1024; i++) {
		struct page *pp = follow_page(p, a + i * PG, NULL), *cp = follow_page(c, a + i * PG, NULL);

		cr_assert_eq(pp, cp, "page %lu", i);
	}
	for (unsigned i = 0; i < 5; i++) {
		cr_assert_eq(copy_from_user_mm(c, &got, a + at[i] * PG, sizeof(got)), 0);
		cr_assert_eq(got, at[i]);
	}
	mmput(p);
	mmput(c);
	assert_all_freed();
}

/* mremap grows in place when it can, else moves the pages (no copy: the
 * same pages, their rmap entries following), and MREMAP_FIXED replaces. */
Test(fault, mremap_grows_in_place_or_moves_the_pages)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long a = 0x10000000UL, v, got;
	long r;

	cr_assert_eq(do_mmap(mm, a, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     NULL, 0), (long)a);
	for (v = 0; v < 3; v++)
		cr_assert_eq(copy_to_user_mm(mm, a + v * PG, &v, sizeof(v)), 0);
	cr_assert_eq(do_mremap(mm, a, 3 * PG, 5 * PG, 0, 0), (long)a);
	cr_assert_eq(find_vma(mm, a)->vm_end, a + 5 * PG);
	cr_assert_eq(mm_total_vm(mm), 5UL);
	/* Blocked after: without MAYMOVE ENOMEM, with it a move. */
	cr_assert_eq(do_mmap(mm, a + 5 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
		     (long)(a + 5 * PG));
	cr_assert_eq(do_mremap(mm, a, 5 * PG, 8 * PG, 0, 0), -12);
	struct page *p1 = follow_page(mm, a + PG, NULL);
	unsigned long cow0 = ev(COW_FAULT);
	r = do_mremap(mm, a, 5 * PG, 8 * PG, MREMAP_MAYMOVE, 0);
	cr_assert_gt(r, 0);
	cr_assert_neq(r, (long)a);
	cr_assert_null(follow_page(mm, a + PG, NULL));
	cr_assert_eq(follow_page(mm, (unsigned long)r + PG, NULL), p1, "the same page, moved");
	for (v = 0; v < 3; v++) {
		cr_assert_eq(copy_from_user_mm(mm, &got, (unsigned long)r + v * PG, sizeof(got)), 0);
		cr_assert_eq(got, v);
	}
	cr_assert_eq(ev(COW_FAULT), cow0);
	cr_assert_eq(mm_total_vm(mm), 9UL);
	/* MREMAP_FIXED onto the one-page mapping's place replaces it. */
	cr_assert_eq(do_mremap(mm, (unsigned long)r, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			       a + 4 * PG), (long)(a + 4 * PG));
	cr_assert_eq(copy_from_user_mm(mm, &got, a + 5 * PG, sizeof(got)), 0);
	cr_assert_eq(got, 1UL);
	cr_assert_eq(vma_tree_check(mm), 0);
	/* fork + CoW + exit after the moves: the rmap must know the new addresses. */
	struct mm_struct *c = dup_mm(mm);
	v = 9;
	cr_assert_eq(copy_to_user_mm(c, a + 5 * PG, &v, sizeof(v)), 0);
	mmput(c);
	mmput(mm);
	assert_all_freed();
}

/* The same fork and CoW figure with 5-level page tables (the p4d level
 * real, as under QEMU with LA57), and teardown freeing every table. */
static void setup5(void)
{
	mm_user_boot_levels(5);
	mm_user_settle();
	before = avail_pages();
}

Test(fault5, fork_cow_with_five_level_tables, .init = setup5)
{
	struct mm_struct *p = mm_alloc(), *c;
	unsigned long a = 0x7f0000000000UL, v, cow0;

	cr_assert(pgtable_l5_enabled());
	cr_assert_eq(do_mmap(p, a, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     NULL, 0), (long)a);
	for (v = 0; v < 8; v++)
		cr_assert_eq(copy_to_user_mm(p, a + v * PG, &v, sizeof(v)), 0);
	c = dup_mm(p);
	cow0 = ev(COW_FAULT);
	for (v = 0; v < 3; v++)
		cr_assert_eq(copy_to_user_mm(c, a + v * PG, &v, sizeof(v)), 0);
	cr_assert_eq(ev(COW_FAULT) - cow0, 3UL);
	mmput(c);
	mmput(p);
	assert_all_freed();
}

/* munmap frees the page tables of the hole it leaves (Linux's
 * free_pgtables), not those a neighbour still uses. */
Test(fault, munmap_frees_the_page_tables_of_the_hole)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long a = 0x40000000UL, t0, t1;

	t0 = nr_page_table_pages();
	cr_assert_eq(do_mmap(mm, a, 8UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     NULL, 0), (long)a);
	for (unsigned long off = 0; off < (8UL << 20); off += 2UL << 20)
		cr_assert_eq(handle_user_fault(mm, a + off, WR), 0);
	t1 = nr_page_table_pages();
	cr_assert_eq(t1 - t0, 2 + 4UL, "a pud, a pmd and 4 pte tables: %lu", t1 - t0);
	/* The middle 4 MiB: two pte tables go, the rest stays. */
	cr_assert_eq(do_munmap(mm, a + (2UL << 20), 4UL << 20), 0);
	cr_assert_eq(nr_page_table_pages(), t1 - 2);
	cr_assert_eq(handle_user_fault(mm, a, RD), 0, "the first table still works");
	cr_assert_eq(do_munmap(mm, a, 8UL << 20), 0);
	cr_assert_lt(nr_page_table_pages(), t1 - 2);
	mmput(mm);
	assert_all_freed();
}

/* Random mmap/munmap/mprotect/madvise/fork/read/write against a shadow
 * model of 64 pages: every access gives what the model says, the tree
 * stays consistent, no two neighbours that could merge are left apart,
 * and teardown frees everything. */
#define RPAGES 64
struct shadow {
	bool mapped;
	unsigned long prot;
	unsigned long val;
};

static bool mergeable_neighbours(struct mm_struct *mm)
{
	struct vm_area_struct *v, *prev = NULL;

	for_each_vma(mm, v) {
		if (prev && prev->vm_end == v->vm_start && prev->vm_flags == v->vm_flags &&
		    !prev->vm_mapping && !v->vm_mapping)
			return true;
		prev = v;
	}
	return false;
}

Test(fault, random_operations_against_a_model, .timeout = 60)
{
	struct mm_struct *mm = mm_alloc();
	struct shadow sh[RPAGES] = { 0 };
	const unsigned long base = 0x50000000UL;
	unsigned int seed = getenv("MM_SEED") ? (unsigned int)atoi(getenv("MM_SEED")) : 12345;
	unsigned int moves = 0;

	for (int step = 0; step < 3000; step++) {
		unsigned long p = rand_r(&seed) % RPAGES, n = 1 + rand_r(&seed) % 8, v;
		int op = rand_r(&seed) % 9;

		if (p + n > RPAGES)
			n = RPAGES - p;
		unsigned long a = base + p * PG;
		switch (op) {
		case 0: {       /* mmap MAP_FIXED */
			unsigned long prot = rand_r(&seed) % 2 ? PROT_READ | PROT_WRITE : PROT_READ;

			cr_assert_eq(do_mmap(mm, a, n * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0),
				     (long)a);
			for (unsigned long i = p; i < p + n; i++)
				sh[i] = (struct shadow){ true, prot, 0 };
			break;
		}
		case 1:
			cr_assert_eq(do_munmap(mm, a, n * PG), 0);
			for (unsigned long i = p; i < p + n; i++)
				sh[i].mapped = false;
			break;
		case 2: {
			unsigned long prot = rand_r(&seed) % 2 ? PROT_READ | PROT_WRITE : PROT_READ;
			bool all = true;

			for (unsigned long i = p; i < p + n; i++)
				all &= sh[i].mapped;
			cr_assert_eq(do_mprotect(mm, a, n * PG, prot), all ? 0 : -12, "step %d", step);
			if (all)
				for (unsigned long i = p; i < p + n; i++)
					sh[i].prot = prot;
			break;
		}
		case 3: {
			bool all = true;

			for (unsigned long i = p; i < p + n; i++)
				all &= sh[i].mapped;
			cr_assert_eq(do_madvise(mm, a, n * PG, MADV_DONTNEED), all ? 0 : -12);
			if (all)
				for (unsigned long i = p; i < p + n; i++)
					sh[i].val = 0;
			break;
		}
		case 4: {       /* fork; the child scribbles; the parent must not see it */
			struct mm_struct *c = dup_mm(mm);

			cr_assert_not_null(c);
			for (unsigned long i = 0; i < RPAGES; i++) {
				v = 0xdead;
				if (sh[i].mapped && (sh[i].prot & PROT_WRITE))
					cr_assert_eq(copy_to_user_mm(c, base + i * PG, &v, sizeof(v)), 0);
			}
			mmput(c);
			break;
		}
		case 5: case 6: {       /* write */
			v = (unsigned long)step + 1;
			bool ok = sh[p].mapped && (sh[p].prot & PROT_WRITE);

			cr_assert_eq(copy_to_user_mm(mm, a + 8, &v, sizeof(v)), ok ? 0 : -14, "step %d", step);
			if (ok)
				sh[p].val = v;
			break;
		}
		case 7: {       /* mremap MREMAP_FIXED of a range inside one VMA */
			unsigned long q = rand_r(&seed) % RPAGES;
			struct vm_area_struct *vma = find_vma(mm, a);
			struct shadow moved[8];

			if (!vma || vma->vm_start > a || vma->vm_end < a + n * PG || q + n > RPAGES ||
			    (q < p + n && p < q + n))
				break;
			cr_assert_eq(do_mremap(mm, a, n * PG, n * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
					       base + q * PG), (long)(base + q * PG), "step %d", step);
			for (unsigned long i = 0; i < n; i++) {
				moved[i] = sh[p + i];
				sh[p + i].mapped = false;
			}
			for (unsigned long i = 0; i < n; i++)
				sh[q + i] = moved[i];
			moves++;
			break;
		}
		default:        /* read */
			v = ~0UL;
			cr_assert_eq(copy_from_user_mm(mm, &v, a + 8, sizeof(v)), sh[p].mapped ? 0 : -14);
			if (sh[p].mapped)
				cr_assert_eq(v, sh[p].val, "step %d page %lu", step, p);
			break;
		}
		cr_assert_eq(vma_tree_check(mm), 0, "step %d", step);
		cr_assert_not(mergeable_neighbours(mm), "step %d: neighbours left unmerged", step);
		unsigned long mapped = 0;
		for (unsigned long i = 0; i < RPAGES; i++)
			mapped += sh[i].mapped;
		cr_assert_eq(mm_total_vm(mm), mapped, "step %d", step);
	}
	cr_assert_gt(moves, 0U, "the mremap case ran");
	mmput(mm);
	assert_all_freed();
}

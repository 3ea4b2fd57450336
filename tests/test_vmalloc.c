/*
 * The vmap_area range allocator of guest/mm/vmalloc.c, on the host: every
 * allocation is compared with a page-by-page model of the range (lowest
 * aligned fit, a guard page after each area, freed ranges unusable until
 * the purge, one flush per purge covering the batch), under random and
 * deliberate fragmentation, with the allocator's own invariant check
 * (vmap_space_check) along the way.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <mm/mm.h>
#include <mm/vmalloc.h>
#include "mm_host.h"

#define SPACE_START 0xffffc90000000000UL

static unsigned long flushes, flush_start, flush_end;

static void count_flush(unsigned long start, unsigned long end)
{
	flushes++;
	flush_start = start;
	flush_end = end;
}

static void boot(void)
{
	mm_host_boot_simple(64ULL << 20, 1, -1);
	flushes = 0;
}

static void expect_ok(struct vmap_space *vs)
{
	const char *why = vmap_space_check(vs);

	cr_assert_null(why, "vmap_space_check: %s", why);
}

/* ---- A model: one byte per page, 0 free, 1 busy, 2 freed (lazy) ---- */

struct model {
	unsigned long start, pages;
	unsigned char *state;
};

static long model_find(const struct model *m, unsigned long pages, unsigned long align)
{
	unsigned long step = align / PAGE_SIZE;

	for (unsigned long first = 0; first + pages <= m->pages; ) {
		unsigned long addr = m->start + first * PAGE_SIZE, i;

		if (addr % align) {
			first += step - (addr / PAGE_SIZE) % step;
			continue;
		}
		for (i = 0; i < pages && m->state[first + i] == 0; i++)
			;
		if (i == pages)
			return (long)first;
		first += i + 1;
	}
	return -1;
}

static void model_set(struct model *m, unsigned long addr, unsigned long pages, unsigned char v)
{
	memset(m->state + (addr - m->start) / PAGE_SIZE, v, pages);
}

static unsigned long model_purge(struct model *m)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < m->pages; i++)
		if (m->state[i] == 2) {
			m->state[i] = 0;
			n++;
		}
	return n;
}

struct held {
	struct vmap_area *va;
	unsigned long pages;
};

Test(vmap_area, lowest_fit_matches_a_model_under_random_fragmentation, .timeout = 60)
{
	static struct vmap_space vs;
	const unsigned long pages = 8192;      /* 32 MiB of address space */
	static const unsigned long aligns[] = { PAGE_SIZE, PAGE_SIZE, PAGE_SIZE, 4 * PAGE_SIZE,
						16 * PAGE_SIZE, 2UL << 20 };
	struct model m = { SPACE_START, pages, calloc(pages, 1) };
	struct held *held = calloc(pages, sizeof(*held));
	unsigned long nheld = 0, lazy = 0, purges = 0, fails = 0;

	boot();
	cr_assert_eq(vmap_space_init(&vs, SPACE_START, SPACE_START + pages * PAGE_SIZE, count_flush), 0);
	vs.lazy_max_pages = 300;
	srandom(42);
	for (int op = 0; op < 20000; op++) {
		if (nheld == 0 || random() % 100 < 55) {
			/* size + the guard page, as __get_vm_area_node asks */
			unsigned long n = 1 + (random() % 100 < 90 ? random() % 8 : random() % 200);
			unsigned long align = aligns[random() % 6];
			long want = model_find(&m, n + 1, align);

			if (want < 0 && lazy) {         /* the allocator purges and retries */
				model_purge(&m);
				lazy = 0;
				purges++;
				want = model_find(&m, n + 1, align);
			}
			struct vmap_area *va = alloc_vmap_area(&vs, (n + 1) * PAGE_SIZE, align, 0);
			if (want < 0) {
				cr_assert_null(va, "op %d: allocated 0x%lx where the model has no room", op,
					       va ? va->va_start : 0);
				fails++;
				continue;
			}
			cr_assert_not_null(va, "op %d: no room for %lu pages, model found page %ld", op, n + 1, want);
			cr_assert_eq(va->va_start, m.start + (unsigned long)want * PAGE_SIZE,
				     "op %d: %lu pages aligned 0x%lx at 0x%lx, lowest fit is 0x%lx", op, n + 1,
				     align, va->va_start, m.start + (unsigned long)want * PAGE_SIZE);
			cr_assert_eq(va->va_start % align, 0);
			model_set(&m, va->va_start, n + 1, 1);
			held[nheld++] = (struct held){ va, n + 1 };
		} else {
			unsigned long k = (unsigned long)random() % nheld;
			struct held h = held[k];

			held[k] = held[--nheld];
			model_set(&m, h.va->va_start, h.pages, 2);
			lazy += h.pages;
			free_vmap_area_noflush(&vs, h.va);
			if (lazy > vs.lazy_max_pages) {         /* it purged on its own */
				model_purge(&m);
				lazy = 0;
				purges++;
			}
		}
		if (op % 500 == 0)
			expect_ok(&vs);
		cr_assert_eq(flushes, purges, "op %d: %lu flushes for %lu purges", op, flushes, purges);
	}
	expect_ok(&vs);
	cr_expect_gt(purges, 10, "the test should purge often (%lu)", purges);
	cr_expect_gt(fails, 0, "the test should fill the space at times");
	cr_log_info("%lu purges, %lu failed allocations, %lu areas held at the end", purges, fails, nheld);
	free(m.state);
	free(held);
}

Test(vmap_area, holes_too_small_are_skipped_and_free_ranges_coalesce)
{
	static struct vmap_space vs;
	struct vmap_area *va[1000], *big;
	struct vmap_space_info info;

	boot();
	cr_assert_eq(vmap_space_init(&vs, SPACE_START, SPACE_START + (64UL << 20), count_flush), 0);
	for (int i = 0; i < 1000; i++) {
		va[i] = alloc_vmap_area(&vs, 2 * PAGE_SIZE, PAGE_SIZE, 0);   /* 1 page + guard */
		cr_assert_eq(va[i]->va_start, SPACE_START + (unsigned long)i * 2 * PAGE_SIZE,
			     "areas are packed lowest first, each with its guard page");
	}
	for (int i = 0; i < 1000; i += 2)
		free_vmap_area_noflush(&vs, va[i]);
	cr_assert_eq(flushes, 0, "freeing is lazy");
	/* Lazily freed: not reusable before the purge. */
	big = alloc_vmap_area(&vs, 2 * PAGE_SIZE, PAGE_SIZE, 0);
	cr_assert_eq(big->va_start, SPACE_START + 2000 * PAGE_SIZE);
	free_vmap_area_noflush(&vs, big);
	cr_assert(__purge_vmap_area_lazy(&vs));
	cr_assert_eq(flushes, 1, "one flush for the whole batch");
	cr_assert_eq(flush_start, SPACE_START);
	cr_assert_eq(flush_end, SPACE_START + 2002 * PAGE_SIZE);
	vmap_space_info(&vs, &info);
	cr_assert_eq(info.nr_free, 501, "500 holes of 2 pages and the rest (got %lu)", info.nr_free);
	cr_assert_eq(info.largest_free, (64UL << 20) - 2000 * PAGE_SIZE);
	expect_ok(&vs);

	/* 3 pages fit no 2-page hole: the first fit is after the last area. */
	big = alloc_vmap_area(&vs, 3 * PAGE_SIZE, PAGE_SIZE, 0);
	cr_assert_eq(big->va_start, SPACE_START + 2000 * PAGE_SIZE);
	/* 2 pages fit the lowest hole. */
	va[0] = alloc_vmap_area(&vs, 2 * PAGE_SIZE, PAGE_SIZE, 0);
	cr_assert_eq(va[0]->va_start, SPACE_START);
	expect_ok(&vs);

	free_vmap_area_noflush(&vs, va[0]);
	for (int i = 1; i < 1000; i += 2)
		free_vmap_area_noflush(&vs, va[i]);
	free_vmap_area_noflush(&vs, big);
	__purge_vmap_area_lazy(&vs);
	vmap_space_info(&vs, &info);
	cr_assert_eq(info.nr_free, 1, "everything free is one range again");
	cr_assert_eq(info.nr_busy, 0);
	cr_assert_eq(info.free_bytes, 64UL << 20);
	expect_ok(&vs);
}

Test(vmap_area, a_full_space_fails_then_succeeds_after_the_purge_it_triggers)
{
	static struct vmap_space vs;
	struct vmap_area *va[16];

	boot();
	cr_assert_eq(vmap_space_init(&vs, SPACE_START, SPACE_START + 64 * PAGE_SIZE, count_flush), 0);
	for (int i = 0; i < 16; i++)
		cr_assert_not_null(va[i] = alloc_vmap_area(&vs, 4 * PAGE_SIZE, PAGE_SIZE, 0));
	cr_assert_null(alloc_vmap_area(&vs, PAGE_SIZE, PAGE_SIZE, 0), "the space is full");
	cr_assert_eq(flushes, 0, "nothing lazy: no purge");
	free_vmap_area_noflush(&vs, va[5]);
	free_vmap_area_noflush(&vs, va[6]);
	cr_assert_not_null(va[5] = alloc_vmap_area(&vs, 8 * PAGE_SIZE, PAGE_SIZE, 0),
			   "the allocation purges the lazy areas and retries");
	cr_assert_eq(flushes, 1);
	cr_assert_eq(va[5]->va_start, SPACE_START + 20 * PAGE_SIZE);
	cr_assert_null(alloc_vmap_area(&vs, PAGE_SIZE, PAGE_SIZE, 0));
	expect_ok(&vs);
}

Test(vmap_area, alignment_leaves_the_skipped_part_free)
{
	static struct vmap_space vs;
	struct vmap_area *a, *b, *c;

	boot();
	cr_assert_eq(vmap_space_init(&vs, SPACE_START, SPACE_START + (16UL << 20), count_flush), 0);
	a = alloc_vmap_area(&vs, 3 * PAGE_SIZE, PAGE_SIZE, 0);
	b = alloc_vmap_area(&vs, 5 * PAGE_SIZE, 2UL << 20, 0);
	cr_assert_eq(b->va_start, SPACE_START + (2UL << 20));
	c = alloc_vmap_area(&vs, 2 * PAGE_SIZE, PAGE_SIZE, 0);
	cr_assert_eq(c->va_start, a->va_end, "the gap before the aligned area stays usable");
	expect_ok(&vs);
}

Test(vmap_area, find_by_any_address_inside, .timeout = 30)
{
	static struct vmap_space vs;
	struct vmap_area *va[300];

	boot();
	cr_assert_eq(vmap_space_init(&vs, SPACE_START, SPACE_START + (64UL << 20), count_flush), 0);
	for (int i = 0; i < 300; i++)
		va[i] = alloc_vmap_area(&vs, (unsigned long)(1 + i % 7) * PAGE_SIZE, PAGE_SIZE, 0);
	for (int i = 0; i < 300; i += 3)
		free_vmap_area_noflush(&vs, va[i]);
	for (int i = 0; i < 300; i++) {
		struct vmap_area *f = find_vmap_area(&vs, va[i]->va_end - 1);

		cr_assert_eq(f, i % 3 ? va[i] : NULL, "area %d", i);
	}
	cr_assert_null(find_vmap_area(&vs, SPACE_START + (60UL << 20)));
}

/* 20000 areas: the trees stay balanced (vmap_space_check checks AVL
 * heights), so a lookup or a fit is ~15 steps however fragmented. */
Test(vmap_area, many_areas_stay_balanced, .timeout = 60)
{
	static struct vmap_space vs;
	static struct vmap_area *va[20000];
	struct vmap_space_info info;

	boot();
	cr_assert_eq(vmap_space_init(&vs, SPACE_START, SPACE_START + (1UL << 30), count_flush), 0);
	vs.lazy_max_pages = 1000;
	for (int i = 0; i < 20000; i++)
		cr_assert_not_null(va[i] = alloc_vmap_area(&vs, 2 * PAGE_SIZE, PAGE_SIZE, 0));
	for (int i = 0; i < 20000; i += 2)
		free_vmap_area_noflush(&vs, va[i]);
	__purge_vmap_area_lazy(&vs);
	vmap_space_info(&vs, &info);
	cr_assert_eq(info.nr_free, 10001);
	cr_assert_eq(info.nr_busy, 10000);
	cr_assert_leq(vs.free_root->height, 20, "AVL height %d for 10001 ranges", vs.free_root->height);
	cr_assert_leq(vs.busy_root->height, 20);
	expect_ok(&vs);
}

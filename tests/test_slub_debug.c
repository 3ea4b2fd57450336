/*
 * SLUB's debug mode (guest/mm/slub_debug.c, host build): every detection
 * reports in Linux's format with the cache's name and the object's
 * address, then panics (caught here by MM_HOST_PANICS): red zones on
 * either side and kmalloc's unused tail, poison written after free,
 * double free, a pointer that is not an object, a pointer that is not
 * kmalloc's at all. Also the slub_debug= syntax and per-cache flags.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <mm/mm.h>
#include <mm/slab.h>
#include "guest/mm/slab.h"
#include "mm_host.h"

#define MiB (1ULL << 20)

static void boot_debug(const char *slub_debug)
{
	mm_host_boot_simple(64 * MiB, 2, -1);
	setup_slub_debug(slub_debug);
	kmem_cache_init();
	mm_host_console_clear();
}

/* The report: banner with cache and finding, the object's address, then a
 * panic naming both. */
static void expect_report(bool panicked, const char *cache, const char *what, const void *object)
{
	const char *con = mm_host_console();
	char banner[128], obj[64];

	cr_assert(panicked, "no panic; console:\n%s", con);
	snprintf(banner, sizeof(banner), "BUG %s (Not tainted): %s", cache, what);
	snprintf(obj, sizeof(obj), "0x%lx", (unsigned long)object);
	cr_expect(strstr(con, "=============================================================================\n"
			      "BUG "), "%s", con);
	cr_expect(strstr(con, banner), "no \"%s\" in:\n%s", banner, con);
	cr_expect(strstr(con, obj), "object address %s not reported:\n%s", obj, con);
	cr_expect(strstr(mm_host_panic_message(), cache), "panic: %s", mm_host_panic_message());
	cr_expect(strstr(mm_host_panic_message(), obj), "panic: %s", mm_host_panic_message());
}

static void expect_object_line(const void *object)
{
	char line[64];

	snprintf(line, sizeof(line), "Object 0x%lx @offset=", (unsigned long)object);
	cr_expect(strstr(mm_host_console(), line), "no \"%s\" in:\n%s", line, mm_host_console());
}

Test(slub_debug, writing_past_an_object_is_caught_at_kfree)
{
	boot_debug("");
	char *p = kmalloc(64, GFP_KERNEL);

	p[64] = 0x42;
	expect_report(MM_HOST_PANICS(kfree(p)), "kmalloc-64", "Right Redzone overwritten", p);
	expect_object_line(p);
	cr_expect(strstr(mm_host_console(), "First byte 0x42 instead of 0xcc"), "%s", mm_host_console());
	cr_expect(strstr(mm_host_console(), "Allocated in "), "user tracking: %s", mm_host_console());
	cr_expect(strstr(mm_host_console(), "Redzone  "), "red zone dump: %s", mm_host_console());
}

Test(slub_debug, writing_before_an_object_is_caught_at_kfree)
{
	boot_debug("");
	char *p = kmalloc(128, GFP_KERNEL);

	p[-3] = 0;
	expect_report(MM_HOST_PANICS(kfree(p)), "kmalloc-128", "Left Redzone overwritten", p);
}

Test(slub_debug, writing_past_the_size_asked_inside_the_size_class_is_caught)
{
	boot_debug("");
	char *p = kmalloc(60, GFP_KERNEL);

	memset(p, 1, 60);       /* all of it: fine */
	p[61] = 0;
	expect_report(MM_HOST_PANICS(kfree(p)), "kmalloc-64", "kmalloc Redzone overwritten", p);
}

Test(slub_debug, a_write_after_free_is_caught_when_the_object_is_allocated_again)
{
	boot_debug("");
	char *p = kmalloc(64, GFP_KERNEL), *q = NULL;

	kfree(p);
	p[10] = 0x11;
	expect_report(MM_HOST_PANICS(q = kmalloc(64, GFP_KERNEL)), "kmalloc-64", "Poison overwritten", p);
	cr_expect_null(q);
	cr_expect(strstr(mm_host_console(), "First byte 0x11 instead of 0x6b"), "%s", mm_host_console());
	cr_expect(strstr(mm_host_console(), "Freed in "), "%s", mm_host_console());
}

Test(slub_debug, freed_memory_reads_as_poison)
{
	boot_debug("");
	unsigned char *p = kmalloc(32, GFP_KERNEL);

	cr_expect_eq(p[0], 0x6b, "a new object is poison too (uninitialised use shows)");
	memset(p, 0, 32);
	kfree(p);
	for (int i = 0; i < 31; i++)
		cr_assert_eq(p[i], 0x6b, "byte %d", i);
	cr_expect_eq(p[31], 0xa5);
}

Test(slub_debug, double_free_is_object_already_free)
{
	boot_debug("");
	void *p = kmalloc(96, GFP_KERNEL);

	kfree(p);
	expect_report(MM_HOST_PANICS(kfree(p)), "kmalloc-96", "Object already free", p);
	expect_object_line(p);
}

Test(slub_debug, a_pointer_inside_an_object_is_an_invalid_object_pointer)
{
	boot_debug("");
	char *p = kmalloc(256, GFP_KERNEL);

	expect_report(MM_HOST_PANICS(kfree(p + 8)), "kmalloc-256", "Invalid object pointer", p + 8);
}

Test(slub_debug, freeing_to_the_wrong_cache_is_reported)
{
	boot_debug("");
	struct kmem_cache *s = kmem_cache_create("test-wrong", 64, 0, 0, NULL);
	void *p = kmalloc(64, GFP_KERNEL);

	expect_report(MM_HOST_PANICS(kmem_cache_free(s, p)), "kmalloc-64", "Wrong slab cache", p);
	cr_expect(strstr(mm_host_console(), "Wrong slab cache. test-wrong but object is from kmalloc-64"));
}

Test(slub_debug, debug_flags_of_one_cache_at_creation)
{
	boot_debug(NULL);
	struct kmem_cache *s = kmem_cache_create("test-dbg", 100, 0,
						 SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
						 SLAB_POISON | SLAB_STORE_USER, NULL);
	char *p = kmem_cache_alloc(s, GFP_KERNEL);

	cr_expect_not(kmem_cache_debug(kmalloc_caches[6]), "kmalloc-64 is not debugged");
	p[100] = 7;
	expect_report(MM_HOST_PANICS(kmem_cache_free(s, p)), "test-dbg", "Right Redzone overwritten", p);
}

Test(slub_debug, slub_debug_with_flags_and_a_cache_list)
{
	boot_debug("=Z,kmalloc-128,kmalloc-2*");
	cr_expect_eq(kmalloc_caches[7]->flags & SLAB_DEBUG_FLAGS, SLAB_RED_ZONE);
	cr_expect_eq(kmalloc_caches[8]->flags & SLAB_DEBUG_FLAGS, SLAB_RED_ZONE, "kmalloc-256 by prefix");
	cr_expect_eq(kmalloc_caches[11]->flags & SLAB_DEBUG_FLAGS, SLAB_RED_ZONE, "kmalloc-2k by prefix");
	cr_expect_eq(kmalloc_caches[6]->flags & SLAB_DEBUG_FLAGS, 0, "kmalloc-64 not listed");
	cr_expect_eq(kmalloc_caches[2]->flags & SLAB_DEBUG_FLAGS, 0, "kmalloc-192 not listed");
}

Test(slub_debug, bare_slub_debug_is_fzpu_everywhere)
{
	boot_debug("");
	for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++)
		cr_expect_eq(kmalloc_caches[i]->flags & SLAB_DEBUG_FLAGS, SLAB_DEBUG_FLAGS, "%s",
			     kmem_cache_name(kmalloc_caches[i]));
}

/* No false alarm: a mixed workload through debug caches, including slabs
 * given back (whose every object is checked then) and objects freed by
 * another CPU. */
Test(slub_debug, a_correct_workload_raises_nothing)
{
	static const size_t sizes[] = { 1, 7, 8, 60, 64, 100, 192, 500, 1024, 3000, 4096, 8192 };
	void *obj[200];
	unsigned long seed = 7;

	boot_debug("");
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 200; i++) {
			size_t size = sizes[(i + round) % ARRAY_SIZE(sizes)];

			obj[i] = kmalloc(size, i & 1 ? GFP_KERNEL | __GFP_ZERO : GFP_KERNEL);
			cr_assert_not_null(obj[i]);
			memset(obj[i], i, size);
			if (i % 3 == 0)
				obj[i] = krealloc(obj[i], size + 50, GFP_KERNEL);
		}
		mm_host_set_cpu(round & 1);
		for (int n = 0; n < 200; n++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			int i = (int)((seed >> 33) % 200);
			while (!obj[i])
				i = (i + 1) % 200;
			kfree(obj[i]);
			obj[i] = NULL;
		}
		mm_host_set_cpu(0);
	}
	for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++)
		kmem_cache_shrink(kmalloc_caches[i]);
	cr_expect_not(strstr(mm_host_console(), "BUG "), "%s", mm_host_console());
}

/* Without slub_debug: the cheap checks that are always on. */
Test(slub_nodebug, double_free_to_the_cpu_freelist_is_caught)
{
	boot_debug(NULL);
	void *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	expect_report(MM_HOST_PANICS(kfree(p)), "kmalloc-64", "Object already free", p);
}

Test(slub_nodebug, double_free_to_another_cpus_slab_is_caught)
{
	boot_debug(NULL);
	void *p = kmalloc(64, GFP_KERNEL);

	mm_host_set_cpu(1);
	kfree(p);
	expect_report(MM_HOST_PANICS(kfree(p)), "kmalloc-64", "Object already free", p);
}

Test(slub_nodebug, kfree_of_memory_kmalloc_did_not_give_is_reported)
{
	boot_debug(NULL);
	struct page *page = alloc_pages(GFP_KERNEL, 1);
	char *p = page_address(page);

	cr_expect(MM_HOST_PANICS(kfree(p + 16)));
	cr_expect(strstr(mm_host_console(), "BUG kfree (Not tainted): invalid pointer 0x"),
		  "%s", mm_host_console());
	cr_expect(strstr(mm_host_panic_message(), "kfree of invalid pointer"));
	/* A page-aligned block from alloc_pages is not a kmalloc either. */
	mm_host_console_clear();
	cr_expect(MM_HOST_PANICS(kfree(p)));
	cr_expect(strstr(mm_host_console(), "page dumped because: kfree of an invalid pointer"));
}

Test(slub_nodebug, a_pointer_into_the_second_page_of_a_large_kmalloc_is_invalid)
{
	boot_debug(NULL);
	char *p = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);

	cr_expect(MM_HOST_PANICS(kfree(p + PAGE_SIZE)));
	cr_expect(strstr(mm_host_panic_message(), "kfree of invalid pointer"));
}

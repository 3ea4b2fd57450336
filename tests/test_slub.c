/*
 * SLUB (guest/mm/slub.c, host build): kmalloc's size classes, reuse of
 * freed objects, the per-CPU slab and partial lists filling and draining,
 * frees from another CPU, kmalloc_node, shrinking back to the page
 * allocator, krealloc, statistics, and many CPUs at once.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vmstat.h>
#include "guest/mm/slab.h"
#include <kernel/smp_call.h>
#include "mm_host.h"

#define MiB (1ULL << 20)

static void boot(unsigned int nr_cpus)
{
	mm_host_boot_simple(64 * MiB, nr_cpus, -1);
	page_alloc_init_late();         /* free page counts do not grow under us */
	setup_slub_debug(NULL);
	kmem_cache_init();
	mm_host_console_clear();
}

/* Two nodes of 32 MiB, CPUs alternating between them (cpu % 2). */
static void boot_numa(unsigned int nr_cpus)
{
	static const struct mm_host_mem mem[] = { { 0, 32 * MiB, 0 }, { 32 * MiB, 32 * MiB, 1 } };
	struct mm_host_machine m = {
		.nr_nodes = 2, .nr_cpus = nr_cpus, .mem = mem, .nr_mem = 2,
		.reserve_like_guest = true, .min_free_kbytes = -1,
	};

	mm_host_boot(&m);
	page_alloc_init_late();
	setup_slub_debug(NULL);
	kmem_cache_init();
	mm_host_console_clear();
}

static unsigned int chain_length(struct kmem_cache *s, void *object)
{
	unsigned int n = 0;

	for (; object; object = get_freepointer(s, object))
		n++;
	return n;
}

static unsigned long free_pages_now(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

/* ---- Size classes ---- */

static const unsigned int classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192 };

Test(slub_sizes, every_size_up_to_8k_gets_the_smallest_class_that_holds_it)
{
	boot(1);
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		unsigned int want = 0;

		for (size_t i = 0; i < ARRAY_SIZE(classes) && !want; i++)
			if (classes[i] >= size)
				want = classes[i];
		struct kmem_cache *s = kmalloc_slab(size);
		cr_assert_not_null(s, "size %zu", size);
		cr_assert_eq(kmem_cache_size(s), want, "size %zu: class %u, want %u", size,
			     kmem_cache_size(s), want);
		cr_assert_eq(kmalloc_caches[kmalloc_index(size)], s, "kmalloc_index(%zu)", size);
	}
}

Test(slub_sizes, classes_have_linux_names_and_96_192_exist)
{
	boot(1);
	cr_expect_str_eq(kmem_cache_name(kmalloc_caches[1]), "kmalloc-96");
	cr_expect_str_eq(kmem_cache_name(kmalloc_caches[2]), "kmalloc-192");
	cr_expect_str_eq(kmem_cache_name(kmalloc_caches[3]), "kmalloc-8");
	cr_expect_str_eq(kmem_cache_name(kmalloc_caches[10]), "kmalloc-1k");
	cr_expect_str_eq(kmem_cache_name(kmalloc_caches[13]), "kmalloc-8k");
	cr_expect_eq(kmalloc_index(65), 1);
	cr_expect_eq(kmalloc_index(96), 1);
	cr_expect_eq(kmalloc_index(97), 7);
	cr_expect_eq(kmalloc_index(129), 2);
	cr_expect_eq(kmalloc_index(193), 8);
}

Test(slub_sizes, constant_and_variable_sizes_agree_and_objects_are_naturally_aligned)
{
	volatile size_t var = 100;

	boot(1);
	void *a = kmalloc(100, GFP_KERNEL), *b = kmalloc(var, GFP_KERNEL);
	cr_assert(a && b);
	cr_expect_eq(ksize(a), 128);
	cr_expect_eq(ksize(b), 128);
	cr_expect_eq(virt_to_slab(a)->slab_cache, virt_to_slab(b)->slab_cache);
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		void *p = __kmalloc(classes[i], GFP_KERNEL);
		unsigned int align = classes[i] & -classes[i];   /* largest power of two dividing it */

		cr_assert_not_null(p);
		cr_expect_eq((unsigned long)p % align, 0, "kmalloc(%u) = %p", classes[i], p);
		kfree(p);
	}
	kfree(a);
	kfree(b);
}

Test(slub_sizes, zero_size_gives_zero_size_ptr_and_kfree_of_it_or_null_is_a_no_op)
{
	volatile size_t zero = 0;

	boot(1);
	cr_expect_eq(kmalloc(zero, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	cr_expect_eq(ksize(ZERO_SIZE_PTR), 0);
}

Test(slub_sizes, above_8k_comes_straight_from_the_page_allocator)
{
	boot(1);
	unsigned long before = free_pages_now();
	void *p = kmalloc(8193, GFP_KERNEL);
	struct page *page;

	cr_assert_not_null(p);
	page = virt_to_page(p);
	cr_expect_not(PageSlab(page));
	cr_expect(PageLargeKmalloc(page));
	cr_expect_eq(page_alloc_order(page), 2);
	cr_expect_eq(ksize(p), 4 * PAGE_SIZE);
	cr_expect_eq((unsigned long)p % PAGE_SIZE, 0);
	memset(p, 0x11, 8193);
	kfree(p);
	cr_expect_eq(free_pages_now(), before, "the 4 pages went back");
	cr_expect_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);
	cr_expect_not_null(p, "one MAX_PAGE_ORDER block");
	kfree(p);
}

Test(slub_sizes, large_kmallocs_count_as_unreclaimable_slab_pages)
{
	boot(1);
	unsigned long before = node_slab_pages(0, false);
	void *p = kmalloc(20000, GFP_KERNEL);      /* order 3 */

	cr_expect_eq(node_slab_pages(0, false), before + 8);
	kfree(p);
	cr_expect_eq(node_slab_pages(0, false), before);
}

/* ---- Reuse ---- */

Test(slub_reuse, a_freed_object_is_the_next_one_handed_out)
{
	boot(1);
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		void *p = __kmalloc(classes[i], GFP_KERNEL), *q;

		kfree(p);
		q = __kmalloc(classes[i], GFP_KERNEL);
		cr_expect_eq(q, p, "kmalloc-%u: freed %p, got %p", classes[i], p, q);
		kfree(q);
	}
}

static int ctor_calls;

static void ctor(void *obj)
{
	ctor_calls++;
	memcpy(obj, "constructed", 12);
}

Test(slub_reuse, constructor_runs_once_per_object_when_its_slab_is_made)
{
	boot(1);
	struct kmem_cache *s = kmem_cache_create("test-ctor", 48, 0, 0, ctor);
	cr_assert_not_null(s);
	char *p = kmem_cache_alloc(s, GFP_KERNEL);
	unsigned int per_slab = virt_to_slab(p)->objects;

	cr_expect_str_eq(p, "constructed");
	cr_expect_eq(ctor_calls, (int)per_slab, "ctor ran %d times for a slab of %u", ctor_calls, per_slab);
	kmem_cache_free(s, p);
	char *q = kmem_cache_alloc(s, GFP_KERNEL);
	cr_expect_eq(q, p);
	cr_expect_str_eq(q, "constructed", "the free pointer is outside a constructed object");
	cr_expect_eq(ctor_calls, (int)per_slab, "no ctor call on reuse");
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
}

Test(slub_reuse, kzalloc_zeroes_a_reused_object)
{
	boot(1);
	char *p = kmalloc(64, GFP_KERNEL);
	memset(p, 0xff, 64);
	kfree(p);
	char *q = kzalloc(64, GFP_KERNEL);
	cr_assert_eq(q, p);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(q[i], 0, "byte %d", i);
	kfree(q);
}

/* ---- The per-CPU level ---- */

Test(slub_percpu, the_first_allocation_fills_the_cpu_freelist_from_a_new_slab)
{
	boot(2);
	struct kmem_cache *s = kmem_cache_create("test-128", 128, 0, 0, NULL);
	struct kmem_cache_cpu *c = &s->cpu_slab[0];
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	unsigned int objects = oo_objects(s->oo);

	cr_assert_not_null(p);
	cr_expect_eq(slab_stat(s, ALLOC_SLAB), 1);
	cr_expect_eq(slab_stat(s, ALLOC_SLOWPATH), 1);
	cr_assert_not_null(c->slab);
	cr_expect(c->slab->frozen);
	cr_expect_eq(virt_to_slab(p), c->slab);
	cr_expect_eq(chain_length(s, c->freelist), objects - 1, "the rest of the slab is this CPU's");
	cr_expect_null(c->slab->freelist, "the slab's own freelist is empty while frozen");

	/* The rest of the slab: all fast path. */
	for (unsigned int i = 1; i < objects; i++)
		cr_assert_not_null(kmem_cache_alloc(s, GFP_KERNEL));
	cr_expect_eq(slab_stat(s, ALLOC_SLOWPATH), 1);
	cr_expect_null(c->freelist);
	/* One more: the slab is full, a new one becomes the CPU slab. */
	struct slab *first = c->slab;
	cr_assert_not_null(kmem_cache_alloc(s, GFP_KERNEL));
	cr_expect_eq(slab_stat(s, ALLOC_SLOWPATH), 2);
	cr_expect_eq(slab_stat(s, DEACTIVATE_BYPASS), 1);
	cr_expect_eq(slab_stat(s, ALLOC_SLAB), 2);
	cr_expect_neq(c->slab, first);
	cr_expect_not(first->frozen, "a full slab given up is unfrozen, on no list");
	cr_expect_eq(first->inuse, objects);
}

Test(slub_percpu, a_free_into_a_full_slab_puts_it_on_the_cpu_partial_list_and_shrink_drains_it)
{
	boot(2);
	struct kmem_cache *s = kmem_cache_create("test-256", 256, 0, 0, NULL);
	struct kmem_cache_cpu *c = &s->cpu_slab[0];
	unsigned int objects = oo_objects(s->oo);
	void *obj[64];
	struct slabinfo si;

	cr_assert_leq(objects, 32);
	for (unsigned int i = 0; i < objects + 1; i++)
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
	struct slab *full = virt_to_slab(obj[0]);
	cr_assert_neq(c->slab, full);
	kmem_cache_free(s, obj[0]);
	cr_expect_eq(slab_stat(s, CPU_PARTIAL_FREE), 1);
	cr_expect_eq(c->partial, full);
	cr_expect_eq(full->inuse, objects - 1);
	for (unsigned int i = 1; i < objects; i++)
		kmem_cache_free(s, obj[i]);
	cr_expect_eq(full->inuse, 0);

	/* Drain: the empty slab goes back, the CPU slab (1 object) to its node. */
	cr_expect_eq(kmem_cache_shrink(s), 1, "one object is still in use");
	cr_expect_null(c->slab);
	cr_expect_null(c->partial);
	cr_expect_null(c->freelist);
	cr_expect_eq(slab_stat(s, CPUSLAB_FLUSH), 1);
	get_slabinfo(s, &si);
	cr_expect_eq(si.num_slabs, 1);
	cr_expect_eq(si.active_objs, 1, "active_objs is exact after a flush");
	cr_expect_eq(s->node[0]->nr_partial, 1);
	kmem_cache_free(s, obj[objects]);
	cr_expect_eq(kmem_cache_shrink(s), 0);
	get_slabinfo(s, &si);
	cr_expect_eq(si.num_slabs, 0);
	kmem_cache_destroy(s);
}

Test(slub_percpu, a_cpu_partial_list_longer_than_cpu_partial_slabs_drains_to_the_node)
{
	boot(2);
	struct kmem_cache *s = kmem_cache_create("test-512", 512, 0, 0, NULL);
	unsigned int objects = oo_objects(s->oo), nr_slabs = s->cpu_partial_slabs + 3;
	unsigned int n = objects * nr_slabs;
	void **obj = calloc(n + 1, sizeof(void *));

	for (unsigned int i = 0; i < n + 1; i++)
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* One free into each full slab: each goes onto CPU 0's partial list. */
	for (unsigned int i = 0; i < n; i += objects)
		kmem_cache_free(s, obj[i]);
	cr_expect_eq(slab_stat(s, CPU_PARTIAL_FREE), nr_slabs);
	cr_expect_geq(slab_stat(s, CPU_PARTIAL_DRAIN), 1);
	cr_expect_geq(s->node[0]->nr_partial, s->cpu_partial_slabs, "drained slabs are on the node");
	cr_expect_leq(s->cpu_slab[0].partial->slabs, (int)s->cpu_partial_slabs);
	cr_expect_eq(s->node[0]->partial_free, s->node[0]->nr_partial, "one free object in each");

	/* CPU 1 takes a node partial slab for its CPU slab (and some more). */
	mm_host_set_cpu(1);
	cr_assert_not_null(kmem_cache_alloc(s, GFP_KERNEL));
	cr_expect_eq(slab_stat(s, ALLOC_FROM_PARTIAL), 1);
	cr_expect_eq(cpu_slab_stat(s, 1, ALLOC_SLAB), 0);
	mm_host_set_cpu(0);
	free(obj);
}

Test(slub_percpu, empty_slabs_beyond_min_partial_go_back_to_the_page_allocator_on_free)
{
	boot(1);
	struct kmem_cache *s = kmem_cache_create("test-1k", 1024, 0, 0, NULL);
	unsigned int objects = oo_objects(s->oo), n = objects * 40;
	void **obj = calloc(n, sizeof(void *));
	unsigned long before = free_pages_now();
	struct slabinfo si;

	for (unsigned int i = 0; i < n; i++)
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
	get_slabinfo(s, &si);
	cr_expect_eq(si.num_slabs, 40);
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(s, obj[i]);
	get_slabinfo(s, &si);
	cr_expect_leq(si.num_slabs, s->min_partial + s->cpu_partial_slabs + 1,
		      "%lu slabs kept (min_partial %lu, cpu_partial_slabs %u)", si.num_slabs,
		      s->min_partial, s->cpu_partial_slabs);
	cr_expect_geq(slab_stat(s, FREE_SLAB), 40 - (s->min_partial + s->cpu_partial_slabs + 1));
	kmem_cache_shrink(s);
	get_slabinfo(s, &si);
	cr_expect_eq(si.num_slabs, 0);
	cr_expect_eq(free_pages_now(), before, "every page is back");
	kmem_cache_destroy(s);
	free(obj);
}

Test(slub_percpu, a_free_from_another_cpu_reaches_the_owner_through_the_slab_freelist)
{
	boot(2);
	struct kmem_cache *s = kmem_cache_create("test-64", 64, 0, 0, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	struct slab *slab = virt_to_slab(p);

	mm_host_set_cpu(1);
	kmem_cache_free(s, p);
	cr_expect_eq(cpu_slab_stat(s, 1, FREE_FROZEN), 1);
	cr_expect_eq(slab->freelist, p, "remote frees go to the frozen slab's own list");
	mm_host_set_cpu(0);
	/* Use up CPU 0's freelist; the next allocation refills from the slab. */
	while (s->cpu_slab[0].freelist)
		kmem_cache_alloc(s, GFP_KERNEL);
	void *q = kmem_cache_alloc(s, GFP_KERNEL);
	cr_expect_eq(q, p);
	cr_expect_eq(cpu_slab_stat(s, 0, ALLOC_REFILL), 1);
	cr_expect_eq(slab_stat(s, ALLOC_SLAB), 1);
}

/* ---- NUMA ---- */

Test(slub_numa, kmalloc_node_takes_memory_from_the_node_asked)
{
	boot_numa(2);
	void *local = kmalloc(64, GFP_KERNEL);
	void *remote = kmalloc_node(64, GFP_KERNEL, 1);
	void *large = kmalloc_node(30000, GFP_KERNEL, 1);

	cr_expect_eq(page_to_nid(virt_to_page(local)), 0, "CPU 0 is on node 0");
	cr_expect_eq(page_to_nid(virt_to_page(remote)), 1);
	cr_expect_eq(page_to_nid(virt_to_page(large)), 1);
	cr_expect_eq(slab_stat(kmalloc_caches[6], ALLOC_NODE_MISMATCH), 1);
	cr_expect_eq(page_to_nid(virt_to_page(kmalloc_node(64, GFP_KERNEL, 0))), 0);
	cr_expect_eq(page_to_nid(virt_to_page(kmalloc_node(64, GFP_KERNEL, NUMA_NO_NODE))), 0);
	mm_host_set_cpu(1);
	cr_expect_eq(page_to_nid(virt_to_page(kmalloc(64, GFP_KERNEL))), 1, "CPU 1 is on node 1");
	mm_host_set_cpu(0);
	kfree(large);
}

Test(slub_numa, each_node_has_its_own_partial_list)
{
	boot_numa(2);
	struct kmem_cache *s = kmem_cache_create("test-numa", 200, 0, 0, NULL);
	void *a = kmem_cache_alloc_node(s, GFP_KERNEL, 0);
	void *b = kmem_cache_alloc_node(s, GFP_KERNEL, 1);

	kmem_cache_shrink(s);
	cr_expect_eq(s->node[0]->nr_partial, 1);
	cr_expect_eq(s->node[1]->nr_partial, 1);
	cr_expect_eq(__atomic_load_n(&s->node[1]->nr_slabs, __ATOMIC_RELAXED), 1);
	cr_expect_eq(slab_nid(virt_to_slab(b)), 1);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	cr_expect_eq(kmem_cache_shrink(s), 0);
	kmem_cache_destroy(s);
}

/* ---- krealloc, destroy, statistics ---- */

Test(slub_misc, krealloc_keeps_contents_and_resizes_in_place_when_it_fits)
{
	boot(1);
	char *p = krealloc(NULL, 40, GFP_KERNEL);
	cr_assert_not_null(p);
	memcpy(p, "0123456789012345678901234567890123456789", 40);
	cr_expect_eq(krealloc(p, 60, GFP_KERNEL), p, "fits in kmalloc-64");
	char *q = krealloc(p, 500, GFP_KERNEL);
	cr_assert_not_null(q);
	cr_expect_neq(q, p);
	cr_expect_eq(memcmp(q, "0123456789012345678901234567890123456789", 40), 0);
	cr_expect_eq(ksize(q), 512);
	char *r = krealloc(q, 20000, GFP_KERNEL);
	cr_expect_eq(memcmp(r, "0123456789012345678901234567890123456789", 40), 0);
	cr_expect(PageLargeKmalloc(virt_to_page(r)));
	cr_expect_eq(krealloc(r, 0, GFP_KERNEL), ZERO_SIZE_PTR);
}

Test(slub_misc, destroying_a_cache_with_objects_left_reports_and_keeps_it)
{
	boot(1);
	unsigned long before = free_pages_now();
	struct kmem_cache *s = kmem_cache_create("test-leak", 100, 0, 0, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_destroy(s);
	cr_expect(strstr(mm_host_console(), "kmem_cache_destroy test-leak: Slab cache still has objects"),
		  "%s", mm_host_console());
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
	cr_expect_eq(free_pages_now(), before, "slabs and the cache's own memory are back");
	cr_expect_not(strstr(mm_host_console(), "still has objects (0"));
}

Test(slub_misc, slabinfo_counts_objects_and_slabs)
{
	boot(1);
	struct kmem_cache *s = kmalloc_caches[8];     /* kmalloc-256 */
	struct slabinfo si;
	void *obj[40];

	kmem_cache_shrink(s);
	get_slabinfo(s, &si);
	unsigned long active0 = si.active_objs;
	for (int i = 0; i < 40; i++)
		obj[i] = kmalloc(256, GFP_KERNEL);
	kmem_cache_shrink(s);
	get_slabinfo(s, &si);
	cr_expect_eq(si.active_objs, active0 + 40);
	cr_expect_eq(si.num_objs, si.num_slabs * si.objects_per_slab);
	cr_expect_eq(si.objsize, 256);
	cr_expect_eq(si.objects_per_slab, (PAGE_SIZE << si.cache_order) / 256);
	cr_expect_geq(node_slab_pages(0, false), si.num_slabs << si.cache_order);
	for (int i = 0; i < 40; i++)
		kfree(obj[i]);
	kmem_cache_shrink(s);
	get_slabinfo(s, &si);
	cr_expect_eq(si.active_objs, active0);

	show_slabinfo();
	cr_expect(strstr(mm_host_console(), "slabinfo - version: 2.1\n"));
	cr_expect(strstr(mm_host_console(), "# name            <active_objs> <num_objs> <objsize>"));
	cr_expect(strstr(mm_host_console(), "\nkmalloc-256 "), "%s", mm_host_console());
	cr_expect(strstr(mm_host_console(), "\nkmem_cache_node "), "%s", mm_host_console());
}

Test(slub_misc, reclaimable_caches_count_apart)
{
	boot(1);
	struct kmem_cache *s = kmem_cache_create("test-recl", 64, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	unsigned long r0 = node_slab_pages(0, true);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	cr_expect_eq(node_slab_pages(0, true), r0 + (1UL << oo_order(s->oo)));
	kmem_cache_free(s, p);
	kmem_cache_shrink(s);
	cr_expect_eq(node_slab_pages(0, true), r0);
}

/* ---- Many CPUs at once ---- */

#define NTHREADS 4
#define ROUNDS   200000
#define RING     256

/* Objects handed from each thread to the next, which checks and frees them.
 * An object carries its own size (the index into sizes[] in its first
 * byte): a side array could be rewritten for the slot's next object while
 * the receiver still reads it. */
static struct {
	void *volatile slot[RING];
} ring[NTHREADS];

static const size_t sizes[] = { 8, 40, 64, 96, 150, 256, 700, 2000, 5000, 9000 };

static void fill(unsigned char *p, unsigned int idx, unsigned char v)
{
	p[0] = (unsigned char)idx;
	memset(p + 1, v, sizes[idx] - 1);
}

/* The object's size, or 0 if its contents are not the pattern V. */
static size_t check(const unsigned char *p, unsigned char v)
{
	if (p[0] >= ARRAY_SIZE(sizes))
		return 0;
	size_t n = sizes[p[0]];
	for (size_t i = 1; i < n; i++)
		if (p[i] != (unsigned char)(n ^ v))
			return 0;
	return n;
}

static void *stress(void *arg)
{
	unsigned int cpu = (unsigned int)(unsigned long)arg, next = (cpu + 1) % NTHREADS;
	unsigned long seed = 12345 + cpu, bad = 0;

	mm_host_set_cpu(cpu);
	for (unsigned int r = 0; r < ROUNDS; r++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		unsigned int idx = (unsigned int)((seed >> 33) % ARRAY_SIZE(sizes));
		unsigned int k = (unsigned int)(seed >> 45) % RING;
		unsigned char *p = kmalloc(sizes[idx], GFP_KERNEL);

		if (!p) {
			bad++;
			continue;
		}
		fill(p, idx, (unsigned char)(sizes[idx] ^ next));
		if ((seed >> 20) & 1) {         /* keep it local */
			if (!check(p, (unsigned char)next))
				bad++;
			kfree(p);
			continue;
		}
		/* Hand it to the next CPU; free what it was holding for us. */
		void *old = __atomic_exchange_n(&ring[next].slot[k], p, __ATOMIC_ACQ_REL);
		if (old) {
			if (!check(old, (unsigned char)next))
				bad++;
			kfree(old);
		}
		/* And free one the previous CPU handed us. */
		void *mine = __atomic_exchange_n(&ring[cpu].slot[(k + 7) % RING], NULL, __ATOMIC_ACQUIRE);
		if (mine) {
			if (!check(mine, (unsigned char)cpu))
				bad++;
			kfree(mine);
		}
	}
	return (void *)bad;
}

Test(slub_smp, four_cpus_allocating_and_freeing_each_others_objects, .timeout = 60)
{
	pthread_t t[NTHREADS];
	unsigned long before, bad = 0;
	struct slabinfo si;

	boot_numa(NTHREADS);
	before = free_pages_now();
	for (unsigned long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, stress, (void *)i);
	for (int i = 0; i < NTHREADS; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		bad += (unsigned long)ret;
	}
	cr_expect_eq(bad, 0, "%lu objects damaged or not allocated", bad);
	/* Sizes hide in the ring; free what is left. */
	for (int c = 0; c < NTHREADS; c++)
		for (int k = 0; k < RING; k++)
			if (ring[c].slot[k]) {
				cr_expect(check(ring[c].slot[k], (unsigned char)c));
				kfree(ring[c].slot[k]);
			}
	for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
		kmem_cache_shrink(kmalloc_caches[i]);
		get_slabinfo(kmalloc_caches[i], &si);
		cr_expect_eq(si.active_objs, 0, "%s: %lu objects left", kmem_cache_name(kmalloc_caches[i]),
			     si.active_objs);
		cr_expect_eq(si.num_slabs, 0, "%s", kmem_cache_name(kmalloc_caches[i]));
		for (int nid = 0; nid < 2; nid++)
			cr_expect_eq(kmalloc_caches[i]->node[nid]->partial_free, 0);
	}
	cr_expect_eq(free_pages_now(), before, "every page is back");
	cr_expect_null(mm_host_check(NULL, 0, false));
}

/* The guest's self-test, run here with the shim's CPUs taking turns. */
Test(slub_smp, guest_selftest_passes_on_the_host)
{
	boot_numa(4);
	cr_expect_eq(slub_selftest(on_each_cpu), 0, "%s", mm_host_console());
	cr_expect(strstr(mm_host_console(), "slub selftest: 13 passed, 0 failed"), "%s", mm_host_console());
}

/* ---- The counters page ---- */

#include <gmm/counters.h>
#include <mm/vmstat_page.h>

static long counter(const struct gmm_counters_header *h, const char *name, int node)
{
	const char *names = (const char *)h + h->names_offset;
	const uint64_t *values = (const uint64_t *)((const char *)h + h->values_offset);

	if (node < 0) {
		for (uint32_t i = 0; i < h->nr_global; i++)
			if (!strcmp(names + (size_t)i * GMM_COUNTER_NAME_LEN, name))
				return (long)values[i];
		return -1;
	}
	for (uint32_t j = 0; j < h->nr_per_node; j++)
		if (!strcmp(names + (size_t)(h->nr_global + j) * GMM_COUNTER_NAME_LEN, name))
			return (long)values[h->nr_global + (size_t)node * h->nr_per_node + j];
	return -1;
}

Test(slub_counters, every_boot_cache_has_its_slabinfo_row_and_nodes_their_slab_pages)
{
	static uint64_t region[GMM_COUNTERS_SIZE / 8];
	struct gmm_counters_header *h = (void *)region;
	char name[GMM_COUNTER_NAME_LEN + 8];
	struct slabinfo si;

	boot_numa(2);
	void *p = kmalloc_node(30000, GFP_KERNEL, 1);      /* 8 pages on node 1 */
	void *q[100];
	for (int i = 0; i < 100; i++)
		q[i] = kmalloc(192, GFP_KERNEL);
	kmem_cache_shrink(kmalloc_caches[2]);
	cr_assert_eq(vmstat_page_init(region, sizeof(region)), 0, "%s", mm_host_console());
	cr_assert_eq(h->magic, GMM_COUNTERS_MAGIC);
	for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
		struct kmem_cache *s = kmalloc_caches[i];

		get_slabinfo(s, &si);
		snprintf(name, sizeof(name), "slab.%s.objsize", kmem_cache_name(s));
		cr_expect_eq(counter(h, name, -1), (long)kmem_cache_size(s), "%s", name);
		snprintf(name, sizeof(name), "slab.%s.objperslab", kmem_cache_name(s));
		cr_expect_eq(counter(h, name, -1), (long)si.objects_per_slab, "%s", name);
		snprintf(name, sizeof(name), "slab.%s.pagesperslab", kmem_cache_name(s));
		cr_expect_eq(counter(h, name, -1), 1L << si.cache_order, "%s", name);
		snprintf(name, sizeof(name), "slab.%s.num_slabs", kmem_cache_name(s));
		cr_expect_eq(counter(h, name, -1), (long)si.num_slabs, "%s", name);
	}
	cr_expect_eq(counter(h, "slab.kmalloc-192.active_objs", -1), 100);
	cr_expect_geq(counter(h, "slab.kmem_cache.num_objs", -1), 13);
	cr_expect_eq(counter(h, "slab.kmem_cache_node.num_objs", -1), -1, "too long a name");
	cr_expect_eq(counter(h, "nr_slab_unreclaimable", 1), (long)node_slab_pages(1, false));
	cr_expect_geq(counter(h, "nr_slab_unreclaimable", 1), 8);
	cr_expect_eq(counter(h, "nr_slab_unreclaimable", -1),
		     (long)(node_slab_pages(0, false) + node_slab_pages(1, false)));
	cr_expect_eq(counter(h, "nr_slab_reclaimable", -1), 0);
	/* Published values follow. */
	for (int i = 0; i < 100; i++)
		kfree(q[i]);
	kfree(p);
	kmem_cache_shrink(kmalloc_caches[2]);
	vmstat_page_publish(1);
	cr_expect_eq(counter(h, "slab.kmalloc-192.active_objs", -1), 0);
	cr_expect_eq(counter(h, "slab.kmalloc-192.num_slabs", -1), 0);
	cr_expect_eq(counter(h, "nr_slab_unreclaimable", 1), (long)node_slab_pages(1, false));
}

/*
 * User memory from several CPUs at once (host build, one thread per
 * simulated CPU): four children of one parent copy-on-write the same
 * pages while each forks and exits grandchildren of its own. The shared
 * structures (page counts, the rmap lists under rmap_lock, the page
 * cache, SLUB) must keep every count exact: the copy and reuse figures are
 * deterministic, every process sees only its own data, and free memory
 * comes back to the page.
 */
#include <criterion/criterion.h>
#include <pthread.h>

#include "mm_user_host.h"

#define PG      4096UL
#define NCPU    4
#define NPAGES  32
#define ROUNDS  8
#define BASE    0x10000000UL

static struct mm_struct *parent, *child[NCPU];

static bool write_all(struct mm_struct *mm, unsigned long val)
{
	bool ok = true;

	for (unsigned long p = 0; p < NPAGES; p++) {
		unsigned long v = val * 1000 + p;

		ok &= copy_to_user_mm(mm, BASE + p * PG, &v, sizeof(v)) == 0;
	}
	return ok;
}

static bool check_all(struct mm_struct *mm, unsigned long val)
{
	bool ok = true;

	for (unsigned long p = 0; p < NPAGES; p++) {
		unsigned long v = ~0UL;

		ok &= copy_from_user_mm(mm, &v, BASE + p * PG, sizeof(v)) == 0 && v == val * 1000 + p;
	}
	return ok;
}

static void *cpu_main(void *arg)
{
	unsigned long cpu = (unsigned long)arg, bad = 0;
	struct mm_struct *c = child[cpu];

	mm_host_set_cpu((unsigned int)cpu);
	bad += !write_all(c, 10 + cpu);
	for (int r = 0; r < ROUNDS; r++) {
		struct mm_struct *gc = dup_mm(c);

		if (!gc)
			return (void *)1000UL;
		bad += !check_all(gc, 10 + cpu);
		bad += !write_all(gc, 100 + cpu);
		bad += !check_all(c, 10 + cpu);
		mmput(gc);
		bad += !write_all(c, 10 + cpu);         /* only c maps them now: reuse */
	}
	bad += !check_all(c, 10 + cpu);
	return (void *)bad;
}

Test(mm_smp, four_children_cow_the_same_pages_at_once, .timeout = 60)
{
	pthread_t t[NCPU];
	unsigned long before, bad = 0, cow0, reuse0;

	mm_host_boot_simple(64ULL << 20, NCPU, -1);
	page_alloc_init_late();
	mm_host_set_paging(4);
	mm_host_paging_init();
	setup_slub_debug(NULL);
	kmem_cache_init();
	mm_user_drain();
	before = avail_pages();

	parent = mm_alloc();
	cr_assert_eq(do_mmap(parent, BASE, NPAGES * PG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0), (long)BASE);
	cr_assert(write_all(parent, 1));
	for (int i = 0; i < NCPU; i++)
		cr_assert_not_null(child[i] = dup_mm(parent));
	cow0 = global_vm_event(COW_FAULT);
	reuse0 = global_vm_event(PGREUSE);
	for (unsigned long i = 0; i < NCPU; i++)
		pthread_create(&t[i], NULL, cpu_main, (void *)i);
	for (int i = 0; i < NCPU; i++) {
		void *ret;

		pthread_join(t[i], &ret);
		bad += (unsigned long)ret;
	}
	mm_host_set_cpu(0);
	cr_assert_eq(bad, 0UL, "%lu data checks failed", bad);
	cr_assert(check_all(parent, 1), "the parent's data is its own");
	cr_assert_eq(global_vm_event(COW_FAULT) - cow0, (unsigned long)NCPU * NPAGES * (1 + ROUNDS));
	cr_assert_eq(global_vm_event(PGREUSE) - reuse0, (unsigned long)NCPU * NPAGES * ROUNDS);
	for (unsigned long p = 0; p < NPAGES; p++) {
		struct page *pg = follow_page(parent, BASE + p * PG, NULL);

		cr_assert_eq(page_mapcount(pg), 1);
		cr_assert_eq(rmap_walk_anon(pg, NULL, NULL), 1);
	}
	for (int i = 0; i < NCPU; i++)
		mmput(child[i]);
	mmput(parent);
	mm_user_drain();
	cr_assert_eq(avail_pages(), before, "free pages %lu, before %lu", avail_pages(), before);
	cr_assert_eq((long)global_vm_event(NR_ANON_PAGES), 0L);
}

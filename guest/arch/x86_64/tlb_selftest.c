/*
 * Self-tests of the TLB shootdowns (switch tlb_selftest; asm/tlbflush.h),
 * on the CPU that runs them ("A", the boot CPU) and CPU 1 ("B"), the
 * others idle. One console line per check, "tlb selftest: ...: PASS|FAIL",
 * then "tlb selftest: N passed, M failed".
 *
 *   kernel mapping   a vmap page read on B, remapped to another page on A
 *                    and flushed: B reads the new page (one IPI per other
 *                    CPU: kernel mappings are everyone's)
 *   test mm          a second set of page tables (user half of its own,
 *                    kernel half shared) with 512 pages mapped, loaded on
 *                    A and B only; every PTE changed, one 512-page range
 *                    flush: exactly one IPI (to B), a full flush on each
 *                    side (above the 33-page ceiling), B reads new pages
 *   small range      8 pages: one IPI, invlpg page by page
 *   lazy             B in lazy TLB mode gets no IPI and catches up with a
 *                    full flush when it switches back
 *   flush_tlb_page, arch_tlbbatch_flush, flush_tlb_all
 *   freed tables     freeing the mm's page tables interrupts lazy B too,
 *                    which drops the mm for init_mm
 * Under 5-level paging the test mm lives at 2^52, above what 4-level
 * paging can address. With tlb_bench on the command line it also times
 * 512 single-page flushes against the one range flush.
 */
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <kernel/smp_call.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/vm_event_item.h>
#include <mm/vmalloc.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

#define TAG "tlb selftest: "
#define NPAGES 512
#define CPU_B 1

static struct selftest st = { TAG, 0, 0 };
static struct mm_struct test_mm;

static u64 marker(unsigned long i)
{
	return 0x7eb0000000000000ULL | i;
}

/* Counters around one operation. */
struct counts {
	unsigned long ipis, remote, received, local_all, local_one;
};

static void counts_read(struct counts *c)
{
	c->ipis = smp_call_ipis_sent();
	c->remote = global_vm_event(NR_TLB_REMOTE_FLUSH);
	c->received = global_vm_event(NR_TLB_REMOTE_FLUSH_RECEIVED);
	c->local_all = global_vm_event(NR_TLB_LOCAL_FLUSH_ALL);
	c->local_one = global_vm_event(NR_TLB_LOCAL_FLUSH_ONE);
}

static void counts_delta(struct counts *d, const struct counts *before)
{
	struct counts now;

	counts_read(&now);
	d->ipis = now.ipis - before->ipis;
	d->remote = now.remote - before->remote;
	d->received = now.received - before->received;
	d->local_all = now.local_all - before->local_all;
	d->local_one = now.local_one - before->local_one;
}

/* ---- Work run on B ---- */

struct read_args {
	unsigned long base, n, shift;   /* page i should hold marker((i + shift) % NPAGES) */
	unsigned long bad;
	u64 first;
};

static void read_pages(void *info)
{
	struct read_args *a = info;

	a->bad = 0;
	for (unsigned long i = 0; i < a->n; i++) {
		u64 v = *(volatile u64 *)(a->base + i * PAGE_SIZE);
		if (i == 0)
			a->first = v;
		a->bad += v != marker((i + a->shift) % NPAGES);
	}
}

static void do_switch_mm(void *mm)
{
	switch_mm_irqs_off(NULL, mm);
}

static void do_enter_lazy(void *mm)
{
	enter_lazy_tlb(mm);
}

static bool read_on(unsigned int cpu, struct read_args *a)
{
	smp_call_function_single(cpu, read_pages, a);
	return a->bad == 0;
}

/* ---- Kernel mappings ---- */

static void test_kernel_mapping(void)
{
	struct page *p1 = alloc_pages(GFP_KERNEL, 0), *p2 = alloc_pages(GFP_KERNEL, 0);
	struct read_args a = { .n = 1, .shift = 0 };
	unsigned long others = num_online_cpus() - 1;
	struct counts before, d;
	unsigned int level;
	char *va;
	pte_t *pte;

	if (!p1 || !p2) {
		selftest_report(&st, false, "kernel mapping: two pages");
		return;
	}
	*(u64 *)page_address(p1) = marker(0);
	*(u64 *)page_address(p2) = marker(1);
	va = vmap(&p1, 1, 0, PAGE_KERNEL);
	if (!va) {
		selftest_report(&st, false, "kernel mapping: vmap");
		return;
	}
	a.base = (unsigned long)va;
	read_on(CPU_B, &a);             /* B now caches va -> p1 */
	pte = lookup_address(a.base, &level);
	set_pte(pte, mk_pte(p2, PAGE_KERNEL));
	/* Not a check: whether B's TLB still has the old page shows that the
	 * flush below is needed on this platform. */
	read_on(CPU_B, &a);
	printk(TAG "kernel mapping at 0x%lx changed on CPU 0; before the flush CPU %u reads the %s\n",
	       a.base, CPU_B, a.first == marker(0) ? "old page (its TLB still holds the translation)" : "new page");
	counts_read(&before);
	flush_tlb_kernel_range(a.base, a.base + PAGE_SIZE);
	counts_delta(&d, &before);
	a.shift = 1;
	read_on(CPU_B, &a);
	printk(TAG "flush_tlb_kernel_range(1 page): %lu IPIs, nr_tlb_remote_flush +%lu, received +%lu, local one-page flushes +%lu (%lu other CPUs)\n",
	       d.ipis, d.remote, d.received, d.local_one, others);
	selftest_report(&st, a.bad == 0, "kernel mapping: changed on CPU 0, never seen stale on CPU 1 after the flush");
	selftest_report(&st, d.ipis == others && d.remote == 1 && d.received == others && d.local_one == 1,
	       "kernel mapping: one IPI per other CPU, invlpg locally");
	set_pte(pte, mk_pte(p1, PAGE_KERNEL));
	vunmap(va);
	vm_unmap_aliases();
	__free_pages(p1, 0);
	__free_pages(p2, 0);
}

/* ---- A test mm ---- */

static struct page **pages;
static unsigned long base;
static pte_t *ptes;             /* the PTE table of [base, base + 2 MiB) */

static bool test_mm_setup(void)
{
	struct page *array = alloc_pages(GFP_KERNEL, 0);
	unsigned int level;

	if (!array || mm_alloc_pgd(&test_mm, numa_node_id()))
		return false;
	pages = page_address(array);
	for (unsigned long i = 0; i < NPAGES; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 0);
		if (!pages[i])
			return false;
		*(u64 *)page_address(pages[i]) = marker(i);
	}
	/* User half; with 5 levels above 2^47, where 4 levels cannot reach. */
	base = pgtable_l5_enabled() ? 1UL << 52 : 1UL << 40;
	if (vmap_pages_range_mm(&test_mm, base, base + NPAGES * PAGE_SIZE, PAGE_KERNEL, pages,
				numa_node_id()))
		return false;
	ptes = lookup_address_in_pgd(test_mm.pgd, base, &level);
	return ptes && level == PG_LEVEL_4K;
}

/* Point page i of the test mm at pages[(i + shift) % NPAGES], for i < n. */
static void remap(unsigned long n, unsigned long shift)
{
	for (unsigned long i = 0; i < n; i++)
		set_pte(&ptes[i], mk_pte(pages[(i + shift) % NPAGES], PAGE_KERNEL));
}

static void test_mm_range(void)
{
	struct read_args a = { .base = base, .n = NPAGES, .shift = 0 };
	struct counts before, d;
	bool ok;

	switch_mm(NULL, &test_mm);
	smp_call_function_single(CPU_B, do_switch_mm, &test_mm);
	ok = read_on(0, &a) && read_on(CPU_B, &a);
	printk(TAG "test mm: %d pages at 0x%lx, loaded on CPUs 0 and %u (mm_cpumask weight %u)\n",
	       NPAGES, base, CPU_B, cpumask_weight(mm_cpumask(&test_mm)));
	selftest_report(&st, ok && cpumask_weight(mm_cpumask(&test_mm)) == 2, "test mm: mapped and read on both CPUs");
	if (pgtable_l5_enabled())
		selftest_report(&st, ok && base >> 47, "5-level: the test mm maps and uses an address above 2^47");

	/* Every PTE changes; one range flush. */
	remap(NPAGES, 1);
	counts_read(&before);
	flush_tlb_mm_range(&test_mm, base, base + NPAGES * PAGE_SIZE, PAGE_SHIFT, false);
	counts_delta(&d, &before);
	a.shift = 1;
	ok = read_on(0, &a);
	ok = read_on(CPU_B, &a) && ok;
	printk(TAG "512-page range flush, mm live on 2 CPUs: %lu IPI(s) (1 remote CPU), nr_tlb_remote_flush +%lu, nr_tlb_remote_flush_received +%lu, local full flushes +%lu\n",
	       d.ipis, d.remote, d.received, d.local_all);
	selftest_report(&st, ok, "test mm: all 512 PTEs changed, no CPU reads a stale page after the flush");
	selftest_report(&st, d.ipis == 1 && d.remote == 1 && d.received == 1 && d.local_all >= 1,
	       "test mm: a 512-page range flush costs exactly one IPI per remote CPU");

	/* A short range: page by page. */
	remap(8, 2);
	counts_read(&before);
	flush_tlb_mm_range(&test_mm, base, base + 8 * PAGE_SIZE, PAGE_SHIFT, false);
	counts_delta(&d, &before);
	a.n = 8;
	a.shift = 2;
	ok = read_on(CPU_B, &a);
	selftest_report(&st, ok && d.ipis == 1 && d.received == 1 && d.local_one == 8,
	       "test mm: an 8-page flush is one IPI and 8 invlpg locally");
}

static void test_lazy(void)
{
	struct read_args a = { .base = base, .n = 1, .shift = 3 };
	struct counts before, d;

	smp_call_function_single(CPU_B, do_enter_lazy, &test_mm);
	remap(1, 3);
	counts_read(&before);
	flush_tlb_mm_range(&test_mm, base, base + PAGE_SIZE, PAGE_SHIFT, false);
	counts_delta(&d, &before);
	selftest_report(&st, d.ipis == 0 && d.remote == 0, "lazy: a CPU in lazy TLB mode is not interrupted");
	counts_read(&before);
	smp_call_function_single(CPU_B, do_switch_mm, &test_mm);
	counts_delta(&d, &before);
	read_on(CPU_B, &a);
	selftest_report(&st, d.local_all == 1 && a.bad == 0,
	       "lazy: switching back, it sees the skipped generation, flushes and reads the new page");
}

static void test_other_flushes(void)
{
	struct { struct mm_struct *vm_mm; } vma = { &test_mm };
	struct arch_tlbflush_unmap_batch batch = { { { 0 } } };
	unsigned long others = num_online_cpus() - 1;
	struct counts before, d;

	counts_read(&before);
	flush_tlb_page(&vma, base);
	counts_delta(&d, &before);
	selftest_report(&st, d.ipis == 1 && d.received == 1, "flush_tlb_page: one IPI to the other CPU of the mm");

	counts_read(&before);
	for (unsigned long i = 0; i < 100; i++)
		arch_tlbbatch_add_pending(&batch, &test_mm, base + i * PAGE_SIZE);
	arch_tlbbatch_flush(&batch);
	counts_delta(&d, &before);
	selftest_report(&st, d.ipis == 1 && d.remote == 1, "arch_tlbbatch_flush: 100 pages, one IPI per CPU of the mm");

	counts_read(&before);
	flush_tlb_all();
	counts_delta(&d, &before);
	selftest_report(&st, d.ipis == others && d.received == others, "flush_tlb_all: one IPI per other CPU");
}

static void test_free_tables(void)
{
	struct counts before, d;

	/* B lazy, A back on init_mm: the mm's only CPU is the lazy B. */
	smp_call_function_single(CPU_B, do_enter_lazy, &test_mm);
	switch_mm(&test_mm, &init_mm);
	vunmap_range_mm(&test_mm, base, base + NPAGES * PAGE_SIZE);
	flush_tlb_mm_range(&test_mm, base, base + NPAGES * PAGE_SIZE, PAGE_SHIFT, false);
	counts_read(&before);
	free_pgd_range(&test_mm, 0, (unsigned long)KERNEL_PGD_BOUNDARY * PGDIR_SIZE);
	counts_delta(&d, &before);
	selftest_report(&st, d.ipis == 1 && cpumask_weight(mm_cpumask(&test_mm)) == 0 &&
	       cpu_tlbstate[CPU_B].loaded_mm == &init_mm,
	       "freed tables: the lazy CPU is interrupted too and drops the mm");
	mm_free_pgd(&test_mm);
	for (unsigned long i = 0; i < NPAGES; i++)
		__free_pages(pages[i], 0);
	free_pages((unsigned long)pages, 0);
}

/* tlb_bench: the 512-page range flush (64 times, for a time per flush at
 * the tick's 10 ms resolution) against 512 single-page flushes. */
static void bench_single_pages(void)
{
	struct counts before, d;
	unsigned long j0, j1;

	counts_read(&before);
	j0 = READ_ONCE(jiffies);
	for (int k = 0; k < 64; k++)
		flush_tlb_mm_range(&test_mm, base, base + NPAGES * PAGE_SIZE, PAGE_SHIFT, false);
	j1 = READ_ONCE(jiffies);
	counts_delta(&d, &before);
	printk("tlb bench: 64 x one 512-page range flush: %lu IPIs, %lu us per flush\n", d.ipis,
	       (j1 - j0) * (1000000 / HZ) / 64);
	counts_read(&before);
	j0 = READ_ONCE(jiffies);
	for (unsigned long i = 0; i < NPAGES; i++)
		flush_tlb_mm_range(&test_mm, base + i * PAGE_SIZE, base + (i + 1) * PAGE_SIZE,
				   PAGE_SHIFT, false);
	j1 = READ_ONCE(jiffies);
	counts_delta(&d, &before);
	printk("tlb bench: 512 single-page flushes: %lu IPIs, %lu us in all\n", d.ipis,
	       (j1 - j0) * (1000000 / HZ));
}

int tlb_selftest(void)
{
	st.passed = st.failed = 0;
	if (num_online_cpus() < 2) {
		printk(TAG "needs 2 CPUs: SKIP\n");
		return 0;
	}
	test_kernel_mapping();
	if (!test_mm_setup()) {
		selftest_report(&st, false, "test mm: page tables and 512 pages");
		return st.failed;
	}
	test_mm_range();
	test_lazy();
	test_other_flushes();
	if (cmdline_has("tlb_bench"))
		bench_single_pages();
	test_free_tables();
	return selftest_summary(&st);
}

/*
 * Handing the machine's memory to guest/mm, once ACPI is parsed (Linux: the
 * memblock half of setup_arch and x86_numa_init, then mm_core_init):
 *   boot memory map -> memblock (RAM; low 1 MiB, kernel image and counters
 *   region reserved) -> each SRAT range sets its node -> nodes, zones,
 *   struct pages, buddy and per-CPU lists -> the kernel's page tables
 *   (paging_init: direct map, kernel image, vmalloc range).
 * From here on every page comes from alloc_pages().
 */
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/jiffies.h>
#include <kernel/mm_boot.h>
#include <kernel/numa.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp_call.h>
#include <kernel/timer.h>
#include <kernel/completion.h>
#include <kernel/cpu.h>
#include <kernel/workqueue.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/vma.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <mm/vmstat.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

/* What each node has (the SRAT), what the allocator manages (its
 * MemTotal) and the difference: boot data, kernel image, struct pages. */
static void report_node_memory(void)
{
	int nid;

	for_each_online_node(nid) {
		unsigned long managed = 0;
		u64 present_kb = node_spanned_bytes(nid) >> 10;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			managed += NODE_DATA(nid)->node_zones[z].managed_pages;
		u64 managed_kb = (u64)managed << (PAGE_SHIFT - 10);
		printk("mm: node %d: %lluK present, %lluK managed, %lluK reserved\n", nid,
		       (unsigned long long)present_kb, (unsigned long long)managed_kb,
		       (unsigned long long)(present_kb - managed_kb));
	}
}

void mm_boot_init(void)
{
	const struct numa_memblk *mb;
	int nid;

	if (memblock_init_from_bootinfo(boot_info) < 0)
		panic("mm: the boot memory map does not fit memblock");
	for_each_online_node(nid)
		for_each_node_memblk(mb, nid)
			memblock_set_node(mb->start, mb->end - mb->start, mb->nid);
	if (boot_info->initrd_size)
		memblock_reserve(boot_info->initrd_paddr, boot_info->initrd_size);
	/* Under QEMU the firmware ran first: free RAM is not all zero. */
	memblock_free_memory_zeroed = boot_ram_zeroed;
	mm_core_init();
	paging_init();          /* the kernel's own page tables, vmalloc */
	/* SLUB before the counters page is laid out: it publishes the caches
	 * that exist by then (the kmalloc ones). */
	setup_slub_debug(cmdline_get("slub_debug"));
	kmem_cache_init();
	report_node_memory();
	vmstat_page_setup();
}

/*
 * mm_churn=SECONDS: allocate and free blocks of random order (0..3, on
 * random nodes) on the boot CPU for that long, keeping up to 64 blocks
 * live, so the counters change while the host watches them.
 */
static void mm_churn(unsigned long seconds)
{
	struct { struct page *page; unsigned int order; } live[64] = { { 0 } };
	unsigned long deadline = READ_ONCE(jiffies) + seconds * HZ, seed = 12345, rounds = 0;

	printk("mm_churn: %lu s of allocations on CPU %u\n", seconds, smp_processor_id());
	while (time_before(READ_ONCE(jiffies), deadline)) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		unsigned int slot = (unsigned int)(seed >> 33) % 64, order = (unsigned int)(seed >> 40) % 4;
		int nid = (int)((seed >> 48) % nr_online_nodes);

		if (live[slot].page)
			__free_pages(live[slot].page, live[slot].order);
		live[slot].page = alloc_pages_node(nid, GFP_KERNEL, order);
		live[slot].order = order;
		rounds++;
	}
	for (int i = 0; i < 64; i++)
		if (live[i].page)
			__free_pages(live[i].page, live[i].order);
	printk("mm_churn: %lu allocations\n", rounds);
}

/*
 * FUNC(INFO) on every online CPU at once, for slub_selftest: the others
 * through their work queues (run from the idle loop, interrupts on), this
 * CPU inline; returns when every CPU is done. With interrupts off here
 * (nothing could wake us), on_each_cpu instead: the others at once, then
 * this one.
 */
struct on_cpus_work {
	struct work_struct work;
	struct completion done;
	void (*func)(void *);
	void *info;
};

static void on_cpus_work_fn(struct work_struct *work)
{
	struct on_cpus_work *w = container_of(work, struct on_cpus_work, work);

	w->func(w->info);
	complete(&w->done);
}

static void run_on_cpus_at_once(void (*func)(void *), void *info)
{
	static struct on_cpus_work works[NR_CPUS];
	unsigned int me = smp_processor_id(), cpu;

	if (arch_irqs_disabled()) {
		on_each_cpu(func, info);
		return;
	}
	for_each_online_cpu(cpu) {
		if (cpu == me)
			continue;
		works[cpu].func = func;
		works[cpu].info = info;
		init_completion(&works[cpu].done);
		INIT_WORK(&works[cpu].work, on_cpus_work_fn);
		queue_work_on(cpu, &works[cpu].work);
	}
	func(info);
	for_each_online_cpu(cpu)
		if (cpu != me)
			wait_for_completion(&works[cpu].done);
}

/* buddyinfo / numastat / mm_selftest / mm_churn / slub_selftest /
 * slub_bug= / slabinfo on the command line, once every CPU is up (each AP
 * ran page_alloc_selftest_cpu() before coming online). */
void mm_boot_diagnostics(void)
{
	if (cmdline_has("mm_selftest")) {
		page_alloc_selftest_cpu();
		page_alloc_selftest();
	}
	if (cmdline_has("smp_call_test"))
		smp_call_selftest();
	if (cmdline_has("vmalloc_selftest"))
		vmalloc_selftest();
	if (cmdline_has("tlb_selftest"))
		tlb_selftest();
	if (cmdline_has("slub_selftest"))
		slub_selftest(run_on_cpus_at_once);
	if (cmdline_has("mm_user_selftest"))
		mm_user_selftest();
	if (cmdline_has("slub_bug"))
		slub_bug(cmdline_get("slub_bug"));
	if (cmdline_has("slabinfo"))
		show_slabinfo();
	if (cmdline_has("buddyinfo"))
		show_buddyinfo();
	if (cmdline_has("numastat"))
		show_numa_stats();
	unsigned long seconds;
	if (cmdline_get_ulong("mm_churn", &seconds))
		mm_churn(seconds);
}

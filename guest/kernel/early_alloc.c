/*
 * The boot-time bump allocator (kernel/early_alloc.h).
 *
 * early_alloc_init() cuts the RAM of the boot memory map into ranges that
 * each lie on one node (SRAT), leaving out the boot data below 1 MiB, the
 * kernel image and the counters region. Each range hands out memory from
 * its start upwards: [start, cur) is used, [cur, end) free. Nothing is
 * freed; guest/mm's memblock takes over the ranges and reserves the used
 * parts (early_alloc_for_each_used).
 *
 * Locking: early_alloc_lock serialises allocations (in practice only the
 * BSP allocates, at boot).
 */
#include <gmm/bootinfo.h>
#include <kernel/boot.h>
#include <kernel/compiler.h>
#include <kernel/early_alloc.h>
#include <kernel/numa.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <asm/page.h>

#define MAX_EARLY_RANGES  128
#define MAX_RESERVED      4
#define LOW_RESERVED_END  0x100000UL   /* boot GDT, page tables, boot_info, ACPI */

struct early_range {
	phys_addr_t start, cur, end;
	int nid;
};

static struct early_range ranges[MAX_EARLY_RANGES];
static int nr_ranges;
static DEFINE_SPINLOCK(early_alloc_lock);

struct span {
	phys_addr_t start, end;
};

static void add_range(phys_addr_t start, phys_addr_t end, int nid)
{
	start = ALIGN(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (start >= end)
		return;
	if (nr_ranges == MAX_EARLY_RANGES)
		panic("early_alloc: more than %d free ranges", MAX_EARLY_RANGES);
	ranges[nr_ranges++] = (struct early_range){ start, start, end, nid };
}

/* Add [start, end) on NID minus the reserved spans RES[0..n) (sorted). */
static void add_minus_reserved(phys_addr_t start, phys_addr_t end, int nid,
			       const struct span *res, int n)
{
	for (int i = 0; i < n && start < end; i++) {
		if (res[i].end <= start || res[i].start >= end)
			continue;
		if (res[i].start > start)
			add_range(start, res[i].start, nid);
		start = res[i].end;
	}
	if (start < end)
		add_range(start, end, nid);
}

void early_alloc_init(void)
{
	struct span res[MAX_RESERVED];
	int nres = 0;

	res[nres++] = (struct span){ 0, LOW_RESERVED_END };
	res[nres++] = (struct span){ ALIGN_DOWN(boot_info->kernel_paddr_start, PAGE_SIZE),
				     ALIGN(boot_info->kernel_paddr_end, PAGE_SIZE) };
	if (boot_info->counters_size)
		res[nres++] = (struct span){ boot_info->counters_paddr,
					     boot_info->counters_paddr + boot_info->counters_size };
	for (int i = 1; i < nres; i++)             /* sort by start (tiny) */
		for (int j = i; j > 0 && res[j].start < res[j - 1].start; j--) {
			struct span t = res[j];
			res[j] = res[j - 1];
			res[j - 1] = t;
		}

	for (u32 i = 0; i < boot_info->nr_memmap; i++) {
		const struct boot_mem_entry *e = &boot_info->memmap[i];
		if (e->type != BOOT_MEM_RAM)
			continue;
		for (int b = 0; b < numa_meminfo.nr_blks; b++) {
			const struct numa_memblk *mb = &numa_meminfo.blk[b];
			phys_addr_t s = max(e->addr, mb->start);
			phys_addr_t t = min(e->addr + e->size, mb->end);
			if (s < t)
				add_minus_reserved(s, t, mb->nid, res, nres);
		}
	}
}

/* Caller holds early_alloc_lock. */
static void *alloc_from(struct early_range *r, size_t size, size_t align)
{
	phys_addr_t p = ALIGN(r->cur, (phys_addr_t)align);

	if (p < r->cur || p + size > r->end || p + size < p)
		return NULL;
	r->cur = p + size;
	return __va(p);
}

void *early_alloc(size_t size, size_t align, int nid)
{
	unsigned long flags;
	void *p = NULL;

	if (!align)
		align = 1;
	spin_lock_irqsave(&early_alloc_lock, flags);
	for (int i = 0; i < nr_ranges && !p; i++)
		if (ranges[i].nid == nid || nid == NUMA_NO_NODE)
			p = alloc_from(&ranges[i], size, align);
	for (int i = 0; i < nr_ranges && !p; i++)     /* fall back to any node */
		p = alloc_from(&ranges[i], size, align);
	spin_unlock_irqrestore(&early_alloc_lock, flags);
	if (!p)
		panic("early_alloc: no room for %zu bytes (node %d)", size, nid);
	if (!boot_ram_zeroed)
		memset(p, 0, size);
	return p;
}

void early_alloc_for_each_used(void (*fn)(phys_addr_t start, phys_addr_t end, int nid,
					  void *data), void *data)
{
	for (int i = 0; i < nr_ranges; i++)
		if (ranges[i].cur > ranges[i].start)
			fn(ranges[i].start, ranges[i].cur, ranges[i].nid, data);
}

u64 early_alloc_free_bytes(int nid)
{
	u64 sum = 0;

	for (int i = 0; i < nr_ranges; i++)
		if (ranges[i].nid == nid)
			sum += ranges[i].end - ranges[i].cur;
	return sum;
}

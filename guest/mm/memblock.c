/*
 * memblock: the boot-time physical memory map and allocator
 * (Linux: mm/memblock.c).
 *
 * Two sorted arrays of non-overlapping ranges: memblock.memory (RAM, with
 * its NUMA node) and memblock.reserved (in use). Adjacent ranges with the
 * same node and flags merge. Allocation takes the highest fitting free range
 * (memory minus reserved) of the requested node and reserves it.
 *
 * Locking: none. memblock is written by the boot CPU only, before the other
 * CPUs run and before mm_core_init(); after that it is frozen and only read
 * (mm_init.c initialises struct pages from it on demand, on any CPU).
 */
#include <mm/memblock.h>
#include <mm/page_types.h>
#include <kernel/compiler.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <gmm/bootinfo.h>

static struct memblock_region memblock_memory_init_regions[INIT_MEMBLOCK_REGIONS];
static struct memblock_region memblock_reserved_init_regions[INIT_MEMBLOCK_REGIONS];

struct memblock memblock = {
	.frozen = false,
	.current_limit = MEMBLOCK_ALLOC_ANYWHERE,
	.memory = {
		.regions = memblock_memory_init_regions,
		.max = INIT_MEMBLOCK_REGIONS,
		.name = "memory",
	},
	.reserved = {
		.regions = memblock_reserved_init_regions,
		.max = INIT_MEMBLOCK_REGIONS,
		.name = "reserved",
	},
};

/* Clip size so that base + size does not wrap. */
static phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t *size)
{
	return *size = min(*size, MEMBLOCK_ALLOC_ANYWHERE - base);
}

static bool memblock_writable(const char *what)
{
	if (unlikely(memblock.frozen)) {
		pr_warn("memblock: %s after mm_core_init() ignored\n", what);
		return false;
	}
	return true;
}

static int memblock_insert_region(struct memblock_type *type, unsigned long idx,
				  phys_addr_t base, phys_addr_t size,
				  int nid, unsigned int flags)
{
	struct memblock_region *rgn = &type->regions[idx];

	if (type->cnt >= type->max) {
		pr_err("memblock: too many %s ranges (max %lu)\n", type->name, type->max);
		return -1;
	}
	memmove(rgn + 1, rgn, (type->cnt - idx) * sizeof(*rgn));
	rgn->base = base;
	rgn->size = size;
	rgn->nid = nid;
	rgn->flags = flags;
	type->cnt++;
	type->total_size += size;
	return 0;
}

static void memblock_remove_region(struct memblock_type *type, unsigned long idx)
{
	type->total_size -= type->regions[idx].size;
	memmove(&type->regions[idx], &type->regions[idx + 1],
		(type->cnt - (idx + 1)) * sizeof(type->regions[idx]));
	type->cnt--;
}

/* Merge neighbours that touch and have the same node and flags. */
static void memblock_merge_regions(struct memblock_type *type)
{
	unsigned long i = 0;

	while (i + 1 < type->cnt) {
		struct memblock_region *this = &type->regions[i];
		struct memblock_region *next = &type->regions[i + 1];

		if (this->base + this->size != next->base ||
		    this->nid != next->nid || this->flags != next->flags) {
			i++;
			continue;
		}
		this->size += next->size;
		memmove(next, next + 1, (type->cnt - (i + 2)) * sizeof(*next));
		type->cnt--;
	}
}

/* Add [base, base+size): the parts not already covered become new ranges. */
static int memblock_add_range(struct memblock_type *type, phys_addr_t base,
			      phys_addr_t size, int nid, unsigned int flags)
{
	phys_addr_t end = base + memblock_cap_size(base, &size);
	unsigned long idx;

	if (!size)
		return 0;
	for (idx = 0; idx < type->cnt; idx++) {
		phys_addr_t rbase = type->regions[idx].base;
		phys_addr_t rend = rbase + type->regions[idx].size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		if (rbase > base) {
			if (memblock_insert_region(type, idx, base, rbase - base, nid, flags))
				return -1;
			idx++;
		}
		base = min(rend, end);
	}
	if (base < end && memblock_insert_region(type, idx, base, end - base, nid, flags))
		return -1;
	memblock_merge_regions(type);
	return 0;
}

/*
 * Split ranges so that [base, base+size) is covered by whole ranges
 * [*start_rgn, *end_rgn) (Linux: memblock_isolate_range).
 */
static int memblock_isolate_range(struct memblock_type *type, phys_addr_t base,
				  phys_addr_t size, unsigned long *start_rgn,
				  unsigned long *end_rgn)
{
	phys_addr_t end = base + memblock_cap_size(base, &size);
	unsigned long idx;

	*start_rgn = *end_rgn = 0;
	if (!size)
		return 0;
	for (idx = 0; idx < type->cnt; idx++) {
		struct memblock_region *rgn = &type->regions[idx];
		phys_addr_t rbase = rgn->base, rend = rbase + rgn->size;
		int nid = rgn->nid;
		unsigned int flags = rgn->flags;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		if (rbase < base) {
			/* Overlaps from below: split off the low part; the
			 * high part is looked at again next iteration. */
			rgn->base = base;
			rgn->size -= base - rbase;
			type->total_size -= base - rbase;
			if (memblock_insert_region(type, idx, rbase, base - rbase, nid, flags))
				return -1;
		} else if (rend > end) {
			/* Overlaps from above: split off the high part and
			 * look at the (now inside) low part again. */
			rgn->base = end;
			rgn->size -= end - rbase;
			type->total_size -= end - rbase;
			if (memblock_insert_region(type, idx, rbase, end - rbase, nid, flags))
				return -1;
			idx--;
		} else {
			if (!*end_rgn)
				*start_rgn = idx;
			*end_rgn = idx + 1;
		}
	}
	return 0;
}

static int memblock_remove_range(struct memblock_type *type, phys_addr_t base,
				 phys_addr_t size)
{
	unsigned long start_rgn, end_rgn;

	if (memblock_isolate_range(type, base, size, &start_rgn, &end_rgn))
		return -1;
	while (end_rgn > start_rgn)
		memblock_remove_region(type, --end_rgn);
	return 0;
}

static int check_nid(int nid)
{
	if (nid != NUMA_NO_NODE && (nid < 0 || nid >= MAX_NUMNODES)) {
		pr_err("memblock: node %d out of range\n", nid);
		return -1;
	}
	return 0;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	if (!memblock_writable("memblock_add"))
		return -1;
	return memblock_add_range(&memblock.memory, base, size, NUMA_NO_NODE, 0);
}

int memblock_set_node(phys_addr_t base, phys_addr_t size, int nid)
{
	unsigned long start_rgn, end_rgn, i;

	if (!memblock_writable("memblock_set_node") || check_nid(nid))
		return -1;
	if (memblock_isolate_range(&memblock.memory, base, size, &start_rgn, &end_rgn))
		return -1;
	for (i = start_rgn; i < end_rgn; i++)
		memblock.memory.regions[i].nid = nid;
	memblock_merge_regions(&memblock.memory);
	return 0;
}

int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid)
{
	if (!memblock_writable("memblock_add_node") || check_nid(nid))
		return -1;
	if (memblock_add_range(&memblock.memory, base, size, nid, 0))
		return -1;
	return memblock_set_node(base, size, nid);
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	if (!memblock_writable("memblock_remove"))
		return -1;
	return memblock_remove_range(&memblock.memory, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	if (!memblock_writable("memblock_reserve"))
		return -1;
	return memblock_add_range(&memblock.reserved, base, size, NUMA_NO_NODE, 0);
}

int memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	if (!memblock_writable("memblock_phys_free"))
		return -1;
	return memblock_remove_range(&memblock.reserved, base, size);
}

bool memblock_free_memory_zeroed = true;

int memblock_init_from_bootinfo(const struct boot_info *bi)
{
	uint32_t i;

	if (bi->magic != BOOT_INFO_MAGIC) {
		pr_err("memblock: boot_info has a bad magic\n");
		return -1;
	}
	for (i = 0; i < bi->nr_memmap && i < BOOT_MAX_MEMMAP; i++) {
		const struct boot_mem_entry *e = &bi->memmap[i];
		int nid = e->node < MAX_NUMNODES ? (int)e->node : NUMA_NO_NODE;

		if (e->type != BOOT_MEM_RAM)
			continue;
		if (memblock_add_node(e->addr, e->size, nid))
			return -1;
	}
	/* Boot GDT, page tables, boot_info itself and ACPI tables (bootinfo.h
	 * layout): everything below the kernel's load address. */
	if (memblock_reserve(0, KERNEL_LOAD_MIN))
		return -1;
	if (bi->kernel_paddr_end > bi->kernel_paddr_start &&
	    memblock_reserve(bi->kernel_paddr_start,
			     bi->kernel_paddr_end - bi->kernel_paddr_start))
		return -1;
	if (bi->counters_size && memblock_reserve(bi->counters_paddr, bi->counters_size))
		return -1;
	return 0;
}

/*
 * The highest address in [start, end) of node nid (any node if NUMA_NO_NODE)
 * where size bytes aligned to align are free; 0 if none.
 */
static phys_addr_t memblock_find_in_range_node(phys_addr_t size, phys_addr_t align,
					       phys_addr_t start, phys_addr_t end,
					       int nid)
{
	struct memblock_type *mem = &memblock.memory, *rsv = &memblock.reserved;
	long i, j;

	end = min(end, memblock.current_limit);
	start = max(start, (phys_addr_t)PAGE_SIZE);     /* 0 means failure */
	for (i = (long)mem->cnt - 1; i >= 0; i--) {
		const struct memblock_region *m = &mem->regions[i];
		phys_addr_t mstart = max(m->base, start);
		phys_addr_t mend = min(m->base + m->size, end);
		phys_addr_t gap_end = mend;

		if (nid != NUMA_NO_NODE && m->nid != nid)
			continue;
		if (mstart >= mend)
			continue;
		/* The gaps between reserved ranges inside [mstart, mend), top-down. */
		for (j = (long)rsv->cnt - 1; j >= -1; j--) {
			phys_addr_t gap_start = mstart;

			if (j >= 0) {
				const struct memblock_region *r = &rsv->regions[j];

				if (r->base >= gap_end)
					continue;
				gap_start = max(r->base + r->size, mstart);
			}
			if (gap_start < gap_end && gap_end - gap_start >= size) {
				phys_addr_t cand = ALIGN_DOWN(gap_end - size, align);

				if (cand >= gap_start)
					return cand;
			}
			if (j >= 0) {
				gap_end = min(gap_end, rsv->regions[j].base);
				if (gap_end <= mstart)
					break;
			}
		}
	}
	return 0;
}

phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t end, int nid)
{
	phys_addr_t found;

	if (!memblock_writable("memblock allocation") || !size)
		return 0;
	if (!align)
		align = SMP_CACHE_BYTES;
	found = memblock_find_in_range_node(size, align, start, end, nid);
	if (found && !memblock_reserve(found, size))
		return found;
	return 0;
}

phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid)
{
	phys_addr_t pa = memblock_phys_alloc_range(size, align, 0,
						   MEMBLOCK_ALLOC_ANYWHERE, nid);

	if (!pa && nid != NUMA_NO_NODE)
		pa = memblock_phys_alloc_range(size, align, 0,
					       MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE);
	return pa;
}

void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align,
				 phys_addr_t min_addr, phys_addr_t max_addr, int nid)
{
	phys_addr_t pa = memblock_phys_alloc_range(size, align, min_addr, max_addr, nid);

	if (!pa && nid != NUMA_NO_NODE)
		pa = memblock_phys_alloc_range(size, align, min_addr, max_addr,
					       NUMA_NO_NODE);
	return pa ? __va(pa) : NULL;
}

void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align,
			     phys_addr_t min_addr, phys_addr_t max_addr, int nid)
{
	void *p = memblock_alloc_try_nid_raw(size, align, min_addr, max_addr, nid);

	if (p)
		memset(p, 0, size);
	return p;
}

phys_addr_t memblock_phys_mem_size(void)
{
	return memblock.memory.total_size;
}

phys_addr_t memblock_reserved_size(void)
{
	return memblock.reserved.total_size;
}

phys_addr_t memblock_start_of_DRAM(void)
{
	return memblock.memory.cnt ? memblock.memory.regions[0].base : 0;
}

phys_addr_t memblock_end_of_DRAM(void)
{
	unsigned long n = memblock.memory.cnt;

	return n ? memblock.memory.regions[n - 1].base + memblock.memory.regions[n - 1].size : 0;
}

/* Index of the range containing addr, or -1 (binary search). */
static long memblock_search(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned long left = 0, right = type->cnt;

	while (left < right) {
		unsigned long mid = (left + right) / 2;
		const struct memblock_region *r = &type->regions[mid];

		if (addr < r->base)
			right = mid;
		else if (addr >= r->base + r->size)
			left = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

bool memblock_is_memory(phys_addr_t addr)
{
	return memblock_search(&memblock.memory, addr) >= 0;
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_search(&memblock.reserved, addr) >= 0;
}

bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size)
{
	unsigned long i;

	memblock_cap_size(base, &size);
	for (i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.regions[i];

		if (r->base < base + size && base < r->base + r->size)
			return true;
	}
	return false;
}

int memblock_nid_of(phys_addr_t addr)
{
	long i = memblock_search(&memblock.memory, addr);

	return i >= 0 ? memblock.memory.regions[i].nid : NUMA_NO_NODE;
}

static void memblock_dump(const struct memblock_type *type)
{
	unsigned long i;

	printk(" %s.cnt  = 0x%lx\n", type->name, type->cnt);
	for (i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];

		printk(" %s[0x%lx]\t[0x%016llx-0x%016llx], 0x%llx bytes on node %d\n",
		       type->name, i, (unsigned long long)r->base,
		       (unsigned long long)(r->base + r->size - 1),
		       (unsigned long long)r->size, r->nid);
	}
}

void memblock_dump_all(void)
{
	printk("MEMBLOCK configuration:\n");
	printk(" memory size = 0x%llx reserved size = 0x%llx\n",
	       (unsigned long long)memblock.memory.total_size,
	       (unsigned long long)memblock.reserved.total_size);
	memblock_dump(&memblock.memory);
	memblock_dump(&memblock.reserved);
}

bool next_mem_pfn_range(unsigned long *idx, int nid, unsigned long *out_start,
			unsigned long *out_end, int *out_nid)
{
	while (*idx < memblock.memory.cnt) {
		const struct memblock_region *r = &memblock.memory.regions[(*idx)++];
		unsigned long s = PFN_UP(r->base), e = PFN_DOWN(r->base + r->size);

		if ((nid != NUMA_NO_NODE && r->nid != nid) || s >= e)
			continue;
		*out_start = s;
		*out_end = e;
		if (out_nid)
			*out_nid = r->nid;
		return true;
	}
	return false;
}

/*
 * Free ranges: memory minus reserved, walked with two cursors as Linux's
 * __next_mem_range does: *idx packs the memory index (low 32 bits) and the
 * index of the gap between reserved ranges (high 32 bits); gap k is
 * [end of reserved k-1, start of reserved k).
 */
static bool __next_free_mem_range(unsigned long *idx, int nid,
				  phys_addr_t *out_start, phys_addr_t *out_end)
{
	const struct memblock_type *mem = &memblock.memory, *rsv = &memblock.reserved;
	unsigned long idx_a = *idx & 0xffffffffUL, idx_b = *idx >> 32;

	for (; idx_a < mem->cnt; idx_a++) {
		const struct memblock_region *m = &mem->regions[idx_a];
		phys_addr_t m_start = m->base, m_end = m->base + m->size;

		if (nid != NUMA_NO_NODE && m->nid != nid)
			continue;
		for (; idx_b < rsv->cnt + 1; idx_b++) {
			phys_addr_t r_start = idx_b ? rsv->regions[idx_b - 1].base +
						      rsv->regions[idx_b - 1].size : 0;
			phys_addr_t r_end = idx_b < rsv->cnt ? rsv->regions[idx_b].base
							     : MEMBLOCK_ALLOC_ANYWHERE;

			if (r_start >= m_end)
				break;          /* gap is past this range: next range */
			if (m_start < r_end) {
				*out_start = max(m_start, r_start);
				*out_end = min(m_end, r_end);
				/* Advance whichever of the two ends first. */
				if (m_end <= r_end)
					idx_a++;
				else
					idx_b++;
				*idx = idx_a | (idx_b << 32);
				return true;
			}
		}
	}
	*idx = idx_a | (idx_b << 32);
	return false;
}

bool next_free_mem_pfn_range(unsigned long *idx, int nid,
			     unsigned long start_pfn, unsigned long end_pfn,
			     unsigned long *out_start, unsigned long *out_end)
{
	phys_addr_t start, end;

	while (__next_free_mem_range(idx, nid, &start, &end)) {
		unsigned long s = max(PFN_UP(start), start_pfn);
		unsigned long e = min(PFN_DOWN(end), end_pfn);

		if (s < e) {
			*out_start = s;
			*out_end = e;
			return true;
		}
		if (PFN_DOWN(start) >= end_pfn)
			break;
	}
	return false;
}

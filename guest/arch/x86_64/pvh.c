/*
 * PVH boot (asm/pvh.h): turn QEMU's struct hvm_start_info into the struct
 * boot_info our VMM hands over (include/gmm/bootinfo.h), so that kmain()
 * and everything after it reads one structure whichever hypervisor booted
 * the kernel.
 *
 * Runs from head_pvh.S on the boot stack, before kmain(): no IDT, no
 * per-CPU area, no console. So nothing here may fault, print or panic; a
 * start info without the PVH magic ends the VM with EXIT_GUEST_PANIC.
 *
 * What QEMU gives and how it maps:
 *   cmdline_paddr        -> cmdline (truncated to BOOT_CMDLINE_MAX - 1)
 *   rsdp_paddr           -> acpi_rsdp_paddr (0: acpi.c scans the BIOS area)
 *   memmap (version 1)   -> memmap; RAM and ACPI keep their type, the rest
 *                           (reserved, NVS, unusable, ...) is reserved.
 *                           node is BOOT_NODE_UNKNOWN: NUMA placement
 *                           comes from QEMU's SRAT only.
 *   the kernel image     -> kernel_paddr_start/end, which also cover the
 *                           page-table pages added here for RAM above 4 GiB
 * No counters region, no ap_start[] (APs start with INIT/SIPI, sipi.c).
 * RAM is not all zero (SeaBIOS and QEMU's PVH option ROM ran first):
 * boot_ram_zeroed = false.
 */
#include <gmm/bootinfo.h>
#include <kernel/boot.h>
#include <kernel/compiler.h>
#include <kernel/string.h>
#include <asm/page.h>
#include <asm/pvh.h>
#include <asm/setup.h>

_Static_assert(PVH_KERNEL_VIRT_BASE == KERNEL_VIRT_BASE, "head_pvh.S: kernel map");
_Static_assert(PVH_PAGE_OFFSET == PAGE_OFFSET_4LEVEL, "head_pvh.S: direct map");
_Static_assert(((PVH_PAGE_OFFSET >> 39) & 511) == PVH_PML4_DIRECT, "PML4 slot");
_Static_assert(((PVH_KERNEL_VIRT_BASE >> 30) & 511) == PVH_PDPT_KERNEL, "PDPT slot");

#define PTE_PRESENT     0x001UL
#define PTE_TABLE       0x003UL     /* present, writable */
#define PTE_LARGE       0x083UL     /* present, writable, 2 MiB page */
#define PTE_ADDR_MASK   0x000ffffffffff000UL
#define PMD_SIZE        (1UL << 21)
#define LOW_MAPPED_END  (1UL << 32) /* head_pvh.S maps [0, 4 GiB) statically */

bool pvh_boot;
static struct boot_info pvh_boot_info;

extern u64 pvh_pml4[];              /* head_pvh.S */
extern char _text[], _end[];        /* kernel.ld */

/* A start-info pointer we can read: inside the static direct map. */
static const void *start_info_ptr(u64 pa, u64 size)
{
	if (!pa || pa >= LOW_MAPPED_END || size > LOW_MAPPED_END - pa)
		return NULL;
	return __va(pa);
}

static u32 boot_mem_type(u32 xen_type)
{
	switch (xen_type) {
	case XEN_HVM_MEMMAP_TYPE_RAM:
		return BOOT_MEM_RAM;
	case XEN_HVM_MEMMAP_TYPE_ACPI:
		return BOOT_MEM_ACPI;
	default:            /* reserved, ACPI NVS, unusable, disabled, pmem */
		return BOOT_MEM_RESERVED;
	}
}

static void copy_cmdline(struct boot_info *bi, u64 pa)
{
	const char *s = start_info_ptr(pa, sizeof(bi->cmdline));
	size_t n = 0;

	while (s && n < sizeof(bi->cmdline) - 1 && s[n]) {
		bi->cmdline[n] = s[n];
		n++;
	}
	bi->cmdline[n] = '\0';
}

/* Returns the end of RAM (highest RAM address + 1). */
static u64 copy_memmap(struct boot_info *bi, const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *map;
	u64 top = 0;

	bi->nr_memmap = 0;
	if (si->version < 1)
		return 0;
	map = start_info_ptr(si->memmap_paddr, (u64)si->memmap_entries * sizeof(*map));
	for (u32 i = 0; map && i < si->memmap_entries && bi->nr_memmap < BOOT_MAX_MEMMAP; i++) {
		struct boot_mem_entry *e = &bi->memmap[bi->nr_memmap];
		if (!map[i].size)
			continue;
		e->addr = map[i].addr;
		e->size = map[i].size;
		e->type = boot_mem_type(map[i].type);
		e->node = BOOT_NODE_UNKNOWN;
		if (e->type == BOOT_MEM_RAM)
			top = max(top, e->addr + e->size);
		bi->nr_memmap++;
	}
	return top;
}

/* The table ENTRY points to; a zeroed page from *NEXT if there is none. */
static u64 *table_at(u64 *entry, phys_addr_t *next)
{
	if (!(*entry & PTE_PRESENT)) {
		memset(__va(*next), 0, PAGE_SIZE);
		*entry = *next | PTE_TABLE;
		*next += PAGE_SIZE;
	}
	return __va(*entry & PTE_ADDR_MASK);
}

/*
 * Extend the direct map over RAM above 4 GiB (bootinfo.h: the boot tables
 * map PAGE_OFFSET + [0, top of RAM)), with 2 MiB pages. The table pages
 * come from the RAM right after the kernel image, below 4 GiB, so they
 * are reachable through the static direct map; *NEXT advances past them.
 */
static void map_direct_above_4g(u64 top, phys_addr_t *next)
{
	for (u64 pa = LOW_MAPPED_END; pa < top; pa += PMD_SIZE) {
		unsigned long va = PAGE_OFFSET_4LEVEL + pa;
		u64 *pdpt = table_at(&pvh_pml4[(va >> 39) & 511], next);
		u64 *pd = table_at(&pdpt[(va >> 30) & 511], next);
		pd[(va >> 21) & 511] = pa | PTE_LARGE;
	}
}

unsigned long pvh_init_boot_info(unsigned long start_info_pa)
{
	const struct hvm_start_info *si = start_info_ptr(start_info_pa, sizeof(*si));
	struct boot_info *bi = &pvh_boot_info;
	phys_addr_t next = ALIGN(__pa_symbol(_end), PAGE_SIZE);

	if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE)
		machine_panic_exit();     /* no console yet: the status says it */
	pvh_boot = true;
	boot_ram_zeroed = false;          /* the firmware ran before us */

	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->size = sizeof(*bi);
	bi->acpi_rsdp_paddr = si->rsdp_paddr;
	bi->counters_paddr = 0;
	bi->counters_size = 0;
	bi->nr_cpus = 0;                  /* unknown here: the MADT says */
	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *mod = (const void *)(unsigned long)si->modlist_paddr;
		bi->initrd_paddr = mod->paddr;
		bi->initrd_size = mod->size;
	}
	copy_cmdline(bi, si->cmdline_paddr);
	map_direct_above_4g(copy_memmap(bi, si), &next);
	bi->kernel_paddr_start = __pa_symbol(_text);
	bi->kernel_paddr_end = next;
	return __pa_symbol(bi);
}

/*
 * The VMM's boot page tables (vmm/boot.c), walked in software as the MMU
 * would: 4-level, and 5-level as the VMM builds them on a CPU with LA57
 * (this machine's KVM has none, so this walk is where 5-level boot tables
 * are checked). Identity low memory, the direct map and the -2 GiB kernel
 * mapping must all reach the right physical addresses.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <gmm/bootinfo.h>
#include "vmm/vm.h"

#define P  1ULL
#define PS (1ULL << 7)
#define ADDR_MASK 0x000ffffffffff000ULL

static struct vm_config cfg;
static struct vm vm;

static void setup(bool la57)
{
	memset(&vm, 0, sizeof(vm));
	vm.cfg = &cfg;
	/* 64 MiB of RAM on two nodes; only the first MiB (the tables) is backed. */
	vm.mem.region[0] = (struct guest_region){ 0, 32 << 20, calloc(1, 1 << 20), 0, 0 };
	vm.mem.region[1] = (struct guest_region){ 32 << 20, 32 << 20, calloc(1, 4096), 1, 1 };
	vm.mem.nr_regions = 2;
	char err[256];
	cr_assert_eq(boot_page_tables(&vm, la57, err, sizeof(err)), 0, "%s", err);
}

/* The MMU's walk from CR3; ~0 if not mapped. */
static uint64_t translate(uint64_t va)
{
	int levels = vm.boot_la57 ? 5 : 4;
	uint64_t table = vm.boot_cr3;
	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t *t = gpa_to_hva(&vm.mem, table, 4096);
		cr_assert(t, "table 0x%llx outside RAM", (unsigned long long)table);
		uint64_t e = t[(va >> shift) & 511];
		if (!(e & P))
			return ~0ULL;
		if (level == 2 && (e & PS))
			return (e & ADDR_MASK & ~((1ULL << 21) - 1)) | (va & ((1ULL << 21) - 1));
		table = e & ADDR_MASK;
	}
	return table | (va & 4095);
}

static void check_views(void)
{
	cr_assert_eq(translate(0x100000), 0x100000, "identity map");
	cr_assert_eq(translate(0x3ffffff), 0x3ffffff, "identity map, node 1");
	cr_assert_eq(translate(0xfee00000), 0xfee00000, "identity map of the LAPIC page");
	cr_assert_eq(translate(PAGE_OFFSET_4LEVEL + 0x2345678), 0x2345678, "direct map");
	cr_assert_eq(translate(KERNEL_VIRT_BASE + 0x100123), 0x100123, "kernel image");
	cr_assert_eq(translate(0x0000100000000000ULL), ~0ULL, "nothing else is mapped");
}

Test(boot_tables, four_level)
{
	setup(false);
	cr_assert_eq(vm.boot_cr3, BOOT_PML4_PADDR);
	check_views();
}

Test(boot_tables, five_level_on_a_cpu_with_la57)
{
	setup(true);
	cr_assert_eq(vm.boot_cr3, BOOT_PML5_PADDR);
	check_views();
	/* Above 2^48 only the PML5 knows: slot 1 is unmapped. */
	cr_assert_eq(translate(1ULL << 48), ~0ULL);
}

/*
 * Handing the machine's memory to guest/mm, once ACPI is parsed (Linux: the
 * memblock half of setup_arch and x86_numa_init, then mm_core_init):
 *   boot memory map -> memblock (RAM; low 1 MiB, kernel image and counters
 *   region reserved) -> each SRAT range sets its node -> nodes, zones,
 *   struct pages, buddy and per-CPU lists.
 * From here on every page comes from alloc_pages().
 */
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/mm_boot.h>
#include <kernel/numa.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/vmstat.h>

void mm_boot_init(void)
{
	const struct numa_memblk *mb;
	int nid;

	if (memblock_init_from_bootinfo(boot_info) < 0)
		panic("mm: the boot memory map does not fit memblock");
	for_each_online_node(nid)
		for_each_node_memblk(mb, nid)
			memblock_set_node(mb->start, mb->end - mb->start, mb->nid);
	/* Under QEMU the firmware ran first: free RAM is not all zero. */
	memblock_free_memory_zeroed = boot_ram_zeroed;
	mm_core_init();
}

/* buddyinfo / numastat / mm_selftest on the command line, once every CPU
 * is up (each AP ran page_alloc_selftest_cpu() before coming online). */
void mm_boot_diagnostics(void)
{
	if (cmdline_has("mm_selftest")) {
		page_alloc_selftest_cpu();
		page_alloc_selftest();
	}
	if (cmdline_has("buddyinfo"))
		show_buddyinfo();
	if (cmdline_has("numastat"))
		show_numa_stats();
}

/*
 * ioremap: kernel mappings of device memory.
 *
 * The boot page tables (ours under the VMM, head_pvh.S's under QEMU)
 * identity-map the whole low 4 GiB, where all device memory of our
 * machines lives (the MMIO hole: PCI BARs, the counters page, IOAPIC,
 * LAPIC). So for now a mapping is the identity address; the kernel page
 * tables that replace the boot ones must map these ranges instead (as
 * Linux maps ioremap areas into the vmalloc space).
 */
#include <gmm/bootinfo.h>
#include <asm/io.h>

void *ioremap(phys_addr_t phys, size_t size)
{
	if (phys + size < phys || phys + size > MMIO_HOLE_END)
		return NULL;
	return (void *)(unsigned long)phys;
}

void iounmap(void *addr)
{
	(void)addr;
}

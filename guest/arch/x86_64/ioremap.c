/*
 * ioremap: kernel mappings of device memory (Linux: arch/x86/mm/ioremap.c).
 * An area of the vmalloc range (mm/vmalloc.h), mapped uncached (UC-,
 * Linux's default) and no-execute. The kernel's page tables have no
 * identity map, so every MMIO user goes through here: the xAPIC registers
 * (init_64.c), the counters page, the IOAPIC, PCI BARs.
 *
 * Available from paging_init() on (the vmalloc range must exist): a call
 * before it would get an address the boot tables map and the kernel's do
 * not, so it panics instead. iounmap() frees the area lazily like vfree().
 */
#include <kernel/compiler.h>
#include <kernel/panic.h>
#include <mm/pgtable.h>
#include <mm/vmalloc.h>
#include <asm/io.h>
#include <asm/pgtable.h>

void *ioremap(phys_addr_t phys, size_t size)
{
	phys_addr_t offset = phys & ~PAGE_MASK, start = phys - offset;
	unsigned long len, va;
	struct vm_struct *vm;

	if (!size || phys + size < phys)
		return NULL;
	if (!init_mm.pgd || !vmalloc_space.end)
		panic("ioremap(0x%lx) before paging_init(): map device memory after mm_boot_init()",
		      (unsigned long)phys);
	len = ALIGN(size + offset, PAGE_SIZE);
	vm = get_vm_area(len, VM_IOREMAP);
	if (!vm)
		return NULL;
	vm->phys_addr = start;
	va = (unsigned long)vm->addr;
	if (vmap_range_noflush(va, va + len, start, PAGE_KERNEL_IO, PAGE_SHIFT, NUMA_NO_NODE)) {
		free_vm_area(remove_vm_area(vm->addr));
		return NULL;
	}
	return (void *)(va + offset);
}

void iounmap(void *addr)
{
	struct vm_struct *vm;

	if (!addr)
		return;
	vm = remove_vm_area((void *)((unsigned long)addr & PAGE_MASK));
	if (!vm || !(vm->flags & VM_IOREMAP))
		panic("iounmap(%p): not an ioremap() address", addr);
	free_vm_area(vm);
}

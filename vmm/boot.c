/*
 * Everything the guest finds in memory at its first instruction (layout in
 * include/gmm/bootinfo.h): the boot GDT, the boot page tables, struct
 * boot_info with the memory map and command line, and the ACPI tables; and
 * the register state that enters 64-bit mode directly on each vCPU
 * (PLATFORM.md: there is no 16/32-bit start-up path here).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <gmm/bootinfo.h>
#include <gmm/counters.h>
#include "vmm/vm.h"

#define PTE_P   (1ULL << 0)
#define PTE_W   (1ULL << 1)
#define PTE_PS  (1ULL << 7)
#define SZ_1G   (1ULL << 30)
#define SZ_2M   (2ULL << 20)

#define CR0_PE  (1ULL << 0)
#define CR0_MP  (1ULL << 1)
#define CR0_ET  (1ULL << 4)
#define CR0_NE  (1ULL << 5)
#define CR0_WP  (1ULL << 16)
#define CR0_PG  (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

_Static_assert(BOOT_INFO_PADDR + sizeof(struct boot_info) <= BOOT_PML5_PADDR,
	       "struct boot_info runs into the PML5 page");

static uint64_t *page_at(struct vm *vm, uint64_t gpa)
{
	return gpa_to_hva(&vm->mem, gpa, 4096);
}

/* A page directory of 2 MiB pages mapping physical [gb * 1 GiB, +1 GiB). */
static void fill_pd(uint64_t *pd, uint64_t gb)
{
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (gb * SZ_1G + i * SZ_2M) | PTE_P | PTE_W | PTE_PS;
}

static uint64_t top_of_ram(const struct guest_mem *m)
{
	uint64_t top = 0;
	for (int i = 0; i < m->nr_regions; i++)
		if (m->region[i].gpa + m->region[i].size > top)
			top = m->region[i].gpa + m->region[i].size;
	return top;
}

/*
 * PML4 at BOOT_PML4_PADDR; identity [0, 4 GiB) through one PDPT and four PDs
 * (0x2000..0x6fff); the -2 GiB kernel range reuses the first PD; the direct
 * map at PAGE_OFFSET reuses the four identity PDs and takes more PDs from
 * BOOT_PT_HIGH_START for RAM above 4 GiB.
 */
int boot_page_tables(struct vm *vm, bool la57, char *err, size_t errlen)
{
	const uint64_t pml4_gpa = BOOT_PML4_PADDR, pdpt_low = 0x2000, pd_low = 0x3000,
		       pdpt_kernel = 0x7000, pdpt_direct = BOOT_PT_HIGH_START;
	uint64_t *pml4 = page_at(vm, pml4_gpa), *pdpt = page_at(vm, pdpt_low);
	uint64_t *pdptk = page_at(vm, pdpt_kernel), *pdptd = page_at(vm, pdpt_direct);
	if (!pml4 || !pdpt || !pdptk || !pdptd) {
		snprintf(err, errlen, "boot page-table area is not guest RAM");
		return -1;
	}
	for (uint64_t gb = 0; gb < 4; gb++) {
		fill_pd(page_at(vm, pd_low + gb * 4096), gb);
		pdpt[gb] = (pd_low + gb * 4096) | PTE_P | PTE_W;
	}
	pml4[0] = pdpt_low | PTE_P | PTE_W;

	pml4[(KERNEL_VIRT_BASE >> 39) & 511] = pdpt_kernel | PTE_P | PTE_W;
	pdptk[(KERNEL_VIRT_BASE >> 30) & 511] = pd_low | PTE_P | PTE_W;

	uint64_t gbs = (top_of_ram(&vm->mem) + SZ_1G - 1) / SZ_1G;
	uint64_t next = pdpt_direct + 4096;
	for (uint64_t gb = 0; gb < gbs; gb++) {
		uint64_t pd = gb < 4 ? pd_low + gb * 4096 : next;
		if (gb >= 4) {
			if (next >= BOOT_PT_HIGH_END) {
				snprintf(err, errlen, "guest RAM too large for the boot direct map");
				return -1;
			}
			fill_pd(page_at(vm, next), gb);
			next += 4096;
		}
		pdptd[gb] = pd | PTE_P | PTE_W;
	}
	pml4[(PAGE_OFFSET_4LEVEL >> 39) & 511] = pdpt_direct | PTE_P | PTE_W;

	/* 5-level: the low half (identity) and the kernel half (direct map,
	 * -2 GiB) of the 57-bit space through the same PML4. */
	vm->boot_cr3 = BOOT_PML4_PADDR;
	vm->boot_la57 = la57;
	if (la57) {
		uint64_t *pml5 = page_at(vm, BOOT_PML5_PADDR);
		if (!pml5) {
			snprintf(err, errlen, "boot page-table area is not guest RAM");
			return -1;
		}
		pml5[0] = pml5[511] = pml4_gpa | PTE_P | PTE_W;
		vm->boot_cr3 = BOOT_PML5_PADDR;
	}
	return 0;
}

/* CPUID.(7,0):ECX[16]: the CPU KVM gives us can do 5-level paging. */
static bool cpu_has_la57(const struct vm *vm)
{
	const struct kvm_cpuid2 *c = vm->supported_cpuid;
	for (uint32_t i = 0; c && i < c->nent; i++)
		if (c->entries[i].function == 7 && c->entries[i].index == 0)
			return (c->entries[i].ecx >> 16) & 1;
	return false;
}

static int write_gdt(struct vm *vm)
{
	/* null, kernel32 CS, kernel CS (L=1), kernel DS: Linux's first entries */
	const uint64_t gdt[4] = { 0, 0x00cf9b000000ffffULL, 0x00af9b000000ffffULL,
				  0x00cf93000000ffffULL };
	return guest_write(&vm->mem, BOOT_GDT_PADDR, gdt, sizeof(gdt)) ? 0 : -1;
}

static void add_memmap(struct boot_info *bi, uint64_t addr, uint64_t size, uint32_t type, int node)
{
	if (size && bi->nr_memmap < BOOT_MAX_MEMMAP)
		bi->memmap[bi->nr_memmap++] = (struct boot_mem_entry){ addr, size, type, (uint32_t)node };
}

static int write_boot_info(struct vm *vm, char *err, size_t errlen)
{
	struct boot_info *bi = gpa_to_hva(&vm->mem, BOOT_INFO_PADDR, sizeof(*bi));
	if (!bi || sizeof(*bi) > BOOT_PT_HIGH_START - BOOT_INFO_PADDR) {
		snprintf(err, errlen, "boot info does not fit in guest RAM");
		return -1;
	}
	memset(bi, 0, sizeof(*bi));
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->size = sizeof(*bi);
	bi->acpi_rsdp_paddr = ACPI_RSDP_PADDR;
	bi->kernel_paddr_start = vm->kernel_start;
	bi->kernel_paddr_end = vm->kernel_end;
	bi->nr_cpus = (uint32_t)vm->nr_vcpus;
	bi->initrd_paddr = vm->initrd_paddr;
	bi->initrd_size = vm->initrd_size;
	/* The counters page always exists (vm.c registers it, or fails the VM). */
	bi->counters_paddr = GMM_COUNTERS_PADDR;
	bi->counters_size = GMM_COUNTERS_SIZE;
	for (int i = 0; i < vm->mem.nr_regions; i++) {
		const struct guest_region *r = &vm->mem.region[i];
		uint64_t start = r->gpa, end = r->gpa + r->size;
		if (start < ACPI_TABLES_PADDR) {   /* boot structures: GDT, page tables, boot info */
			add_memmap(bi, start, ACPI_TABLES_PADDR - start, BOOT_MEM_RESERVED, r->node);
			start = ACPI_TABLES_PADDR;
		}
		if (start < ACPI_TABLES_END) {
			add_memmap(bi, start, ACPI_TABLES_END - start, BOOT_MEM_ACPI, r->node);
			start = ACPI_TABLES_END;
		}
		add_memmap(bi, start, end - start, BOOT_MEM_RAM, r->node);
	}
	snprintf(bi->cmdline, sizeof(bi->cmdline), "%s", vm->cfg->cmdline);
	return 0;
}

int boot_setup(struct vm *vm, char *err, size_t errlen)
{
	if (vm->mem.region[0].gpa != 0 || vm->mem.region[0].size < KERNEL_LOAD_MIN) {
		snprintf(err, errlen, "node 0 must start at 0 and hold the boot area");
		return -1;
	}
	if (write_gdt(vm) < 0 || boot_page_tables(vm, cpu_has_la57(vm), err, errlen) < 0)
		return -1;
	if (acpi_build(vm, err, errlen) < 0)
		return -1;
	return write_boot_info(vm, err, errlen);
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = code ? 0 : 1, .s = 1, .l = code ? 1 : 0, .g = 1,
	};
}

int vcpu_set_boot_regs(struct vcpu *v, uint64_t rsp, uint64_t arg)
{
	struct kvm_sregs sregs;
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	set_seg(&sregs.cs, GDT_KERNEL_CS, 11, 1);
	set_seg(&sregs.ds, GDT_KERNEL_DS, 3, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.tr = (struct kvm_segment){ .limit = 0x67, .type = 11, .present = 1 };
	sregs.ldt = (struct kvm_segment){ .limit = 0xffff, .type = 2, .present = 1 };
	sregs.gdt.base = BOOT_GDT_PADDR;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs.cr3 = v->vm->boot_cr3;
	sregs.cr4 = CR4_PAE | (v->vm->boot_la57 ? CR4_LA57 : 0);
	sregs.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		return -1;

	struct kvm_regs regs = {
		.rip = v->vm->entry,
		.rdi = BOOT_INFO_PADDR,
		.rsi = (uint64_t)v->index,
		.rdx = arg,
		.rsp = rsp,
		.rflags = 0x2,
	};
	return ioctl(v->fd, KVM_SET_REGS, &regs);
}

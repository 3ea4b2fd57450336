/*
 * The boot contract between our VMM (vmm/boot.c) and the guest kernel
 * (guest/arch/x86_64/entry.S). One definition for both sides.
 *
 * Guest-physical layout the VMM sets up before the first KVM_RUN:
 *
 *   0x00000 - 0x00fff   unused (real-mode IVT on a PC)
 *   0x00500             boot GDT (Linux layout, see GDT_* below)
 *   0x01000 - 0x07fff   boot page tables (PML4 at BOOT_PML4_PADDR)
 *   0x08000 - 0x0bfff   struct boot_info (BOOT_INFO_PADDR)
 *   0x10000 - 0x9ffff   more boot page-table pages (direct map PDs)
 *   0xe0000 - 0xfffff   ACPI tables, RSDP at ACPI_RSDP_PADDR (where a BIOS
 *                       would put it, so a scan finds it too)
 *   0x100000 ...        kernel image, loaded at its ELF p_paddr
 *
 * The boot page tables map, with 2 MiB pages (4-level; when the CPU has
 * LA57, a PML5 at BOOT_PML5_PADDR whose slots 0 and 511 both point to the
 * PML4, so the same addresses work, and CR4.LA57 is set at entry):
 *   - identity [0, 4 GiB)                          (low physical, LAPIC MMIO)
 *   - PAGE_OFFSET + [0, top of RAM)                (direct map, as Linux)
 *   - KERNEL_VIRT_BASE + [0, 1 GiB)                (kernel image, -2 GiB)
 * The guest replaces them with its own tables once it has an allocator.
 *
 * Entry state on every vCPU: 64-bit mode, CS = GDT_KERNEL_CS, DS/ES/SS =
 * GDT_KERNEL_DS, RFLAGS = 0x2 (interrupts off), CR0.PG|PE|WP, CR4.PAE,
 * EFER.LME|LMA|NXE|SCE, RIP = ELF e_entry,
 *   RDI = guest-physical address of struct boot_info
 *   RSI = CPU index (0 = bootstrap processor)
 *   RSP = 0 on the BSP (the kernel picks its boot stack); on an AP the value
 *         the guest wrote into boot_info.ap_start[cpu].stack_top
 *   RDX = 0 on the BSP; boot_info.ap_start[cpu].arg on an AP
 *
 * Application processors: the VMM keeps every AP stopped until the guest
 * fills boot_info.ap_start[cpu] and writes the CPU index (32-bit OUT) to
 * PORT_AP_START. There is no real-mode INIT/SIPI path on the machines we
 * run on (../shared/PLATFORM.md), so this paravirtual start is how APs come
 * up under our VMM; under QEMU the guest uses INIT/SIPI instead.
 */
#ifndef GMM_BOOTINFO_H
#define GMM_BOOTINFO_H

/* The GDT_* selectors are also read by the guest's assembly. */
#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#define BOOT_INFO_MAGIC     0x4f4f42204d4d4755ULL /* "UGMM BOO" */
#define BOOT_INFO_VERSION   2

#define BOOT_GDT_PADDR      0x00500ULL
#define BOOT_PML4_PADDR     0x01000ULL
#define BOOT_PML5_PADDR     0x0f000ULL   /* with LA57: PML5 slots 0 and 511 -> the PML4 */
#define BOOT_PT_LOW_END     0x08000ULL
#define BOOT_INFO_PADDR     0x08000ULL
#define BOOT_PT_HIGH_START  0x10000ULL
#define BOOT_PT_HIGH_END    0xa0000ULL
#define ACPI_TABLES_PADDR   0xe0000ULL
#define ACPI_TABLES_END     0x100000ULL
#define ACPI_RSDP_PADDR     ACPI_TABLES_PADDR
#define KERNEL_LOAD_MIN     0x100000ULL

#define PAGE_OFFSET_4LEVEL  0xffff888000000000ULL
#define KERNEL_VIRT_BASE    0xffffffff80000000ULL

/* Linux's GDT layout; PLATFORM.md: ring 3 works only with this one. */
#define GDT_KERNEL32_CS     0x08
#define GDT_KERNEL_CS       0x10
#define GDT_KERNEL_DS       0x18
#define GDT_USER32_CS       0x23
#define GDT_USER_DS         0x2b
#define GDT_USER_CS         0x33
#define GDT_TSS             0x40

/* Guest-physical hole for MMIO (LAPIC, IOAPIC, PCI BARs); RAM skips it. */
#define MMIO_HOLE_START     0xc0000000ULL
#define MMIO_HOLE_END       0x100000000ULL

#define BOOT_MAX_CPUS       256
#define BOOT_MAX_MEMMAP     64
#define BOOT_CMDLINE_MAX    2048

#ifndef __ASSEMBLY__

/* e820-style memory types */
enum boot_mem_type {
	BOOT_MEM_RAM      = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI     = 3, /* ACPI tables: reclaimable once parsed */
};

struct boot_mem_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;  /* enum boot_mem_type */
	uint32_t node;  /* NUMA node the VMM placed it on (ACPI SRAT is authoritative),
	                 * BOOT_NODE_UNKNOWN when not known (the guest's PVH entry) */
};

#define BOOT_NODE_UNKNOWN   0xffffffffU

struct boot_ap_start {
	uint64_t stack_top; /* virtual address the AP starts with in RSP */
	uint64_t arg;       /* passed in RDX */
};

struct boot_info {
	uint64_t magic;             /* BOOT_INFO_MAGIC */
	uint32_t version;           /* BOOT_INFO_VERSION */
	uint32_t size;              /* sizeof(struct boot_info) */
	uint64_t acpi_rsdp_paddr;
	uint64_t kernel_paddr_start; /* physical extent of the loaded image */
	uint64_t kernel_paddr_end;
	uint64_t counters_paddr;    /* shared counters region; 0 if none */
	uint64_t counters_size;
	uint64_t initrd_paddr;      /* cpio newc initramfs; 0 if none */
	uint64_t initrd_size;
	uint32_t nr_cpus;           /* vCPUs created (MADT is authoritative) */
	uint32_t nr_memmap;
	struct boot_mem_entry memmap[BOOT_MAX_MEMMAP];
	char cmdline[BOOT_CMDLINE_MAX];
	struct boot_ap_start ap_start[BOOT_MAX_CPUS];
};

#endif /* !__ASSEMBLY__ */

#endif

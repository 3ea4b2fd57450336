/*
 * The PVH boot entry (DESIGN.md decision 1): how QEMU's -kernel (and Xen)
 * start an ELF kernel. The ELF note XEN_ELFNOTE_PHYS32_ENTRY gives the
 * physical address of a 32-bit entry (head_pvh.S), entered in flat
 * protected mode, paging off, with EBX = physical address of struct
 * hvm_start_info. Layouts from Xen's public arch-x86/hvm/start_info.h.
 *
 * head_pvh.S switches to long mode on its own page tables (5-level when
 * the CPU has LA57) and calls pvh_init_boot_info(), which translates the
 * start info into a struct boot_info (include/gmm/bootinfo.h) so that
 * kmain() and everything after it sees the same structure under both
 * hypervisors.
 */
#ifndef ASM_PVH_H
#define ASM_PVH_H

/* For head_pvh.S, which cannot read include/gmm/bootinfo.h (C suffixes):
 * its KERNEL_VIRT_BASE and PAGE_OFFSET_4LEVEL, and the page-table slots
 * they use. pvh.c checks at compile time that they agree. */
#define PVH_KERNEL_VIRT_BASE        0xffffffff80000000
#define PVH_PAGE_OFFSET             0xffff888000000000
#define PVH_PML4_DIRECT             273   /* PML4 index of PVH_PAGE_OFFSET */
#define PVH_PDPT_KERNEL             510   /* PDPT index of PVH_KERNEL_VIRT_BASE */

#define XEN_ELFNOTE_PHYS32_ENTRY    18
#define XEN_HVM_START_MAGIC_VALUE   0x336ec578

/* hvm_memmap_table_entry.type (the e820 types) */
#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

#ifndef __ASSEMBLY__

#include <kernel/types.h>

struct hvm_start_info {
	u32 magic;           /* XEN_HVM_START_MAGIC_VALUE */
	u32 version;         /* 0, or 1 with the memmap fields */
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;   /* NUL-terminated, 0 if none */
	u64 rsdp_paddr;      /* 0 if none: scan the BIOS area */
	/* version >= 1 */
	u64 memmap_paddr;    /* struct hvm_memmap_table_entry[memmap_entries] */
	u32 memmap_entries;
	u32 reserved;
};

/* One module (QEMU's -initrd is module 0): the initramfs. */
struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};

struct hvm_memmap_table_entry {
	u64 addr;
	u64 size;
	u32 type;            /* XEN_HVM_MEMMAP_TYPE_* */
	u32 reserved;
};

/* True when the kernel was entered through the PVH note (QEMU), false
 * under our VMM. Selects the INIT/SIPI start of the APs (smpboot.c). */
extern bool pvh_boot;

/* head_pvh.S, in 64-bit mode before kmain(): fill the kernel's static
 * struct boot_info from START_INFO_PA; returns its physical address. */
unsigned long pvh_init_boot_info(unsigned long start_info_pa);

#endif /* !__ASSEMBLY__ */

#endif

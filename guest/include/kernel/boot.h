/* The boot information our VMM hands over (include/gmm/bootinfo.h). */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <gmm/bootinfo.h>
#include <kernel/types.h>

/* Direct-map pointer to the VMM's struct boot_info. It lies in the low
 * 1 MiB (reserved in the memory map): valid as long as that stays mapped. */
extern struct boot_info *boot_info;
extern phys_addr_t boot_info_phys;

/* True when all RAM the memory map calls usable is zero at boot (our VMM
 * hands it over so). False under QEMU, whose firmware ran first and left
 * data behind (set by the PVH entry): memblock then clears the struct
 * page arrays it hands out (kernel/mm_boot.c). */
extern bool boot_ram_zeroed;

/* Check magic, version and size; panics on a mismatch. */
void boot_info_init(phys_addr_t pa);

#endif

/* Bringing up the memory manager at boot (kernel/mm_boot.c). */
#ifndef KERNEL_MM_BOOT_H
#define KERNEL_MM_BOOT_H

/* After acpi_init() and numa_init(), before anything allocates. */
void mm_boot_init(void);
/* After smp_init(): the buddyinfo, numastat and mm_selftest switches. */
void mm_boot_diagnostics(void);

#endif

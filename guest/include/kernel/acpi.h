/* ACPI table parsing (kernel/acpi.c): MADT -> CPUs, SRAT -> NUMA nodes,
 * SLIT -> distances (kernel/cpu.h, kernel/numa.h). */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <kernel/types.h>

/* Find the RSDP, check every table's checksum (a bad one panics, naming
 * the table), parse MADT, SRAT, SLIT. Needs the boot CPU's APIC id. */
void acpi_init(void);

/* From the MADT, for later drivers: 0 if none. */
extern u32 acpi_lapic_addr;
extern u32 acpi_ioapic_addr;
extern u32 acpi_ioapic_gsi_base;

#endif

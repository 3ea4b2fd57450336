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

/* MPS INTI flags of a MADT interrupt source override (ACPI 5.2.12.5). */
#define ACPI_MADT_POLARITY_MASK     0x3
#define  ACPI_MADT_POLARITY_HIGH    0x1
#define  ACPI_MADT_POLARITY_LOW     0x3
#define ACPI_MADT_TRIGGER_MASK      0xc
#define  ACPI_MADT_TRIGGER_EDGE     0x4
#define  ACPI_MADT_TRIGGER_LEVEL    0xc

/* The GSI that ISA IRQ is wired to, and its INTI flags (0: conforming to
 * ISA, i.e. edge and active high), after the MADT's overrides. */
u32 acpi_isa_irq_to_gsi(unsigned int irq, u16 *flags);

#endif

/*
 * ACPI table layouts (ACPI 6.4, chapter 5.2) that the VMM writes
 * (vmm/acpi.c) and the guest reads (guest/kernel/acpi.c). Only the tables
 * and entry types we use; the layouts are the spec's, byte for byte.
 */
#ifndef GMM_ACPI_H
#define GMM_ACPI_H

#include <stdint.h>

#define ACPI_PACKED __attribute__((packed))

struct acpi_rsdp {
	char     signature[8];   /* "RSD PTR " */
	uint8_t  checksum;       /* first 20 bytes sum to 0 */
	char     oem_id[6];
	uint8_t  revision;       /* 2 for ACPI 2.0+ */
	uint32_t rsdt_address;
	uint32_t length;         /* 36 */
	uint64_t xsdt_address;
	uint8_t  extended_checksum; /* all 36 bytes sum to 0 */
	uint8_t  reserved[3];
} ACPI_PACKED;

struct acpi_sdt_header {
	char     signature[4];
	uint32_t length;         /* whole table, header included */
	uint8_t  revision;
	uint8_t  checksum;       /* whole table sums to 0 */
	char     oem_id[6];
	char     oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} ACPI_PACKED;

struct acpi_xsdt {
	struct acpi_sdt_header hdr;  /* "XSDT" */
	uint64_t entry[];
} ACPI_PACKED;

/* MADT ("APIC") */
struct acpi_madt {
	struct acpi_sdt_header hdr;
	uint32_t lapic_address;
	uint32_t flags;          /* bit 0: PC-AT compatible dual 8259 present */
} ACPI_PACKED;

struct acpi_subtable_header {
	uint8_t type;
	uint8_t length;
} ACPI_PACKED;

enum acpi_madt_type {
	ACPI_MADT_LAPIC          = 0,
	ACPI_MADT_IOAPIC         = 1,
	ACPI_MADT_INT_OVERRIDE   = 2,
	ACPI_MADT_LAPIC_NMI      = 4,
	ACPI_MADT_X2APIC         = 9,
};

#define ACPI_MADT_ENABLED  1u
#define ACPI_MADT_PCAT_COMPAT 1u

struct acpi_madt_lapic {
	struct acpi_subtable_header h;   /* type 0, length 8 */
	uint8_t  processor_uid;
	uint8_t  apic_id;
	uint32_t flags;                  /* ACPI_MADT_ENABLED */
} ACPI_PACKED;

struct acpi_madt_ioapic {
	struct acpi_subtable_header h;   /* type 1, length 12 */
	uint8_t  id;
	uint8_t  reserved;
	uint32_t address;
	uint32_t gsi_base;
} ACPI_PACKED;

struct acpi_madt_int_override {
	struct acpi_subtable_header h;   /* type 2, length 10 */
	uint8_t  bus;                    /* 0 = ISA */
	uint8_t  source;                 /* ISA IRQ */
	uint32_t gsi;
	uint16_t flags;
} ACPI_PACKED;

struct acpi_madt_x2apic {
	struct acpi_subtable_header h;   /* type 9, length 16 */
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t processor_uid;
} ACPI_PACKED;

/* SRAT */
struct acpi_srat {
	struct acpi_sdt_header hdr;
	uint32_t table_revision;         /* 1 */
	uint64_t reserved;
} ACPI_PACKED;

enum acpi_srat_type {
	ACPI_SRAT_CPU_AFFINITY    = 0,
	ACPI_SRAT_MEMORY_AFFINITY = 1,
	ACPI_SRAT_X2APIC_AFFINITY = 2,
};

#define ACPI_SRAT_ENABLED      1u
#define ACPI_SRAT_HOTPLUGGABLE 2u

struct acpi_srat_cpu_affinity {
	struct acpi_subtable_header h;   /* type 0, length 16 */
	uint8_t  proximity_lo;
	uint8_t  apic_id;
	uint32_t flags;
	uint8_t  local_sapic_eid;
	uint8_t  proximity_hi[3];
	uint32_t clock_domain;
} ACPI_PACKED;

struct acpi_srat_mem_affinity {
	struct acpi_subtable_header h;   /* type 1, length 40 */
	uint32_t proximity_domain;
	uint16_t reserved1;
	uint64_t base_address;
	uint64_t length;
	uint32_t reserved2;
	uint32_t flags;
	uint64_t reserved3;
} ACPI_PACKED;

struct acpi_srat_x2apic_affinity {
	struct acpi_subtable_header h;   /* type 2, length 24 */
	uint16_t reserved1;
	uint32_t proximity_domain;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t clock_domain;
	uint32_t reserved2;
} ACPI_PACKED;

/* SLIT: locality_count^2 one-byte distances follow, row-major */
struct acpi_slit {
	struct acpi_sdt_header hdr;
	uint64_t locality_count;
	uint8_t  entry[];
} ACPI_PACKED;

#define ACPI_LAPIC_DEFAULT_ADDR  0xfee00000u
#define ACPI_IOAPIC_DEFAULT_ADDR 0xfec00000u

/* Sum of bytes; a valid table sums to 0 (mod 256). */
static inline uint8_t acpi_checksum(const void *p, uint32_t len)
{
	const uint8_t *b = (const uint8_t *)p;
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum;
}

#endif

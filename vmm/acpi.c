/*
 * ACPI tables describing the machine, written where a BIOS would put them
 * (ACPI_TABLES_PADDR): RSDP -> XSDT -> MADT (vCPUs, IOAPIC), SRAT (vCPU and
 * memory proximity domains) and SLIT (node distances), as QEMU and
 * cloud-hypervisor write them. The guest learns its topology only from here.
 */
#include <stdio.h>
#include <string.h>

#include <gmm/acpi.h>
#include <gmm/bootinfo.h>
#include "vmm/vm.h"

struct acpi_builder {
	uint8_t *base;      /* host pointer of ACPI_TABLES_PADDR */
	uint64_t used, cap;
};

static void *acpi_alloc(struct acpi_builder *b, uint64_t len, uint64_t *gpa)
{
	uint64_t off = (b->used + 15) & ~15ULL;
	if (off + len > b->cap)
		return NULL;
	b->used = off + len;
	*gpa = ACPI_TABLES_PADDR + off;
	return b->base + off;
}

static void sdt_header(struct acpi_sdt_header *h, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "GMMVMM", 6);
	memcpy(h->oem_table_id, "GMMVMM  ", 8);
	h->oem_revision = 1;
	memcpy(&h->creator_id, "GMMV", 4);
	h->creator_revision = 1;
	h->checksum = 0;
	h->checksum = (uint8_t)-acpi_checksum(h, len);
}

static uint64_t build_madt(struct vm *vm, struct acpi_builder *b)
{
	int n = vm->nr_vcpus;
	uint32_t len = sizeof(struct acpi_madt) + sizeof(struct acpi_madt_ioapic) +
		       sizeof(struct acpi_madt_int_override);
	for (int i = 0; i < n; i++)
		len += i < 255 ? sizeof(struct acpi_madt_lapic) : sizeof(struct acpi_madt_x2apic);
	uint64_t gpa;
	uint8_t *t = acpi_alloc(b, len, &gpa);
	if (!t)
		return 0;
	struct acpi_madt *madt = (struct acpi_madt *)t;
	madt->lapic_address = ACPI_LAPIC_DEFAULT_ADDR;
	madt->flags = ACPI_MADT_PCAT_COMPAT;
	uint8_t *p = t + sizeof(*madt);
	for (int i = 0; i < n; i++) {
		if (i < 255) {   /* APIC IDs above 254 need x2APIC entries */
			struct acpi_madt_lapic *l = (void *)p;
			*l = (struct acpi_madt_lapic){ { ACPI_MADT_LAPIC, sizeof(*l) },
				(uint8_t)i, (uint8_t)i, ACPI_MADT_ENABLED };
			p += sizeof(*l);
		} else {
			struct acpi_madt_x2apic *x = (void *)p;
			*x = (struct acpi_madt_x2apic){ { ACPI_MADT_X2APIC, sizeof(*x) }, 0,
				(uint32_t)i, ACPI_MADT_ENABLED, (uint32_t)i };
			p += sizeof(*x);
		}
	}
	struct acpi_madt_ioapic *io = (void *)p;
	*io = (struct acpi_madt_ioapic){ { ACPI_MADT_IOAPIC, sizeof(*io) }, 0, 0,
		ACPI_IOAPIC_DEFAULT_ADDR, 0 };
	p += sizeof(*io);
	/* ISA IRQ 0 (PIT) is wired to IOAPIC pin 2, as on a PC and in QEMU. */
	struct acpi_madt_int_override *ov = (void *)p;
	*ov = (struct acpi_madt_int_override){ { ACPI_MADT_INT_OVERRIDE, sizeof(*ov) }, 0, 0, 2, 0 };
	sdt_header(&madt->hdr, "APIC", len, 5);
	return gpa;
}

static uint64_t build_srat(struct vm *vm, struct acpi_builder *b)
{
	int n = vm->nr_vcpus;
	const struct guest_mem *m = &vm->mem;
	uint32_t len = sizeof(struct acpi_srat) + m->nr_regions * sizeof(struct acpi_srat_mem_affinity);
	for (int i = 0; i < n; i++)
		len += i < 255 ? sizeof(struct acpi_srat_cpu_affinity)
			       : sizeof(struct acpi_srat_x2apic_affinity);
	uint64_t gpa;
	uint8_t *t = acpi_alloc(b, len, &gpa);
	if (!t)
		return 0;
	struct acpi_srat *srat = (struct acpi_srat *)t;
	srat->table_revision = 1;
	uint8_t *p = t + sizeof(*srat);
	for (int i = 0; i < n; i++) {
		uint32_t node = (uint32_t)vm->cfg->cpu_node[i];
		if (i < 255) {
			struct acpi_srat_cpu_affinity *c = (void *)p;
			*c = (struct acpi_srat_cpu_affinity){ { ACPI_SRAT_CPU_AFFINITY, sizeof(*c) },
				(uint8_t)node, (uint8_t)i, ACPI_SRAT_ENABLED, 0,
				{ (uint8_t)(node >> 8), (uint8_t)(node >> 16), (uint8_t)(node >> 24) }, 0 };
			p += sizeof(*c);
		} else {
			struct acpi_srat_x2apic_affinity *x = (void *)p;
			*x = (struct acpi_srat_x2apic_affinity){ { ACPI_SRAT_X2APIC_AFFINITY, sizeof(*x) },
				0, node, (uint32_t)i, ACPI_SRAT_ENABLED, 0, 0 };
			p += sizeof(*x);
		}
	}
	for (int i = 0; i < m->nr_regions; i++) {
		struct acpi_srat_mem_affinity *ma = (void *)p;
		*ma = (struct acpi_srat_mem_affinity){ { ACPI_SRAT_MEMORY_AFFINITY, sizeof(*ma) },
			(uint32_t)m->region[i].node, 0, m->region[i].gpa, m->region[i].size, 0,
			ACPI_SRAT_ENABLED, 0 };
		p += sizeof(*ma);
	}
	sdt_header(&srat->hdr, "SRAT", len, 3);
	return gpa;
}

static uint64_t build_slit(struct vm *vm, struct acpi_builder *b)
{
	int nn = vm->cfg->nr_nodes;
	uint32_t len = sizeof(struct acpi_slit) + (uint32_t)(nn * nn);
	uint64_t gpa;
	struct acpi_slit *slit = acpi_alloc(b, len, &gpa);
	if (!slit)
		return 0;
	slit->locality_count = (uint64_t)nn;
	for (int i = 0; i < nn; i++)
		for (int j = 0; j < nn; j++)
			slit->entry[i * nn + j] = vm->cfg->node[i].distance[j];
	sdt_header(&slit->hdr, "SLIT", len, 1);
	return gpa;
}

long acpi_build(struct vm *vm, char *err, size_t errlen)
{
	struct acpi_builder b = { gpa_to_hva(&vm->mem, ACPI_TABLES_PADDR, ACPI_TABLES_END - ACPI_TABLES_PADDR),
				  0, ACPI_TABLES_END - ACPI_TABLES_PADDR };
	if (!b.base) {
		snprintf(err, errlen, "ACPI area 0x%llx is not guest RAM", (unsigned long long)ACPI_TABLES_PADDR);
		return -1;
	}
	uint64_t rsdp_gpa;
	struct acpi_rsdp *rsdp = acpi_alloc(&b, sizeof(*rsdp), &rsdp_gpa);
	uint64_t tables[3] = { build_madt(vm, &b), build_srat(vm, &b), build_slit(vm, &b) };
	uint32_t xlen = sizeof(struct acpi_xsdt) + sizeof(tables);
	uint64_t xsdt_gpa;
	struct acpi_xsdt *xsdt = acpi_alloc(&b, xlen, &xsdt_gpa);
	if (!rsdp || !tables[0] || !tables[1] || !tables[2] || !xsdt) {
		snprintf(err, errlen, "ACPI tables do not fit in %llu KiB",
			 (unsigned long long)((ACPI_TABLES_END - ACPI_TABLES_PADDR) >> 10));
		return -1;
	}
	memcpy(xsdt->entry, tables, sizeof(tables));
	sdt_header(&xsdt->hdr, "XSDT", xlen, 1);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "GMMVMM", 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = xsdt_gpa;
	rsdp->checksum = (uint8_t)-acpi_checksum(rsdp, 20);
	rsdp->extended_checksum = (uint8_t)-acpi_checksum(rsdp, sizeof(*rsdp));
	return (long)b.used;
}

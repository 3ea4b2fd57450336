/*
 * ACPI tables, the only source of the machine's topology (DESIGN.md,
 * decision 2): RSDP -> XSDT (or RSDT) -> MADT (CPUs, IOAPIC), SRAT (CPU
 * and memory proximity domains), SLIT (distances). Every table the root
 * table lists is checksummed; a bad one panics, naming it.
 *
 * Runs once on the BSP at boot; the tables are read through the direct
 * map. Proximity domains are used as node numbers directly (QEMU and our
 * VMM number them 0..n-1 like the config's cells).
 */
#include <gmm/acpi.h>
#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <kernel/cpu.h>
#include <kernel/numa.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <asm/page.h>

#define BIOS_ROM_START   0xe0000UL
#define BIOS_ROM_END     0x100000UL
#define RSDP_SIG         0x2052545020445352ULL   /* "RSD PTR " */

u32 acpi_lapic_addr;
u32 acpi_ioapic_addr;
u32 acpi_ioapic_gsi_base;

/* Interrupt source overrides from the MADT (ISA IRQs only: 0-15). */
static struct { bool present; u32 gsi; u16 flags; } irq_override[16];

static const struct acpi_madt *madt;
static const struct acpi_srat *srat;
static const struct acpi_slit *slit;

static const struct acpi_rsdp *rsdp_at(unsigned long pa)
{
	const struct acpi_rsdp *r = __va(pa);

	return *(const u64 *)r->signature == RSDP_SIG ? r : NULL;
}

/* boot_info's pointer, else the BIOS area scan a PC guest does. */
static const struct acpi_rsdp *find_rsdp(unsigned long *pa)
{
	const struct acpi_rsdp *r;

	*pa = boot_info->acpi_rsdp_paddr;
	if (*pa && (r = rsdp_at(*pa)))
		return r;
	for (*pa = BIOS_ROM_START; *pa < BIOS_ROM_END; *pa += 16)
		if ((r = rsdp_at(*pa)))
			return r;
	return NULL;
}

static const struct acpi_sdt_header *map_table(u64 pa)
{
	const struct acpi_sdt_header *h = __va(pa);

	if (h->length < sizeof(*h))
		panic("ACPI: %.4s table at 0x%lx: bad length %u", h->signature,
		      (unsigned long)pa, h->length);
	if (acpi_checksum(h, h->length))
		panic("ACPI: %.4s table at 0x%lx: bad checksum", h->signature, (unsigned long)pa);
	printk("ACPI: %.4s 0x%016lx %06x (v%02u %.6s %.8s)\n", h->signature, (unsigned long)pa,
	       h->length, h->revision, h->oem_id, h->oem_table_id);
	return h;
}

/* Walk a table's subtables: [first, end of table). */
#define for_each_subtable(sub, table, first) \
	for ((sub) = (const struct acpi_subtable_header *)(first); \
	     (const u8 *)(sub) + sizeof(*(sub)) <= (const u8 *)(table) + (table)->hdr.length && \
	     (sub)->length >= sizeof(*(sub)) && \
	     (const u8 *)(sub) + (sub)->length <= (const u8 *)(table) + (table)->hdr.length; \
	     (sub) = (const struct acpi_subtable_header *)((const u8 *)(sub) + (sub)->length))

static const char *polarity_name(u16 flags)
{
	static const char *const name[] = { "dfl", "high", "res", "low" };
	return name[flags & ACPI_MADT_POLARITY_MASK];
}

static const char *trigger_name(u16 flags)
{
	static const char *const name[] = { "dfl", "edge", "res", "level" };
	return name[(flags & ACPI_MADT_TRIGGER_MASK) >> 2];
}

u32 acpi_isa_irq_to_gsi(unsigned int irq, u16 *flags)
{
	if (irq < 16 && irq_override[irq].present) {
		*flags = irq_override[irq].flags;
		return irq_override[irq].gsi;
	}
	*flags = 0;
	return irq;
}

static void parse_madt(void)
{
	const struct acpi_subtable_header *sub;
	unsigned int nr_ioapics = 0;

	acpi_lapic_addr = madt->lapic_address;
	for_each_subtable(sub, madt, madt + 1) {
		switch (sub->type) {
		case ACPI_MADT_LAPIC: {
			const struct acpi_madt_lapic *l = (const void *)sub;
			if (sub->length >= sizeof(*l) && (l->flags & ACPI_MADT_ENABLED))
				register_cpu(l->apic_id);
			break;
		}
		case ACPI_MADT_X2APIC: {
			const struct acpi_madt_x2apic *x = (const void *)sub;
			if (sub->length >= sizeof(*x) && (x->flags & ACPI_MADT_ENABLED))
				register_cpu(x->x2apic_id);
			break;
		}
		case ACPI_MADT_INT_OVERRIDE: {
			const struct acpi_madt_int_override *o = (const void *)sub;
			if (sub->length < sizeof(*o) || o->bus != 0 || o->source >= 16)
				break;
			irq_override[o->source].present = true;
			irq_override[o->source].gsi = o->gsi;
			irq_override[o->source].flags = o->flags;
			printk("ACPI: INT_SRC_OVR (bus 0 bus_irq %u global_irq %u %s %s)\n", o->source,
			       o->gsi, polarity_name(o->flags), trigger_name(o->flags));
			break;
		}
		case ACPI_MADT_IOAPIC: {
			const struct acpi_madt_ioapic *io = (const void *)sub;
			if (sub->length >= sizeof(*io) && nr_ioapics++ == 0) {
				acpi_ioapic_addr = io->address;
				acpi_ioapic_gsi_base = io->gsi_base;
			}
			break;
		}
		}
	}
	printk("ACPI: MADT: %u CPUs, LAPIC at 0x%x, IOAPIC at 0x%x\n", nr_cpu_ids,
	       acpi_lapic_addr, acpi_ioapic_addr);
}

static int pxm_to_node(u32 pxm)
{
	if (pxm >= MAX_NUMNODES)
		panic("ACPI: SRAT: proximity domain %u beyond MAX_NUMNODES (%d)", pxm, MAX_NUMNODES);
	return (int)pxm;
}

static void parse_srat(void)
{
	const struct acpi_subtable_header *sub;

	for_each_subtable(sub, srat, srat + 1) {
		switch (sub->type) {
		case ACPI_SRAT_CPU_AFFINITY: {
			const struct acpi_srat_cpu_affinity *c = (const void *)sub;
			u32 pxm = c->proximity_lo;
			if (sub->length < sizeof(*c) || !(c->flags & ACPI_SRAT_ENABLED))
				break;
			if (srat->hdr.revision >= 2)
				pxm |= (u32)c->proximity_hi[0] << 8 | (u32)c->proximity_hi[1] << 16 |
				       (u32)c->proximity_hi[2] << 24;
			numa_set_apicid_node(c->apic_id, pxm_to_node(pxm));
			break;
		}
		case ACPI_SRAT_X2APIC_AFFINITY: {
			const struct acpi_srat_x2apic_affinity *x = (const void *)sub;
			if (sub->length >= sizeof(*x) && (x->flags & ACPI_SRAT_ENABLED))
				numa_set_apicid_node(x->x2apic_id, pxm_to_node(x->proximity_domain));
			break;
		}
		case ACPI_SRAT_MEMORY_AFFINITY: {
			const struct acpi_srat_mem_affinity *m = (const void *)sub;
			if (sub->length < sizeof(*m) || !(m->flags & ACPI_SRAT_ENABLED) || !m->length)
				break;
			int nid = pxm_to_node(m->proximity_domain);
			printk("ACPI: SRAT: Node %d PXM %u [mem 0x%08lx-0x%08lx]\n", nid,
			       m->proximity_domain, (unsigned long)m->base_address,
			       (unsigned long)(m->base_address + m->length - 1));
			numa_add_memblk(nid, m->base_address, m->base_address + m->length);
			break;
		}
		}
	}
}

/* Linux's slit_valid(): local distances 10, remote ones larger. */
static bool slit_valid(u64 n)
{
	for (u64 i = 0; i < n; i++)
		for (u64 j = 0; j < n; j++) {
			u8 d = slit->entry[i * n + j];
			if (i == j ? d != LOCAL_DISTANCE : d <= LOCAL_DISTANCE)
				return false;
		}
	return true;
}

static void parse_slit(void)
{
	u64 n = slit->locality_count;

	if (n > MAX_NUMNODES || sizeof(*slit) + n * n > slit->hdr.length) {
		printk("ACPI: SLIT: %lu localities do not fit the table, ignored\n", (unsigned long)n);
		return;
	}
	if (!slit_valid(n)) {
		printk("ACPI: SLIT: invalid distances, ignored\n");
		return;
	}
	for (u64 i = 0; i < n; i++)
		for (u64 j = 0; j < n; j++)
			numa_set_distance((int)i, (int)j, slit->entry[i * n + j]);
}

void acpi_init(void)
{
	unsigned long rsdp_pa;
	const struct acpi_rsdp *rsdp = find_rsdp(&rsdp_pa);

	if (!rsdp) {
		printk("ACPI: no RSDP: one CPU, one node\n");
		return;
	}
	if (acpi_checksum(rsdp, 20))
		panic("ACPI: RSDP at 0x%lx: bad checksum", rsdp_pa);
	bool xsdt = rsdp->revision >= 2 && rsdp->xsdt_address;
	if (rsdp->revision >= 2 && acpi_checksum(rsdp, rsdp->length < sizeof(*rsdp) ?
						  (u32)sizeof(*rsdp) : rsdp->length))
		panic("ACPI: RSDP at 0x%lx: bad extended checksum", rsdp_pa);
	printk("ACPI: RSDP 0x%016lx %06x (v%02u %.6s)\n", rsdp_pa, rsdp->length,
	       rsdp->revision, rsdp->oem_id);

	const struct acpi_sdt_header *root = map_table(xsdt ? rsdp->xsdt_address :
						       rsdp->rsdt_address);
	unsigned int entry_size = xsdt ? 8 : 4;
	unsigned int n = (root->length - (u32)sizeof(*root)) / entry_size;
	const u8 *entries = (const u8 *)(root + 1);
	for (unsigned int i = 0; i < n; i++) {
		u64 pa = 0;
		memcpy(&pa, entries + i * entry_size, entry_size);   /* unaligned in an RSDT */
		const struct acpi_sdt_header *h = map_table(pa);
		if (!memcmp(h->signature, "APIC", 4) && h->length >= sizeof(*madt))
			madt = (const void *)h;
		else if (!memcmp(h->signature, "SRAT", 4) && h->length >= sizeof(*srat))
			srat = (const void *)h;
		else if (!memcmp(h->signature, "SLIT", 4) && h->length >= sizeof(*slit))
			slit = (const void *)h;
	}
	if (madt)
		parse_madt();
	else
		printk("ACPI: no MADT: only the boot CPU\n");
	if (srat)
		parse_srat();
	if (slit)
		parse_slit();
}

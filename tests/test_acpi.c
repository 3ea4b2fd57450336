/*
 * Host unit tests of the ACPI tables the VMM writes (vmm/acpi.c): every
 * checksum valid, and MADT/SRAT/SLIT describe exactly the configured
 * machine. Guest memory is a plain buffer here.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <gmm/acpi.h>
#include <gmm/bootinfo.h>
#include "vmm/vm.h"

static struct vm_config cfg;
static struct vm vm;

static void setup_vm(const char *config)
{
	char err[1024];
	cr_assert_eq(config_load(config, &cfg, err, sizeof(err)), 0, "%s", err);
	memset(&vm, 0, sizeof(vm));
	vm.cfg = &cfg;
	vm.nr_vcpus = cfg.nr_vcpus;
	uint64_t gpa = 0;
	for (int n = 0; n < cfg.nr_nodes; n++) {
		/* Only node 0's first 1 MiB is ever touched by acpi_build. */
		uint64_t backed = n == 0 ? ACPI_TABLES_END : 4096;
		struct guest_region *r = &vm.mem.region[vm.mem.nr_regions++];
		*r = (struct guest_region){ gpa, cfg.node[n].mem_bytes, calloc(1, backed), n, n };
		gpa += cfg.node[n].mem_bytes;
	}
	cr_assert_gt(acpi_build(&vm, err, sizeof(err)), 0, "%s", err);
}

static const void *table_at(uint64_t gpa)
{
	const void *p = gpa_to_hva(&vm.mem, gpa, sizeof(struct acpi_sdt_header));
	cr_assert(p, "table pointer 0x%llx outside guest RAM", (unsigned long long)gpa);
	return p;
}

static const struct acpi_sdt_header *find_table(const char sig[4])
{
	const struct acpi_rsdp *rsdp = table_at(ACPI_RSDP_PADDR);
	const struct acpi_xsdt *x = table_at(rsdp->xsdt_address);
	int n = (int)((x->hdr.length - sizeof(x->hdr)) / 8);
	for (int i = 0; i < n; i++) {
		const struct acpi_sdt_header *h = table_at(x->entry[i]);
		if (!memcmp(h->signature, sig, 4))
			return h;
	}
	return NULL;
}

Test(acpi, rsdp_and_every_table_checksum_is_valid)
{
	setup_vm("configs/4node.xml");
	const struct acpi_rsdp *rsdp = table_at(ACPI_RSDP_PADDR);
	cr_assert_eq(memcmp(rsdp->signature, "RSD PTR ", 8), 0);
	cr_assert_eq(rsdp->revision, 2);
	cr_assert_eq(acpi_checksum(rsdp, 20), 0, "RSDP v1 checksum");
	cr_assert_eq(acpi_checksum(rsdp, rsdp->length), 0, "RSDP extended checksum");
	const struct acpi_xsdt *x = table_at(rsdp->xsdt_address);
	cr_assert_eq(acpi_checksum(x, x->hdr.length), 0, "XSDT checksum");
	const char *sigs[] = { "APIC", "SRAT", "SLIT" };
	for (int i = 0; i < 3; i++) {
		const struct acpi_sdt_header *h = find_table(sigs[i]);
		cr_assert(h, "no %s table", sigs[i]);
		cr_assert_eq(acpi_checksum(h, h->length), 0, "%s checksum", sigs[i]);
	}
}

Test(acpi, madt_lists_every_vcpu_and_the_ioapic)
{
	setup_vm("configs/2node.xml");
	const struct acpi_madt *m = (const void *)find_table("APIC");
	cr_assert_eq(m->lapic_address, ACPI_LAPIC_DEFAULT_ADDR);
	const uint8_t *p = (const uint8_t *)(m + 1), *end = (const uint8_t *)m + m->hdr.length;
	int cpus = 0, ioapics = 0;
	for (; p < end; p += ((const struct acpi_subtable_header *)p)->length) {
		const struct acpi_subtable_header *h = (const void *)p;
		cr_assert_gt(h->length, 0);
		if (h->type == ACPI_MADT_LAPIC) {
			const struct acpi_madt_lapic *l = (const void *)p;
			cr_assert_eq(l->apic_id, cpus, "APIC IDs follow vCPU order");
			cr_assert(l->flags & ACPI_MADT_ENABLED);
			cpus++;
		} else if (h->type == ACPI_MADT_IOAPIC) {
			ioapics++;
		}
	}
	cr_assert_eq(cpus, cfg.nr_vcpus);
	cr_assert_eq(ioapics, 1);
}

Test(acpi, srat_places_cpus_and_memory_on_their_nodes)
{
	setup_vm("configs/4node.xml");
	const struct acpi_srat *s = (const void *)find_table("SRAT");
	const uint8_t *p = (const uint8_t *)(s + 1), *end = (const uint8_t *)s + s->hdr.length;
	uint64_t node_mem[CONFIG_MAX_NODES] = { 0 };
	int cpus = 0;
	for (; p < end; p += ((const struct acpi_subtable_header *)p)->length) {
		const struct acpi_subtable_header *h = (const void *)p;
		if (h->type == ACPI_SRAT_CPU_AFFINITY) {
			const struct acpi_srat_cpu_affinity *c = (const void *)p;
			cr_assert_eq(c->proximity_lo, cfg.cpu_node[c->apic_id], "cpu %d node", c->apic_id);
			cpus++;
		} else if (h->type == ACPI_SRAT_MEMORY_AFFINITY) {
			const struct acpi_srat_mem_affinity *ma = (const void *)p;
			cr_assert(ma->flags & ACPI_SRAT_ENABLED);
			node_mem[ma->proximity_domain] += ma->length;
		}
	}
	cr_assert_eq(cpus, cfg.nr_vcpus);
	for (int n = 0; n < cfg.nr_nodes; n++)
		cr_assert_eq(node_mem[n], cfg.node[n].mem_bytes, "node %d memory", n);
}

Test(acpi, slit_is_the_configured_distance_matrix)
{
	setup_vm("configs/4node.xml");
	const struct acpi_slit *s = (const void *)find_table("SLIT");
	cr_assert_eq(s->locality_count, (uint64_t)cfg.nr_nodes);
	int asymmetric = 0;
	for (int i = 0; i < cfg.nr_nodes; i++)
		for (int j = 0; j < cfg.nr_nodes; j++) {
			cr_assert_eq(s->entry[i * cfg.nr_nodes + j], cfg.node[i].distance[j]);
			asymmetric |= s->entry[i * cfg.nr_nodes + j] != s->entry[j * cfg.nr_nodes + i];
		}
	cr_assert(asymmetric, "configs/4node.xml is meant to have asymmetric distances");
}

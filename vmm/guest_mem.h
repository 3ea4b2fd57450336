/*
 * Guest physical memory as the host sees it: one region per memslot, each
 * with its own host mapping (one or two per NUMA node: a node that would
 * cross the MMIO hole below 4 GiB is split around it).
 *
 * Every guest-supplied address goes through gpa_to_hva(), which checks the
 * whole range lies inside one region (DESIGN.md decision 9). Nothing else
 * turns a guest-physical address into a pointer.
 */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_REGIONS 130

struct guest_region {
	uint64_t gpa;      /* guest-physical start */
	uint64_t size;     /* bytes */
	uint8_t *hva;      /* host mapping of gpa */
	int      node;     /* guest NUMA node */
	int      slot;     /* KVM memslot number, -1 if not registered */
};

struct guest_mem {
	int nr_regions;
	struct guest_region region[GUEST_MEM_MAX_REGIONS];
};

/* Host pointer for [gpa, gpa+len) or NULL if any byte of it is not RAM or
 * the range spans two regions (or wraps). len == 0 is treated as 1. */
static inline void *gpa_to_hva(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (len == 0)
		len = 1;
	if (gpa + len < gpa)
		return NULL;
	for (int i = 0; i < m->nr_regions; i++) {
		const struct guest_region *r = &m->region[i];
		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
			return r->hva + (gpa - r->gpa);
	}
	return NULL;
}

/* Copy helpers: false if the range is not wholly guest RAM. */
bool guest_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len);
bool guest_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len);

#endif

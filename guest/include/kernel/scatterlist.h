/*
 * A buffer the device reads or writes, by physical address (Linux:
 * include/linux/scatterlist.h, reduced to one physically contiguous
 * segment per entry: there is no IOMMU, so dma_address is the guest
 * physical address).
 */
#ifndef KERNEL_SCATTERLIST_H
#define KERNEL_SCATTERLIST_H

#include <kernel/types.h>
#include <mm/page_types.h>

struct scatterlist {
	phys_addr_t dma_address;
	unsigned int length;
};

/* BUF is a direct-map or kernel-image address. */
static inline void sg_init_one(struct scatterlist *sg, const void *buf, unsigned int len)
{
	sg->dma_address = __pa(buf);
	sg->length = len;
}

static inline void sg_init_phys(struct scatterlist *sg, phys_addr_t pa, unsigned int len)
{
	sg->dma_address = pa;
	sg->length = len;
}

#endif

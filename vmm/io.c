/* The port/MMIO dispatch table (see io.h). */
#include <stddef.h>
#include "vmm/io.h"

int io_register(struct io_bus *bus, enum io_space space, uint64_t base, uint64_t len,
		const char *name, io_handler_fn fn, void *opaque)
{
	if (bus->nr >= IO_MAX_RANGES || len == 0)
		return -1;
	for (int i = 0; i < bus->nr; i++) {
		const struct io_range *r = &bus->range[i];
		if (r->space == space && base < r->base + r->len && r->base < base + len)
			return -1;
	}
	bus->range[bus->nr++] = (struct io_range){ space, base, len, name, fn, opaque };
	return 0;
}

const struct io_range *io_find(const struct io_bus *bus, enum io_space space,
			       uint64_t addr, uint32_t size)
{
	for (int i = 0; i < bus->nr; i++) {
		const struct io_range *r = &bus->range[i];
		if (r->space == space && addr >= r->base && addr - r->base + size <= r->len)
			return r;
	}
	return NULL;
}

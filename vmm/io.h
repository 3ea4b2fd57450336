/*
 * Port and MMIO dispatch for the vCPU run loop. Devices register a handler
 * for a range before the first KVM_RUN; the table is read-only afterwards,
 * so lookups take no lock. A handler runs on the vCPU thread that exited;
 * a device shared between vCPUs locks its own state.
 */
#ifndef VMM_IO_H
#define VMM_IO_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* DATA holds SIZE bytes (1, 2, 4 or 8), little-endian. For a read the
 * handler fills it. Return false if the access is not one the device
 * accepts: the run loop then treats it as an unhandled exit. */
typedef bool (*io_handler_fn)(void *opaque, struct vcpu *vcpu, uint64_t addr,
			      bool is_write, uint8_t *data, uint32_t size);

enum io_space { IO_PIO, IO_MMIO };

struct io_range {
	enum io_space space;
	uint64_t base, len;
	const char *name;
	io_handler_fn fn;
	void *opaque;
};

#define IO_MAX_RANGES 64

struct io_bus {
	int nr;
	struct io_range range[IO_MAX_RANGES];
};

/* 0 on success, -1 if full or overlapping another range (a VMM bug). */
int io_register(struct io_bus *bus, enum io_space space, uint64_t base, uint64_t len,
		const char *name, io_handler_fn fn, void *opaque);
const struct io_range *io_find(const struct io_bus *bus, enum io_space space,
			       uint64_t addr, uint32_t size);

#endif

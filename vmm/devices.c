/*
 * The port devices of the machine and their wiring on the I/O bus:
 *   0x3f8-0x3ff  16550 UART console (serial.c)
 *   0xf4         isa-debug-exit: a write of v ends the VM with status v
 *                (QEMU reports (v << 1) | 1; see include/gmm/ports.h)
 *   0xf10        AP start: a 32-bit write of a CPU index starts that vCPU
 *                with the stack and argument the guest put in boot_info
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <gmm/bootinfo.h>
#include <gmm/ports.h>
#include "vmm/vm.h"

static uint32_t le_value(const uint8_t *data, uint32_t size)
{
	uint32_t v = 0;
	memcpy(&v, data, size > 4 ? 4 : size);
	return v;
}

static bool serial_io(void *opaque, struct vcpu *vcpu, uint64_t port, bool is_write,
		      uint8_t *data, uint32_t size)
{
	struct vm *vm = opaque;
	if (size != 1)
		return false;
	uint8_t r = serial_access(&vm->serial, (unsigned)(port - PORT_COM1), is_write, data[0]);
	if (!is_write)
		data[0] = r;
	return true;
}

static bool debug_exit_io(void *opaque, struct vcpu *vcpu, uint64_t port, bool is_write,
			  uint8_t *data, uint32_t size)
{
	struct vm *vm = opaque;
	if (!is_write) {
		memset(data, 0, size);
		return true;
	}
	uint32_t v = le_value(data, size);
	serial_flush(&vm->serial);
	vm_request_stop(vm, (int)(v & 0xff), "guest wrote %u to the debug-exit port (vcpu %d)",
			v, vcpu->index);
	return true;
}

static bool ap_start_io(void *opaque, struct vcpu *vcpu, uint64_t port, bool is_write,
			uint8_t *data, uint32_t size)
{
	struct vm *vm = opaque;
	if (!is_write || size != 4)
		return false;
	uint32_t cpu = le_value(data, size);
	struct boot_ap_start st;
	if (cpu == 0 || cpu >= (uint32_t)vm->nr_vcpus || cpu >= BOOT_MAX_CPUS ||
	    !guest_read(&vm->mem, BOOT_INFO_PADDR + offsetof(struct boot_info, ap_start[cpu]),
			&st, sizeof(st))) {
		fprintf(stderr, "vmm: vcpu %d asked to start CPU %u, which does not exist: ignored\n",
			vcpu->index, cpu);
		return true;
	}
	pthread_mutex_lock(&vm->lock);
	struct vcpu *ap = &vm->vcpu[cpu];
	if (ap->start_requested) {
		fprintf(stderr, "vmm: CPU %u started twice: ignored\n", cpu);
	} else {
		ap->start_rsp = st.stack_top;
		ap->start_arg = st.arg;
		ap->start_requested = true;
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
	return true;
}

int devices_setup(struct vm *vm, char *err, size_t errlen)
{
	serial_init(&vm->serial, 1);
	if (io_register(&vm->io, IO_PIO, PORT_COM1, 8, "serial", serial_io, vm) < 0 ||
	    io_register(&vm->io, IO_PIO, PORT_DEBUG_EXIT, 4, "debug-exit", debug_exit_io, vm) < 0 ||
	    io_register(&vm->io, IO_PIO, PORT_AP_START, 4, "ap-start", ap_start_io, vm) < 0) {
		snprintf(err, errlen, "cannot register port devices");
		return -1;
	}
	return 0;
}

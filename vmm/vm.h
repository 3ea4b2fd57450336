/*
 * The virtual machine: one KVM VM, its guest memory, its devices and its
 * vCPUs. main.c creates it from a config, runs it and reports how it ended.
 *
 * Locking: vm->lock protects the stop state (stopping, exit_status,
 * exit_reason) and the AP start flags (vcpu->start_requested); vm->cond is
 * signalled when either changes. Device state is locked by each device.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <linux/kvm.h>

#include "vmm/config.h"
#include "vmm/guest_mem.h"
#include "vmm/initramfs.h"
#include "vmm/io.h"
#include "vmm/pci.h"
#include "vmm/serial.h"

struct vm;
struct virtio_blk;

struct vcpu {
	struct vm *vm;
	int index;                 /* == APIC ID == KVM vcpu id */
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;
	bool start_requested;      /* AP: guest wrote our index to PORT_AP_START */
	bool started;              /* has entered KVM_RUN at least once */
	uint64_t start_rsp, start_arg;
	uint64_t nr_exits;
};

struct vm {
	const struct vm_config *cfg;
	int kvm_fd, vm_fd;
	int run_size;              /* mmap size of struct kvm_run */
	struct kvm_cpuid2 *supported_cpuid;
	struct guest_mem mem;
	struct io_bus io;
	struct serial serial;
	struct pci_bus pci;        /* bus 0, always there (empty but for the host bridge) */
	struct virtio_blk *swap;   /* the swap disk (virtio-blk), NULL without <disk> */
	int swap_irqfd;            /* its INTx: an eventfd bound to VIRTIO_BLK_GSI */
	uint64_t entry;            /* ELF entry point (virtual) */
	uint64_t kernel_start, kernel_end; /* physical extent of the image */
	uint64_t initrd_paddr, initrd_size; /* the initramfs, if any */
	uint64_t boot_cr3;         /* boot page tables' root (PML4, or PML5) */
	bool boot_la57;            /* enter with 5-level paging (the CPU has LA57) */

	int nr_vcpus;
	struct vcpu *vcpu;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop_fd;               /* eventfd: written once when the VM stops */
	bool stopping;
	int exit_status;
	char exit_reason[256];
	uint8_t *counters;         /* counters region (include/gmm/counters.h) */
	char counters_name[64];    /* its POSIX shm name, "/gmm-<pid>" */
	struct timespec t_exec, t_first_run; /* for the set-up time figure */
	bool first_run_seen;
};

/* Create the VM from CFG (kernel at KERNEL). Returns NULL with ERR set. */
struct vm *vm_create(const struct vm_config *cfg, const char *kernel,
		     const struct cpio_buf *initrd, char *err, size_t errlen);
/* Start the vCPU threads (BSP runs, APs wait for the guest to start them). */
int vm_start(struct vm *vm, char *err, size_t errlen);
/* First caller wins: record the status and reason, kick every vCPU out. */
void vm_request_stop(struct vm *vm, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Join the vCPU threads (after a stop was requested). */
void vm_join(struct vm *vm);
void vm_dump_all_vcpus(struct vm *vm, FILE *out);
/* One line of the swap disk's figures (nothing without a disk). */
void vm_print_swap_stats(struct vm *vm, FILE *out);
/* Guest writes to ADDR (port or MMIO) signal FD in the kernel, no exit. */
int vm_add_ioeventfd(struct vm *vm, uint64_t addr, uint32_t len, bool mmio, int fd);
/* Writing FD raises GSI (an IOAPIC pin) in the guest. */
int vm_add_irqfd(struct vm *vm, uint32_t gsi, int fd);
void vm_destroy(struct vm *vm);

/* kvm.c */
int kvm_open_checked(char *err, size_t errlen);

/* memory.c */
/* Map each node's RAM on the host (backing, host-node binding) ... */
int guest_mem_map(struct vm *vm, char *err, size_t errlen);
/* ... and register it with KVM, one memslot per region. */
int guest_mem_register(struct vm *vm, char *err, size_t errlen);
void guest_mem_teardown(struct guest_mem *mem, const struct vm_config *cfg);

/* counters.c */
int counters_setup(struct vm *vm, char *err, size_t errlen);
void counters_teardown(struct vm *vm);

/* cpuid.c */
int vcpu_set_cpuid(struct vm *vm, struct vcpu *v, char *err, size_t errlen);

/* boot.c: page tables, GDT, boot info, ACPI; and the entry registers */
int boot_setup(struct vm *vm, char *err, size_t errlen);
/* The boot page tables alone, 4- or 5-level (exposed for tests). */
int boot_page_tables(struct vm *vm, bool la57, char *err, size_t errlen);
int vcpu_set_boot_regs(struct vcpu *v, uint64_t rsp, uint64_t arg);

/* acpi.c: writes RSDP + tables at ACPI_TABLES_PADDR, returns bytes used or -1 */
long acpi_build(struct vm *vm, char *err, size_t errlen);

/* elf.c: load the kernel ELF into guest memory */
int elf_load(struct vm *vm, const char *path, char *err, size_t errlen);
/* Validate an ELF image in memory (exposed for tests). */
int elf_check(const uint8_t *img, size_t size, char *err, size_t errlen);

/* vcpu.c */
int vcpu_create(struct vm *vm, int index, char *err, size_t errlen);
void *vcpu_thread(void *arg);
void vcpu_dump(struct vcpu *v, FILE *out);

/* devices.c: serial, debug exit, AP start */
int devices_setup(struct vm *vm, char *err, size_t errlen);

#endif

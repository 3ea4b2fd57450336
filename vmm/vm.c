/*
 * Building a VM from its config, running it, and stopping it.
 * See vm.h for the locking rules.
 *
 * Order of creation: /dev/kvm checks -> VM -> in-kernel irqchip -> (the
 * counters page's memslot, on a thread meanwhile) guest RAM mapped per
 * node -> kernel ELF, initramfs -> boot structures and ACPI -> vCPUs
 * (CPUID, BSP registers) -> RAM memslots -> devices (port devices, then
 * the PCI bus with the swap disk, its I/O thread started). Everything that
 * can fail for a reason the user can fix fails before the first KVM_RUN.
 *
 * Teardown runs the other way round, after the vCPU threads are joined:
 * the swap disk first (its I/O thread drains in-flight requests, which
 * point into guest RAM), then guest RAM, then the VM.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gmm/ports.h>
#include "host/swap/swap_dev.h"
#include "vmm/virtio_pci.h"
#include "vmm/vm.h"

#define SIG_KICK SIGUSR1

static void kick_handler(int sig) { (void)sig; }

static struct kvm_cpuid2 *get_supported_cpuid(int kvm_fd, char *err, size_t errlen)
{
	for (int nent = 128; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (size_t)nent * sizeof(c->entries[0]));
		if (!c)
			break;
		c->nent = (uint32_t)nent;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		free(c);
		if (errno != E2BIG)
			break;
	}
	snprintf(err, errlen, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	return NULL;
}

static int create_kvm_vm(struct vm *vm, char *err, size_t errlen)
{
	vm->kvm_fd = kvm_open_checked(err, errlen);
	if (vm->kvm_fd < 0)
		return -1;
	int max_vcpus = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max_vcpus > 0 && vm->nr_vcpus > max_vcpus) {
		snprintf(err, errlen, "<vcpu>: %d vCPUs asked, this KVM allows at most %d",
			 vm->nr_vcpus, max_vcpus);
		return -1;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	/* Intel needs these two below 4 GiB, out of RAM's way; harmless elsewhere. */
	ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000UL);
	uint64_t ident = 0xfffbc000UL;
	ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident);
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		snprintf(err, errlen, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
		return -1;
	}
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0) {
		snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	vm->supported_cpuid = get_supported_cpuid(vm->kvm_fd, err, errlen);
	return vm->supported_cpuid ? 0 : -1;
}

/*
 * PCI bus 0 behind ports 0xcf8/0xcfc, always: a guest enumerates it (and
 * reads all-ones for the empty slots) with or without a disk. With a swap
 * disk, the virtio-blk function (vmm/virtio_pci.h, "Integration"): its
 * INTx is an irqfd on VIRTIO_BLK_GSI, its queue notify an ioeventfd, and
 * its I/O thread runs from here on (idle until the driver sets it up).
 */
static int pci_devices_setup(struct vm *vm, char *err, size_t errlen)
{
	char why[512];

	pci_bus_init(&vm->pci, VIRTIO_BLK_MMIO_BASE, VIRTIO_BLK_MMIO_SIZE);
	if (vm->cfg->swap.present) {
		vm->swap_irqfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vm->swap_irqfd < 0) {
			snprintf(err, errlen, "swap disk: eventfd: %s", strerror(errno));
			return -1;
		}
		vm->swap = virtio_blk_create(&vm->cfg->swap, &vm->mem, vm->swap_irqfd,
					     why, sizeof(why));
		if (!vm->swap) {
			snprintf(err, errlen, "%s: <devices><disk>: %s", vm->cfg->path, why);
			return -1;
		}
		if (pci_bus_add(&vm->pci, virtio_blk_pci_device(vm->swap), -1, err, errlen) < 0)
			return -1;
	}
	if (pci_bus_register_io(&vm->pci, &vm->io, err, errlen) < 0)
		return -1;
	if (!vm->swap)
		return 0;
	if (vm_add_irqfd(vm, VIRTIO_BLK_GSI, vm->swap_irqfd) < 0) {
		snprintf(err, errlen, "swap disk: KVM_IRQFD on GSI %d: %s", VIRTIO_BLK_GSI,
			 strerror(errno));
		return -1;
	}
	if (vm_add_ioeventfd(vm, virtio_blk_notify_addr(vm->swap), 2, true,
			     virtio_blk_notify_fd(vm->swap)) < 0) {
		snprintf(err, errlen, "swap disk: KVM_IOEVENTFD at 0x%llx: %s",
			 (unsigned long long)virtio_blk_notify_addr(vm->swap), strerror(errno));
		return -1;
	}
	if (virtio_blk_start(vm->swap, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: <devices><disk>: %s", vm->cfg->path, why);
		return -1;
	}
	return 0;
}

struct counters_job {
	struct vm *vm;
	pthread_t thread;
	int rc;
	char err[256];
};

static void *counters_setup_thread(void *arg)
{
	struct counters_job *job = arg;
	job->rc = counters_setup(job->vm, job->err, sizeof(job->err));
	return NULL;
}

struct vm *vm_create(const struct vm_config *cfg, const char *kernel, const struct cpio_buf *initrd,
		     char *err, size_t errlen)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &vm->t_exec);
	vm->cfg = cfg;
	vm->kvm_fd = vm->vm_fd = vm->stop_fd = vm->swap_irqfd = -1;
	vm->nr_vcpus = cfg->nr_vcpus;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	vm->vcpu = calloc((size_t)vm->nr_vcpus, sizeof(*vm->vcpu));
	vm->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (!vm->vcpu || vm->stop_fd < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (int i = 0; i < vm->nr_vcpus; i++)
		vm->vcpu[i].fd = -1;

	if (create_kvm_vm(vm, err, errlen) < 0)
		goto fail;
	/* The VM's first memslot is slow on some hosts (~5 ms under kvm_pvm,
	 * whatever its size): register the counters page's on a thread while
	 * this one loads the guest and creates the vCPUs. */
	struct counters_job job = { .vm = vm };
	if (pthread_create(&job.thread, NULL, counters_setup_thread, &job) != 0) {
		snprintf(err, errlen, "cannot start a thread");
		goto fail;
	}
	int rc = guest_mem_map(vm, err, errlen) < 0 ||
		 elf_load(vm, kernel, err, errlen) < 0 ||
		 (initrd && initrd_load(vm, initrd->data, initrd->len, err, errlen) < 0) ||
		 boot_setup(vm, err, errlen) < 0;
	for (int i = 0; !rc && i < vm->nr_vcpus; i++)
		rc = vcpu_create(vm, i, err, errlen) < 0;
	pthread_join(job.thread, NULL);
	if (!rc && job.rc < 0) {
		snprintf(err, errlen, "%s", job.err);
		rc = 1;
	}
	if (rc || guest_mem_register(vm, err, errlen) < 0 ||
	    devices_setup(vm, err, errlen) < 0 ||
	    pci_devices_setup(vm, err, errlen) < 0)
		goto fail;
	return vm;
fail:
	vm_destroy(vm);
	return NULL;
}

int vm_start(struct vm *vm, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = kick_handler };   /* no SA_RESTART: KVM_RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIG_KICK, &sa, NULL);
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];
		int rc = pthread_create(&v->thread, NULL, vcpu_thread, v);
		if (rc) {
			snprintf(err, errlen, "creating vcpu %d thread: %s", i, strerror(rc));
			vm_request_stop(vm, EXIT_VMM_FAULT, "cannot create vCPU threads");
			return -1;
		}
		v->thread_started = true;
		char name[16];
		snprintf(name, sizeof(name), "vcpu%d", i);
		pthread_setname_np(v->thread, name);
	}
	return 0;
}

void vm_request_stop(struct vm *vm, int status, const char *fmt, ...)
{
	pthread_mutex_lock(&vm->lock);
	if (vm->stopping) {
		pthread_mutex_unlock(&vm->lock);
		return;
	}
	vm->exit_status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vm->exit_reason, sizeof(vm->exit_reason), fmt, ap);
	va_end(ap);
	__atomic_store_n(&vm->stopping, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);

	/* Kick every running vCPU out of KVM_RUN; immediate_exit covers the
	 * race with a thread that is just about to enter it. */
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];
		if (v->run)
			__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
		if (v->thread_started && !pthread_equal(v->thread, pthread_self()))
			pthread_kill(v->thread, SIG_KICK);
	}
	uint64_t one = 1;
	if (write(vm->stop_fd, &one, sizeof(one)) < 0)
		perror("vmm: stop eventfd");
}

void vm_join(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpu[i].thread_started) {
			pthread_join(vm->vcpu[i].thread, NULL);
			vm->vcpu[i].thread_started = false;
		}
	}
	serial_flush(&vm->serial);
}

int vm_add_ioeventfd(struct vm *vm, uint64_t addr, uint32_t len, bool mmio, int fd)
{
	struct kvm_ioeventfd io = {
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = mmio ? 0 : KVM_IOEVENTFD_FLAG_PIO,
	};
	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io);
}

int vm_add_irqfd(struct vm *vm, uint32_t gsi, int fd)
{
	struct kvm_irqfd irq = { .fd = (uint32_t)fd, .gsi = gsi };
	return ioctl(vm->vm_fd, KVM_IRQFD, &irq);
}

void vm_dump_all_vcpus(struct vm *vm, FILE *out)
{
	for (int i = 0; i < vm->nr_vcpus; i++)
		vcpu_dump(&vm->vcpu[i], out);
}

void vm_print_swap_stats(struct vm *vm, FILE *out)
{
	struct swap_stats s;

	if (!vm->swap)
		return;
	swap_dev_stats(virtio_blk_swap(vm->swap), &s);
	fprintf(out, "vmm: swap disk: %llu requests (%llu reads, %llu writes, %llu flushes), "
		"%llu errors, %llu kicks, %llu interrupts, %llu found by polling%s\n",
		(unsigned long long)s.requests, (unsigned long long)s.reads,
		(unsigned long long)s.writes, (unsigned long long)s.flushes,
		(unsigned long long)s.errors, (unsigned long long)s.kicks,
		(unsigned long long)s.interrupts, (unsigned long long)s.poll_hits,
		virtio_blk_needs_reset(vm->swap) ? ", needs reset" : "");
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	for (int i = 0; vm->vcpu && i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpu[i];
		if (v->run)
			munmap(v->run, (size_t)vm->run_size);
		if (v->fd >= 0)
			close(v->fd);
	}
	virtio_blk_destroy(vm->swap);   /* drains its I/O into guest RAM: before the unmap */
	if (vm->swap_irqfd >= 0)
		close(vm->swap_irqfd);
	pci_bus_destroy(&vm->pci);
	guest_mem_teardown(&vm->mem, vm->cfg);
	counters_teardown(vm);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->stop_fd >= 0)
		close(vm->stop_fd);
	free(vm->supported_cpuid);
	free(vm->vcpu);
	free(vm);
}

/*
 * The counters region's lifetime on the VMM side: a POSIX shared-memory
 * object /dev/shm/gmm-<pid> (so `vmm stat <pid>` in another terminal can map
 * it), mapped here and registered as a KVM memslot at GMM_COUNTERS_PADDR,
 * announced to the guest in boot_info. Removed when the VMM exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gmm/counters.h>
#include "vmm/vm.h"

#define COUNTERS_SLOT 1000   /* far from the RAM slots (0..nr_regions-1) */

int counters_setup(struct vm *vm, char *err, size_t errlen)
{
	snprintf(vm->counters_name, sizeof(vm->counters_name), "/gmm-%d", (int)getpid());
	int fd = shm_open(vm->counters_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {   /* a stale one from a dead VMM with our pid */
		shm_unlink(vm->counters_name);
		fd = shm_open(vm->counters_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0) {
		snprintf(err, errlen, "counters region /dev/shm%s: %s", vm->counters_name, strerror(errno));
		vm->counters_name[0] = 0;
		return -1;
	}
	if (ftruncate(fd, GMM_COUNTERS_SIZE) < 0) {
		snprintf(err, errlen, "counters region: ftruncate: %s", strerror(errno));
		close(fd);
		return -1;
	}
	void *p = mmap(NULL, GMM_COUNTERS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "counters region: mmap: %s", strerror(errno));
		return -1;
	}
	vm->counters = p;
	struct kvm_userspace_memory_region r = {
		.slot = COUNTERS_SLOT,
		.guest_phys_addr = GMM_COUNTERS_PADDR,
		.memory_size = GMM_COUNTERS_SIZE,
		.userspace_addr = (uintptr_t)p,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		snprintf(err, errlen, "counters region: KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void counters_teardown(struct vm *vm)
{
	if (vm->counters)
		munmap(vm->counters, GMM_COUNTERS_SIZE);
	if (vm->counters_name[0])
		shm_unlink(vm->counters_name);
	vm->counters = NULL;
	vm->counters_name[0] = 0;
}

/*
 * Opening /dev/kvm and checking that it can run our guests: the API
 * version and every capability the VMM depends on, each refused by name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "vmm/vm.h"

static const struct {
	int cap;
	const char *name;
	const char *why;
} required_caps[] = {
	{ KVM_CAP_IRQCHIP,        "KVM_CAP_IRQCHIP",        "in-kernel LAPIC/IOAPIC" },
	{ KVM_CAP_USER_MEMORY,    "KVM_CAP_USER_MEMORY",    "guest memory from host mappings" },
	{ KVM_CAP_EXT_CPUID,      "KVM_CAP_EXT_CPUID",      "KVM_GET_SUPPORTED_CPUID/KVM_SET_CPUID2" },
	{ KVM_CAP_MP_STATE,       "KVM_CAP_MP_STATE",       "starting application processors" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "stopping vCPUs without races" },
	{ KVM_CAP_IOEVENTFD,      "KVM_CAP_IOEVENTFD",      "virtqueue notifications" },
	{ KVM_CAP_IRQFD,          "KVM_CAP_IRQFD",          "device interrupts from host threads" },
};

int kvm_open_checked(char *err, size_t errlen)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "/dev/kvm: %s%s", strerror(errno),
			 errno == ENOENT ? " (no KVM on this host: load kvm_intel/kvm_amd or run on a KVM-capable machine)" :
			 errno == EACCES ? " (add yourself to the kvm group or run as root)" : "");
		return -1;
	}
	int version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		snprintf(err, errlen, "/dev/kvm: API version %d, need %d", version, KVM_API_VERSION);
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++) {
		if (ioctl(fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0) {
			snprintf(err, errlen, "/dev/kvm: missing capability %s (needed for %s)",
				 required_caps[i].name, required_caps[i].why);
			close(fd);
			return -1;
		}
	}
	return fd;
}

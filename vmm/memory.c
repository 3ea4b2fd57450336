/*
 * Guest RAM: one host mapping per NUMA node, registered as one KVM memslot
 * (two if the node straddles the MMIO hole below 4 GiB). Nodes are laid out
 * in cell order from guest-physical 0.
 *
 * Backing (config <gmm:memory backing=...>): plain anonymous memory, THP
 * (MADV_HUGEPAGE on a 2 MiB-aligned mapping) or hugetlbfs (MAP_HUGETLB);
 * host-node binding (<gmm:numa-binding>) uses mbind(MPOL_BIND) through
 * libnuma (dlopen'd on first use) before anything touches the memory.
 * Whatever the host cannot do is refused with the reason, never silently
 * downgraded.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gmm/bootinfo.h>
#include "vmm/vm.h"

#define SZ_2M (2ULL << 20)

static int read_sysfs(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

static void *map_thp(uint64_t size, char *err, size_t errlen)
{
	char mode[128];
	if (read_sysfs("/sys/kernel/mm/transparent_hugepage/enabled", mode, sizeof(mode)) < 0) {
		snprintf(err, errlen, "backing 'thp': this host kernel has no transparent huge pages");
		return NULL;
	}
	if (strstr(mode, "[never]")) {
		snprintf(err, errlen, "backing 'thp': transparent huge pages are disabled on this host "
			 "(/sys/kernel/mm/transparent_hugepage/enabled is 'never')");
		return NULL;
	}
	/* Over-allocate by 2 MiB and trim, so the mapping is 2 MiB aligned. */
	uint8_t *raw = mmap(NULL, size + SZ_2M, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED) {
		snprintf(err, errlen, "mmap of %llu MiB: %s", (unsigned long long)(size >> 20), strerror(errno));
		return NULL;
	}
	uint8_t *p = (uint8_t *)(((uintptr_t)raw + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1));
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + size, raw + SZ_2M - p);
	if (madvise(p, size, MADV_HUGEPAGE) < 0) {
		snprintf(err, errlen, "backing 'thp': madvise(MADV_HUGEPAGE): %s", strerror(errno));
		munmap(p, size);
		return NULL;
	}
	return p;
}

static void *map_hugetlb(uint64_t size, int node, char *err, size_t errlen)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << MAP_HUGE_SHIFT), -1, 0);
	if (p == MAP_FAILED) {
		char free_pages[64] = "unknown";
		read_sysfs("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
			   free_pages, sizeof(free_pages));
		free_pages[strcspn(free_pages, "\n")] = 0;
		snprintf(err, errlen, "backing 'hugetlbfs': node %d needs %llu free 2 MiB huge pages, "
			 "the host has %s (%s); reserve them with: echo N > /proc/sys/vm/nr_hugepages",
			 node, (unsigned long long)(size / SZ_2M), free_pages, strerror(errno));
		return NULL;
	}
	return p;
}

/*
 * libnuma, loaded only when a config binds memory to a host node: its
 * constructor reads /proc and /sys at every program start, which would
 * add to every VM's set-up time whether it binds anything or not.
 */
struct libnuma {
	int (*available)(void);
	int (*max_node)(void);
	int (*bitmask_isbitset)(const struct bitmask *, unsigned int);
	struct bitmask **all_nodes_ptr;
	long (*mbind)(void *, unsigned long, int, const unsigned long *, unsigned long, unsigned);
};

static int load_libnuma(struct libnuma *l, char *err, size_t errlen)
{
	void *h = dlopen("libnuma.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "host-node binding needs libnuma (Debian package libnuma1): %s", dlerror());
		return -1;
	}
	*(void **)&l->available = dlsym(h, "numa_available");
	*(void **)&l->max_node = dlsym(h, "numa_max_node");
	*(void **)&l->bitmask_isbitset = dlsym(h, "numa_bitmask_isbitset");
	l->all_nodes_ptr = dlsym(h, "numa_all_nodes_ptr");
	*(void **)&l->mbind = dlsym(h, "mbind");
	if (!l->available || !l->max_node || !l->bitmask_isbitset || !l->all_nodes_ptr || !l->mbind) {
		snprintf(err, errlen, "host-node binding: libnuma.so.1 lacks a function we use");
		return -1;
	}
	return 0;
}

static int bind_to_host_node(void *p, uint64_t size, int guest_node, int host_node,
			     char *err, size_t errlen)
{
	static struct libnuma numa;
	if (!numa.available && load_libnuma(&numa, err, errlen) < 0)
		return -1;
	if (numa.available() < 0) {
		snprintf(err, errlen, "cell %d: host-node %d requested but this host has no NUMA support",
			 guest_node, host_node);
		return -1;
	}
	int max = numa.max_node();
	if (host_node > max || !numa.bitmask_isbitset(*numa.all_nodes_ptr, (unsigned)host_node)) {
		snprintf(err, errlen, "cell %d: host-node %d does not exist (this host has nodes 0-%d)",
			 guest_node, host_node, max);
		return -1;
	}
	unsigned long mask[1024 / (8 * sizeof(unsigned long))] = { 0 };
	mask[host_node / (8 * sizeof(unsigned long))] |= 1UL << (host_node % (8 * sizeof(unsigned long)));
	if (numa.mbind(p, size, MPOL_BIND, mask, 1024, MPOL_MF_STRICT) < 0) {
		snprintf(err, errlen, "cell %d: binding to host-node %d: mbind: %s",
			 guest_node, host_node, strerror(errno));
		return -1;
	}
	return 0;
}

static void *map_node(const struct vm_config *cfg, const struct vm_node *n, char *err, size_t errlen)
{
	void *p;
	switch (cfg->backing) {
	case BACKING_THP:
		p = map_thp(n->mem_bytes, err, errlen);
		break;
	case BACKING_HUGETLBFS:
		p = map_hugetlb(n->mem_bytes, n->id, err, errlen);
		break;
	default:
		p = mmap(NULL, n->mem_bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "mmap of %llu MiB for node %d: %s",
				 (unsigned long long)(n->mem_bytes >> 20), n->id, strerror(errno));
			p = NULL;
		}
	}
	if (p && n->host_node >= 0 &&
	    bind_to_host_node(p, n->mem_bytes, n->id, n->host_node, err, errlen) < 0) {
		munmap(p, n->mem_bytes);
		return NULL;
	}
	return p;
}

static int add_region(struct vm *vm, uint64_t gpa, uint64_t size, uint8_t *hva, int node,
		      char *err, size_t errlen)
{
	struct guest_mem *m = &vm->mem;
	if (m->nr_regions >= GUEST_MEM_MAX_REGIONS) {
		snprintf(err, errlen, "too many memory regions");
		return -1;
	}
	m->region[m->nr_regions++] = (struct guest_region){ gpa, size, hva, node, -1 };
	return 0;
}

int guest_mem_map(struct vm *vm, char *err, size_t errlen)
{
	const struct vm_config *cfg = vm->cfg;
	uint64_t gpa = 0;

	for (int i = 0; i < cfg->nr_nodes; i++) {
		const struct vm_node *n = &cfg->node[i];
		uint8_t *hva = map_node(cfg, n, err, errlen);
		if (!hva)
			return -1;
		uint64_t left = n->mem_bytes, off = 0;
		while (left) {
			if (gpa >= MMIO_HOLE_START && gpa < MMIO_HOLE_END)
				gpa = MMIO_HOLE_END;
			uint64_t chunk = left;
			if (gpa < MMIO_HOLE_START && gpa + chunk > MMIO_HOLE_START)
				chunk = MMIO_HOLE_START - gpa;
			if (add_region(vm, gpa, chunk, hva + off, n->id, err, errlen) < 0)
				return -1;
			gpa += chunk;
			off += chunk;
			left -= chunk;
		}
	}
	return 0;
}

int guest_mem_register(struct vm *vm, char *err, size_t errlen)
{
	for (int i = 0; i < vm->mem.nr_regions; i++) {
		struct guest_region *g = &vm->mem.region[i];
		struct kvm_userspace_memory_region r = {
			.slot = (uint32_t)i,
			.guest_phys_addr = g->gpa,
			.memory_size = g->size,
			.userspace_addr = (uintptr_t)g->hva,
		};
		if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
			snprintf(err, errlen, "KVM_SET_USER_MEMORY_REGION (node %d, %llu MiB at 0x%llx): %s",
				 g->node, (unsigned long long)(g->size >> 20), (unsigned long long)g->gpa,
				 strerror(errno));
			return -1;
		}
		g->slot = i;
	}
	return 0;
}

/* Unmap each node's mapping once: its first region starts the mapping. */
void guest_mem_teardown(struct guest_mem *mem, const struct vm_config *cfg)
{
	for (int i = 0; i < mem->nr_regions; i++) {
		struct guest_region *r = &mem->region[i];
		if (i > 0 && mem->region[i - 1].node == r->node)
			continue;
		munmap(r->hva, cfg->node[r->node].mem_bytes);
	}
	mem->nr_regions = 0;
}

bool guest_read(const struct guest_mem *m, uint64_t gpa, void *dst, uint64_t len)
{
	void *src = gpa_to_hva(m, gpa, len);
	if (!src)
		return false;
	memcpy(dst, src, len);
	return true;
}

bool guest_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len)
{
	void *dst = gpa_to_hva(m, gpa, len);
	if (!dst)
		return false;
	memcpy(dst, src, len);
	return true;
}

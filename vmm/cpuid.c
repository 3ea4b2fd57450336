/*
 * CPUID for each vCPU: what KVM supports on this host (without
 * KVM_SET_CPUID2 every leaf reads 0, PLATFORM.md), with the leaves that
 * describe topology rewritten for our machine: one thread per core, all
 * vCPUs cores of one package, APIC ID == vCPU index.
 *   leaf 0x1      EBX[31:24] initial APIC ID, EBX[23:16] logical CPUs, HTT
 *   leaf 0xb/0x1f x2APIC topology: SMT level (1 thread), core level (n)
 *   0x80000008    ECX: cores per package (AMD)
 *   0x8000001e    extended APIC ID, core and node id (AMD)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/vm.h"

static int bits_for(int n)
{
	int b = 0;
	while ((1 << b) < n)
		b++;
	return b;
}

static void set_topology_leaf(struct kvm_cpuid_entry2 *e, uint32_t fn, uint32_t sub,
			      int apic_id, int nr_vcpus)
{
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = sub;
	e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	e->edx = (uint32_t)apic_id;
	if (sub == 0) {            /* SMT: one thread per core */
		e->eax = 0;
		e->ebx = 1;
		e->ecx = (1u << 8) | sub;
	} else if (sub == 1) {     /* core: all vCPUs */
		e->eax = (uint32_t)bits_for(nr_vcpus);
		e->ebx = (uint32_t)nr_vcpus;
		e->ecx = (2u << 8) | sub;
	} else {                   /* invalid level ends the enumeration */
		e->ecx = sub;
	}
}

int vcpu_set_cpuid(struct vm *vm, struct vcpu *v, char *err, size_t errlen)
{
	const struct kvm_cpuid2 *sup = vm->supported_cpuid;
	int n = vm->nr_vcpus, id = v->index;
	size_t max = sup->nent + 8;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + max * sizeof(c->entries[0]));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	uint32_t nent = 0;
	bool has_0b = false, has_1f = false;
	for (uint32_t i = 0; i < sup->nent; i++) {
		struct kvm_cpuid_entry2 e = sup->entries[i];
		switch (e.function) {
		case 0x1:
			e.ebx = (e.ebx & 0xffff) | ((uint32_t)(n > 255 ? 255 : n) << 16) | ((uint32_t)(id & 0xff) << 24);
			if (n > 1)
				e.edx |= 1u << 28;       /* HTT: more than one logical CPU */
			e.ecx |= 1u << 31;               /* hypervisor present */
			break;
		case 0xb:
			has_0b = true;
			continue;                        /* rewritten below */
		case 0x1f:
			has_1f = true;
			continue;
		case 0x80000008:
			e.ecx = (e.ecx & ~0xf0ffu) | ((uint32_t)bits_for(n) << 12) | (uint32_t)(n - 1);
			break;
		case 0x8000001e:
			e.eax = (uint32_t)id;
			e.ebx = (uint32_t)id & 0xff;     /* core id, 1 thread per core */
			e.ecx = (uint32_t)vm->cfg->cpu_node[id] & 0xff;
			break;
		}
		c->entries[nent++] = e;
	}
	for (uint32_t sub = 0; sub < 3; sub++) {
		if (has_0b)
			set_topology_leaf(&c->entries[nent++], 0xb, sub, id, n);
		if (has_1f)
			set_topology_leaf(&c->entries[nent++], 0x1f, sub, id, n);
	}
	c->nent = nent;
	int rc = ioctl(v->fd, KVM_SET_CPUID2, c);
	if (rc < 0)
		snprintf(err, errlen, "vcpu %d: KVM_SET_CPUID2: %s", id, strerror(errno));
	free(c);
	return rc < 0 ? -1 : 0;
}

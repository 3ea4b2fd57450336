/*
 * vCPUs: one host thread each, running KVM_RUN in a loop and dispatching
 * port and MMIO exits to the I/O bus. The bootstrap processor starts at
 * once; an application processor waits until the guest asks for it
 * (PORT_AP_START), then enters 64-bit mode the same way (boot.c).
 *
 * Any exit we do not expect (triple fault, internal error, an unhandled
 * port or MMIO access, failed entry) stops the whole VM with a register
 * dump of the vCPU that hit it and EXIT_VMM_FAULT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include <gmm/ports.h>
#include "vmm/vm.h"

int vcpu_create(struct vm *vm, int index, char *err, size_t errlen)
{
	struct vcpu *v = &vm->vcpu[index];
	v->vm = vm;
	v->index = index;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (v->fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VCPU %d: %s", index, strerror(errno));
		return -1;
	}
	v->run = mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		snprintf(err, errlen, "vcpu %d: mmap kvm_run: %s", index, strerror(errno));
		return -1;
	}
	if (vcpu_set_cpuid(vm, v, err, errlen) < 0)
		return -1;
	if (index == 0 && vcpu_set_boot_regs(v, 0, 0) < 0) {
		snprintf(err, errlen, "vcpu 0: setting boot registers: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_SHUTDOWN:       return "triple fault (KVM_EXIT_SHUTDOWN)";
	case KVM_EXIT_INTERNAL_ERROR: return "KVM internal error";
	case KVM_EXIT_FAIL_ENTRY:     return "VM entry failed";
	case KVM_EXIT_HLT:            return "halt";
	case KVM_EXIT_EXCEPTION:      return "exception";
	case KVM_EXIT_DEBUG:          return "debug";
	case KVM_EXIT_SYSTEM_EVENT:   return "system event";
	default:                      return "unexpected exit";
	}
}

static bool handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	const struct io_range *r = io_find(&v->vm->io, IO_PIO, run->io.port, run->io.size);
	if (!r)
		return false;
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size)
		if (!r->fn(r->opaque, v, run->io.port, is_write, data, run->io.size))
			return false;
	return true;
}

static bool handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	const struct io_range *r = io_find(&v->vm->io, IO_MMIO, run->mmio.phys_addr, run->mmio.len);
	return r && r->fn(r->opaque, v, run->mmio.phys_addr, run->mmio.is_write,
			  run->mmio.data, run->mmio.len);
}

/* Describe an exit we cannot handle, for the stop reason. */
static void describe_exit(struct vcpu *v, char *buf, size_t len)
{
	struct kvm_run *run = v->run;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		snprintf(buf, len, "unhandled port %s 0x%x (size %u)",
			 run->io.direction == KVM_EXIT_IO_OUT ? "write to" : "read from",
			 run->io.port, run->io.size);
		break;
	case KVM_EXIT_MMIO:
		snprintf(buf, len, "unhandled MMIO %s 0x%llx (size %u)",
			 run->mmio.is_write ? "write to" : "read from",
			 (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, "KVM internal error, suberror %u", run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf, len, "VM entry failed, hardware reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		snprintf(buf, len, "%s (exit reason %u)", exit_name(run->exit_reason), run->exit_reason);
	}
}

/* Block until the guest starts this AP, or the VM stops. */
static bool wait_for_start(struct vcpu *v)
{
	struct vm *vm = v->vm;
	pthread_mutex_lock(&vm->lock);
	while (!v->start_requested && !vm->stopping)
		pthread_cond_wait(&vm->cond, &vm->lock);
	bool go = !vm->stopping;
	pthread_mutex_unlock(&vm->lock);
	return go;
}

static int start_ap(struct vcpu *v)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	if (vcpu_set_boot_regs(v, v->start_rsp, v->start_arg) < 0 ||
	    ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0) {
		vm_request_stop(v->vm, EXIT_VMM_FAULT, "vcpu %d: cannot start: %s", v->index, strerror(errno));
		return -1;
	}
	return 0;
}

static void note_first_run(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->first_run_seen) {
		vm->first_run_seen = true;
		clock_gettime(CLOCK_MONOTONIC, &vm->t_first_run);
	}
	pthread_mutex_unlock(&vm->lock);
}

void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	char why[256];

	if (v->index != 0 && (!wait_for_start(v) || start_ap(v) < 0))
		return NULL;
	v->started = true;
	if (v->index == 0)
		note_first_run(vm);

	for (;;) {
		if (__atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE))
			break;
		int rc = ioctl(v->fd, KVM_RUN, 0);
		if (rc < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vm_request_stop(vm, EXIT_VMM_FAULT, "vcpu %d: KVM_RUN: %s", v->index, strerror(errno));
			break;
		}
		v->nr_exits++;
		bool ok;
		switch (v->run->exit_reason) {
		case KVM_EXIT_IO:
			ok = handle_io(v);
			break;
		case KVM_EXIT_MMIO:
			ok = handle_mmio(v);
			break;
		case KVM_EXIT_INTR:
			ok = true;
			break;
		default:
			ok = false;
		}
		if (!ok) {
			describe_exit(v, why, sizeof(why));
			serial_flush(&vm->serial);
			fprintf(stderr, "vmm: vcpu %d: %s\n", v->index, why);
			vcpu_dump(v, stderr);
			vm_request_stop(vm, EXIT_VMM_FAULT, "vcpu %d: %s", v->index, why);
			break;
		}
	}
	return NULL;
}

static void dump_seg(FILE *out, const char *name, const struct kvm_segment *s)
{
	fprintf(out, "  %-3s sel=0x%04x base=0x%016llx limit=0x%08x type=%u dpl=%u p=%u l=%u db=%u\n",
		name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->dpl,
		s->present, s->l, s->db);
}

/* Register dump of one vCPU; call only when it is not inside KVM_RUN. */
void vcpu_dump(struct vcpu *v, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_mp_state mp = { 0 };
	if (!v->started) {
		fprintf(out, "vcpu %d: never started\n", v->index);
		return;
	}
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "vcpu %d: cannot read registers: %s\n", v->index, strerror(errno));
		return;
	}
	ioctl(v->fd, KVM_GET_MP_STATE, &mp);
	fprintf(out, "vcpu %d registers (mp_state %u, %llu exits):\n", v->index, mp.mp_state,
		(unsigned long long)v->nr_exits);
	fprintf(out, "  RIP=0x%016llx RSP=0x%016llx RFLAGS=0x%08llx\n",
		r.rip, r.rsp, r.rflags);
	fprintf(out, "  RAX=0x%016llx RBX=0x%016llx RCX=0x%016llx RDX=0x%016llx\n",
		r.rax, r.rbx, r.rcx, r.rdx);
	fprintf(out, "  RSI=0x%016llx RDI=0x%016llx RBP=0x%016llx R8 =0x%016llx\n",
		r.rsi, r.rdi, r.rbp, r.r8);
	fprintf(out, "  R9 =0x%016llx R10=0x%016llx R11=0x%016llx R12=0x%016llx\n",
		r.r9, r.r10, r.r11, r.r12);
	fprintf(out, "  R13=0x%016llx R14=0x%016llx R15=0x%016llx\n", r.r13, r.r14, r.r15);
	fprintf(out, "  CR0=0x%llx CR2=0x%llx CR3=0x%llx CR4=0x%llx EFER=0x%llx APIC_BASE=0x%llx\n",
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer, s.apic_base);
	dump_seg(out, "CS", &s.cs);
	dump_seg(out, "SS", &s.ss);
	dump_seg(out, "DS", &s.ds);
	dump_seg(out, "GS", &s.gs);
	dump_seg(out, "TR", &s.tr);
	fprintf(out, "  GDT base=0x%llx limit=0x%x  IDT base=0x%llx limit=0x%x\n",
		(unsigned long long)s.gdt.base, s.gdt.limit, (unsigned long long)s.idt.base, s.idt.limit);
}

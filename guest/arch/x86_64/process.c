/*
 * Processes, arch side: the context switch (CR3 through switch_mm, lazy
 * TLB for the idle task, TSS.sp0 and the FS base), a new task's first
 * return to user mode, the system-call entry on both paths, and user-mode
 * exceptions (kernel/sched.h for the model).
 *
 * System calls (PLATFORM.md): on real KVM `syscall` enters at LSTAR
 * (entry_SYSCALL_64, switch_64.S). Under kvm_pvm it arrives as a #PF with
 * error code 0x15 (user instruction fetch, present) at CR2 == RIP == LSTAR
 * with IF=0 in the frame (SFMASK applied), RCX = the return address and
 * R11 = the user's RFLAGS: exactly that is taken as the system call and
 * returned from with iretq. The same fault with IF=1 is user code jumping
 * to LSTAR: a real fault, SIGSEGV.
 *
 * System calls and user faults run with interrupts enabled (the mm side's
 * rule: a fault may send a TLB shootdown while holding a spinlock another
 * CPU may want); the kernel is still not preemptible (a tick in ring 0
 * only marks need_resched). Interrupts go off again before the return to
 * user mode (exit_to_user_mode runs with them off).
 *
 * User-mode exceptions never panic: a #PF goes to handle_user_fault()
 * (mm/mm_user.h), which maps the page or names the signal; other
 * exceptions kill the process with Linux's signal for them.
 */
#include <kernel/irqflags.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/tlbflush.h>
#include <mm/mm_struct.h>
#include <mm/mm_user.h>
#include "../../kernel/mm_weak.h"

#define X86_EFLAGS_FIXED   0x2UL
#define X86_EFLAGS_TF      0x100UL
#define X86_EFLAGS_DF      0x400UL
#define X86_EFLAGS_AC      0x40000UL
/* What user code may keep of its RFLAGS: CF PF AF ZF SF DF OF, AC, ID. */
#define USER_FLAGS_MASK    (0xcd5UL | X86_EFLAGS_AC | 0x200000UL)
#define PF_SYSCALL_ERROR   0x15UL

_Static_assert(__builtin_offsetof(struct percpu, kernel_sp) == 64, "switch_64.S PERCPU_KERNEL_SP");
_Static_assert(__builtin_offsetof(struct percpu, user_sp) == 72, "switch_64.S PERCPU_USER_SP");
_Static_assert(__builtin_offsetof(struct task_struct, sp) == 0, "switch_64.S TASK_SP");

extern char entry_SYSCALL_64[], ret_from_fork[];
struct task_struct *__switch_to_asm(struct task_struct *prev, struct task_struct *next);
void schedule_tail(struct task_struct *prev);
void syscall_from_entry(struct pt_regs *regs);
void finish_task_switch(struct task_struct *prev);
bool need_resched(void);
bool handle_user_exception(struct pt_regs *regs, unsigned long cr2);

/* Every CPU (cpu_init): the MSRs of `syscall`. SFMASK clears IF, TF, DF,
 * AC as Linux's does. EFER.SCE is ignored under kvm_pvm; set it anyway. */
void syscall_init(void);
void syscall_init(void)
{
	/* User code uses SSE: fxsave/fxrstor and SSE exceptions on (QEMU's
	 * PVH entry leaves CR4.OSFXSR clear), no FPU emulation. */
	unsigned long cr0, cr4;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %0, %%cr0" : : "r"((cr0 & ~0x4UL) | 0x2UL));        /* EM off, MP on */
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | (1UL << 9) | (1UL << 10))); /* OSFXSR, OSXMMEXCPT */

	wrmsr(MSR_STAR, 0x0023001000000000ULL);
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

struct pt_regs *task_pt_regs(struct task_struct *p)
{
	return (struct pt_regs *)((char *)p + THREAD_SIZE) - 1;
}

void arch_setup_user_regs(struct pt_regs *regs, unsigned long ip, unsigned long sp)
{
	memset(regs, 0, sizeof(*regs));
	regs->ip = ip;
	regs->sp = sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->flags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
}

/* P's first switch-in lands in ret_from_fork with *REGS at its stack top. */
void arch_copy_thread(struct task_struct *p, const struct pt_regs *regs)
{
	struct pt_regs *child = task_pt_regs(p);
	unsigned long *frame = (unsigned long *)child - 7;

	if (child != regs)
		*child = *regs;
	for (int i = 0; i < 6; i++)
		frame[i] = 0;              /* r15 r14 r13 r12 rbx rbp */
	frame[6] = (unsigned long)ret_from_fork;
	p->sp = (unsigned long)frame;
}

/* The state after reset, as Linux gives a new program: FCW 0x37f, MXCSR 0x1f80. */
void arch_fpu_init(struct task_struct *p)
{
	memset(p->fpu, 0, sizeof(p->fpu));
	p->fpu[0] = 0x7f;
	p->fpu[1] = 0x03;
	p->fpu[24] = 0x80;
	p->fpu[25] = 0x1f;
	if (p == current)
		__asm__ __volatile__("fxrstor64 %0" : : "m"(*(u8 (*)[512])p->fpu));
}

void arch_fpu_fork(struct task_struct *child)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(*(u8 (*)[512])child->fpu));
}

void arch_set_fs_base(unsigned long base)
{
	wrmsr(MSR_FS_BASE, base);
}

struct task_struct *arch_switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct percpu *pc = this_cpu();
	unsigned long top = next->is_idle ? pc->stack_top : (unsigned long)next + THREAD_SIZE;

	if (prev->mm)
		__asm__ __volatile__("fxsave64 %0" : "=m"(*(u8 (*)[512])prev->fpu));
	if (next->mm) {
		__asm__ __volatile__("fxrstor64 %0" : : "m"(*(u8 (*)[512])next->fpu));
		switch_mm_irqs_off(prev->mm, next->mm);
		if (prev->fs_base != next->fs_base || prev->is_idle)
			wrmsr(MSR_FS_BASE, next->fs_base);
	} else {
		enter_lazy_tlb(NULL);      /* idle: keep what CR3 holds */
	}
	pc->tss.sp0 = top;
	pc->kernel_sp = top;
	return __switch_to_asm(prev, next);
}

/* Returning to user mode: act on a fatal signal, give the CPU away when
 * asked (the tick's preemption). Interrupts off. */
void exit_to_user_mode(struct pt_regs *regs)
{
	(void)regs;
	for (;;) {
		struct task_struct *p = current;
		if (p->pending_kill)
			do_exit(p->pending_kill & 0x7f);
		if (!cpumask_test_cpu(smp_processor_id(), &p->cpus_allowed))
			sched_migrate_self(&p->cpus_allowed);    /* pinned by another task */
		if (!need_resched())
			return;
		schedule();
	}
}

/* A new task's first code (ret_from_fork). */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	exit_to_user_mode(task_pt_regs(current));
}

/* The real `syscall` (entry_SYSCALL_64). */
void syscall_from_entry(struct pt_regs *regs)
{
	local_irq_enable();
	do_syscall_64(regs);
	local_irq_disable();
	exit_to_user_mode(regs);
}

static __attribute__((noreturn)) void kill_with(struct pt_regs *regs, int sig, const char *what, unsigned long cr2)
{
	struct task_struct *p = current;

	if (regs->vector == 14)
		printk("%s[%d]: segfault at %lx ip %016lx sp %016lx error %lx\n", p->comm, p->pid,
		       cr2, regs->ip, regs->sp, regs->error_code);
	else
		printk("traps: %s[%d] %s ip:%lx sp:%lx error:%lx\n", p->comm, p->pid, what,
		       regs->ip, regs->sp, regs->error_code);
	console_flush_task(p);
	do_exit(sig);
}

/* traps.c: an exception from user mode. Returns true when handled (the
 * system call done or the fault fixed, or the task killed). */
bool handle_user_exception(struct pt_regs *regs, unsigned long cr2)
{
	struct task_struct *p = current;

	if (p->is_idle)
		return false;
	switch (regs->vector) {
	case 14:
		if (regs->error_code == PF_SYSCALL_ERROR && cr2 == (unsigned long)entry_SYSCALL_64 &&
		    regs->ip == cr2 && !(regs->flags & X86_EFLAGS_IF)) {
			if (regs->cx >= TASK_SIZE_MAX)
				kill_with(regs, 11, "bad syscall return address", cr2);
			regs->ip = regs->cx;
			regs->flags = (regs->r11 & USER_FLAGS_MASK) | X86_EFLAGS_IF | X86_EFLAGS_FIXED;
			local_irq_enable();
			do_syscall_64(regs);
			local_irq_disable();
			break;
		}
		{
			local_irq_enable();
			int r = p->mm && handle_user_fault ? handle_user_fault(p->mm, cr2, regs->error_code) : 11;
			local_irq_disable();
			if (r == -12)
				kill_with(regs, 9, "out of memory", cr2);
			if (r > 0)
				kill_with(regs, r, "page fault", cr2);
		}
		break;
	case 0:
		kill_with(regs, 8, "divide error", cr2);
	case 6:
		kill_with(regs, 4, "invalid opcode", cr2);
	case 16: case 19:
		kill_with(regs, 8, "floating point exception", cr2);
	case 3: case 1:
		kill_with(regs, 5, "trap", cr2);
	default:
		kill_with(regs, 11, "general protection fault", cr2);
	}
	exit_to_user_mode(regs);
	return true;
}

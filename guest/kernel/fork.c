/*
 * fork, vfork and clone(SIGCHLD) (kernel/sched.h). The child gets a copy
 * of the address space (dup_mm: copy-on-write), of the fd table (each fd
 * with its own offset: there is no shared open-file object here), the
 * signal dispositions and mask, the FS base and CPU affinity, and returns
 * 0 from the same system call. It is placed on the least loaded CPU it
 * may run on. Out of memory for the task or the mm: -ENOMEM, nothing kept.
 * CLONE_VM (threads, posix_spawn's vfork) is not supported: -EINVAL.
 *
 * A fork storm is bounded by memory: fork fails with -ENOMEM once free
 * memory is below an eighth of what it was when init started, so the
 * processes that exist keep room for their copy-on-write faults and the
 * kernel for itself (Linux bounds it with RLIMIT_NPROC and overcommit).
 */
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <asm/ptrace.h>
#include <mm/mm_user.h>
#include "mm_weak.h"

#define CSIGNAL               0xff
#define CLONE_VM              0x00000100
#define CLONE_VFORK           0x00004000
#define CLONE_SETTLS          0x00080000
#define CLONE_PARENT_SETTID   0x00100000
#define CLONE_CHILD_CLEARTID  0x00200000
#define CLONE_CHILD_SETTID    0x01000000

void task_list_add(struct task_struct *p);
bool fork_memory_low(void);

long do_fork(unsigned long clone_flags, unsigned long newsp, struct pt_regs *regs)
{
	struct task_struct *parent = current, *p;
	unsigned long flags;

	if (clone_flags & ~(CSIGNAL | CLONE_VFORK))
		return -EINVAL;
	if (fork_memory_low())
		return -ENOMEM;
	p = alloc_task();
	if (!p)
		return -ENOMEM;
	p->mm = dup_mm(parent->mm);
	if (!p->mm) {
		free_task(p);
		return -ENOMEM;
	}
	p->active_mm = p->mm;
	p->fs_base = parent->fs_base;
	arch_fpu_fork(p);
	p->sigmask = parent->sigmask;
	memcpy(p->sigaction, parent->sigaction, sizeof(p->sigaction));
	memcpy(p->files, parent->files, sizeof(p->files));
	files_fork(p);
	memcpy(p->comm, parent->comm, sizeof(p->comm));
	p->cpus_allowed = parent->cpus_allowed;
	p->pid = alloc_pid();
	p->state = TASK_RUNNING;

	struct pt_regs *child = task_pt_regs(p);
	*child = *regs;
	child->ax = 0;
	if (newsp)
		child->sp = newsp;
	arch_copy_thread(p, child);
	p->cpu = select_task_cpu(&p->cpus_allowed);

	spin_lock_irqsave(&tasklist_lock, flags);
	p->parent = parent;
	list_add_tail(&p->sibling, &parent->children);
	task_list_add(p);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	wake_up_new_task(p);
	return p->pid;
}

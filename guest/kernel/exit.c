/*
 * Ending processes: exit, wait4, kill (kernel/sched.h).
 *
 * do_exit tears down what the task owns (files, its mm: CR3 goes back to
 * init_mm first, then the last mmput frees VMAs, pages and tables), hands
 * its children to PID 1 (or to nobody once PID 1 is gone: CPU 0 reaps
 * them), becomes a zombie and wakes its parent. The kernel stack and the
 * task are freed by whoever reaps it (wait4, or CPU 0 for orphans), once
 * the task is off its CPU (on_cpu == 0).
 *
 * Signals have their default actions only: SIGKILL, SIGTERM, SIGSEGV,
 * SIGINT, ... terminate; SIGCHLD, SIGCONT, SIGURG, SIGWINCH are ignored.
 * Handlers set with rt_sigaction are recorded, not called.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp_call.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <mm/mm_struct.h>
#include <mm/mm_user.h>
#include "mm_weak.h"

#define SIGKILL   9
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGURG    23
#define SIGWINCH  28
#define WNOHANG   1

void task_list_add(struct task_struct *p);
struct list_head *task_list_head(void);
void task_list_del(struct task_struct *p);
void kill_all_tasks(void);
void init_task_exited(int status);

static struct task_struct *init_task_p;   /* PID 1, while it lives */

static void release_task(struct task_struct *p)
{
	while (__atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	free_task(p);
}

/* CPU 0 (exit path of PID 1 and its idle loop): reap tasks nobody waits for. */
static void reap_orphans_locked(void);

void do_exit(int wait_status)
{
	struct task_struct *p = current, *c, *n;
	struct mm_struct *mm = p->mm;

	console_flush_task(p);
	files_close_all(p);
	if (mm) {
		local_irq_disable();
		switch_mm_irqs_off(mm, &init_mm);
		p->mm = NULL;
		local_irq_enable();    /* the teardown may send TLB shootdowns */
		mmput(mm);
	}
	local_irq_disable();       /* for good: this task never runs again */

	spin_lock(&tasklist_lock);
	if (p->pid == 1)
		init_task_p = NULL;
	list_for_each_entry_safe(c, n, &p->children, sibling) {
		list_del_init(&c->sibling);
		if (p->pid != 1 && init_task_p) {
			c->parent = init_task_p;
			list_add_tail(&c->sibling, &init_task_p->children);
		} else {
			c->parent = NULL;
		}
	}
	p->exit_code = wait_status;
	p->state = TASK_ZOMBIE;
	if (p->pid == 1) {
		kill_all_tasks();
		init_task_exited(wait_status);
	}
	if (p->parent)
		wake_up_process(p->parent);
	reap_orphans_locked();
	spin_unlock(&tasklist_lock);
	schedule();
	for (;;)
		halt_forever();
}

/* Orphaned zombies (parent NULL) other than the caller: freed once off
 * their CPU. With tasklist_lock held. */
static void reap_orphans_locked(void)
{
	struct task_struct *self = current, *p, *n;

	list_for_each_entry_safe(p, n, task_list_head(), tasks) {
		if (p == self || p->parent || p->state != TASK_ZOMBIE)
			continue;
		if (__atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE))
			continue;        /* the next exit or the idle loop gets it */
		task_list_del(p);
		free_task(p);
	}
}

void reap_orphans(void);
void reap_orphans(void)
{
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	reap_orphans_locked();
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

long do_wait4(int pid, unsigned long status_uaddr, int options)
{
	struct task_struct *p = current, *c;
	unsigned long flags;

	for (;;) {
		bool have = false;

		spin_lock_irqsave(&tasklist_lock, flags);
		list_for_each_entry(c, &p->children, sibling) {
			if (pid > 0 && c->pid != pid)
				continue;
			have = true;
			if (c->state != TASK_ZOMBIE)
				continue;
			int st = c->exit_code, cpid = c->pid;
			list_del_init(&c->sibling);
			task_list_del(c);
			spin_unlock_irqrestore(&tasklist_lock, flags);
			release_task(c);
			if (status_uaddr && copy_to_user_mm(p->mm, status_uaddr, &st, sizeof(st)) < 0)
				return -EFAULT;
			return cpid;
		}
		if (!have) {
			spin_unlock_irqrestore(&tasklist_lock, flags);
			return -ECHILD;
		}
		if (options & WNOHANG) {
			spin_unlock_irqrestore(&tasklist_lock, flags);
			return 0;
		}
		if (p->pending_kill) {
			spin_unlock_irqrestore(&tasklist_lock, flags);
			return -EINTR;
		}
		p->state = TASK_INTERRUPTIBLE;
		spin_unlock_irqrestore(&tasklist_lock, flags);
		schedule();
	}
}

/* Mark P to die of SIG when it next returns to user mode; wake it if it
 * sleeps, kick its CPU if it runs. */
void send_fatal_signal(struct task_struct *p, int sig)
{
	if (!p->pending_kill)
		p->pending_kill = sig;
	if (p->state == TASK_INTERRUPTIBLE)
		wake_up_process(p);
	else if (p->cpu != (int)smp_processor_id())
		smp_send_reschedule((unsigned int)p->cpu);
}

static bool sig_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH || sig == SIGSTOP;
}

long do_kill(int pid, int sig)
{
	struct task_struct *t;
	unsigned long flags;
	long ret = -ESRCH;

	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (pid == 0 || pid < -1)
		pid = current->pid;      /* no process groups: the caller's "group" is itself */
	spin_lock_irqsave(&tasklist_lock, flags);
	if (pid == -1) {
		ret = 0;
		list_for_each_entry(t, task_list_head(), tasks)
			if (t != current && t->pid != 1 && t->state != TASK_ZOMBIE && sig &&
			    !sig_default_ignored(sig))
				send_fatal_signal(t, sig);
	} else {
		t = find_task_by_pid(pid);
		if (t && t->state != TASK_ZOMBIE) {
			ret = 0;
			if (sig && !sig_default_ignored(sig))
				send_fatal_signal(t, sig);
		}
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

void set_init_task(struct task_struct *p);
void set_init_task(struct task_struct *p)
{
	init_task_p = p;
}

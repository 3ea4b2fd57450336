/*
 * The scheduler (kernel/sched.h has the model and the lock order) and
 * the start and end of the process world: start_init() runs /init (or
 * init=) as PID 1 on CPU 0 when the initramfs has it; when PID 1 has
 * exited and every task is reaped, CPU 0's idle loop prints the leak
 * check and powers off with PID 1's status.
 *
 * Leak check lines (tests compare the two numbers):
 *   init: free memory before init: N pages
 *   init: free memory after last exit: N pages (leaked: D)
 */
#include <gmm/ports.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/errno.h>
#include <kernel/initramfs.h>
#include <kernel/jiffies.h>
#include <kernel/numa.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp_call.h>
#include <kernel/string.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/tlbflush.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/mm_struct.h>
#include <mm/mm_user.h>
#include <mm/vmstat.h>
#include <mm/slab.h>
#include <kernel/panic.h>
#include <kernel/sprintf.h>
#include <kernel/timer.h>
#include "mm_weak.h"

struct rq {
	spinlock_t lock;
	struct list_head queue;          /* runnable, not running */
	struct list_head sleepers;       /* timed sleeps (nanosleep) */
	unsigned int nr_running;         /* queued + the running non-idle task */
	struct task_struct *curr, *idle;
	bool need_resched;
	struct task_struct *migrate;     /* prev to queue elsewhere after the switch */
} ____cacheline_aligned;

static struct rq runqueues[NR_CPUS];
static volatile bool sched_active;
static int next_pid = 1;
static unsigned long free_before, slab_before;
static volatile bool init_exited;
int init_exit_status;
unsigned long nr_tasks;
DEFINE_SPINLOCK(tasklist_lock);
static LIST_HEAD(task_list);

struct task_struct *get_current(void)
{
	return this_cpu()->current_task;
}

static struct rq *this_rq(void)
{
	return &runqueues[smp_processor_id()];
}

int alloc_pid(void)
{
	return __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
}

/* The task at the bottom of a 16 KiB block; only the task is zeroed. */
struct task_struct *alloc_task(void)
{
	struct page *pg = alloc_pages(GFP_KERNEL, THREAD_ORDER);

	if (!pg)
		return NULL;
	struct task_struct *p = page_address(pg);
	memset(p, 0, sizeof(*p));
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	INIT_LIST_HEAD(&p->tasks);
	INIT_LIST_HEAD(&p->run_list);
	INIT_LIST_HEAD(&p->sleep_list);
	return p;
}

void free_task(struct task_struct *p)
{
	free_pages((unsigned long)p, THREAD_ORDER);
}

struct task_struct *find_task_by_pid(int pid)
{
	struct task_struct *p;

	list_for_each_entry(p, &task_list, tasks)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void enqueue(struct rq *rq, struct task_struct *p)
{
	if (p->on_rq || p->is_idle)
		return;
	p->on_rq = true;
	list_add_tail(&p->run_list, &rq->queue);
}

/* Make P runnable on its CPU, and kick that CPU. */
void wake_up_process(struct task_struct *p)
{
	unsigned long flags;
	struct rq *rq = &runqueues[p->cpu];

	spin_lock_irqsave(&rq->lock, flags);
	if (p->state == TASK_INTERRUPTIBLE) {
		p->state = TASK_RUNNING;
		if (!list_empty(&p->sleep_list))
			list_del_init(&p->sleep_list);
		if (rq->curr != p) {
			enqueue(rq, p);
			rq->nr_running++;
		}
		rq->need_resched = true;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	if ((unsigned int)p->cpu != smp_processor_id())
		smp_send_reschedule((unsigned int)p->cpu);
}

void wake_up_new_task(struct task_struct *p)
{
	unsigned long flags;
	struct rq *rq = &runqueues[p->cpu];

	spin_lock_irqsave(&rq->lock, flags);
	p->state = TASK_RUNNING;
	enqueue(rq, p);
	rq->nr_running++;
	rq->need_resched = true;
	spin_unlock_irqrestore(&rq->lock, flags);
	if ((unsigned int)p->cpu != smp_processor_id())
		smp_send_reschedule((unsigned int)p->cpu);
}

/* The least loaded CPU of ALLOWED (ties: the lowest number). */
int select_task_cpu(const struct cpumask *allowed)
{
	unsigned int cpu, best = 0, best_n = ~0U;

	for_each_online_cpu(cpu) {
		if (!cpumask_test_cpu(cpu, allowed))
			continue;
		unsigned int n = READ_ONCE(runqueues[cpu].nr_running);
		if (n < best_n) {
			best = cpu;
			best_n = n;
		}
	}
	return (int)best;
}

/* Called on the next task's stack with the rq lock held: drop it, and
 * finish with the previous task (queue it elsewhere, mark it off CPU). */
void finish_task_switch(struct task_struct *prev);
void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	struct task_struct *mig = rq->migrate;

	rq->migrate = NULL;
	spin_unlock(&rq->lock);
	if (mig) {
		struct rq *to = &runqueues[mig->cpu];
		spin_lock(&to->lock);
		enqueue(to, mig);
		to->nr_running++;
		to->need_resched = true;
		spin_unlock(&to->lock);
		smp_send_reschedule((unsigned int)mig->cpu);
	}
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
}

/* Switch to the next runnable task of this CPU (or stay). Interrupts off. */
void schedule(void)
{
	unsigned long flags;
	struct rq *rq;
	struct task_struct *prev, *next;

	local_irq_save(flags);
	rq = this_rq();
	prev = rq->curr;
	spin_lock(&rq->lock);
	rq->need_resched = false;
	if (prev->state == TASK_RUNNING && !prev->is_idle && !rq->migrate)
		enqueue(rq, prev);
	else if (!prev->is_idle && !rq->migrate)
		rq->nr_running--;          /* asleep or dead: no longer counted here */
	next = list_first_entry_or_null(&rq->queue, struct task_struct, run_list);
	if (next) {
		list_del_init(&next->run_list);
		next->on_rq = false;
	} else {
		next = rq->idle;
	}
	if (next == prev) {
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return;
	}
	rq->curr = next;
	next->on_cpu = 1;
	next->cpu = (int)smp_processor_id();
	this_cpu()->current_task = next;
	prev = arch_switch_to(prev, next);   /* back here: PREV is whom we came from */
	finish_task_switch(prev);
	local_irq_restore(flags);
}

/* Move the current task to a CPU of ALLOWED if its CPU is not in it. */
long sched_migrate_self(const struct cpumask *allowed)
{
	struct task_struct *p = current;
	unsigned long flags;
	int cpu = (int)smp_processor_id();

	if (cpumask_test_cpu((unsigned int)cpu, allowed))
		return 0;
	int to = select_task_cpu(allowed);
	if (!cpumask_test_cpu((unsigned int)to, allowed))
		return -EINVAL;
	local_irq_save(flags);
	struct rq *rq = this_rq();
	spin_lock(&rq->lock);
	rq->nr_running--;
	rq->migrate = p;
	p->cpu = to;
	spin_unlock(&rq->lock);
	schedule();                  /* finish_task_switch queues us on TO */
	local_irq_restore(flags);
	return 0;
}

/* Every CPU's tick: wake timed sleepers, ask for a switch when others wait. */
void scheduler_tick(void)
{
	if (!READ_ONCE(sched_active))
		return;
	struct rq *rq = this_rq();
	struct task_struct *p, *n;
	unsigned long now = READ_ONCE(jiffies);

	spin_lock(&rq->lock);
	list_for_each_entry_safe(p, n, &rq->sleepers, sleep_list) {
		if (time_before(now, p->wake_at))
			continue;
		list_del_init(&p->sleep_list);
		if (p->state == TASK_INTERRUPTIBLE) {
			p->state = TASK_RUNNING;
			if (rq->curr != p) {
				enqueue(rq, p);
				rq->nr_running++;
			}
		}
		rq->need_resched = true;
	}
	if (!list_empty(&rq->queue))
		rq->need_resched = true;
	spin_unlock(&rq->lock);
}

/* Sleep until jiffies reaches WHEN or a signal comes: 0 or -EINTR. */
long schedule_timeout_until(unsigned long when);
long sleep_once(unsigned long ticks);
long schedule_timeout_until(unsigned long when)
{
	struct task_struct *p = current;

	while (time_before(READ_ONCE(jiffies), when)) {
		if (p->pending_kill)
			return -EINTR;
		sleep_once(when - READ_ONCE(jiffies));
	}
	return 0;
}

/* Sleep until woken (wake_up_process) or TICKS pass: 0, or -EINTR when a
 * fatal signal is pending. */
long sleep_once(unsigned long ticks)
{
	struct task_struct *p = current;
	unsigned long flags;

	if (p->pending_kill)
		return -EINTR;
	local_irq_save(flags);
	struct rq *rq = this_rq();
	spin_lock(&rq->lock);
	p->wake_at = READ_ONCE(jiffies) + ticks;
	p->state = TASK_INTERRUPTIBLE;
	list_add_tail(&p->sleep_list, &rq->sleepers);
	spin_unlock(&rq->lock);
	schedule();
	local_irq_restore(flags);
	return p->pending_kill ? -EINTR : 0;
}

bool need_resched(void);
bool need_resched(void)
{
	return READ_ONCE(this_rq()->need_resched);
}

static unsigned long free_pages_now(void)
{
	unsigned long n = 0;
	int nid;

	for_each_online_node(nid)
		n += node_available_pages(nid);
	return n;
}

/* Pages the slab caches hold (objects and empty slabs they keep). */
static unsigned long slab_pages_now(void)
{
	unsigned long n = 0;
	int nid;

	for_each_online_node(nid)
		n += node_slab_pages(nid, false) + node_slab_pages(nid, true);
	return n;
}


static __attribute__((noreturn)) void init_finished(void)
{
	mm_user_drain();
	unsigned long after = free_pages_now(), slab = slab_pages_now();

	printk("init: free memory after last exit: %lu pages, slab %lu pages (leaked: %ld)\n",
	       after, slab, (long)free_before - (long)after);
	vmstat_publish_now();
	printk("reboot: Power down (exit status %d)\n", init_exit_status);
	outl((u32)init_exit_status, PORT_DEBUG_EXIT);
	halt_forever();
}

/* The idle loop, interrupts off: run what is queued (true: look again
 * before halting). CPU 0, once PID 1 is gone: reap, and power off when
 * no task is left. */
void reap_orphans(void);
bool sched_idle(void)
{
	if (!READ_ONCE(sched_active))
		return false;
	if (smp_processor_id() == 0 && READ_ONCE(init_exited)) {
		reap_orphans();
		if (READ_ONCE(nr_tasks) == 0)
			init_finished();
	}
	struct rq *rq = this_rq();
	if (list_empty(&rq->queue) && !READ_ONCE(rq->need_resched))
		return false;
	schedule();
	return true;
}

/* This CPU's boot context becomes its idle task. */
static void sched_init_cpu_of(unsigned int cpu, struct task_struct *idle)
{
	struct rq *rq = &runqueues[cpu];
	struct percpu *pc = per_cpu_area[cpu];

	spin_lock_init(&rq->lock);
	INIT_LIST_HEAD(&rq->queue);
	INIT_LIST_HEAD(&rq->sleepers);
	idle->is_idle = true;
	idle->on_cpu = 1;
	idle->cpu = (int)cpu;
	idle->active_mm = &init_mm;
	snprintf(idle->comm, sizeof(idle->comm), "swapper/%u", cpu);
	rq->idle = rq->curr = idle;
	pc->kernel_sp = pc->stack_top;
	pc->current_task = idle;
}

void sched_init(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct page *pg = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(sizeof(struct task_struct)));
		if (!pg)
			panic("sched: no memory for the idle tasks");
		struct task_struct *idle = page_address(pg);
		INIT_LIST_HEAD(&idle->children);
		INIT_LIST_HEAD(&idle->sibling);
		INIT_LIST_HEAD(&idle->tasks);
		INIT_LIST_HEAD(&idle->run_list);
		INIT_LIST_HEAD(&idle->sleep_list);
		sched_init_cpu_of(cpu, idle);
	}
	__atomic_store_n(&sched_active, true, __ATOMIC_RELEASE);
}

/* PID 1 has exited (exit.c): the rest is killed, CPU 0 powers off once
 * every task is reaped. */
void init_task_exited(int status);
void init_task_exited(int status)
{
	int st = status & 0x7f ? 128 + (status & 0x7f) : (status >> 8) & 0xff;

	init_exit_status = st;
	WRITE_ONCE(init_exited, true);
	if (smp_processor_id() != 0)
		smp_send_reschedule(0);
}

void set_init_task(struct task_struct *p);
static const char *const init_envp[] = { "HOME=/", "TERM=linux", NULL };

void start_init(void)
{
	const char *path = cmdline_get("init");
	const char *argv[34];
	static char args[512];
	int argc = 0;

	if (!path || !*path)
		path = "/init";
	if (!initramfs_lookup(path)) {
		if (cmdline_get("init"))
			printk("init: %s not found in the initramfs\n", path);
		return;
	}
	if (!mm_user_linked()) {
		printk("init: cannot run %s: the user address-space code (mm/mm_user.h) is not linked in\n",
		       path);
		return;
	}
	argv[argc++] = path;
	const char *a = cmdline_init_args();
	if (a) {
		size_t n = strlen(a);
		if (n >= sizeof(args))
			n = sizeof(args) - 1;
		memcpy(args, a, n);
		char *s = args;
		while (*s && argc < (int)ARRAY_SIZE(argv) - 1) {
			while (*s == ' ')
				*s++ = 0;
			if (!*s)
				break;
			argv[argc++] = s;
			while (*s && *s != ' ')
				s++;
		}
	}
	argv[argc] = NULL;

	sched_init();
	mm_user_drain();                 /* what user memory keeps for good, made now */
	free_before = free_pages_now();
	slab_before = slab_pages_now();
	printk("init: free memory before init: %lu pages, slab %lu pages\n", free_before, slab_before);

	struct task_struct *p = alloc_task();
	if (!p)
		panic("init: no memory for PID 1");
	p->pid = alloc_pid();
	p->cpu = 0;
	p->active_mm = &init_mm;
	for (unsigned int c = 0; c < nr_cpu_ids; c++)
		cpumask_set_cpu(c, &p->cpus_allowed);
	files_init_console(p);
	long err = exec_kernel(p, task_pt_regs(p), path, argv, init_envp);
	if (err) {
		/* Not a program we can run (a dynamic binary: -ENOEXEC): say so
		 * and finish booting as without an init. */
		printk("init: exec %s failed: error %ld; continuing without init\n", path, err);
		free_task(p);
		return;
	}
	arch_copy_thread(p, task_pt_regs(p));
	spin_lock(&tasklist_lock);
	list_add_tail(&p->tasks, &task_list);
	nr_tasks++;
	set_init_task(p);
	spin_unlock(&tasklist_lock);
	printk("init: running %s as PID 1\n", path);
	wake_up_new_task(p);
	cpu_startup_entry();
}

/* fork.c: below an eighth of the free memory init started with. */
bool fork_memory_low(void);
bool fork_memory_low(void)
{
	return free_pages_now() < free_before / 8;
}

/* fork.c/exit.c helpers that need the task list head (tasklist_lock held). */
struct list_head *task_list_head(void);
struct list_head *task_list_head(void)
{
	return &task_list;
}

void task_list_add(struct task_struct *p);
void task_list_add(struct task_struct *p)
{
	list_add_tail(&p->tasks, &task_list);
	nr_tasks++;
}

void task_list_del(struct task_struct *p);
void task_list_del(struct task_struct *p)
{
	list_del_init(&p->tasks);
	nr_tasks--;
}

/* PID 1 is gone: kill whatever is left. */
void kill_all_tasks(void);
void kill_all_tasks(void)
{
	struct task_struct *p;

	list_for_each_entry(p, &task_list, tasks)
		if (p->state != TASK_ZOMBIE)
			send_fatal_signal(p, 9);
}

/*
 * Work for another CPU (Linux: queue_work_on() onto a per-CPU kworker).
 * With no scheduler yet, a CPU runs its queued work from its idle loop,
 * with interrupts enabled, in queue order, so the work may wait for I/O
 * (wait_for_completion) as process context can. The boot CPU never idles
 * during boot: queue work on the APs only.
 *
 * Locking: each CPU's list is guarded by its spinlock (interrupts off);
 * a work item belongs to the queue from queue_work_on() until its func
 * starts, and may be queued again (or freed) from then on.
 */
#ifndef KERNEL_WORKQUEUE_H
#define KERNEL_WORKQUEUE_H

#include <kernel/types.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	struct work_struct *next;
};

static inline void INIT_WORK(struct work_struct *work, work_func_t func)
{
	work->func = func;
	work->next = NULL;
}

/* Queue WORK on CPU (online) and wake it. */
void queue_work_on(unsigned int cpu, struct work_struct *work);

/* Idle loop, interrupts off: run what is queued on this CPU (interrupts
 * on while each item runs). Returns with interrupts off, true if it ran
 * anything. */
bool run_queued_work(void);

#endif

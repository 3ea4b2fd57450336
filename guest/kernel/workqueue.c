/* Per-CPU work run from the idle loop (kernel/workqueue.h). */
#include <kernel/irqflags.h>
#include <kernel/smp.h>
#include <kernel/smp_call.h>
#include <kernel/spinlock.h>
#include <kernel/workqueue.h>

struct cpu_workqueue {
	spinlock_t lock;
	struct work_struct *head, *tail;
};

static struct cpu_workqueue cpu_wq[NR_CPUS];

void queue_work_on(unsigned int cpu, struct work_struct *work)
{
	struct cpu_workqueue *wq = &cpu_wq[cpu];
	unsigned long flags;

	work->next = NULL;
	spin_lock_irqsave(&wq->lock, flags);
	if (wq->tail)
		wq->tail->next = work;
	else
		wq->head = work;
	wq->tail = work;
	spin_unlock_irqrestore(&wq->lock, flags);
	if (cpu != smp_processor_id())
		smp_send_reschedule(cpu);
}

bool run_queued_work(void)
{
	struct cpu_workqueue *wq = &cpu_wq[smp_processor_id()];
	bool ran = false;

	for (;;) {
		spin_lock(&wq->lock);
		struct work_struct *work = wq->head;
		if (work) {
			wq->head = work->next;
			if (!wq->head)
				wq->tail = NULL;
		}
		spin_unlock(&wq->lock);
		if (!work)
			return ran;
		local_irq_enable();
		work->func(work);
		local_irq_disable();
		ran = true;
	}
}

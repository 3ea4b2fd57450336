/*
 * Completions (Linux: include/linux/completion.h): one side waits until
 * the other says "done", typically an interrupt handler finishing I/O.
 *
 * There is no scheduler yet, so a waiter halts its CPU (interrupts on)
 * until the event; complete() from another CPU wakes it with the
 * reschedule IPI. wait_for_completion() must be called with interrupts
 * enabled (it could never be woken otherwise): code that runs with them
 * off polls completion_done() and drives the event itself (e.g.
 * submit_bio_wait polls the disk).
 *
 * Locking: x->lock (interrupts off) covers done and waiter_cpu, so
 * complete() never touches the completion after the waiter has seen done
 * and returned (a completion usually lives on the waiter's stack).
 */
#ifndef KERNEL_COMPLETION_H
#define KERNEL_COMPLETION_H

#include <kernel/spinlock.h>
#include <kernel/types.h>

struct completion {
	spinlock_t lock;
	unsigned int done;
	int waiter_cpu;            /* -1: nobody halted on it */
};

static inline void init_completion(struct completion *x)
{
	spin_lock_init(&x->lock);
	x->done = 0;
	x->waiter_cpu = -1;
}

/* Done yet? Once true, complete() has let go of X, so X may be freed. */
static inline bool completion_done(struct completion *x)
{
	unsigned long flags;

	if (!__atomic_load_n(&x->done, __ATOMIC_ACQUIRE))
		return false;
	spin_lock_irqsave(&x->lock, flags);      /* wait for complete() to unlock */
	spin_unlock_irqrestore(&x->lock, flags);
	return true;
}

void complete(struct completion *x);               /* any context */
void wait_for_completion(struct completion *x);    /* interrupts enabled */

#endif

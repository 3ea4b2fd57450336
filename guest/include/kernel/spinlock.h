/*
 * Test-and-test-and-set spinlock from GCC atomics: portable C, so guest/mm
 * takes the same locks on the host. nr_acquired counts acquisitions (it is
 * written under the lock): tests count lock round trips with it, and the
 * counters page can show lock traffic.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <kernel/types.h>
#include <kernel/irqflags.h>

typedef struct {
	volatile u32 locked;
	u32 owner_cpu;          /* for debugging: last CPU to take it */
	unsigned long nr_acquired;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0, 0 }
#define DEFINE_SPINLOCK(x) spinlock_t x = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
	l->owner_cpu = 0;
	l->nr_acquired = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
	}
	l->nr_acquired++;
}

static inline bool spin_trylock(spinlock_t *l)
{
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		return false;
	l->nr_acquired++;
	return true;
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#define spin_lock_irqsave(l, flags) \
	do { (flags) = arch_local_irq_save(); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) \
	do { spin_unlock(l); arch_local_irq_restore(flags); } while (0)

#endif

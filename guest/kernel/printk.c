/*
 * printk: format into a buffer on the stack, then send it to the console
 * under console_lock.
 *
 * Locking: console_lock (taken with interrupts off, spin_lock_irqsave) is
 * held while one printk's text goes out, so text from different CPUs never
 * interleaves within one call. Print whole lines per call: a line split
 * over several calls can be interleaved. owner_cpu records the holder so
 * the panic path can break the lock when its own CPU faulted inside
 * printk (console_unlock_for_panic).
 */
#include <kernel/printk.h>
#include <kernel/serial.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/sprintf.h>

#define PRINTK_BUF 512
#define NO_OWNER   0xffffffffu

static DEFINE_SPINLOCK(console_lock);

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_BUF];
	unsigned long flags;
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	spin_lock_irqsave(&console_lock, flags);
	console_lock.owner_cpu = smp_processor_id();
	serial_write(buf, len);
	console_lock.owner_cpu = NO_OWNER;
	spin_unlock_irqrestore(&console_lock, flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void console_unlock_for_panic(void)
{
	if (spin_is_locked(&console_lock) && console_lock.owner_cpu == smp_processor_id())
		spin_unlock(&console_lock);
}

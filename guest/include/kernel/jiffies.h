/* The tick count (advanced by CPU 0's LAPIC timer, arch time.c). */
#ifndef KERNEL_JIFFIES_H
#define KERNEL_JIFFIES_H

#define HZ 100

extern volatile unsigned long jiffies;

#define time_after(a, b)   ((long)((b) - (a)) < 0)
#define time_before(a, b)  time_after(b, a)

#endif

/* CPU 0's periodic work (kernel/timer.c). */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

/* After mm_core_init(): map and lay out the counters page, if the VMM gave one. */
void vmstat_page_setup(void);
/* Publish now (CPU 0, before power-off). */
void vmstat_publish_now(void);
/* From CPU 0's timer interrupt: jiffies, and the counters page. */
void do_timer(void);

#endif

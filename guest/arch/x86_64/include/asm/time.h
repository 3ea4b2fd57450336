/* LAPIC timer (time.c): a periodic tick of HZ on every CPU. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <kernel/types.h>

extern u32 lapic_timer_khz;   /* APIC timer input clock */
extern u32 tsc_khz;           /* 0 if the hypervisor did not say */

void time_init(void);         /* BSP: find the frequencies, start its tick */
void lapic_timer_setup(void); /* every CPU: start the periodic tick */

#endif

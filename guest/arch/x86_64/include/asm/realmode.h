/*
 * The AP start-up trampoline for INIT/SIPI (trampoline_64.S, sipi.c), used
 * when the kernel was not started by our VMM (QEMU, hardware).
 *
 * A STARTUP IPI starts the AP in real mode at CS:IP = (vector << 8):0, so
 * the trampoline must sit in a page below 1 MiB: TRAMPOLINE_PADDR. That
 * page is never handed out by memblock (which reserves everything below
 * 1 MiB for boot data); sipi.c checks the boot memory map says
 * it is RAM. Under our VMM the same page holds struct boot_info, but this
 * path never runs there.
 *
 * The trampoline ends with struct trampoline_data, which the BSP fills
 * for one AP at a time before sending the IPIs.
 */
#ifndef ASM_REALMODE_H
#define ASM_REALMODE_H

#define TRAMPOLINE_PADDR    0x8000

/* struct trampoline_data, for the assembly */
#define TD_CR4              0
#define TD_CR3              4
#define TD_EFER             8
#define TD_STARTED          12
#define TD_ENTRY            16
#define TD_STACK            24
#define TD_CPU              32
#define TD_ARG              40
#define TD_SIZE             48

#ifndef __ASSEMBLY__

#include <kernel/types.h>

struct trampoline_data {
	u32 cr4;            /* PAE, and LA57 if the BSP runs with it */
	u32 cr3;            /* the BSP's page tables; below 4 GiB */
	u32 efer;           /* LME, NX, SCE as the BSP's */
	u32 started;        /* set by the AP once it has read what follows */
	u64 entry;          /* _start (entry.S), 64-bit, linked address */
	u64 stack_top;      /* -> RSP */
	u64 cpu;            /* -> RSI: logical CPU number, never 0 */
	u64 arg;            /* -> RDX: the AP's per-CPU area */
};

struct percpu;

/* Start CPU through INIT, SIPI, SIPI, on the stack and with the per-CPU
 * area PC; returns once the AP has left the trampoline (panics if it does
 * not within a second). BSP only, one AP at a time. */
void wakeup_cpu_via_init_sipi(unsigned int cpu, struct percpu *pc);

#endif /* !__ASSEMBLY__ */

#endif

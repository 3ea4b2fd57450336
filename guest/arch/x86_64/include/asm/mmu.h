/* The arch part of an mm_struct (Linux: arch/x86/include/asm/mmu.h). */
#ifndef ASM_MMU_H
#define ASM_MMU_H

#include <kernel/types.h>

typedef struct {
	/*
	 * Generation of the mm's page tables: bumped (atomically) by every
	 * flush request of the mm. A CPU that has the mm loaded remembers
	 * the generation its TLB reflects (cpu_tlbstate); one that falls
	 * behind flushes when it sees it, so a CPU skipped while it was lazy
	 * catches up when it switches back (asm/tlbflush.h).
	 */
	u64 tlb_gen;
} mm_context_t;

#endif

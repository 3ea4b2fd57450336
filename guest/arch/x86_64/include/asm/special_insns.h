/* Paging instructions (Linux: asm/special_insns.h, asm/tlbflush.h's
 * native_* helpers). Each is one instruction; on our platform ring-0 CR3
 * writes and invlpg cost 2-3 us each (PLATFORM.md). */
#ifndef ASM_SPECIAL_INSNS_H
#define ASM_SPECIAL_INSNS_H

#include <kernel/types.h>

static inline void native_write_cr3(unsigned long val)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(val) : "memory");
}

static inline void native_write_cr4(unsigned long val)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(val) : "memory");
}

/* Drop this CPU's translation of one page (and the paging-structure
 * caches' entries for it). */
static inline void native_flush_tlb_one_user(unsigned long addr)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(addr) : "memory");
}

#endif

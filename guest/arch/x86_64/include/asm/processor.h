/* CPU instructions and control registers (x86-64). */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <kernel/const.h>

#define X86_EFLAGS_IF   _BITUL(9)

#define X86_CR0_PE      _BITUL(0)
#define X86_CR0_ET      _BITUL(4)
#define X86_CR0_WP      _BITUL(16)
#define X86_CR0_PG      _BITUL(31)
#define X86_CR4_PAE     _BITUL(5)
#define X86_CR4_LA57    _BITUL(12)   /* 5-level paging */

/* CPUID.1:ECX */
#define X86_FEATURE_X2APIC      (1U << 21)
#define X86_FEATURE_TSC_DEADLINE (1U << 24)
#define X86_FEATURE_HYPERVISOR  (1U << 31)
/* CPUID.(7,0):ECX */
#define X86_FEATURE_LA57        _BITUL(16)
/* CPUID.80000001h:EDX */
#define X86_FEATURE_NX          _BITUL(20)
#define X86_FEATURE_LM          _BITUL(29)

#ifndef __ASSEMBLY__
#include <kernel/types.h>

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;
	__asm__ __volatile__("cpuid"
			     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid_regs cpuid(u32 leaf)
{
	return cpuid_count(leaf, 0);
}

static inline unsigned long read_cr0(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr2(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr3(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

/* Enable interrupts and halt: sti's one-instruction shadow makes the pair
 * atomic, so a wake-up that arrives after the caller's last check is not
 * lost. Returns with interrupts enabled. */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

/* Stop this CPU for good (interrupts off). */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}

#endif /* !__ASSEMBLY__ */

#endif

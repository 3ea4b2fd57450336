/* Model-specific registers the kernel uses. */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include <kernel/const.h>

#define MSR_IA32_APICBASE       0x0000001b
#define  MSR_IA32_APICBASE_BSP   (1ULL << 8)
#define  MSR_IA32_APICBASE_EXTD  (1ULL << 10)	/* x2APIC mode */
#define  MSR_IA32_APICBASE_ENABLE (1ULL << 11)
#define MSR_IA32_TSC_DEADLINE   0x000006e0
#define MSR_X2APIC_BASE         0x00000800	/* + (xAPIC offset >> 4) */
#define MSR_EFER                0xc0000080
#define  EFER_SCE                _BITUL(0)	/* syscall */
#define  EFER_LME                _BITUL(8)	/* long mode enable */
#define  EFER_NX                 _BITUL(11)	/* no-execute */
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_SYSCALL_MASK        0xc0000084
#define MSR_FS_BASE             0xc0000100
#define MSR_GS_BASE             0xc0000101
#define MSR_KERNEL_GS_BASE      0xc0000102

#ifndef __ASSEMBLY__
#include <kernel/types.h>

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 val)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
			     : "memory");
}

#endif /* !__ASSEMBLY__ */

#endif

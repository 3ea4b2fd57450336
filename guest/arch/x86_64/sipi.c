/*
 * Starting an AP the hardware way, INIT/SIPI (asm/realmode.h): used under
 * QEMU, where APs wait in the wait-for-SIPI state as on a real machine.
 * Our VMM has no real mode (PLATFORM.md) and starts APs through
 * PORT_AP_START instead (smpboot.c).
 *
 * The sequence is the MP specification's, as Linux's wakeup_secondary_cpu_
 * via_init(): INIT, wait 10 ms, STARTUP, and a second STARTUP if the AP
 * has not started after the first. Delays are counted in jiffies (the BSP
 * has its tick and interrupts on by now), so each is at least one whole
 * tick: "wait 10 ms" waits for two ticks.
 *
 * One trampoline serves all APs, one at a time: the BSP fills
 * trampoline_data for an AP, and waits for the AP's `started` before it
 * starts the next one.
 */
#include <kernel/boot.h>
#include <kernel/compiler.h>
#include <kernel/jiffies.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <asm/apic.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/realmode.h>

#define INIT_DELAY_TICKS    2           /* >= 10 ms at HZ = 100 */
#define SIPI_WAIT_TICKS     2
#define START_TIMEOUT_TICKS HZ          /* 1 s */

_Static_assert(sizeof(struct trampoline_data) == TD_SIZE, "trampoline_64.S layout");
_Static_assert(__builtin_offsetof(struct trampoline_data, started) == TD_STARTED, "layout");
_Static_assert(__builtin_offsetof(struct trampoline_data, arg) == TD_ARG, "layout");

extern const char trampoline_start[], trampoline_data[], trampoline_end[];
extern char _start[];               /* entry.S */

static struct trampoline_data *td;  /* in the copy at TRAMPOLINE_PADDR */

static bool memmap_is_ram(phys_addr_t start, phys_addr_t end)
{
	for (u32 i = 0; i < boot_info->nr_memmap; i++) {
		const struct boot_mem_entry *e = &boot_info->memmap[i];
		if (e->type == BOOT_MEM_RAM && e->addr <= start && end <= e->addr + e->size)
			return true;
	}
	return false;
}

/* Copy the trampoline below 1 MiB and give it the BSP's paging mode. */
static void setup_trampoline(void)
{
	size_t size = (size_t)(trampoline_end - trampoline_start);
	unsigned long cr3 = trampoline_pgd_phys();

	if (size > PAGE_SIZE)
		panic("smp: trampoline is %zu bytes, more than a page", size);
	if (!memmap_is_ram(TRAMPOLINE_PADDR, TRAMPOLINE_PADDR + PAGE_SIZE))
		panic("smp: trampoline page 0x%x is not RAM in the memory map", TRAMPOLINE_PADDR);
	/* The AP loads CR3 in 32-bit mode, and runs the trampoline's 64-bit
	 * part from the identity map: trampoline_pgd has both (init_64.c);
	 * _start then moves the AP to the kernel's own tables. */
	if (cr3 >= (1UL << 32))
		panic("smp: page tables at 0x%lx, above 4 GiB: an AP cannot load them", cr3);

	memcpy(__va(TRAMPOLINE_PADDR), trampoline_start, size);
	td = __va(TRAMPOLINE_PADDR + (unsigned long)(trampoline_data - trampoline_start));
	td->cr4 = (u32)(X86_CR4_PAE | (read_cr4() & X86_CR4_LA57));
	td->cr3 = (u32)cr3;
	td->efer = (u32)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NX | EFER_SCE));
	td->entry = (u64)_start;
}

static void wait_ticks(unsigned long n)
{
	unsigned long end = READ_ONCE(jiffies) + n;

	while (time_before(READ_ONCE(jiffies), end))
		safe_halt();
}

/* Spin until the AP has taken its data, at most N ticks. */
static bool wait_started(unsigned long n)
{
	unsigned long end = READ_ONCE(jiffies) + n;

	while (!READ_ONCE(td->started)) {
		if (!time_before(READ_ONCE(jiffies), end))
			return false;
		cpu_relax();
	}
	return true;
}

void wakeup_cpu_via_init_sipi(unsigned int cpu, struct percpu *pc)
{
	u32 apicid = pc->apic_id;

	if (!td)
		setup_trampoline();
	td->stack_top = pc->stack_top;
	td->cpu = cpu;
	td->arg = (u64)pc;
	WRITE_ONCE(td->started, 0);
	/* A WRMSR to the x2APIC ICR is not ordered after earlier stores. */
	__asm__ __volatile__("mfence" ::: "memory");

	apic_send_init(apicid);
	wait_ticks(INIT_DELAY_TICKS);
	apic_send_sipi(apicid, TRAMPOLINE_PADDR >> PAGE_SHIFT);
	if (wait_started(SIPI_WAIT_TICKS))
		return;
	apic_send_sipi(apicid, TRAMPOLINE_PADDR >> PAGE_SHIFT);
	if (!wait_started(START_TIMEOUT_TICKS))
		panic("smp: CPU %u (APIC %u) did not answer INIT/SIPI", cpu, apicid);
}

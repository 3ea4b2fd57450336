/*
 * What CPU 0's timer tick does for the whole machine (Linux: do_timer and
 * the periodic vmstat update): advance jiffies, and publish the memory
 * counters on the counters page every vmstat_interval ticks.
 *
 * vmstat_interval (command line, in ticks; default 10 = 100 ms): a publish
 * folds every per-CPU counter, a few hundred loads, which costs ~1 ms of
 * interpreted ring-0 time on our platform (PLATFORM.md). Every tick would
 * cost an idle guest ~10% of a host core; 100 ms matches the host's
 * default sampling interval (--stats-interval). vmstat_interval=1 gives a
 * host view at most one tick old.
 */
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/timer.h>
#include <asm/io.h>
#include <mm/vmstat_page.h>

#define NSEC_PER_TICK (1000000000UL / HZ)

static unsigned long vmstat_interval = 10;
static bool vmstat_page_ready;

void vmstat_page_setup(void)
{
	unsigned long v;

	if (!boot_info->counters_paddr)
		return;
	if (cmdline_get_ulong("vmstat_interval", &v) && v > 0)
		vmstat_interval = v;
	void *region = ioremap(boot_info->counters_paddr, boot_info->counters_size);
	if (region && vmstat_page_init(region, boot_info->counters_size) == 0)
		WRITE_ONCE(vmstat_page_ready, true);
	printk("vmstat: counters page at 0x%lx, published every %lu ms\n",
	       (unsigned long)boot_info->counters_paddr, vmstat_interval * 1000 / HZ);
}

/* A last publish before power-off, so the host's summary is current. */
void vmstat_publish_now(void)
{
	if (READ_ONCE(vmstat_page_ready))
		vmstat_page_publish((u64)READ_ONCE(jiffies) * NSEC_PER_TICK);
}

/* CPU 0's timer interrupt. */
void do_timer(void)
{
	unsigned long j = jiffies + 1;

	WRITE_ONCE(jiffies, j);
	if (READ_ONCE(vmstat_page_ready) && j % vmstat_interval == 0)
		vmstat_page_publish((u64)j * NSEC_PER_TICK);
}

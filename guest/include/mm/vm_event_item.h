/*
 * Event counters of the whole machine, per CPU (Linux:
 * include/linux/vm_event_item.h, the events of /proc/vmstat). To add one:
 * name it in VM_EVENT_ITEMS below (Linux's /proc/vmstat name, lower case)
 * and call count_vm_event(NAME_IN_CAPITALS). The counters page publishes
 * every item by that name (mm/vmstat_page.c); nothing else to change.
 *
 * Each CPU counts in its own cache line; a reader sums over CPUs.
 * count_vm_event() is an atomic add on the CPU's own counter, so an
 * interrupt counting the same event on the same CPU cannot lose one.
 */
#ifndef MM_VM_EVENT_ITEM_H
#define MM_VM_EVENT_ITEM_H

#include <kernel/compiler.h>
#include <kernel/smp.h>

#define VM_EVENT_ITEMS(X) \
	X(NR_TLB_REMOTE_FLUSH, "nr_tlb_remote_flush") \
	X(NR_TLB_REMOTE_FLUSH_RECEIVED, "nr_tlb_remote_flush_received") \
	X(NR_TLB_LOCAL_FLUSH_ALL, "nr_tlb_local_flush_all") \
	X(NR_TLB_LOCAL_FLUSH_ONE, "nr_tlb_local_flush_one") \
	/* user memory (guest/mm/memory.c, rmap.c, filemap.c; NOTES.md) */ \
	X(PGFAULT, "pgfault") \
	X(PGMAJFAULT, "pgmajfault") \
	X(PGREUSE, "pgreuse") \
	X(COW_FAULT, "cow_fault") \
	X(ZERO_PAGE_MAP, "zero_page_map") \
	/* gauges kept as signed per-CPU deltas (exact once summed) */ \
	X(NR_ANON_PAGES, "nr_anon_pages") \
	X(NR_MAPPED, "nr_mapped") \
	X(NR_FILE_PAGES, "nr_file_pages")

#define VM_EVENT_ENUM(item, name) item,
enum vm_event_item { VM_EVENT_ITEMS(VM_EVENT_ENUM) NR_VM_EVENT_ITEMS };
#undef VM_EVENT_ENUM

struct vm_event_state {
	unsigned long event[NR_VM_EVENT_ITEMS];
} ____cacheline_aligned;

extern struct vm_event_state vm_event_states[NR_CPUS];
extern const char *const vm_event_name[NR_VM_EVENT_ITEMS];

static inline void count_vm_events(enum vm_event_item item, unsigned long delta)
{
	__atomic_fetch_add(&vm_event_states[smp_processor_id()].event[item], delta,
			   __ATOMIC_RELAXED);
}

static inline void count_vm_event(enum vm_event_item item)
{
	count_vm_events(item, 1);
}

/* Sum over every CPU. */
unsigned long global_vm_event(enum vm_event_item item);

#endif

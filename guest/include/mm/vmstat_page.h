/*
 * The counters page (include/gmm/counters.h): the memory manager's
 * counters published for the host, which reads them live.
 *
 * vmstat_page_init() lays the page out once (names, sizes, magic last);
 * vmstat_page_publish() folds the per-CPU counters and writes every value
 * under the page's seqlock. One CPU publishes (CPU 0, from its timer tick),
 * so the seqlock has a single writer.
 */
#ifndef MM_VMSTAT_PAGE_H
#define MM_VMSTAT_PAGE_H

#include <kernel/types.h>

/* REGION is the mapped counters page (SIZE bytes). Returns 0, or -1 if the
 * counters do not fit (a bug: the page is left unpublished). */
int vmstat_page_init(void *region, size_t size);
/* Fold and publish; UPTIME_NS is the guest's time. No-op before init. */
void vmstat_page_publish(u64 uptime_ns);

#endif

/*
 * Reading a counters region (include/gmm/counters.h) from the host: check
 * the header, then take consistent snapshots under the guest's seqlock.
 * Used by the VMM's sampler (--stats-out), its exit summary, and
 * `vmm stat` (a live view from another process).
 */
#ifndef VMM_STATS_H
#define VMM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <gmm/counters.h>

struct stats_view {
	const volatile uint8_t *base;
	size_t size;
	uint32_t nr_nodes, nr_cpus, nr_global, nr_per_node;
	const char *names;          /* nr_global + nr_per_node fixed-size names */
	size_t nr_values;           /* nr_global + nr_nodes * nr_per_node */
};

struct stats_snapshot {
	uint64_t uptime_ns;
	uint64_t seq;
	uint64_t *values;           /* view->nr_values entries */
};

/* 1 if the guest has not published its header yet (magic still 0), 0 if the
 * region is valid and VIEW is filled, -1 with ERR if it is not ours/newer. */
int stats_open(const void *base, size_t size, struct stats_view *view, char *err, size_t errlen);

/* Copy a consistent snapshot; false if none could be had within a second
 * (the guest died mid-write, or writes without pause). */
bool stats_read(const struct stats_view *v, struct stats_snapshot *s);

/* Name of value I (global first, then node by node), and its node (-1 global). */
const char *stats_name(const struct stats_view *v, size_t i, int *node);
/* Index of a counter by name, node -1 for a global one; -1 if absent. */
long stats_find(const struct stats_view *v, const char *name, int node);

/* /proc/vmstat-like and /proc/buddyinfo-like summaries of a snapshot. */
void stats_print_summary(const struct stats_view *v, const struct stats_snapshot *s, FILE *out);

#endif

/* The --stats-out sampler thread (see stats_out.c). */
#ifndef VMM_STATS_OUT_H
#define VMM_STATS_OUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "vmm/stats.h"

struct stats_sampler {
	const char *path;
	unsigned interval_ms;
	const void *region;
	size_t size;
	double t0;
	FILE *out;
	pthread_t thread;
	bool running, stop;
	unsigned long nr_samples;
};

int stats_sampler_start(struct stats_sampler *sm, const char *path, unsigned interval_ms,
			const void *region, size_t size, char *err, size_t errlen);
/* Take a last sample's worth of time, then stop and close the file. */
void stats_sampler_stop(struct stats_sampler *sm);

#endif

/*
 * --stats-out FILE: a sampler thread reads the counters region every
 * --stats-interval milliseconds and appends one record per sample, with
 * the host time since the VM started ("t", seconds, monotonic), the wall
 * clock, the guest uptime and every counter:
 *   FILE.csv                 header row, then one row per sample;
 *                            per-node counters are named node<N>.<name>
 *   anything else (.jsonl)   one JSON object per line (jansson):
 *     {"t":..,"wall":..,"uptime":..,"global":{name:value..},"nodes":[{..},..]}
 * It waits for the guest to publish the region's header first. A write
 * error stops sampling with a message; the VM goes on.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm/stats_out.h"

static double mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double wall_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool is_csv(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && !strcmp(path + n - 4, ".csv");
}

static void csv_header(const struct stats_view *v, FILE *f)
{
	fprintf(f, "t,wall,uptime");
	for (size_t i = 0; i < v->nr_values; i++) {
		int node;
		const char *name = stats_name(v, i, &node);
		if (node < 0)
			fprintf(f, ",%.*s", GMM_COUNTER_NAME_LEN, name);
		else
			fprintf(f, ",node%d.%.*s", node, GMM_COUNTER_NAME_LEN, name);
	}
	fputc('\n', f);
}

static void csv_row(const struct stats_view *v, const struct stats_snapshot *s, double t, FILE *f)
{
	fprintf(f, "%.6f,%.6f,%.6f", t, wall_s(), (double)s->uptime_ns / 1e9);
	for (size_t i = 0; i < v->nr_values; i++)
		fprintf(f, ",%llu", (unsigned long long)s->values[i]);
	fputc('\n', f);
}

static void json_row(const struct stats_view *v, const struct stats_snapshot *s, double t, FILE *f)
{
	json_t *global = json_object(), *nodes = json_array();
	for (uint32_t n = 0; n < v->nr_nodes; n++)
		json_array_append_new(nodes, json_object());
	for (size_t i = 0; i < v->nr_values; i++) {
		int node;
		char name[GMM_COUNTER_NAME_LEN + 1];
		snprintf(name, sizeof(name), "%.*s", GMM_COUNTER_NAME_LEN, stats_name(v, i, &node));
		json_t *obj = node < 0 ? global : json_array_get(nodes, (size_t)node);
		json_object_set_new(obj, name, json_integer((json_int_t)s->values[i]));
	}
	json_t *rec = json_pack("{s:f, s:f, s:f, s:o, s:o}", "t", t, "wall", wall_s(),
				"uptime", (double)s->uptime_ns / 1e9, "global", global, "nodes", nodes);
	json_dumpf(rec, f, JSON_COMPACT);
	fputc('\n', f);
	json_decref(rec);
}

static void *sampler(void *arg)
{
	struct stats_sampler *sm = arg;
	struct stats_view v;
	struct stats_snapshot s = { 0 };
	char err[256];
	bool csv = is_csv(sm->path), header = false;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);

	while (!__atomic_load_n(&sm->stop, __ATOMIC_ACQUIRE)) {
		int rc = header ? 0 : stats_open(sm->region, sm->size, &v, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "vmm: --stats-out: %s; sampling stopped\n", err);
			break;
		}
		if (rc == 0 && !header) {
			s.values = calloc(v.nr_values, sizeof(uint64_t));
			if (csv)
				csv_header(&v, sm->out);
			header = true;
		}
		if (header && stats_read(&v, &s)) {
			double t = mono_s() - sm->t0;
			csv ? csv_row(&v, &s, t, sm->out) : json_row(&v, &s, t, sm->out);
			if (fflush(sm->out) != 0 || ferror(sm->out)) {
				fprintf(stderr, "vmm: --stats-out %s: write error: %s; sampling stopped\n",
					sm->path, strerror(errno));
				break;
			}
			sm->nr_samples++;
		}
		next.tv_nsec += (long)sm->interval_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	free(s.values);
	return NULL;
}

int stats_sampler_start(struct stats_sampler *sm, const char *path, unsigned interval_ms,
			const void *region, size_t size, char *err, size_t errlen)
{
	memset(sm, 0, sizeof(*sm));
	sm->path = path;
	sm->interval_ms = interval_ms ? interval_ms : 100;
	sm->region = region;
	sm->size = size;
	sm->t0 = mono_s();
	sm->out = fopen(path, "w");
	if (!sm->out) {
		snprintf(err, errlen, "--stats-out %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = pthread_create(&sm->thread, NULL, sampler, sm);
	if (rc) {
		snprintf(err, errlen, "--stats-out: thread: %s", strerror(rc));
		fclose(sm->out);
		sm->out = NULL;
		return -1;
	}
	sm->running = true;
	return 0;
}

void stats_sampler_stop(struct stats_sampler *sm)
{
	if (!sm->running)
		return;
	__atomic_store_n(&sm->stop, true, __ATOMIC_RELEASE);
	pthread_join(sm->thread, NULL);
	fclose(sm->out);
	sm->running = false;
}

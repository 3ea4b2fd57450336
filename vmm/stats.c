/* Host reader of the counters region (see stats.h and include/gmm/counters.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm/stats.h"

/* A publish is a few hundred interpreted ring-0 instructions: it can keep
 * seq odd for milliseconds. Spin a little, then back off, up to a second. */
#define SPIN_TRIES     1000
#define READ_BUDGET_NS 1000000000LL

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int stats_open(const void *base, size_t size, struct stats_view *v, char *err, size_t errlen)
{
	const volatile struct gmm_counters_header *h = base;
	memset(v, 0, sizeof(*v));
	if (size < sizeof(*h)) {
		snprintf(err, errlen, "counters region of %zu bytes is smaller than its header", size);
		return -1;
	}
	uint64_t magic = __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE);
	if (magic == 0)
		return 1;
	if (magic != GMM_COUNTERS_MAGIC) {
		snprintf(err, errlen, "counters region has a wrong magic 0x%016llx (expected 0x%016llx): "
			 "not a gmm counters page", (unsigned long long)magic,
			 (unsigned long long)GMM_COUNTERS_MAGIC);
		return -1;
	}
	if (h->layout_version != GMM_COUNTERS_LAYOUT) {
		snprintf(err, errlen, "counters layout version %u, this tool reads version %u%s",
			 h->layout_version, GMM_COUNTERS_LAYOUT,
			 h->layout_version > GMM_COUNTERS_LAYOUT ? ": the guest is newer, rebuild the VMM" :
			 ": the guest is older, rebuild it");
		return -1;
	}
	uint64_t nn = h->nr_nodes, ng = h->nr_global, np = h->nr_per_node;
	uint64_t names_end = (uint64_t)h->names_offset + (ng + np) * GMM_COUNTER_NAME_LEN;
	uint64_t values_end = (uint64_t)h->values_offset + (ng + nn * np) * 8;
	if (h->header_size != sizeof(*h) || h->region_size > size || nn == 0 || nn > 1024 ||
	    h->names_offset < sizeof(*h) || names_end > h->region_size ||
	    h->values_offset < sizeof(*h) || h->values_offset % 8 || values_end > h->region_size) {
		snprintf(err, errlen, "counters region header is inconsistent (sizes or offsets out of range)");
		return -1;
	}
	v->base = base;
	v->size = size;
	v->nr_nodes = (uint32_t)nn;
	v->nr_cpus = h->nr_cpus;
	v->nr_global = (uint32_t)ng;
	v->nr_per_node = (uint32_t)np;
	v->names = (const char *)base + h->names_offset;
	v->nr_values = ng + nn * np;
	return 0;
}

bool stats_read(const struct stats_view *v, struct stats_snapshot *s)
{
	const volatile struct gmm_counters_header *h = (const volatile void *)v->base;
	const volatile uint64_t *vals = (const volatile uint64_t *)(v->base + h->values_offset);
	long long deadline = 0;
	for (long tries = 0;; tries++) {
		if (tries >= SPIN_TRIES) {
			if (!deadline)
				deadline = now_ns() + READ_BUDGET_NS;
			else if (now_ns() > deadline)
				return false;
			struct timespec pause = { 0, 20000 };
			nanosleep(&pause, NULL);
		}
		uint64_t seq = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			__builtin_ia32_pause();
			continue;
		}
		for (size_t i = 0; i < v->nr_values; i++)
			s->values[i] = vals[i];
		s->uptime_ns = h->uptime_ns;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&h->seq, __ATOMIC_RELAXED) == seq) {
			s->seq = seq;
			return true;
		}
	}
	return false;
}

const char *stats_name(const struct stats_view *v, size_t i, int *node)
{
	size_t k = i;
	*node = -1;
	if (i >= v->nr_global) {
		*node = (int)((i - v->nr_global) / v->nr_per_node);
		k = v->nr_global + (i - v->nr_global) % v->nr_per_node;
	}
	return v->names + k * GMM_COUNTER_NAME_LEN;
}

long stats_find(const struct stats_view *v, const char *name, int node)
{
	if (node < 0) {
		for (size_t i = 0; i < v->nr_global; i++)
			if (!strncmp(v->names + i * GMM_COUNTER_NAME_LEN, name, GMM_COUNTER_NAME_LEN))
				return (long)i;
		return -1;
	}
	if ((uint32_t)node >= v->nr_nodes)
		return -1;
	for (size_t j = 0; j < v->nr_per_node; j++)
		if (!strncmp(v->names + (v->nr_global + j) * GMM_COUNTER_NAME_LEN, name, GMM_COUNTER_NAME_LEN))
			return (long)(v->nr_global + (size_t)node * v->nr_per_node + j);
	return -1;
}

/* buddyinfo counters are named buddy_<zone>_<order>; print them as
 * /proc/buddyinfo does: "Node 0, zone    DMA32      3      1 ..." */
static void print_buddyinfo(const struct stats_view *v, const struct stats_snapshot *s, FILE *out)
{
	for (uint32_t n = 0; n < v->nr_nodes; n++) {
		char zone[GMM_COUNTER_NAME_LEN] = "";
		for (uint32_t j = 0; j < v->nr_per_node; j++) {
			const char *name = v->names + (v->nr_global + j) * GMM_COUNTER_NAME_LEN;
			char z[GMM_COUNTER_NAME_LEN];
			int order;
			if (sscanf(name, "buddy_%31[^_]_%d", z, &order) != 2)
				continue;
			if (strcmp(z, zone)) {
				fprintf(out, "%sNode %u, zone %8s", zone[0] ? "\n" : "", n, z);
				snprintf(zone, sizeof(zone), "%s", z);
			}
			fprintf(out, " %6llu", (unsigned long long)s->values[v->nr_global + n * v->nr_per_node + j]);
		}
		if (zone[0])
			fprintf(out, "\n");
	}
}

/* Global counters named slab.<cache>.<column> (mm/vmstat_page.c), one
 * /proc/slabinfo row per cache, in the order the guest lists them. */
static void print_slabinfo(const struct stats_view *v, const struct stats_snapshot *s, FILE *out)
{
	static const char *const cols[] = { "active_objs", "num_objs", "objsize", "objperslab",
					    "pagesperslab", "active_slabs", "num_slabs" };
	char cache[GMM_COUNTER_NAME_LEN + 1] = "";
	bool header = false;

	for (uint32_t i = 0; i < v->nr_global; i++) {
		char name[GMM_COUNTER_NAME_LEN + 1], c[GMM_COUNTER_NAME_LEN + 1];
		snprintf(name, sizeof(name), "%.*s", GMM_COUNTER_NAME_LEN, v->names + i * GMM_COUNTER_NAME_LEN);
		char *dot = strrchr(name, '.');
		if (strncmp(name, "slab.", 5) || !dot || dot == name + 4)
			continue;
		snprintf(c, sizeof(c), "%.*s", (int)(dot - name - 5), name + 5);
		if (!strcmp(c, cache))
			continue;                 /* this cache's row is out already */
		snprintf(cache, sizeof(cache), "%s", c);
		if (!header) {
			fprintf(out, "--- slabinfo\n# name            <active_objs> <num_objs> <objsize> "
				"<objperslab> <pagesperslab> : slabdata <active_slabs> <num_slabs>\n");
			header = true;
		}
		fprintf(out, "%-17s", cache);
		for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
			char key[GMM_COUNTER_NAME_LEN + 8];
			snprintf(key, sizeof(key), "slab.%s.%s", cache, cols[k]);
			long idx = stats_find(v, key, -1);
			fprintf(out, "%s %6llu", k == 5 ? " : slabdata" : "",
				idx < 0 ? 0ULL : (unsigned long long)s->values[idx]);
		}
		fputc('\n', out);
	}
}

void stats_print_summary(const struct stats_view *v, const struct stats_snapshot *s, FILE *out)
{
	fprintf(out, "--- vmstat (guest uptime %.3f s)\n", (double)s->uptime_ns / 1e9);
	for (uint32_t i = 0; i < v->nr_global; i++) {
		const char *name = v->names + i * GMM_COUNTER_NAME_LEN;
		if (strncmp(name, "slab.", 5))
			fprintf(out, "%.*s %llu\n", GMM_COUNTER_NAME_LEN, name, (unsigned long long)s->values[i]);
	}
	for (uint32_t n = 0; n < v->nr_nodes; n++) {
		fprintf(out, "--- node %u\n", n);
		for (uint32_t j = 0; j < v->nr_per_node; j++) {
			const char *name = v->names + (v->nr_global + j) * GMM_COUNTER_NAME_LEN;
			if (!strncmp(name, "buddy_", 6))
				continue;
			fprintf(out, "%.*s %llu\n", GMM_COUNTER_NAME_LEN, name,
				(unsigned long long)s->values[v->nr_global + n * v->nr_per_node + j]);
		}
	}
	fprintf(out, "--- buddyinfo\n");
	print_buddyinfo(v, s, out);
	print_slabinfo(v, s, out);
}

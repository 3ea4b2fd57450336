/*
 * Host tests of the counters-region reader (vmm/stats.c) and of
 * `vmm plot`: a region that is not ours or is newer is refused with a clear
 * message, snapshots taken while a writer updates the region are never torn,
 * and a time series turns into non-empty PNG charts.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/vmrun.h"
#include "vmm/stats.h"

#define NG 2     /* global counters */
#define NP 3     /* per-node counters */
#define NN 2     /* nodes */

static _Alignas(64) uint8_t region[GMM_COUNTERS_SIZE];

static struct gmm_counters_header *hdr(void) { return (void *)region; }
static uint64_t *values(void) { return (uint64_t *)(region + hdr()->values_offset); }

/* Lay out a region as the guest does: header, names, values; magic last. */
static void make_region(void)
{
	static const char *names[NG + NP] = { "pgalloc", "pgfree", "nr_free_pages", "MemFree", "numa_hit" };
	memset(region, 0, sizeof(region));
	struct gmm_counters_header *h = hdr();
	h->layout_version = GMM_COUNTERS_LAYOUT;
	h->header_size = sizeof(*h);
	h->nr_nodes = NN;
	h->nr_cpus = 4;
	h->nr_global = NG;
	h->nr_per_node = NP;
	h->names_offset = sizeof(*h);
	h->values_offset = (uint32_t)(sizeof(*h) + (NG + NP) * GMM_COUNTER_NAME_LEN);
	h->region_size = h->values_offset + (NG + NN * NP) * 8;
	for (int i = 0; i < NG + NP; i++)
		strcpy((char *)region + h->names_offset + i * GMM_COUNTER_NAME_LEN, names[i]);
	h->magic = GMM_COUNTERS_MAGIC;
}

Test(stats, valid_region_is_read_by_name)
{
	make_region();
	values()[1] = 7;                          /* pgfree */
	values()[NG + 1 * NP + 2] = 42;           /* node 1 numa_hit */
	struct stats_view v;
	char err[256];
	cr_assert_eq(stats_open(region, sizeof(region), &v, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(v.nr_values, NG + NN * NP);
	uint64_t buf[NG + NN * NP];
	struct stats_snapshot s = { .values = buf };
	cr_assert(stats_read(&v, &s));
	cr_assert_eq(buf[stats_find(&v, "pgfree", -1)], 7);
	cr_assert_eq(buf[stats_find(&v, "numa_hit", 1)], 42);
	cr_assert_eq(stats_find(&v, "numa_hit", 2), -1, "node 2 does not exist");
	cr_assert_eq(stats_find(&v, "pswpin", -1), -1);
	int node;
	cr_assert_str_eq(stats_name(&v, NG + NP + 1, &node), "MemFree");
	cr_assert_eq(node, 1);
}

Test(stats, unpublished_region_is_not_an_error)
{
	memset(region, 0, sizeof(region));
	struct stats_view v;
	char err[256];
	cr_assert_eq(stats_open(region, sizeof(region), &v, err, sizeof(err)), 1);
}

Test(stats, wrong_magic_is_refused)
{
	make_region();
	hdr()->magic = 0x1234;
	struct stats_view v;
	char err[256];
	cr_assert_eq(stats_open(region, sizeof(region), &v, err, sizeof(err)), -1);
	cr_assert(strstr(err, "wrong magic"), "%s", err);
	cr_assert(strstr(err, "not a gmm counters page"), "%s", err);
}

Test(stats, newer_layout_version_is_refused)
{
	make_region();
	hdr()->layout_version = GMM_COUNTERS_LAYOUT + 1;
	struct stats_view v;
	char err[256];
	cr_assert_eq(stats_open(region, sizeof(region), &v, err, sizeof(err)), -1);
	cr_assert(strstr(err, "layout version"), "%s", err);
	cr_assert(strstr(err, "the guest is newer"), "%s", err);
}

Test(stats, inconsistent_offsets_are_refused)
{
	make_region();
	hdr()->values_offset = GMM_COUNTERS_SIZE - 8;
	hdr()->region_size = GMM_COUNTERS_SIZE;
	struct stats_view v;
	char err[256];
	cr_assert_eq(stats_open(region, sizeof(region), &v, err, sizeof(err)), -1);
	cr_assert(strstr(err, "inconsistent"), "%s", err);
}

/* A writer that keeps pgalloc == pgfree + nr_free_pages(node 0) under the
 * seqlock, as the guest does; the reader must never see it broken. */
static volatile int stop_writer;

static void *writer(void *arg)
{
	struct gmm_counters_header *h = hdr();
	for (uint64_t i = 1; !stop_writer; i++) {
		__atomic_store_n(&h->seq, h->seq + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		values()[0] = 3 * i;
		values()[1] = i;
		values()[NG] = 2 * i;
		__atomic_store_n(&h->seq, h->seq + 1, __ATOMIC_RELEASE);
		/* The guest publishes once per tick; leave readers a window too. */
		for (int k = 0; k < 200; k++)
			__builtin_ia32_pause();
	}
	return arg;
}

Test(stats, snapshots_are_never_torn, .timeout = 90)
{
	make_region();
	struct stats_view v;
	char err[256];
	cr_assert_eq(stats_open(region, sizeof(region), &v, err, sizeof(err)), 0);
	pthread_t t;
	stop_writer = 0;
	pthread_create(&t, NULL, writer, NULL);
	uint64_t buf[NG + NN * NP];
	struct stats_snapshot s = { .values = buf };
	int changes = 0;
	uint64_t last = 0;
	/* Read until the writer has moved 1000 times, for up to 60 s; yield now
	 * and then, so the writer runs even on a loaded 2-core machine. */
	time_t deadline = time(NULL) + 60;
	for (long i = 0; changes < 1000 && (i % 4096 || time(NULL) < deadline); i++) {
		if (i % 1024 == 1023)
			sched_yield();
		cr_assert(stats_read(&v, &s));
		cr_assert_eq(buf[0], buf[1] + buf[NG], "torn: pgalloc %lu != %lu + %lu",
			     buf[0], buf[1], buf[NG]);
		changes += buf[1] != last;
		last = buf[1];
	}
	stop_writer = 1;
	pthread_join(t, NULL);
	cr_assert_geq(changes, 1000, "the writer must actually have raced the reader");
}

Test(stats, plot_makes_png_charts_from_a_series)
{
	const char *csv = "/tmp/gmm-test-plot.csv";
	FILE *f = fopen(csv, "w");
	fprintf(f, "t,wall,uptime,pgfault,node0.MemFree,node1.MemFree,node0.numa_hit,node1.numa_hit\n");
	for (int i = 0; i < 20; i++)
		fprintf(f, "%.1f,%d,%.1f,%d,%d,%d,%d,%d\n", i * 0.1, 1000 + i, i * 0.1, i * i * 10,
			30000 - i * 100, 31000, i * 50, i * 20);
	fclose(f);
	const char *argv[] = { "build/vmm", "plot", csv, "--out", "/tmp/gmm-test-plots", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, 0, "vmm plot failed:\n%s", r.out);
	const char *pngs[] = { "free-memory", "faults", "numa" };
	for (int i = 0; i < 3; i++) {
		char path[256];
		struct stat st;
		snprintf(path, sizeof(path), "/tmp/gmm-test-plots/gmm-test-plot-%s.png", pngs[i]);
		cr_assert_eq(stat(path, &st), 0, "%s not made:\n%s", path, r.out);
		cr_assert_gt(st.st_size, 1000, "%s is too small to be a chart", path);
	}
	vm_result_free(&r);
}

Test(stats, plot_refuses_a_file_that_is_not_a_series)
{
	const char *argv[] = { "build/vmm", "plot", "configs/2node.xml", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.out, "not a JSON object"), "%s", r.out);
	vm_result_free(&r);
}

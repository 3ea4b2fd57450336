/*
 * Guest tests of the counters page (issue: counters read live by the
 * host): what the guest publishes is consistent with its own boot report
 * and with itself, snapshots read live while the guest allocates are never
 * torn, --stats-out writes parseable series with monotone timestamps, and
 * `vmm plot` / `vmm stat` work on a real guest.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gmm/counters.h>
#include "lib/vmrun.h"
#include "vmm/config.h"
#include "vmm/stats.h"

#define TIMEOUT 120

/* NAME in the exit summary's NODE section (-1: vmstat); it must be there. */
static unsigned long long summary_value(const char *out, int node, const char *name)
{
	long long v = vm_summary_value(out, node, name);
	cr_assert_geq(v, 0, "no %s for node %d in the exit summary:\n%s", name, node, out);
	return (unsigned long long)v;
}

Test(counters, memtotal_per_node_is_config_memory_less_reported_reserve, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	static struct vm_config cfg;
	char err[512];
	cr_assert_eq(config_load("configs/4node.xml", &cfg, err, sizeof(err)), 0, "%s", err);
	struct vm_result r;
	cr_assert_eq(vm_run("configs/4node.xml", NULL, TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "status %d:\n%s", r.status, r.out);
	unsigned long long sum = 0, reserved_sum = 0;
	for (int n = 0; n < cfg.nr_nodes; n++) {
		char key[64];
		unsigned long long present, managed, reserved;
		snprintf(key, sizeof(key), "mm: node %d: ", n);
		const char *line = r.out;
		int got = 0;
		while (got != 3 && (line = strstr(line, key)) != NULL) {
			line += strlen(key);
			got = sscanf(line, "%lluK present, %lluK managed, %lluK reserved",
				     &present, &managed, &reserved);
		}
		cr_assert_eq(got, 3, "no \"%s...K present\" report line:\n%s", key, r.out);
		cr_assert_eq(present, cfg.node[n].mem_bytes >> 10, "node %d present", n);
		unsigned long long memtotal = summary_value(r.out, n, "MemTotal");
		cr_assert_eq(memtotal, present - reserved, "node %d: MemTotal %llu != %llu - %llu",
			     n, memtotal, present, reserved);
		sum += memtotal;
		reserved_sum += reserved;
	}
	cr_assert_eq(sum, (cfg.mem_bytes >> 10) - reserved_sum);
	vm_result_free(&r);
}

/* nr_free_pages == sum over orders of buddyinfo blocks << order, per node,
 * and the global figure is the nodes' sum. */
static void check_free_invariant(const struct stats_view *v, const uint64_t *val)
{
	uint64_t total = 0;
	for (uint32_t n = 0; n < v->nr_nodes; n++) {
		uint64_t blocks = 0;
		for (uint32_t j = 0; j < v->nr_per_node; j++) {
			int node, order;
			char zone[32];
			size_t i = v->nr_global + n * v->nr_per_node + j;
			const char *name = stats_name(v, i, &node);
			if (sscanf(name, "buddy_%31[^_]_%d", zone, &order) == 2)
				blocks += val[i] << order;
		}
		uint64_t free = val[stats_find(v, "nr_free_pages", (int)n)];
		cr_assert_eq(free, blocks, "node %u: nr_free_pages %lu != buddy pages %lu", n, free, blocks);
		uint64_t tot = val[stats_find(v, "MemTotal", (int)n)], fr = val[stats_find(v, "MemFree", (int)n)];
		cr_assert_eq(val[stats_find(v, "MemUsed", (int)n)], tot - fr, "node %u: MemUsed", n);
		total += free;
	}
	cr_assert_eq(val[stats_find(v, "nr_free_pages", -1)], total, "global nr_free_pages");
}

static pid_t start_vmm(const char *cmdline, const char *extra)
{
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		if (extra)
			execl("build/vmm", "build/vmm", "--timeout", "60", "--cmdline", cmdline, extra,
			      "configs/2node.xml", (char *)NULL);
		else
			execl("build/vmm", "build/vmm", "--timeout", "60", "--cmdline", cmdline,
			      "configs/2node.xml", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Map the counters page of the VMM with PID once the guest published it. */
static const void *map_live_region(pid_t pid, size_t *size, struct stats_view *v)
{
	char name[64], err[256];
	snprintf(name, sizeof(name), "/gmm-%d", (int)pid);
	for (int i = 0; i < 3000; i++) {
		int fd = shm_open(name, O_RDONLY, 0);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0) {
			void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
			close(fd);
			cr_assert_neq(p, MAP_FAILED);
			for (int k = 0; k < 3000; k++) {
				int rc = stats_open(p, (size_t)st.st_size, v, err, sizeof(err));
				cr_assert_geq(rc, 0, "%s", err);
				if (rc == 0) {
					*size = (size_t)st.st_size;
					return p;
				}
				usleep(10000);
			}
			cr_assert_fail("the guest never published its counters page");
		}
		if (fd >= 0)
			close(fd);
		usleep(10000);
	}
	cr_assert_fail("no /dev/shm%s appeared", name);
	return NULL;
}

Test(counters, live_reader_never_sees_a_torn_snapshot, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	pid_t pid = start_vmm("mm_churn=3 vmstat_interval=1", NULL);
	size_t size;
	struct stats_view v;
	const void *p = map_live_region(pid, &size, &v);
	uint64_t *val = calloc(v.nr_values, sizeof(uint64_t));
	struct stats_snapshot s = { .values = val };
	uint64_t last_seq = 0, last_pgalloc = 0;
	int publishes = 0, snapshots = 0, moved = 0;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		cr_assert(stats_read(&v, &s), "no consistent snapshot");
		check_free_invariant(&v, val);
		snapshots++;
		publishes += s.seq != last_seq;
		last_seq = s.seq;
		uint64_t pgalloc = val[stats_find(&v, "pgalloc", -1)];
		moved += pgalloc != last_pgalloc;
		last_pgalloc = pgalloc;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - t0.tv_sec < 3);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	cr_assert_gt(publishes, 20, "the guest published only %d times while we read", publishes);
	cr_assert_gt(moved, 10, "the allocation counters moved only %d times", moved);
	cr_log_info("%d snapshots, %d publishes, %d with new allocations", snapshots, publishes, moved);
	munmap((void *)p, size);
	free(val);
}

static void run_with_stats_out(const char *path, struct vm_result *r)
{
	const char *extra[] = { "--stats-out", path, "--stats-interval", "20", NULL };
	cr_assert_eq(vm_run("configs/2node.xml", "mm_churn=1 vmstat_interval=1", TIMEOUT, extra, r), 0);
	cr_assert_eq(r->status, 0, "status %d:\n%s", r->status, r->out);
}

Test(counters, stats_out_csv_is_parseable_with_monotone_timestamps, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	const char *path = "/tmp/gmm-test-stats.csv";
	struct vm_result r;
	run_with_stats_out(path, &r);
	FILE *f = fopen(path, "r");
	cr_assert(f);
	static char line[1 << 16];
	cr_assert(fgets(line, sizeof(line), f));
	cr_assert(!strncmp(line, "t,wall,uptime,nr_free_pages,", 28), "header: %s", line);
	cr_assert(strstr(line, ",node1.MemFree,"), "header lacks node1.MemFree");
	int cols = 1;
	for (char *c = line; *c; c++)
		cols += *c == ',';
	double last = -1;
	int rows = 0;
	while (fgets(line, sizeof(line), f)) {
		int n = 1;
		for (char *c = line; *c; c++)
			n += *c == ',';
		cr_assert_eq(n, cols, "row %d has %d fields, header %d", rows, n, cols);
		double t = strtod(line, NULL);
		cr_assert_gt(t, last, "timestamps not increasing at row %d", rows);
		last = t;
		rows++;
	}
	fclose(f);
	cr_assert_gt(rows, 10, "only %d samples", rows);

	/* ...and plot turns it into PNG charts. */
	const char *argv[] = { "build/vmm", "plot", path, "--out", "/tmp/gmm-test-plots-live", NULL };
	struct vm_result p;
	cr_assert_eq(vm_run_argv(argv, &p), 0);
	cr_assert_eq(p.status, 0, "%s", p.out);
	struct stat st;
	cr_assert_eq(stat("/tmp/gmm-test-plots-live/gmm-test-stats-free-memory.png", &st), 0, "%s", p.out);
	cr_assert_gt(st.st_size, 1000);
	vm_result_free(&p);
	vm_result_free(&r);
}

Test(counters, stats_out_json_lines_are_parseable_with_monotone_timestamps, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	const char *path = "/tmp/gmm-test-stats.jsonl";
	struct vm_result r;
	run_with_stats_out(path, &r);
	FILE *f = fopen(path, "r");
	cr_assert(f);
	static char line[1 << 16];
	double last = -1;
	int rows = 0;
	while (fgets(line, sizeof(line), f)) {
		json_error_t e;
		json_t *rec = json_loads(line, 0, &e);
		cr_assert(rec, "line %d: %s", rows + 1, e.text);
		double t = json_number_value(json_object_get(rec, "t"));
		cr_assert_gt(t, last);
		last = t;
		json_t *nodes = json_object_get(rec, "nodes");
		cr_assert_eq(json_array_size(nodes), 2);
		cr_assert(json_is_integer(json_object_get(json_array_get(nodes, 1), "MemFree")));
		cr_assert(json_is_integer(json_object_get(json_object_get(rec, "global"), "nr_free_pages")));
		json_decref(rec);
		rows++;
	}
	fclose(f);
	cr_assert_gt(rows, 10, "only %d samples", rows);
	vm_result_free(&r);
}

Test(counters, vmm_stat_shows_a_running_vm, .timeout = TIMEOUT + 30)
{
	VM_REQUIRE();
	pid_t pid = start_vmm("hold", NULL);
	size_t size;
	struct stats_view v;
	map_live_region(pid, &size, &v);
	char spid[32];
	snprintf(spid, sizeof(spid), "%d", (int)pid);
	const char *argv[] = { "build/vmm", "stat", spid, "--interval", "200", "--count", "2", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	cr_assert_eq(r.status, 0, "%s", r.out);
	cr_assert_eq(count_substr(r.out, "--- guest uptime"), 2, "%s", r.out);
	cr_assert(strstr(r.out, "node1   MemFree"), "%s", r.out);
	vm_result_free(&r);
}

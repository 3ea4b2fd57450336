/*
 * `vmm stat [PID] [--interval MS] [--count N]`: a live view of a running
 * VM's counters from another terminal, like `vmm stat 1` refreshing like
 * `vmstat 1`: one block per interval with, per node, free memory and the
 * rate of every counter that changed since the last sample.
 * The region is found as /dev/shm/gmm-<PID>; without PID, the only one.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gmm/ports.h>
#include "vmm/stats.h"

static int find_region(const char *pid, char *name, size_t len)
{
	if (pid) {
		snprintf(name, len, "/gmm-%s", pid);
		return 0;
	}
	DIR *d = opendir("/dev/shm");
	int found = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "gmm-", 4))
			continue;
		if (found++)
			fprintf(stderr, "%s%s", found == 2 ? "vmm stat: several VMs are running; name one: " : " ", e->d_name + 4);
		else
			snprintf(name, len, "/%s", e->d_name);
	}
	if (d)
		closedir(d);
	if (found == 0)
		fprintf(stderr, "vmm stat: no running VM (no /dev/shm/gmm-* region)\n");
	else if (found > 1)
		fprintf(stderr, "\n");
	return found == 1 ? 0 : -1;
}

/* Every counter's value; for those that moved since PREV, its rate too.
 * Unchanged counters are shown only the first time, and free memory always. */
static void print_block(const struct stats_view *v, const struct stats_snapshot *cur,
			const struct stats_snapshot *prev, double dt)
{
	printf("--- guest uptime %.1f s\n", (double)cur->uptime_ns / 1e9);
	for (size_t i = 0; i < v->nr_values; i++) {
		int node;
		const char *name = stats_name(v, i, &node);
		if (!strncmp(name, "buddy_", 6))
			continue;
		char where[16] = "";
		if (node >= 0)
			snprintf(where, sizeof(where), "node%d", node);
		uint64_t now = cur->values[i];
		bool moved = prev && dt > 0 && now != prev->values[i];
		if (moved)
			printf("  %-7s %-28.*s %14llu  %+12.1f/s\n", where, GMM_COUNTER_NAME_LEN, name,
			       (unsigned long long)now, ((double)now - (double)prev->values[i]) / dt);
		else if (!prev || strstr(name, "Mem") || strstr(name, "free"))
			printf("  %-7s %-28.*s %14llu\n", where, GMM_COUNTER_NAME_LEN, name,
			       (unsigned long long)now);
	}
	fflush(stdout);
}

int stat_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	long interval_ms = 1000, count = -1;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:", opts, NULL)) != -1) {
		if (c == 'i')
			interval_ms = atol(optarg);
		else if (c == 'n')
			count = atol(optarg);
		else
			return EXIT_CONFIG;
	}
	char name[300], err[256];
	if (find_region(optind < argc ? argv[optind] : NULL, name, sizeof(name)) < 0)
		return 1;
	int fd = shm_open(name, O_RDONLY, 0);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "vmm stat: /dev/shm%s: %s\n", name, strerror(errno));
		return 1;
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "vmm stat: mmap: %s\n", strerror(errno));
		return 1;
	}
	struct stats_view v;
	int rc;
	while ((rc = stats_open(p, (size_t)st.st_size, &v, err, sizeof(err))) == 1)
		usleep(100000);   /* the guest has not published yet */
	if (rc < 0) {
		fprintf(stderr, "vmm stat: %s\n", err);
		return 1;
	}
	struct stats_snapshot s[2] = { { .values = calloc(v.nr_values, 8) }, { .values = calloc(v.nr_values, 8) } };
	struct timespec t[2];
	for (long i = 0; count < 0 || i < count; i++) {
		struct stats_snapshot *cur = &s[i & 1], *prev = i ? &s[(i - 1) & 1] : NULL;
		clock_gettime(CLOCK_MONOTONIC, &t[i & 1]);
		if (!stats_read(&v, cur)) {
			fprintf(stderr, "vmm stat: no consistent snapshot (guest stuck mid-update?)\n");
			return 1;
		}
		double dt = prev ? (double)(t[i & 1].tv_sec - t[(i - 1) & 1].tv_sec) +
			(double)(t[i & 1].tv_nsec - t[(i - 1) & 1].tv_nsec) / 1e9 : 0;
		print_block(&v, cur, prev, dt);
		if (count >= 0 && i + 1 >= count)
			break;
		usleep((useconds_t)interval_ms * 1000);
		if (access("/dev/shm", F_OK) == 0) {
			int probe = shm_open(name, O_RDONLY, 0);
			if (probe < 0) {
				printf("--- VM exited\n");
				break;
			}
			close(probe);
		}
	}
	return 0;
}

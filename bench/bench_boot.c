/*
 * Boot figures for configs/2node.xml, median of several runs:
 *   - VMM set-up time from exec to the first KVM_RUN (aim: under 10 ms;
 *     Firecracker's API is ready in about 8 CPU ms)
 *   - VMM resident memory beyond guest RAM (Firecracker: under 5 MiB)
 *   - guest time from the first KVM_RUN to the topology report, and to exit
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "bench/platform.h"

#define RUNS 7

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

/* One boot: returns 0 and fills the figures, or -1. */
static int one_boot(const char *config, double *setup, double *report, double *total,
		    double *rss_kib, double *anon_guest_kib, double *lib_kib)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		dup2(p[1], 2);
		char env[64];
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		snprintf(env, sizeof(env), "%lld", (long long)t.tv_sec * 1000000000LL + t.tv_nsec);
		setenv("GMM_EXEC_T0_NS", env, 1);
		execl("build/vmm", "build/vmm", "--timeout", "120", "--print-setup-time", config, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	char line[1024];
	double t_report = -1;
	*setup = -1;
	while (fgets(line, sizeof(line), f)) {
		if (t_report < 0 && strstr(line, "available:"))
			t_report = now_ms() - t0;
		sscanf(line, "vmm: setup time %lf ms", setup);
		sscanf(line, "vmm: resident %lf KiB beyond guest RAM (anonymous %*f KiB less guest RAM "
		       "resident %lf KiB, counters page %*f KiB), shared-library pages %lf",
		       rss_kib, anon_guest_kib, lib_kib);
	}
	fclose(f);
	int st;
	waitpid(pid, &st, 0);
	*total = now_ms() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || *setup < 0 || t_report < 0)
		return -1;
	*report = t_report - *setup;
	return 0;
}

int main(int argc, char **argv)
{
	const char *config = argc > 1 ? argv[1] : "configs/2node.xml";
	double setup[RUNS], report[RUNS], total[RUNS], rss[RUNS], guest[RUNS], lib[RUNS];
	bench_print_platform("our VMM on /dev/kvm");
	for (int i = 0; i < RUNS; i++) {
		if (one_boot(config, &setup[i], &report[i], &total[i], &rss[i], &guest[i], &lib[i]) < 0) {
			fprintf(stderr, "bench_boot: boot %d of %s failed\n", i, config);
			return 1;
		}
	}
	printf("boot (%s, median of %d):\n", config, RUNS);
	printf("  VMM set-up, exec to first KVM_RUN:     %8.2f ms   (aim < 10 ms; Firecracker ~8 CPU ms)\n",
	       median(setup, RUNS));
	printf("  VMM resident beyond guest RAM:         %8.0f KiB  (Firecracker < 5 MiB)\n",
	       median(rss, RUNS));
	printf("  + shared-library pages (libc, libxml2, ICU...): %5.0f KiB\n", median(lib, RUNS));
	printf("  guest RAM resident at exit:            %8.0f KiB\n", median(guest, RUNS));
	printf("  guest, first KVM_RUN to topology report: %6.1f ms\n", median(report, RUNS));
	printf("  whole run, exec to exit:               %8.1f ms\n", median(total, RUNS));
	return 0;
}

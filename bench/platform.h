/*
 * One line naming where a benchmark ran, printed first by every benchmark
 * (PLATFORM.md: figures mean little without it):
 *   platform: <what>; host kernel 6.x; KVM backend kvm_pvm|VMX|SVM|none; <cpu model>; <n> cpus
 */
#ifndef BENCH_PLATFORM_H
#define BENCH_PLATFORM_H

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static inline const char *bench_kvm_backend(void)
{
	if (access("/sys/module/kvm_pvm", F_OK) == 0)
		return "kvm_pvm (ring 0 interpreted)";
	if (access("/sys/module/kvm_intel", F_OK) == 0)
		return "KVM with VMX";
	if (access("/sys/module/kvm_amd", F_OK) == 0)
		return "KVM with SVM";
	return access("/dev/kvm", F_OK) == 0 ? "KVM (unknown backend)" : "no KVM";
}

/* Start ARGV[0] with stdout and stderr into a pipe; the child dies with
 * us. Returns the pipe's read end as a stream (NULL on failure); *PID for
 * waitpid(). */
static inline FILE *bench_spawn(const char *const *argv, pid_t *pid)
{
	int p[2];
	if (pipe(p) < 0)
		return NULL;
	*pid = fork();
	if (*pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	return fdopen(p[0], "r");
}

/* Monotonic time in nanoseconds. */
static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline void bench_print_platform(const char *what)
{
	char model[256] = "unknown cpu", line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');
		if (!strncmp(line, "model name", 10) && c) {
			snprintf(model, sizeof(model), "%s", c + 2);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	struct utsname u;
	uname(&u);
	printf("platform: %s; host kernel %s; KVM backend: %s; %s; %ld cpus\n", what, u.release,
	       bench_kvm_backend(), model, sysconf(_SC_NPROCESSORS_ONLN));
}

#endif

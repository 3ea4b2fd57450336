/*
 * Processes: arguments and environment, exec, wait statuses (exit code and
 * signal), kill with default actions, pipes across fork, pinning with
 * sched_setaffinity (getcpu agrees), sleeping, a CPU shared by two busy
 * processes (preemption), and the process's own memory figures in
 * /proc/self/statm and /proc/self/status.
 * argv[1] "segv": die of SIGSEGV (the caller checks the status 139).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include "check.h"

#define PAGE 4096

static int *volatile bad_ptr = (int *)16;

static long ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static void exit_7(void *arg) { (void)arg; _exit(7); }
static void sleep_forever(void *arg) { (void)arg; for (;;) pause(); }

static void exec_self(void *arg)
{
	execl((const char *)arg, (const char *)arg, "exec-child", (char *)0);
	_exit(99);
}

static long statm_field(int i)
{
	long v[7] = { -1, -1, -1, -1, -1, -1, -1 };
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	int n = fscanf(f, "%ld %ld %ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
	fclose(f);
	return n == 7 ? v[i] : -1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return getenv("HOME") ? 42 : 41;
	if (argc > 1 && !strcmp(argv[1], "segv")) {
		fflush(stdout);
		*bad_ptr = 1;
		return 0;
	}

	CHECK(argc >= 1 && argv[0][0], "argv0_set", "argc %d", argc);
	int st = in_child(exit_7, NULL);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "wait_exit_status", "status %#x", st);
	st = in_child(exec_self, argv[0]);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "execve_runs_with_env", "status %#x", st);
	CHECK(execl("/no/such/program", "x", (char *)0) == -1 && errno == ENOENT, "execve_missing_enoent",
	      "errno %d", errno);

	fflush(stdout);
	pid_t k = fork();
	if (k == 0)
		sleep_forever(NULL);
	CHECK(k > 0 && kill(k, SIGTERM) == 0 && waitpid(k, &st, 0) == k && killed_by(st, SIGTERM),
	      "kill_sigterm_default_action", "status %#x", st);
	CHECK(kill(k, 0) == -1 && errno == ESRCH, "reaped_pid_is_gone", "errno %d", errno);
	CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "no_children_echild", "errno %d", errno);

	int p[2];
	char buf[64] = { 0 };
	CHECK(pipe(p) == 0, "pipe", "pipe");
	fflush(stdout);
	k = fork();
	if (k == 0) {
		close(p[0]);
		_exit(write(p[1], "through the pipe", 17) == 17 ? 0 : 1);
	}
	close(p[1]);
	CHECK(read(p[0], buf, sizeof(buf)) == 17 && !strcmp(buf, "through the pipe"), "pipe_across_fork",
	      "got '%s'", buf);
	CHECK(read(p[0], buf, sizeof(buf)) == 0, "pipe_eof_after_writer_exit", "no EOF");
	close(p[0]);
	waitpid(k, &st, 0);

	cpu_set_t all, one;
	CHECK(sched_getaffinity(0, sizeof(all), &all) == 0 && CPU_COUNT(&all) >= 1, "getaffinity", "count");
	int moved = 1, cpus = 0;
	for (int c = 0; c < CPU_SETSIZE && cpus < 8; c++) {
		if (!CPU_ISSET(c, &all))
			continue;
		cpus++;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		unsigned int cpu = ~0U;
		if (sched_setaffinity(0, sizeof(one), &one) || syscall(SYS_getcpu, &cpu, NULL, NULL) ||
		    cpu != (unsigned int)c)
			moved = 0;
	}
	CHECK(moved, "setaffinity_moves_to_each_cpu", "getcpu disagreed");

	/* Pinned to one CPU with a busy child: both make progress. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	volatile long *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fflush(stdout);
	k = fork();
	if (k == 0)
		for (;;)
			shared[0]++;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < 300)
		;
	CHECK(shared[0] > 0, "busy_processes_share_a_cpu", "child never ran");
	kill(k, SIGKILL);
	waitpid(k, &st, 0);
	CHECK(killed_by(st, SIGKILL), "kill_sigkill", "status %#x", st);
	sched_setaffinity(0, sizeof(all), &all);

	/* Pinning another process: a busy child follows to each CPU. */
	fflush(stdout);
	k = fork();
	if (k == 0)
		for (;;) {
			unsigned int c = ~0U;
			syscall(SYS_getcpu, &c, NULL, NULL);
			shared[1] = c + 1;
		}
	int follows = 1;
	cpus = 0;
	for (int c = 0; c < CPU_SETSIZE && cpus < 8; c++) {
		if (!CPU_ISSET(c, &all))
			continue;
		cpus++;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		shared[1] = 0;
		if (sched_setaffinity(k, sizeof(one), &one))
			follows = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (shared[1] != c + 1 && ms_since(&t0) < 3000)
			;
		if (shared[1] != c + 1)
			follows = 0;
	}
	kill(k, SIGKILL);
	waitpid(k, &st, 0);
	CHECK(follows, "setaffinity_of_another_process", "the child did not follow");

	struct timespec d = { 0, 50 * 1000 * 1000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&d, NULL);
	long ms = ms_since(&t0);
	CHECK(ms >= 50 && ms < 1000, "nanosleep_50ms", "slept %ld ms", ms);

	long rss0 = vm_rss_kb(), size0 = statm_field(0);
	char *m = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(statm_field(0) >= size0 + 64, "statm_size_counts_mapping", "%ld -> %ld", size0, statm_field(0));
	memset(m, 1, 64 * PAGE);
	long rss1 = vm_rss_kb();
	CHECK(rss0 > 0 && rss1 >= rss0 + 64 * 4, "status_vmrss_counts_touched_pages", "%ld -> %ld kB", rss0, rss1);
	munmap(m, 64 * PAGE);
	CHECK(vm_rss_kb() <= rss1 - 64 * 4, "munmap_lowers_vmrss", "%ld kB", vm_rss_kb());
	return finish();
}

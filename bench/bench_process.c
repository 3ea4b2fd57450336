/*
 * Process figures (issue: processes and address spaces), counted so they
 * hold on any host, and the same static binaries (bench/progs, musl) timed
 * on the host's Linux and in our guest side by side:
 *   - exits to the VMM per 1,000 anonymous faults (aim 0)
 *   - pages copied when a forked child writes k of n pages (aim k), and
 *     when the parent writes after the child exited (aim 0: reused)
 *   - IPIs per munmap of 512 pages with the mm live on 2 CPUs (aim 1 per
 *     remote CPU): without threads, the process touches the pages on CPU 1
 *     and unmaps them from CPU 0, CPU 1 keeping the mm loaded lazily
 *   - ns per fault, per CoW write, us per mmap+fault+munmap round
 * Counters are the guest's (cow_fault, pgreuse, pgfault) from the VMM's
 * exit summary; each figure is the difference between a run that does the
 * work and one that does none, so start-up faults cancel out.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform.h"

#define CONFIG "configs/1node.xml"

struct run {
	char out[1 << 17];
	long long pgfault, cow_fault, pgreuse, exits, remote_flush, flush_received;
	char line[256];            /* the program's own figure line */
};

static int capture(const char *const *argv, char *out, size_t len)
{
	pid_t pid;
	FILE *f = bench_spawn(argv, &pid);
	if (!f)
		return -1;
	size_t n = fread(out, 1, len - 1, f);
	out[n] = 0;
	fclose(f);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static long long counter(const char *out, const char *name)
{
	char key[64];
	snprintf(key, sizeof(key), "\n%s ", name);
	const char *v = strstr(out, "--- vmstat");
	v = v ? strstr(v, key) : NULL;
	return v ? atoll(v + strlen(key)) : -1;
}

static void program_line(const char *out, const char *prefix, char *line, size_t len)
{
	const char *l = strstr(out, prefix);
	snprintf(line, len, "%.*s", l ? (int)strcspn(l, "\n") : 0, l ? l : "");
}

/* PROG ARGS in the guest; 0 on success. */
static int in_guest(struct run *r, const char *prog, const char *a1, const char *a2, const char *a3)
{
	const char *argv[] = { "build/vmm", "--timeout", "300", CONFIG, "--", prog, a1, a2, a3, NULL };
	if (capture(argv, r->out, sizeof(r->out)) != 0) {
		fprintf(stderr, "bench_process: %s failed in the guest:\n%s\n", prog, r->out);
		return -1;
	}
	r->pgfault = counter(r->out, "pgfault");
	r->cow_fault = counter(r->out, "cow_fault");
	r->pgreuse = counter(r->out, "pgreuse");
	r->remote_flush = counter(r->out, "nr_tlb_remote_flush");
	r->flush_received = counter(r->out, "nr_tlb_remote_flush_received");
	r->exits = -1;
	for (const char *x = r->out; (x = strstr(x, "vmm: ")) != NULL; x++)
		if (sscanf(x, "vmm: %lld exits to the VMM", &r->exits) == 1)
			break;
	program_line(r->out, strrchr(prog, '/') + 1, r->line, sizeof(r->line));
	return 0;
}

static void on_host(const char *prog, const char *a1, const char *a2, const char *a3, char *line, size_t len)
{
	static char out[1 << 16];
	const char *argv[] = { prog, a1, a2, a3, NULL };
	capture(argv, out, sizeof(out));
	program_line(out, strrchr(prog, '/') + 1, line, len);
}

int main(void)
{
	static struct run base, work;
	char host[256];

	bench_print_platform("static musl binaries on the host's Linux and in our guest (" CONFIG ")");
	fflush(stdout);
	if (in_guest(&base, "build/bench/progs/fault_loop", "0", NULL, NULL) ||
	    in_guest(&work, "build/bench/progs/fault_loop", "16", NULL, NULL))
		return 1;
	long long faults = work.pgfault - base.pgfault, exits = work.exits - base.exits;
	on_host("build/bench/progs/fault_loop", "16", NULL, NULL, host, sizeof(host));
	printf("anonymous faults: %lld more faults for 4096 pages, %lld more exits to the VMM = %.1f per 1,000 faults (aim 0)\n",
	       faults, exits, faults > 0 ? 1000.0 * (double)exits / (double)faults : 0);
	printf("  host:  %s\n  guest: %s\n", host, work.line);

	if (in_guest(&base, "build/bench/progs/fork_cow", "child", "256", "0") ||
	    in_guest(&work, "build/bench/progs/fork_cow", "child", "256", "64"))
		return 1;
	on_host("build/bench/progs/fork_cow", "child", "256", "64", host, sizeof(host));
	printf("fork, child writes 64 of 256 pages: %lld pages copied (aim 64)\n", work.cow_fault - base.cow_fault);
	printf("  host:  %s\n  guest: %s\n", host, work.line);

	if (in_guest(&base, "build/bench/progs/fork_cow", "parent", "0", "0") ||
	    in_guest(&work, "build/bench/progs/fork_cow", "parent", "256", "0"))
		return 1;
	on_host("build/bench/progs/fork_cow", "parent", "256", "0", host, sizeof(host));
	printf("fork, parent writes 256 pages after the child exited: %lld pages copied (aim 0), %lld reused\n",
	       work.cow_fault - base.cow_fault, work.pgreuse - base.pgreuse);
	printf("  host:  %s\n  guest: %s\n", host, work.line);

	if (in_guest(&base, "build/bench/progs/munmap_ipi", "0", NULL, NULL) ||
	    in_guest(&work, "build/bench/progs/munmap_ipi", "10", NULL, NULL))
		return 1;
	printf("munmap of 512 pages with the mm live on 2 CPUs (touched on CPU 1, unmapped on CPU 0), 10 times:\n"
	       "  %lld flushes sent to other CPUs, %lld received = %.2f IPIs per munmap per remote CPU (aim 1)\n",
	       work.remote_flush - base.remote_flush, work.flush_received - base.flush_received,
	       (double)(work.flush_received - base.flush_received) / 10.0);

	if (in_guest(&work, "build/bench/progs/mmap_loop", "20", NULL, NULL))
		return 1;
	on_host("build/bench/progs/mmap_loop", "20", NULL, NULL, host, sizeof(host));
	printf("mmap + 512 faults + munmap:\n  host:  %s\n  guest: %s\n", host, work.line);
	printf("(guest ring 0 is interpreted on kvm_pvm: guest times say little about real KVM hosts; the counts hold anywhere)\n");
	return 0;
}

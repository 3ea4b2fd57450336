/*
 * TLB shootdown figures from a guest (configs/2node.xml, switches
 * tlb_selftest tlb_bench; guest/arch/x86_64/tlb_selftest.c): a test mm is
 * live on CPUs 0 and 1 and its 512 PTEs change.
 *   - IPIs per 512-page range flush (aim: 1 per remote CPU, here 1), and
 *     its time per flush (64 flushes timed with the 10 ms tick)
 *   - the same 512 pages flushed one flush_tlb_page at a time: IPIs, time
 * Under our VMM (median of 3 boots) and, when qemu-system-x86_64 is
 * installed, under QEMU TCG with 5-level paging. Counted IPIs do not
 * depend on the host; the times do (PLATFORM.md: ring 0 is interpreted
 * under kvm_pvm).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/platform.h"

#define RUNS 3

struct figures {
	unsigned long range_ipis, remote;       /* from the self-test line */
	unsigned long bench_range_ipis, range_us;
	unsigned long single_ipis, single_us;
	int levels;
};

static int run(const char *const *argv, struct figures *f)
{
	pid_t pid;
	char line[1024];
	int st, found = 0;
	FILE *out = bench_spawn(argv, &pid);

	if (!out)
		return -1;
	memset(f, 0, sizeof(*f));
	while (fgets(line, sizeof(line), out)) {
		found += sscanf(line, "tlb selftest: 512-page range flush, mm live on 2 CPUs: %lu IPI(s) (%lu remote CPU)",
				&f->range_ipis, &f->remote) == 2;
		found += sscanf(line, "tlb bench: 64 x one 512-page range flush: %lu IPIs, %lu us per flush",
				&f->bench_range_ipis, &f->range_us) == 2;
		found += sscanf(line, "tlb bench: 512 single-page flushes: %lu IPIs, %lu us in all",
				&f->single_ipis, &f->single_us) == 2;
		sscanf(line, "paging: %d-level", &f->levels);
	}
	fclose(out);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && found == 3 ? 0 : -1;
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return (x > y) - (x < y);
}

static void print(const char *where, const struct figures *f, int runs)
{
	char range_time[64];

	if (f->range_us)
		snprintf(range_time, sizeof(range_time), "%lu us per flush", f->range_us);
	else
		snprintf(range_time, sizeof(range_time), "under %lu us per flush", 10000UL / 64);
	printf("%s (%d-level paging%s):\n", where, f->levels, runs > 1 ? ", median of 3 boots" : "");
	printf("  512-page range flush, mm live on 2 CPUs: %lu IPI(s) to %lu remote CPU(s) = %.2f per remote CPU (aim: 1); %s\n",
	       f->range_ipis, f->remote, f->remote ? (double)f->range_ipis / (double)f->remote : 0.0,
	       range_time);
	printf("  the same 512 pages, one flush_tlb_page each:  %lu IPIs, %lu us in all\n",
	       f->single_ipis, f->single_us);
}

int main(void)
{
	const char *vmm[] = { "build/vmm", "--timeout", "120", "--cmdline", "tlb_selftest tlb_bench",
			      "configs/2node.xml", NULL };
	const char *qemu[] = { "./run.sh", "--qemu", "--timeout", "120", "--cmdline",
			       "tlb_selftest tlb_bench", "configs/2node.xml", NULL };
	struct figures f[RUNS], med;
	unsigned long v[RUNS];

	bench_print_platform("our VMM on /dev/kvm, and QEMU TCG when installed");
	for (int i = 0; i < RUNS; i++)
		if (run(vmm, &f[i]) < 0) {
			fprintf(stderr, "bench_tlb: boot %d under our VMM failed\n", i);
			return 1;
		}
	med = f[0];
	for (int i = 0; i < RUNS; i++)
		v[i] = f[i].range_us;
	qsort(v, RUNS, sizeof(v[0]), cmp_ul);
	med.range_us = v[RUNS / 2];
	for (int i = 0; i < RUNS; i++)
		v[i] = f[i].single_us;
	qsort(v, RUNS, sizeof(v[0]), cmp_ul);
	med.single_us = v[RUNS / 2];
	print("our VMM", &med, RUNS);

	if (system("command -v qemu-system-x86_64 >/dev/null 2>&1") != 0) {
		printf("QEMU TCG: not installed, skipped\n");
		return 0;
	}
	if (run(qemu, &med) < 0) {
		fprintf(stderr, "bench_tlb: the QEMU boot failed\n");
		return 1;
	}
	print("QEMU TCG", &med, 1);
	return 0;
}

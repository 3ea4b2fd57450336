/*
 * The swap disk with a real guest: our VMM wires virtio-blk onto PCI bus 0
 * (vmm/vm.c), the guest enumerates the bus, probes the device with its
 * virtio-pci and virtio-blk drivers and runs the swap_selftest switch
 * (guest/drivers/blk_selftest.c): every page of the disk written from
 * every CPU, read back and compared. Here we also check what reached the
 * host's disk file, that injected faults reach the guest exactly where
 * the host put them and disturb nothing else, that a protocol violation
 * breaks and the driver recovers the device, that a machine without a
 * disk still enumerates PCI and boots, and that a disk the VMM cannot
 * create is a config error before anything runs. The same driver runs
 * under QEMU's virtio-blk-pci too (SKIPPED without qemu-system-x86_64).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gmm/ports.h>
#include <gmm/swap_selftest.h>
#include "lib/vmrun.h"

#define BOOT_TIMEOUT 120
#define SECTOR       512
#define PAGE         4096

struct machine {
	char dir[64];
	char config[128];
	char disk[128];
};

/* A config in a fresh temp directory: VCPUS vCPUs in NODES nodes of 32 MiB,
 * a DISK_MIB swap disk at SOURCE (relative to that directory), FAULTS (an
 * attribute list for <gmm:swap-faults>, or NULL). */
static void make_machine_at(struct machine *m, int vcpus, int nodes, int disk_mib,
			    const char *faults, const char *source)
{
	snprintf(m->dir, sizeof(m->dir), "/tmp/gmm-swapguest-XXXXXX");
	cr_assert(mkdtemp(m->dir), "mkdtemp: %s", strerror(errno));
	snprintf(m->config, sizeof(m->config), "%s/vm.xml", m->dir);
	snprintf(m->disk, sizeof(m->disk), "%s/swap.img", m->dir);
	FILE *f = fopen(m->config, "w");
	cr_assert(f);
	fprintf(f, "<domain type='kvm'><memory unit='MiB'>%d</memory><vcpu>%d</vcpu>\n",
		32 * nodes, vcpus);
	if (nodes > 1) {
		fprintf(f, "<cpu><numa>\n");
		for (int n = 0; n < nodes; n++)
			fprintf(f, "<cell id='%d' cpus='%d-%d' memory='32' unit='MiB'/>\n", n,
				n * vcpus / nodes, (n + 1) * vcpus / nodes - 1);
		fprintf(f, "</numa></cpu>\n");
	}
	fprintf(f, "<os><type arch='x86_64'>hvm</type></os>\n");
	fprintf(f, "<devices><disk type='file' device='disk'><source file='%s'/>"
		"<target dev='vda' bus='virtio'/></disk></devices>\n", source);
	fprintf(f, "<metadata><gmm:vmm xmlns:gmm='urn:gmm:vmm:1'>"
		"<gmm:swap size='%d' unit='MiB'/>", disk_mib);
	if (faults)
		fprintf(f, "<gmm:swap-faults %s/>", faults);
	fprintf(f, "</gmm:vmm></metadata></domain>\n");
	fclose(f);
}

static void make_machine(struct machine *m, int vcpus, int nodes, int disk_mib, const char *faults)
{
	make_machine_at(m, vcpus, nodes, disk_mib, faults, "swap.img");
}

static void remove_machine(struct machine *m)
{
	unlink(m->config);
	unlink(m->disk);
	rmdir(m->dir);
	m->dir[0] = 0;
}

/* The test's machine, removed by the suite's fini even when an assertion
 * ended the test early. */
static struct machine m;

static void cleanup(void)
{
	if (m.dir[0])
		remove_machine(&m);
}

TestSuite(swap_guest, .fini = cleanup);

static uint64_t random_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 20) % 1000000007ULL + 1;
}

/* Sum of the "%lu written (%lu errors)" figures of the per-CPU lines. */
static void sum_cpu_lines(const char *out, unsigned long *written, unsigned long *write_errors,
			  int *cpus)
{
	*written = *write_errors = 0;
	*cpus = 0;
	for (const char *p = strstr(out, "swap_selftest: CPU "); p;
	     p = strstr(p + 1, "swap_selftest: CPU ")) {
		unsigned int cpu;
		unsigned long first, last, w, we;

		if (sscanf(p, "swap_selftest: CPU %u: pages %lu-%lu: %lu written (%lu errors)",
			   &cpu, &first, &last, &w, &we) == 5) {
			*written += w;
			*write_errors += we;
			(*cpus)++;
		}
	}
}

/* How many pages of the disk file hold the self-test's pattern for SEED,
 * and how many are all zero. */
static void scan_disk(const char *path, uint64_t seed, unsigned long *pattern, unsigned long *zero,
		      unsigned long *pages)
{
	int fd = open(path, O_RDONLY);
	uint64_t buf[PAGE / 8];

	cr_assert(fd >= 0, "%s: %s", path, strerror(errno));
	*pattern = *zero = *pages = 0;
	for (uint64_t page = 0; pread(fd, buf, PAGE, (off_t)(page * PAGE)) == PAGE; page++) {
		bool is_pattern = true, is_zero = true;

		for (unsigned int s = 0; s < PAGE / SECTOR; s++) {
			const uint64_t *w = buf + s * SWAP_SELFTEST_WORDS;
			uint64_t sector = page * (PAGE / SECTOR) + s;

			if (w[0] != swap_selftest_word(seed, sector, 0) ||
			    w[SWAP_SELFTEST_LAST] != swap_selftest_word(seed, sector, SWAP_SELFTEST_LAST))
				is_pattern = false;
			for (unsigned int i = 0; i < SWAP_SELFTEST_WORDS; i++) {
				if (w[i] && i != 0 && i != SWAP_SELFTEST_LAST)
					is_pattern = false;
				if (w[i])
					is_zero = false;
			}
		}
		*pattern += is_pattern;
		*zero += is_zero;
		(*pages)++;
	}
	close(fd);
}

Test(swap_guest, selftest_fills_the_disk_and_the_data_is_on_the_host, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	uint64_t seed = random_seed();
	char cmdline[128];
	unsigned long written, write_errors, pattern, zero, pages;
	int cpus;

	make_machine(&m, 2, 1, 4, NULL);
	snprintf(cmdline, sizeof(cmdline), "swap_selftest swap_selftest_seed=%" PRIu64, seed);
	cr_assert_eq(vm_run(m.config, cmdline, BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "pci 0000:00:01.0: [1af4:1042] type 00 class 0x010000"), "%s", r.out);
	cr_assert(strstr(r.out, "irq 10: GSI 10 edge high"), "%s", r.out);
	cr_assert(strstr(r.out, "virtio_blk virtio0: [vda] 8192 512-byte logical blocks "
			 "(4.19 MB/4.00 MiB)"), "%s", r.out);
	cr_assert(strstr(r.out, "swap_selftest: PASS"), "%s", r.out);
	cr_assert_null(strstr(r.out, "FAIL"), "%s", r.out);
	sum_cpu_lines(r.out, &written, &write_errors, &cpus);
	cr_assert_eq(cpus, 2, "both CPUs took part:\n%s", r.out);
	cr_assert_eq(written, 1024);
	cr_assert_eq(write_errors, 0);
	cr_assert(strstr(r.out, "1024 writes, 1024 reads, 0 I/O errors"), "%s", r.out);

	/* Every page of the host's file holds this run's pattern. */
	scan_disk(m.disk, seed, &pattern, &zero, &pages);
	cr_assert_eq(pages, 1024);
	cr_assert_eq(pattern, 1024, "%lu of 1024 pages hold the pattern of seed %" PRIu64,
		     pattern, seed);
	vm_result_free(&r);
}

/*
 * fail-every=7: request k fails iff 7 divides k, as the device counts
 * them; the guest checks each bio against that. On the host, a page
 * whose write failed was never written (the file stays zero there), every
 * other page holds the pattern: exactly the guest's count of each.
 */
Test(swap_guest, fail_every_nth_reaches_the_guest_and_nothing_else, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	uint64_t seed = random_seed();
	char cmdline[160];
	unsigned long written, write_errors, pattern, zero, pages, errors, expected;
	int cpus;

	make_machine(&m, 2, 1, 4, "fail-every='7'");
	snprintf(cmdline, sizeof(cmdline),
		 "swap_selftest swap_selftest_fail_every=7 swap_selftest_seed=%" PRIu64, seed);
	cr_assert_eq(vm_run(m.config, cmdline, BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "fault injection: errors exactly at the requests the host fails: PASS"),
		  "%s", r.out);
	cr_assert(strstr(r.out, "swap_selftest: PASS"), "%s", r.out);
	const char *s = strstr(r.out, "1024 writes, 1024 reads, ");
	cr_assert(s, "%s", r.out);
	cr_assert_eq(sscanf(s, "1024 writes, 1024 reads, %lu I/O errors (%lu expected)", &errors,
			    &expected), 2);
	cr_assert_eq(expected, 2048 / 7);
	cr_assert_eq(errors, expected);
	cr_assert(strstr(r.out, ", 0 mismatches"), "%s", r.out);

	sum_cpu_lines(r.out, &written, &write_errors, &cpus);
	cr_assert_eq(written, 1024);
	cr_assert(write_errors > 0);
	scan_disk(m.disk, seed, &pattern, &zero, &pages);
	cr_assert_eq(pattern, 1024 - write_errors, "pages with the pattern: %lu, writes that "
		     "succeeded: %lu", pattern, 1024 - write_errors);
	cr_assert_eq(zero, write_errors, "pages never written: %lu, failed writes: %lu", zero,
		     write_errors);
	vm_result_free(&r);
}

/* Four CPUs on two nodes with 32 bios each in flight: more than the ring
 * holds (85 requests), so bios wait in the driver; completions delayed and
 * every 5th request cut short by the host. */
Test(swap_guest, four_cpus_truncated_and_delayed_requests, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;
	unsigned long written, write_errors;
	int cpus;

	make_machine(&m, 4, 2, 4, "truncate-every='5' delay-us='100'");
	cr_assert_eq(vm_run(m.config, "swap_selftest swap_selftest_truncate_every=5", BOOT_TIMEOUT,
			    NULL, &r), 0);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	sum_cpu_lines(r.out, &written, &write_errors, &cpus);
	cr_assert_eq(cpus, 4, "%s", r.out);
	cr_assert(strstr(r.out, "409 I/O errors (409 expected)"), "%s", r.out);
	cr_assert(strstr(r.out, "fault injection: errors exactly at the requests the host fails: PASS"),
		  "%s", r.out);
	cr_assert(strstr(r.out, "swap_selftest: PASS"), "%s", r.out);
	vm_result_free(&r);
}

/* A buffer outside guest RAM breaks the protocol: the device needs a
 * reset, that request fails with -EIO, the driver resets and restores the
 * device, and the disk works and holds the right data afterwards. */
Test(swap_guest, protocol_violation_fails_requests_and_the_driver_recovers,
     .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	make_machine(&m, 2, 1, 1, NULL);
	cr_assert_eq(vm_run(m.config, "swap_selftest swap_selftest_break", BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "virtio-blk: guest broke the protocol: buffer outside guest RAM"),
		  "%s", r.out);
	cr_assert(strstr(r.out, "device reset and set up again"), "%s", r.out);
	cr_assert(strstr(r.out, "protocol violation: bad request failed with -EIO"), "%s", r.out);
	cr_assert(strstr(r.out, "0 errors, 0 mismatches: PASS"), "%s", r.out);
	cr_assert(strstr(r.out, "swap_selftest: PASS"), "%s", r.out);
	vm_result_free(&r);
}

/* No <disk>: bus 0 still there, only the host bridge; the empty slots
 * read all-ones (no unhandled-port exit) and the guest boots as before. */
Test(swap_guest, no_disk_still_enumerates_pci_and_boots, .timeout = BOOT_TIMEOUT + 30)
{
	VM_REQUIRE();
	struct vm_result r;

	cr_assert_eq(vm_run("configs/1node.xml", "swap_selftest", BOOT_TIMEOUT, NULL, &r), 0);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "pci 0000:00:00.0: [8086:1237] type 00 class 0x060000"), "%s", r.out);
	cr_assert(strstr(r.out, "pci: bus 0: 1 functions"), "%s", r.out);
	cr_assert_null(strstr(r.out, "virtio_blk"), "%s", r.out);
	cr_assert(strstr(r.out, "swap_selftest: no disk: FAIL"), "%s", r.out);
	cr_assert(strstr(r.out, "reboot: Power down"), "%s", r.out);
	vm_result_free(&r);
}

/* A disk file the VMM cannot create: exit 78 naming it, before any vCPU ran. */
Test(swap_guest, uncreatable_disk_is_a_config_error, .timeout = 60)
{
	VM_REQUIRE();
	struct vm_result r;

	make_machine_at(&m, 1, 1, 1, NULL, "no-such-dir/swap.img");
	cr_assert_eq(vm_run(m.config, NULL, 60, NULL, &r), 0);
	cr_assert_eq(r.status, EXIT_CONFIG, "status %d; output:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "no-such-dir/swap.img"), "the error names the file:\n%s", r.out);
	cr_assert_null(strstr(r.out, "gmm: booting"), "no vCPU may run:\n%s", r.out);
	vm_result_free(&r);
}

/* ---- the same driver under QEMU's virtio-blk-pci ---- */

Test(swap_guest, qemu_virtio_blk_pci_runs_the_selftest, .timeout = 150)
{
	QEMU_REQUIRE();
	struct vm_result r;
	uint64_t seed = random_seed();
	char cmdline[128];
	unsigned long pattern, zero, pages;

	make_machine(&m, 2, 1, 4, NULL);
	snprintf(cmdline, sizeof(cmdline), "swap_selftest swap_selftest_seed=%" PRIu64, seed);
	const char *argv[] = { "./run.sh", "--qemu", "--timeout", "120", "--cmdline", cmdline,
			       m.config, NULL };
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, 0, "exit status %d; output:\n%s", r.status, r.out);
	/* QEMU's transitional device, its INTx level-triggered per the MADT. */
	cr_assert(strstr(r.out, "[1af4:1001] type 00 class 0x010000"), "%s", r.out);
	cr_assert(strstr(r.out, "level high"), "%s", r.out);
	cr_assert(strstr(r.out, "virtio_blk virtio0: [vda] 8192 512-byte logical blocks"), "%s", r.out);
	cr_assert(strstr(r.out, "swap_selftest: PASS"), "%s", r.out);
	scan_disk(m.disk, seed, &pattern, &zero, &pages);
	cr_assert_eq(pattern, 1024, "%lu of 1024 pages hold the pattern", pattern);
	vm_result_free(&r);
}

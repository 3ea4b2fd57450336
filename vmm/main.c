/*
 * vmm: boot a guest described by a libvirt-XML config on KVM.
 *
 *   vmm [--timeout SECONDS] [--cmdline ARGS] [--kernel ELF]
 *       [--check-config] [--print-setup-time] [--print-qemu-args] CONFIG.xml
 *
 * Exit status: the guest's (what it wrote to the debug-exit port; 0 for a
 * clean shutdown), or one of the EXIT_* statuses in include/gmm/ports.h.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <gmm/ports.h>
#include <gmm/counters.h>
#include "vmm/config.h"
#include "vmm/qemu_args.h"
#include "vmm/stats_out.h"
#include "vmm/vm.h"

int stat_main(int argc, char **argv);   /* stat_cmd.c */
int plot_main(int argc, char **argv);   /* plot.c */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm [options] CONFIG.xml\n"
		"  --timeout SECONDS    stop the guest after SECONDS, dump every vCPU, exit %d\n"
		"  --cmdline ARGS       append ARGS to the guest kernel command line\n"
		"  --kernel ELF         boot ELF instead of <os><kernel> or the built kernel\n"
		"  --check-config       parse and print the config, create nothing\n"
		"  --print-setup-time   print the time from start to the first KVM_RUN\n"
		"  --print-qemu-args    print the QEMU TCG arguments for this machine, one per line\n"
		"  --initrd FILE        load FILE (a cpio newc archive) as the initramfs\n"
		"  --file HOST[:GUEST]  with -- PROGRAM: also pack HOST into the initramfs\n"
		"  -- PROGRAM [ARGS]    pack PROGRAM as /init (ARGS on its command line)\n"
		"  --write-initramfs F  write the initramfs the options describe to F and exit\n"
		"  --stats-out FILE     sample the guest's counters into FILE (.csv, else JSON lines)\n"
		"  --stats-interval MS  sampling interval (default 100)\n"
		"       vmm stat [PID] [--interval MS] [--count N]   live view of a running VM\n"
		"       vmm plot FILE [--out DIR]                     charts (PNG, SVG) of a --stats-out file\n",
		EXIT_TIMEOUT);
}

/* The kernel this repo builds sits next to the vmm binary. */
static void default_kernel(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		snprintf(buf, len, "build/guest.elf");
		return;
	}
	self[n] = 0;
	snprintf(buf, len, "%s/guest.elf", dirname(self));
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* The signals that stop the VM (Ctrl-C and friends). */
static void stop_signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* Wait for the VM to stop, a signal, or the watchdog. */
static void supervise(struct vm *vm, double timeout_s)
{
	sigset_t set;
	stop_signal_set(&set);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);

	for (;;) {
		int wait_ms = -1;
		if (timeout_s > 0) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			double left = timeout_s * 1e3 - ms_between(&start, &now);
			if (left <= 0) {
				vm_request_stop(vm, EXIT_TIMEOUT, "watchdog: guest still running after %g s",
						timeout_s);
				break;
			}
			wait_ms = (int)left + 1;
		}
		struct pollfd p[2] = { { vm->stop_fd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		int n = poll(p, sfd >= 0 ? 2 : 1, wait_ms);
		if (n < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (sfd >= 0 && p[1].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				vm_request_stop(vm, EXIT_INTERRUPTED, "stopped by signal %s",
						strsignal((int)si.ssi_signo));
			break;
		}
	}
	if (sfd >= 0)
		close(sfd);
}

/* Resident memory of the VMM itself: anonymous RSS less the guest RAM
 * pages that are resident (mincore over each region), and apart from it the
 * shared libraries' file pages. */
static void print_resident(const struct vm *vm)
{
	unsigned long long anon = 0, file = 0, shmem = 0, guest_pages = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "RssAnon: %llu kB", &anon);
		sscanf(line, "RssFile: %llu kB", &file);
		sscanf(line, "RssShmem: %llu kB", &shmem);
	}
	if (f)
		fclose(f);
	long page = sysconf(_SC_PAGESIZE);
	for (int i = 0; i < vm->mem.nr_regions; i++) {
		size_t n = vm->mem.region[i].size / (size_t)page;
		unsigned char *vec = malloc(n);
		if (vec && mincore(vm->mem.region[i].hva, vm->mem.region[i].size, vec) == 0)
			for (size_t j = 0; j < n; j++)
				guest_pages += vec[j] & 1;
		free(vec);
	}
	unsigned long long guest_kb = guest_pages * (unsigned long long)page / 1024;
	fprintf(stderr, "vmm: resident %llu KiB beyond guest RAM (anonymous %llu KiB less guest RAM "
		"resident %llu KiB, counters page %llu KiB), shared-library pages %llu KiB\n",
		anon - guest_kb + shmem, anon, guest_kb, shmem, file);
}

/* At exit, the guest's last published counters as /proc/vmstat and
 * /proc/buddyinfo would show them. Nothing if it never published. */
static void print_counters_summary(const struct vm *vm)
{
	struct stats_view v;
	char err[256];
	int rc = stats_open(vm->counters, GMM_COUNTERS_SIZE, &v, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "vmm: counters: %s\n", err);
	if (rc != 0)
		return;
	struct stats_snapshot s = { .values = calloc(v.nr_values, sizeof(uint64_t)) };
	if (s.values && stats_read(&v, &s))
		stats_print_summary(&v, &s, stderr);
	free(s.values);
}

/* --write-initramfs FILE: the archive run.sh --qemu hands to QEMU. */
static int write_file(const char *path, const struct cpio_buf *b, int have)
{
	if (!have) {
		fprintf(stderr, "vmm: --write-initramfs: no initramfs asked for (give -- PROGRAM)\n");
		return EXIT_CONFIG;
	}
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		fprintf(stderr, "vmm: --write-initramfs %s: %s\n", path, strerror(errno));
		return EXIT_CONFIG;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "print-setup-time", no_argument, NULL, 'S' },
		{ "print-qemu-args", no_argument, NULL, 'Q' },
		{ "stats-out", required_argument, NULL, 'o' },
		{ "stats-interval", required_argument, NULL, 'i' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "file", required_argument, NULL, 'F' },
		{ "write-initramfs", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct timespec t_main;
	clock_gettime(CLOCK_MONOTONIC, &t_main);
	if (argc > 1 && !strcmp(argv[1], "stat"))
		return stat_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "plot"))
		return plot_main(argc - 1, argv + 1);
	double timeout_s = 0;
	const char *extra_cmdline = NULL, *kernel_opt = NULL, *stats_out = NULL;
	long stats_interval = 100;
	int check_only = 0, print_setup = 0, print_qemu = 0, c;
	char err[4096];

	/* Everything after "--" is the program to run as init, and its args. */
	struct initramfs_opts init = { 0 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			if (i + 1 < argc) {
				init.program = argv[i + 1];
				init.args = argv + i + 2;
				init.nr_args = argc - i - 2;
			}
			argc = i;
			break;
		}
	}
	const char *write_initramfs = NULL;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': {
			char *end;
			timeout_s = strtod(optarg, &end);
			if (*end || timeout_s <= 0) {
				fprintf(stderr, "vmm: --timeout: '%s' is not a positive number of seconds\n", optarg);
				return EXIT_CONFIG;
			}
			break;
		}
		case 'c': extra_cmdline = optarg; break;
		case 'k': kernel_opt = optarg; break;
		case 'I': init.initrd = optarg; break;
		case 'F':
			if (init.nr_files == (int)(sizeof(init.files) / sizeof(init.files[0]))) {
				fprintf(stderr, "vmm: too many --file options\n");
				return EXIT_CONFIG;
			}
			init.files[init.nr_files++] = optarg;
			break;
		case 'W': write_initramfs = optarg; break;
		case 'C': check_only = 1; break;
		case 'S': print_setup = 1; break;
		case 'Q': print_qemu = 1; break;
		case 'o': stats_out = optarg; break;
		case 'i':
			stats_interval = atol(optarg);
			if (stats_interval <= 0) {
				fprintf(stderr, "vmm: --stats-interval: '%s' is not a positive number of ms\n", optarg);
				return EXIT_CONFIG;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_CONFIG;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_CONFIG;
	}

	static struct vm_config cfg;
	if (config_load(argv[optind], &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		return EXIT_CONFIG;
	}
	if (extra_cmdline && *extra_cmdline) {
		size_t used = strlen(cfg.cmdline);
		if (used + strlen(extra_cmdline) + 2 > sizeof(cfg.cmdline)) {
			fprintf(stderr, "vmm: --cmdline: command line longer than %zu bytes\n", sizeof(cfg.cmdline) - 1);
			return EXIT_CONFIG;
		}
		snprintf(cfg.cmdline + used, sizeof(cfg.cmdline) - used, "%s%s", used ? " " : "", extra_cmdline);
	}
	static struct cpio_buf initrd;
	int have_initrd;
	if (initramfs_prepare(&init, &cfg, &initrd, &have_initrd, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		return EXIT_CONFIG;
	}
	if (write_initramfs) {
		int rc = write_file(write_initramfs, &initrd, have_initrd);
		if (rc || !print_qemu)
			return rc;
		snprintf(cfg.initrd, sizeof(cfg.initrd), "%s", write_initramfs);   /* QEMU's -initrd */
	} else if (print_qemu && init.initrd) {
		snprintf(cfg.initrd, sizeof(cfg.initrd), "%s", init.initrd);
	}
	char kernel[PATH_MAX];
	if (kernel_opt)
		snprintf(kernel, sizeof(kernel), "%s", kernel_opt);
	else if (cfg.kernel[0])
		snprintf(kernel, sizeof(kernel), "%s", cfg.kernel);
	else
		default_kernel(kernel, sizeof(kernel));
	if (check_only) {
		config_print(&cfg, stdout);
		printf("kernel: %s\n", kernel);
		return 0;
	}
	if (print_qemu) {
		if (qemu_args_print(&cfg, kernel, stdout, err, sizeof(err)) < 0) {
			fprintf(stderr, "vmm: %s\n", err);
			return EXIT_CONFIG;
		}
		return 0;
	}

	/* Signals go to the supervisor's signalfd, never to a vCPU thread. */
	sigset_t set;
	stop_signal_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	struct vm *vm = vm_create(&cfg, kernel, have_initrd ? &initrd : NULL, err, sizeof(err));
	cpio_free(&initrd);
	if (!vm) {
		fprintf(stderr, "vmm: %s\n", err);
		return strstr(err, "/dev/kvm") || strstr(err, "KVM_") ? EXIT_VMM_FAULT : EXIT_CONFIG;
	}
	/* A launcher (bench/bench_boot.c) may pass the time just before exec. */
	const char *t0 = getenv("GMM_EXEC_T0_NS");
	if (t0) {
		long long ns = atoll(t0);
		t_main.tv_sec = ns / 1000000000LL;
		t_main.tv_nsec = ns % 1000000000LL;
	}
	vm->t_exec = t_main;
	struct stats_sampler sampler = { 0 };
	if (stats_out && stats_sampler_start(&sampler, stats_out, (unsigned)stats_interval, vm->counters,
					     GMM_COUNTERS_SIZE, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmm: %s\n", err);
		vm_destroy(vm);
		return EXIT_CONFIG;
	}
	if (vm_start(vm, err, sizeof(err)) < 0)
		fprintf(stderr, "vmm: %s\n", err);
	else
		supervise(vm, timeout_s);
	vm_join(vm);
	stats_sampler_stop(&sampler);
	print_counters_summary(vm);
	unsigned long long exits = 0;
	for (int i = 0; i < vm->nr_vcpus; i++)
		exits += vm->vcpu[i].nr_exits;
	fprintf(stderr, "vmm: %llu exits to the VMM (port I/O, MMIO) on %d vCPUs\n", exits, vm->nr_vcpus);
	vm_print_swap_stats(vm, stderr);

	int status = vm->exit_status;
	if (status == EXIT_TIMEOUT) {
		fprintf(stderr, "vmm: %s; vCPU state:\n", vm->exit_reason);
		vm_dump_all_vcpus(vm, stderr);
	} else if (status != 0) {
		fprintf(stderr, "vmm: %s (exit status %d)\n", vm->exit_reason, status);
	}
	if (print_setup && vm->first_run_seen) {
		fprintf(stderr, "vmm: setup time %.3f ms (%s to first KVM_RUN)\n",
			ms_between(&vm->t_exec, &vm->t_first_run), t0 ? "exec" : "start of main");
		print_resident(vm);
	}
	vm_destroy(vm);
	return status;
}

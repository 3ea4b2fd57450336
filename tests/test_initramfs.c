/*
 * The initramfs: archives the VMM packs (-- PROGRAM, --file) or loads
 * (--initrd) are checked before the VM exists, reach the guest intact
 * (names, modes, sizes, contents by checksum) under our VMM and QEMU, and
 * the program's arguments reach the kernel command line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmm/ports.h>
#include "lib/vmrun.h"
#include "vmm/config.h"
#include "vmm/initramfs.h"

/* kernel/initramfs.c's checksum: FNV-1a over 64-bit words, then bytes. */
static unsigned long long fnv1a64(const unsigned char *d, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ULL, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, d + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	for (; i < n; i++)
		h = (h ^ d[i]) * 0x100000001b3ULL;
	return h;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

static char err[512];

Test(cpio, packed_archive_is_well_formed_and_holds_the_files)
{
	write_text("/tmp/gmm-cpio-a.txt", "alpha\n");
	static struct vm_config cfg;
	char *args[] = { "one", "two words" };
	struct initramfs_opts o = { .program = "/bin/true", .files = { "/tmp/gmm-cpio-a.txt:etc/a" },
				    .nr_files = 1, .args = args, .nr_args = 2 };
	struct cpio_buf b;
	int have;
	cr_assert_eq(initramfs_prepare(&o, &cfg, &b, &have, err, sizeof(err)), 0, "%s", err);
	cr_assert(have);
	cr_assert_eq(cpio_check(b.data, b.len, err, sizeof(err)), 0, "%s", err);
	cr_assert(memmem(b.data, b.len, "init", 5), "no /init entry");
	cr_assert(memmem(b.data, b.len, "etc/a", 6), "no etc/a entry");
	cr_assert(memmem(b.data, b.len, "alpha\n", 6), "etc/a's data is missing");
	cr_assert_str_eq(cfg.cmdline, "-- one \"two words\"");
	cpio_free(&b);
}

Test(cpio, malformed_archives_are_refused_with_the_reason)
{
	struct cpio_buf b = { 0 };
	write_text("/tmp/gmm-cpio-b.txt", "beta");
	cr_assert_eq(cpio_add_file(&b, "/tmp/gmm-cpio-b.txt", "b", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cpio_check(b.data, b.len, err, sizeof(err)), -1);
	cr_assert(strstr(err, "without TRAILER!!!") || strstr(err, "truncated"), "%s", err);
	cr_assert_eq(cpio_finish(&b, err, sizeof(err)), 0);
	cr_assert_eq(cpio_check(b.data, b.len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cpio_check(b.data, 50, err, sizeof(err)), -1);
	cr_assert(strstr(err, "truncated header"), "%s", err);
	cr_assert_eq(cpio_check(b.data, b.len - 120, err, sizeof(err)), -1, "cut inside the trailer");
	b.data[0] = 'X';
	cr_assert_eq(cpio_check(b.data, b.len, err, sizeof(err)), -1);
	cr_assert(strstr(err, "bad magic, expected 070701"), "%s", err);
	b.data[0] = '0';
	memcpy(b.data + 54, "7fffffff", 8);      /* c_filesize beyond the archive */
	cr_assert_eq(cpio_check(b.data, b.len, err, sizeof(err)), -1);
	cr_assert(strstr(err, "beyond the archive"), "%s", err);
	cpio_free(&b);
}

Test(cpio, option_conflicts_are_refused)
{
	static struct vm_config cfg;
	struct cpio_buf b;
	int have;
	struct initramfs_opts both = { .initrd = "x.cpio", .program = "/bin/true" };
	cr_assert_eq(initramfs_prepare(&both, &cfg, &b, &have, err, sizeof(err)), -1);
	cr_assert(strstr(err, "exclude each other"), "%s", err);
	struct initramfs_opts lone = { .files = { "/etc/hostname" }, .nr_files = 1 };
	cr_assert_eq(initramfs_prepare(&lone, &cfg, &b, &have, err, sizeof(err)), -1);
	cr_assert(strstr(err, "needs a program"), "%s", err);
	struct initramfs_opts missing = { .program = "/no/such/program" };
	cr_assert_eq(initramfs_prepare(&missing, &cfg, &b, &have, err, sizeof(err)), -1);
	cr_assert(strstr(err, "/no/such/program: No such file"), "%s", err);
}

/* Boot with PROGRAM + a file; the guest lists both with the right checksums. */
static void boot_and_check_listing(const char *const *argv)
{
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, 0, "status %d:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "Command line: initramfs_list -- hello \"big world\""), "%s", r.out);
	struct cpio_buf prog, file;
	cr_assert_eq(read_whole_file("/bin/true", &prog, err, sizeof(err)), 0);
	cr_assert_eq(read_whole_file("/tmp/gmm-initramfs-data.txt", &file, err, sizeof(err)), 0);
	char want[160];
	snprintf(want, sizeof(want), "initramfs: /init 100755 %zu bytes fnv1a64 %016llx", prog.len,
		 fnv1a64(prog.data, prog.len));
	cr_assert(strstr(r.out, want), "missing \"%s\":\n%s", want, r.out);
	snprintf(want, sizeof(want), "initramfs: /data/note.txt 100640 %zu bytes fnv1a64 %016llx", file.len,
		 fnv1a64(file.data, file.len));
	cr_assert(strstr(r.out, want), "missing \"%s\":\n%s", want, r.out);
	cr_assert(strstr(r.out, "initramfs: 2 files"), "%s", r.out);
	cpio_free(&prog);
	cpio_free(&file);
	vm_result_free(&r);
}

static void make_data_file(void)
{
	write_text("/tmp/gmm-initramfs-data.txt", "some data for the guest, not a multiple of 8 long\n");
	chmod("/tmp/gmm-initramfs-data.txt", 0640);
}

Test(initramfs, program_and_files_reach_the_guest_intact, .timeout = 120)
{
	VM_REQUIRE();
	make_data_file();
	const char *argv[] = { "build/vmm", "--timeout", "60", "--cmdline", "initramfs_list",
			       "--file", "/tmp/gmm-initramfs-data.txt:/data/note.txt", "configs/2node.xml",
			       "--", "/bin/true", "hello", "big world", NULL };
	boot_and_check_listing(argv);
}

Test(initramfs, under_qemu_through_run_sh, .timeout = 180)
{
	QEMU_REQUIRE();
	make_data_file();
	const char *argv[] = { "./run.sh", "--qemu", "--timeout", "120", "--cmdline", "initramfs_list",
			       "--file", "/tmp/gmm-initramfs-data.txt:/data/note.txt", "configs/1node.xml",
			       "--", "/bin/true", "hello", "big world", NULL };
	boot_and_check_listing(argv);
}

Test(initramfs, bad_initrd_is_refused_before_the_vm_exists)
{
	const char *argv[] = { "build/vmm", "--timeout", "10", "--initrd", "configs/2node.xml",
			       "configs/2node.xml", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	cr_assert_eq(r.status, EXIT_CONFIG, "status %d:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "initramfs configs/2node.xml: not a cpio newc archive"), "%s", r.out);
	cr_assert_null(strstr(r.out, "Command line:"), "the guest must not have run");
	vm_result_free(&r);
}

Test(initramfs, archive_too_big_for_node_0_is_refused)
{
	VM_REQUIRE();
	/* 40 MiB of program into a 32 MiB node 0. */
	FILE *f = fopen("/tmp/gmm-initramfs-big", "w");
	cr_assert(f);
	cr_assert_eq(ftruncate(fileno(f), 40 << 20), 0);
	fclose(f);
	const char *argv[] = { "build/vmm", "--timeout", "10", "configs/1node.xml", "--",
			       "/tmp/gmm-initramfs-big", NULL };
	struct vm_result r;
	cr_assert_eq(vm_run_argv(argv, &r), 0);
	unlink("/tmp/gmm-initramfs-big");
	cr_assert_eq(r.status, EXIT_CONFIG, "status %d:\n%s", r.status, r.out);
	cr_assert(strstr(r.out, "does not fit in node 0's RAM"), "%s", r.out);
	vm_result_free(&r);
}

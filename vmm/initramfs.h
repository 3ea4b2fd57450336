/*
 * The initial RAM filesystem: a cpio "newc" archive (the format Linux's
 * initramfs takes) loaded into guest memory and announced in boot_info.
 * Either a ready archive (--initrd FILE, <os><initrd>) or one the VMM packs
 * from host files: `vmm CONFIG -- PROGRAM [ARGS]` makes PROGRAM the
 * archive's /init, and each --file HOST[:GUEST] another entry.
 */
#ifndef VMM_INITRAMFS_H
#define VMM_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

struct vm;
struct vm_config;

struct cpio_buf {
	uint8_t *data;
	size_t len, cap;
};

/* Append the file at HOST_PATH as GUEST_NAME (no leading '/'), mode from
 * the host file. 0, or -1 with ERR. */
int cpio_add_file(struct cpio_buf *b, const char *host_path, const char *guest_name,
		  char *err, size_t errlen);
/* Close the archive with its TRAILER!!! entry. */
int cpio_finish(struct cpio_buf *b, char *err, size_t errlen);
void cpio_free(struct cpio_buf *b);

/* Check that DATA is a well-formed newc archive ending in TRAILER!!!:
 * every header's magic and sizes inside the buffer. 0, or -1 with ERR. */
int cpio_check(const uint8_t *data, size_t len, char *err, size_t errlen);

/* Read a whole file (an --initrd). 0, or -1 with ERR. */
int read_whole_file(const char *path, struct cpio_buf *b, char *err, size_t errlen);

/* Copy the archive to the top of node 0's RAM below 4 GiB, clear of the
 * kernel; sets vm->initrd_paddr/size (boot.c puts them in boot_info). */
int initrd_load(struct vm *vm, const uint8_t *data, size_t len, char *err, size_t errlen);

/* What the command line asked for. */
struct initramfs_opts {
	const char *initrd;          /* --initrd FILE (a ready archive) */
	const char *files[64];       /* --file HOST[:GUEST] */
	int nr_files;
	const char *program;         /* after "--": becomes /init */
	char *const *args;           /* its arguments */
	int nr_args;
};

/* Build or read the initramfs O asks for (else CFG's <initrd>, else none:
 * *HAVE false), and append " -- ARGS" to CFG's command line for init.
 * 0, or -1 with ERR. */
int initramfs_prepare(const struct initramfs_opts *o, struct vm_config *cfg, struct cpio_buf *out,
		      int *have, char *err, size_t errlen);

#endif

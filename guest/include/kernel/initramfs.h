/*
 * The initramfs (kernel/initramfs.c): the cpio newc archive the VMM (or
 * QEMU's -initrd) loaded, read in place. Files keep pointing into the
 * archive, whose memory stays reserved.
 */
#ifndef KERNEL_INITRAMFS_H
#define KERNEL_INITRAMFS_H

#include <kernel/types.h>

struct initramfs_file {
	const char *name;      /* without a leading '/', e.g. "init" */
	const u8 *data;
	u64 size;
	u32 mode;              /* st_mode as archived (S_IFREG | 0755 ...) */
};

/* After mm_boot_init (the archive is reserved there): index the archive.
 * A malformed one is reported and ignored, as Linux does. */
void initramfs_init(void);
/* "init", "/init", "/etc/x": the file, or NULL. */
const struct initramfs_file *initramfs_lookup(const char *path);
unsigned int initramfs_nr_files(void);
const struct initramfs_file *initramfs_file(unsigned int i);
/* The checksum initramfs_list prints: FNV-1a over 64-bit words, then the
 * tail bytes (tests compute the same on the host). */
u64 initramfs_checksum(const u8 *data, u64 size);

#endif

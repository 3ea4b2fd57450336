/*
 * The swap disk on the host: a regular file (created at the configured size
 * if absent) or a block device. Opened twice when the file system allows
 * O_DIRECT: requests whose buffers and offsets meet the direct-I/O
 * alignment go through the O_DIRECT descriptor, the others through the
 * buffered one (the kernel keeps the two coherent for a range: a direct
 * read first writes back cached dirty pages, a direct write invalidates).
 *
 * No locking: filled in once, read-only afterwards.
 */
#ifndef SWAP_DISK_H
#define SWAP_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

enum swap_direct {
	SWAP_DIRECT_AUTO = 0,   /* O_DIRECT when the file system allows it */
	SWAP_DIRECT_OFF,        /* page cache only */
	SWAP_DIRECT_ON,         /* O_DIRECT or fail to open */
};

struct swap_disk {
	int      fd;            /* buffered */
	int      fd_direct;     /* O_DIRECT, or -1 */
	uint64_t size;          /* bytes exposed to the guest, a multiple of 512 */
	uint32_t dio_mem_align; /* direct I/O: buffer address alignment */
	uint32_t dio_off_align; /* direct I/O: offset and segment length alignment */
	bool     readonly;
	bool     blockdev;
	bool     created;       /* we created the file */
};

/* Open PATH (creating a regular file of SIZE bytes if it does not exist;
 * SIZE 0 = use the existing size). 0, or -1 with a message in ERR. */
int swap_disk_open(struct swap_disk *d, const char *path, uint64_t size, bool readonly,
		   enum swap_direct direct, char *err, size_t errlen);
void swap_disk_close(struct swap_disk *d);

/* The descriptor to use for NR segments IOV at byte offset OFF. */
int swap_disk_fd_for(const struct swap_disk *d, const struct iovec *iov, unsigned nr,
		     uint64_t off);

#endif

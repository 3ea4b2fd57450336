/*
 * Opening the swap disk. See swap_disk.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/swap/swap_disk.h"

#define SECTOR 512ULL

/* Reserve the blocks now, so a full file system shows at start-up rather
 * than as ENOSPC under the guest; fall back to a sparse file. */
static int set_size(int fd, uint64_t size)
{
	if (fallocate(fd, 0, 0, (off_t)size) == 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS)
		return -1;
	return ftruncate(fd, (off_t)size);
}

/* Direct-I/O alignment: statx STATX_DIOALIGN (Linux 6.1) when it answers,
 * else the block size the kernel reports, which is always sufficient. */
static void dio_alignment(struct swap_disk *d, int fd, const struct stat *st)
{
	d->dio_mem_align = d->dio_off_align = 4096;
#ifdef STATX_DIOALIGN
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 &&
	    (sx.stx_mask & STATX_DIOALIGN) && sx.stx_dio_offset_align) {
		d->dio_mem_align = sx.stx_dio_mem_align;
		d->dio_off_align = sx.stx_dio_offset_align;
		return;
	}
#endif
	if (d->blockdev) {
		int ssz;

		if (ioctl(fd, BLKSSZGET, &ssz) == 0 && ssz > 0)
			d->dio_mem_align = d->dio_off_align = (uint32_t)ssz;
	} else if (st->st_blksize > 0 && st->st_blksize <= 65536) {
		d->dio_mem_align = d->dio_off_align = (uint32_t)st->st_blksize;
	}
}

/* Open O_DIRECT and prove it with one aligned read (some file systems
 * accept the flag and fail every I/O). -1 if not usable. */
static int open_direct(struct swap_disk *d, const char *path)
{
	int fd = open(path, (d->readonly ? O_RDONLY : O_RDWR) | O_DIRECT | O_CLOEXEC);
	size_t len;
	void *buf;
	ssize_t n;

	if (fd < 0)
		return -1;
	len = d->dio_off_align > d->dio_mem_align ? d->dio_off_align : d->dio_mem_align;
	if (len < SECTOR)
		len = SECTOR;
	if (d->size < len || posix_memalign(&buf, len, len)) {
		close(fd);
		return -1;
	}
	n = pread(fd, buf, len, 0);
	free(buf);
	if (n != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

int swap_disk_open(struct swap_disk *d, const char *path, uint64_t size, bool readonly,
		   enum swap_direct direct, char *err, size_t errlen)
{
	struct stat st;
	int flags = (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	memset(d, 0, sizeof(*d));
	d->fd = d->fd_direct = -1;
	d->readonly = readonly;
	if (!path || !path[0]) {
		snprintf(err, errlen, "swap disk: no path given");
		return -1;
	}
	d->fd = open(path, flags);
	if (d->fd < 0 && errno == ENOENT && !readonly) {
		if (size < SECTOR) {
			snprintf(err, errlen, "%s: does not exist and no size to create it with", path);
			return -1;
		}
		d->fd = open(path, flags | O_CREAT | O_EXCL, 0600);
		if (d->fd >= 0) {
			d->created = true;
			if (set_size(d->fd, size)) {
				snprintf(err, errlen, "%s: cannot allocate %llu bytes: %s", path,
					 (unsigned long long)size, strerror(errno));
				goto fail;
			}
		}
	}
	if (d->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(d->fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISBLK(st.st_mode)) {
		uint64_t bytes;

		d->blockdev = true;
		if (ioctl(d->fd, BLKGETSIZE64, &bytes)) {
			snprintf(err, errlen, "%s: BLKGETSIZE64: %s", path, strerror(errno));
			goto fail;
		}
		if (size > bytes) {
			snprintf(err, errlen, "%s: device has %llu bytes, %llu configured", path,
				 (unsigned long long)bytes, (unsigned long long)size);
			goto fail;
		}
		d->size = size ? size : bytes;
	} else if (S_ISREG(st.st_mode)) {
		if (size > (uint64_t)st.st_size) {
			if (readonly) {
				snprintf(err, errlen, "%s: read-only and smaller (%lld bytes) than configured",
					 path, (long long)st.st_size);
				goto fail;
			}
			if (set_size(d->fd, size)) {
				snprintf(err, errlen, "%s: cannot grow to %llu bytes: %s", path,
					 (unsigned long long)size, strerror(errno));
				goto fail;
			}
		}
		d->size = size ? size : (uint64_t)st.st_size;
	} else {
		snprintf(err, errlen, "%s: not a regular file or block device", path);
		goto fail;
	}
	d->size &= ~(SECTOR - 1);
	if (d->size == 0) {
		snprintf(err, errlen, "%s: smaller than one sector", path);
		goto fail;
	}
	dio_alignment(d, d->fd, &st);
	if (direct != SWAP_DIRECT_OFF) {
		d->fd_direct = open_direct(d, path);
		if (d->fd_direct < 0 && direct == SWAP_DIRECT_ON) {
			snprintf(err, errlen, "%s: O_DIRECT not usable on this file system", path);
			goto fail;
		}
	}
	return 0;
fail:
	swap_disk_close(d);
	if (d->created)
		unlink(path);   /* leave nothing half-made behind */
	return -1;
}

void swap_disk_close(struct swap_disk *d)
{
	if (d->fd_direct >= 0)
		close(d->fd_direct);
	if (d->fd >= 0)
		close(d->fd);
	d->fd = d->fd_direct = -1;
}

int swap_disk_fd_for(const struct swap_disk *d, const struct iovec *iov, unsigned nr,
		     uint64_t off)
{
	uint64_t mem_mask = d->dio_mem_align - 1, off_mask = d->dio_off_align - 1;

	if (d->fd_direct < 0 || (off & off_mask))
		return d->fd;
	for (unsigned i = 0; i < nr; i++)
		if (((uintptr_t)iov[i].iov_base & mem_mask) || (iov[i].iov_len & off_mask))
			return d->fd;
	return d->fd_direct;
}

/*
 * File descriptors (kernel/sched.h): a small table per task, no shared
 * open-file objects (a forked child's fds have their own offsets).
 *   fd 0            stdin: reads end of file
 *   fd 1, 2         the console: line-buffered per task, each line one
 *                   printk, so lines of different CPUs never interleave
 *   initramfs files read and written through the page cache their mappings
 *                   use (filemap_read/filemap_write), so read() sees a
 *                   MAP_SHARED store; a write never extends a file
 *   pipes           one page each (header + ring), shared by fork; a
 *                   reader or writer that must wait sleeps until the other
 *                   side wakes it (or a tick passes: a wake-up can be missed
 *                   only by a racing second waiter, which then retries)
 *   /proc/self/statm, /proc/self/status (and /proc/<own pid>/...): the
 *                   task's memory figures, made when read, Linux's format
 * Data moves with the mm side's copy helpers (mm/mm_user.h), in chunks on
 * the kernel stack: nothing is zeroed or copied more than once.
 */
#include <kernel/errno.h>
#include <kernel/initramfs.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sprintf.h>
#include <kernel/string.h>
#include <kernel/jiffies.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/mm_user.h>
#include "mm_weak.h"

#define O_ACCMODE   3
#define O_WRONLY    1
#define O_RDWR      2
#define O_CREAT     0100
#define O_DIRECTORY 0200000
#define AT_FDCWD    (-100)
#define S_IFCHR     0020000
#define S_IFREG     0100000
#define CHUNK       256

#define EPIPE 32

struct pipe_inode {
	spinlock_t lock;
	int readers, writers;            /* fds open on each end, all tasks */
	unsigned int head, tail;         /* bytes written / read, free-running */
	struct task_struct *rd_wait, *wr_wait;
	char buf[];
};
#define PIPE_SIZE (PAGE_SIZE - sizeof(struct pipe_inode))

long sleep_once(unsigned long ticks);

static void pipe_get(struct file *f)
{
	unsigned long flags;
	spin_lock_irqsave(&f->pipe->lock, flags);
	if (f->type == FD_PIPE_R)
		f->pipe->readers++;
	else
		f->pipe->writers++;
	spin_unlock_irqrestore(&f->pipe->lock, flags);
}

static void pipe_put(struct file *f)
{
	struct pipe_inode *pi = f->pipe;
	struct task_struct *w[2];
	unsigned long flags;

	spin_lock_irqsave(&pi->lock, flags);
	if (f->type == FD_PIPE_R)
		pi->readers--;
	else
		pi->writers--;
	bool last = !pi->readers && !pi->writers;
	w[0] = pi->rd_wait;
	w[1] = pi->wr_wait;
	pi->rd_wait = pi->wr_wait = NULL;
	spin_unlock_irqrestore(&pi->lock, flags);
	for (int i = 0; i < 2; i++)
		if (w[i])
			wake_up_process(w[i]);
	if (last)
		free_pages((unsigned long)pi, 0);
}

long sys_pipe2(unsigned long ufds, int flags)
{
	struct task_struct *p = current;
	int fds[2], n = 0;
	(void)flags;                     /* O_CLOEXEC, O_NONBLOCK: not kept */

	for (int fd = 0; fd < NR_OPEN && n < 2; fd++)
		if (p->files[fd].type == FD_NONE)
			fds[n++] = fd;
	if (n < 2)
		return -EMFILE;
	struct page *pg = alloc_pages(GFP_KERNEL, 0);
	if (!pg)
		return -ENOMEM;
	struct pipe_inode *pi = page_address(pg);
	memset(pi, 0, sizeof(*pi));
	pi->readers = pi->writers = 1;
	if (copy_to_user_mm(p->mm, ufds, fds, sizeof(fds)) < 0) {
		free_pages((unsigned long)pi, 0);
		return -EFAULT;
	}
	p->files[fds[0]] = (struct file){ .type = FD_PIPE_R, .pipe = pi };
	p->files[fds[1]] = (struct file){ .type = FD_PIPE_W, .pipe = pi, .writable = 1 };
	return 0;
}

static long pipe_read(struct pipe_inode *pi, unsigned long buf, unsigned long n)
{
	char chunk[CHUNK];
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&pi->lock, flags);
		unsigned int avail = pi->head - pi->tail;
		if (avail) {
			unsigned int k = (unsigned int)(n < CHUNK ? n : CHUNK);
			if (k > avail)
				k = avail;
			for (unsigned int i = 0; i < k; i++)
				chunk[i] = pi->buf[(pi->tail + i) % PIPE_SIZE];
			pi->tail += k;
			struct task_struct *w = pi->wr_wait;
			pi->wr_wait = NULL;
			spin_unlock_irqrestore(&pi->lock, flags);
			if (w)
				wake_up_process(w);
			return copy_to_user_mm(current->mm, buf, chunk, k) < 0 ? -EFAULT : (long)k;
		}
		if (!pi->writers) {
			spin_unlock_irqrestore(&pi->lock, flags);
			return 0;
		}
		pi->rd_wait = current;
		spin_unlock_irqrestore(&pi->lock, flags);
		if (sleep_once(2))
			return -EINTR;
	}
}

static long pipe_write(struct pipe_inode *pi, unsigned long buf, unsigned long n)
{
	char chunk[CHUNK];
	unsigned long done = 0, flags;

	while (done < n) {
		unsigned int k = (unsigned int)(n - done < CHUNK ? n - done : CHUNK);
		if (copy_from_user_mm(current->mm, chunk, buf + done, k) < 0)
			return done ? (long)done : -EFAULT;
		unsigned int put = 0;
		while (put < k) {
			spin_lock_irqsave(&pi->lock, flags);
			if (!pi->readers) {
				spin_unlock_irqrestore(&pi->lock, flags);
				return done + put ? (long)(done + put) : -EPIPE;
			}
			unsigned int room = (unsigned int)PIPE_SIZE - (pi->head - pi->tail);
			if (!room) {
				pi->wr_wait = current;
				spin_unlock_irqrestore(&pi->lock, flags);
				if (sleep_once(2))
					return done + put ? (long)(done + put) : -EINTR;
				continue;
			}
			for (; room && put < k; room--, put++)
				pi->buf[pi->head++ % PIPE_SIZE] = chunk[put];
			struct task_struct *w = pi->rd_wait;
			pi->rd_wait = NULL;
			spin_unlock_irqrestore(&pi->lock, flags);
			if (w)
				wake_up_process(w);
		}
		done += k;
	}
	return (long)n;
}

void files_fork(struct task_struct *child)
{
	for (int i = 0; i < NR_OPEN; i++)
		if (child->files[i].type == FD_PIPE_R || child->files[i].type == FD_PIPE_W)
			pipe_get(&child->files[i]);
}

static struct file *get_file(int fd)
{
	if (fd < 0 || fd >= NR_OPEN || current->files[fd].type == FD_NONE)
		return NULL;
	return &current->files[fd];
}

void files_init_console(struct task_struct *p)
{
	p->files[0].type = FD_NULL_IN;
	p->files[1].type = FD_CONSOLE;
	p->files[1].writable = 1;
	p->files[2] = p->files[1];
}

void files_close_all(struct task_struct *p)
{
	for (int i = 0; i < NR_OPEN; i++) {
		if (p->files[i].type == FD_PIPE_R || p->files[i].type == FD_PIPE_W)
			pipe_put(&p->files[i]);
		p->files[i].type = FD_NONE;
	}
}

void console_flush_task(struct task_struct *p)
{
	if (!p->linelen)
		return;
	p->linebuf[p->linelen] = 0;
	printk("%s", p->linebuf);
	p->linelen = 0;
}

static void console_put(struct task_struct *p, const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		p->linebuf[p->linelen++] = s[i];
		if (s[i] == '\n' || p->linelen == sizeof(p->linebuf) - 1)
			console_flush_task(p);
	}
}

/* The text of /proc/self/statm or status into BUF; its length. */
static int proc_text(struct task_struct *p, int type, char *buf, int size)
{
	struct mm_struct *mm = p->mm;
	unsigned long vm = mm ? mm_total_vm(mm) : 0, rss = mm ? mm_rss(mm) : 0;
	unsigned long shared = mm ? mm_shared_rss(mm) : 0;

	if (type == FD_PROC_STATM)
		return snprintf(buf, (size_t)size, "%lu %lu %lu 0 0 %lu 0\n", vm, rss, shared,
				vm - (vm < shared ? vm : shared));
	return snprintf(buf, (size_t)size,
			"Name:\t%s\nState:\tR (running)\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
			"VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
			"Threads:\t1\n",
			p->comm, p->pid, p->pid, p->parent ? p->parent->pid : 0, vm * 4, rss * 4,
			(rss - shared) * 4, shared * 4);
}

static long file_read(struct file *f, unsigned long buf, unsigned long n, u64 pos)
{
	struct task_struct *p = current;
	char text[512];
	const u8 *data;
	u64 size;

	switch (f->type) {
	case FD_NULL_IN:
	case FD_CONSOLE:
		return 0;
	case FD_PIPE_R:
		return pipe_read(f->pipe, buf, n);
	case FD_INITRAMFS: {
		long done = 0;
		while ((unsigned long)done < n) {
			unsigned long k = n - (unsigned long)done < sizeof(text) ? n - (unsigned long)done : sizeof(text);
			long r = filemap_read(f->f, pos + (u64)done, text, k);
			if (r < 0)
				return done ? done : r;
			if (r == 0)
				break;
			if (copy_to_user_mm(p->mm, buf + (unsigned long)done, text, (unsigned long)r) < 0)
				return done ? done : -EFAULT;
			done += r;
			if ((unsigned long)r < k)
				break;
		}
		return done;
	}
	case FD_PROC_STATM:
	case FD_PROC_STATUS:
		size = (u64)proc_text(p, f->type, text, sizeof(text));
		data = (const u8 *)text;
		break;
	default:
		return -EBADF;
	}
	if (pos >= size)
		return 0;
	if (n > size - pos)
		n = size - pos;
	if (copy_to_user_mm(p->mm, buf, data + pos, n) < 0)
		return -EFAULT;
	return (long)n;
}

static long file_write(struct file *f, unsigned long buf, unsigned long n, u64 pos)
{
	char chunk[CHUNK];
	unsigned long done = 0;

	if (f->type == FD_PIPE_W)
		return pipe_write(f->pipe, buf, n);
	if (f->type == FD_NULL_IN && f->writable)
		return (long)n;                  /* /dev/null */
	if (f->type != FD_CONSOLE && (f->type != FD_INITRAMFS || !f->writable))
		return -EBADF;
	while (done < n) {
		unsigned long k = n - done < CHUNK ? n - done : CHUNK;
		if (copy_from_user_mm(current->mm, chunk, buf + done, k) < 0)
			return done ? (long)done : -EFAULT;
		if (f->type == FD_CONSOLE) {
			console_put(current, chunk, k);
		} else {
			long r = filemap_write(f->f, pos + done, chunk, k);
			if (r < 0)
				return done ? (long)done : r;
			if ((unsigned long)r < k)
				return (long)(done + (unsigned long)r);
		}
		done += k;
	}
	return (long)n;
}

long sys_read(int fd, unsigned long buf, unsigned long n)
{
	struct file *f = get_file(fd);
	if (!f)
		return -EBADF;
	long r = file_read(f, buf, n, f->pos);
	if (r > 0 && f->type != FD_PIPE_R)
		f->pos += (u64)r;
	return r;
}

long sys_pread64(int fd, unsigned long buf, unsigned long n, long pos);
long sys_pread64(int fd, unsigned long buf, unsigned long n, long pos)
{
	struct file *f = get_file(fd);
	if (!f)
		return -EBADF;
	if (pos < 0)
		return -EINVAL;
	if (f->type != FD_INITRAMFS)
		return -ESPIPE;
	return file_read(f, buf, n, (u64)pos);
}

long sys_write(int fd, unsigned long buf, unsigned long n)
{
	struct file *f = get_file(fd);
	if (!f)
		return -EBADF;
	long r = file_write(f, buf, n, f->pos);
	if (r > 0 && f->type == FD_INITRAMFS)
		f->pos += (u64)r;
	return r;
}

struct iovec_k {
	unsigned long base, len;
};

static long do_iov(int fd, unsigned long iov, int cnt, bool write)
{
	long total = 0;

	if (cnt < 0 || cnt > 1024)
		return -EINVAL;
	for (int i = 0; i < cnt; i++) {
		struct iovec_k v;
		if (copy_from_user_mm(current->mm, &v, iov + (unsigned long)i * sizeof(v), sizeof(v)) < 0)
			return total ? total : -EFAULT;
		if (!v.len)
			continue;
		long r = write ? sys_write(fd, v.base, v.len) : sys_read(fd, v.base, v.len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((unsigned long)r < v.len)
			break;
	}
	return total;
}

long sys_readv(int fd, unsigned long iov, int cnt)
{
	return do_iov(fd, iov, cnt, false);
}

long sys_writev(int fd, unsigned long iov, int cnt)
{
	return do_iov(fd, iov, cnt, true);
}

/* "/proc/self/X" or "/proc/<own pid>/X": X's type, else FD_NONE. */
static int proc_lookup(const char *path)
{
	char own[32];

	if (strncmp(path, "/proc/", 6))
		return FD_NONE;
	path += 6;
	snprintf(own, sizeof(own), "%d/", current->pid);
	if (!strncmp(path, "self/", 5))
		path += 5;
	else if (!strncmp(path, own, strlen(own)))
		path += strlen(own);
	else
		return FD_NONE;
	if (!strcmp(path, "statm"))
		return FD_PROC_STATM;
	if (!strcmp(path, "status"))
		return FD_PROC_STATUS;
	return FD_NONE;
}

long sys_openat(int dirfd, unsigned long upath, int flags, int mode)
{
	char path[256];
	int fd;
	(void)mode;

	long n = strncpy_from_user_mm(current->mm, path, upath, sizeof(path));
	if (n < 0)
		return -EFAULT;
	if (n >= (long)sizeof(path))
		return -ENAMETOOLONG;
	if (path[0] != '/' && dirfd != AT_FDCWD)
		return -ENOTDIR;
	for (fd = 0; fd < NR_OPEN && current->files[fd].type != FD_NONE; fd++)
		;
	if (fd == NR_OPEN)
		return -EMFILE;
	struct file *f = &current->files[fd];
	int proc = proc_lookup(path);
	if (proc != FD_NONE) {
		if ((flags & O_ACCMODE) != 0)
			return -EACCES;
		*f = (struct file){ .type = (u8)proc };
		return fd;
	}
	if (!strcmp(path, "/dev/null") || !strcmp(path, "/dev/console") || !strcmp(path, "/dev/tty")) {
		*f = (struct file){ .type = path[5] == 'n' ? FD_NULL_IN : FD_CONSOLE, .writable = 1 };
		return fd;
	}
	const struct initramfs_file *file = initramfs_lookup(path);
	if (!file)
		return (flags & O_CREAT) ? -EROFS : -ENOENT;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	*f = (struct file){ .type = FD_INITRAMFS, .f = file,
			    .writable = (flags & O_ACCMODE) == O_RDWR || (flags & O_ACCMODE) == O_WRONLY };
	return fd;
}

long sys_close(int fd)
{
	struct file *f = get_file(fd);
	if (!f)
		return -EBADF;
	if (f->type == FD_PIPE_R || f->type == FD_PIPE_W)
		pipe_put(f);
	f->type = FD_NONE;
	return 0;
}

long sys_lseek(int fd, long off, int whence)
{
	struct file *f = get_file(fd);
	long base;

	if (!f)
		return -EBADF;
	if (f->type == FD_CONSOLE || f->type == FD_NULL_IN || f->type == FD_PIPE_R ||
	    f->type == FD_PIPE_W)
		return -ESPIPE;
	switch (whence) {
	case 0: base = 0; break;
	case 1: base = (long)f->pos; break;
	case 2: base = f->type == FD_INITRAMFS ? (long)f->f->size : 0; break;
	default: return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return (long)f->pos;
}

/* struct stat of x86-64 (144 bytes). */
struct kstat {
	unsigned long st_dev, st_ino, st_nlink;
	unsigned int st_mode, st_uid, st_gid, pad0;
	unsigned long st_rdev;
	long st_size, st_blksize, st_blocks;
	unsigned long times[6];
	long unused[3];
};

static long fill_stat(struct file *f, unsigned long ust)
{
	struct kstat st;

	memset(&st, 0, sizeof(st));
	st.st_nlink = 1;
	st.st_blksize = 4096;
	if (f->type == FD_INITRAMFS) {
		st.st_mode = f->f->mode;
		st.st_size = (long)f->f->size;
		st.st_ino = (unsigned long)(f->f - initramfs_file(0)) + 2;
		st.st_blocks = (st.st_size + 511) / 512;
	} else if (f->type == FD_PROC_STATM || f->type == FD_PROC_STATUS) {
		st.st_mode = S_IFREG | 0444;
	} else {
		st.st_mode = S_IFCHR | 0620;
		st.st_rdev = f->type == FD_CONSOLE ? (5UL << 8) | 1 : (1UL << 8) | 3;
	}
	return copy_to_user_mm(current->mm, ust, &st, sizeof(st)) < 0 ? -EFAULT : 0;
}

long sys_fstat(int fd, unsigned long ust)
{
	struct file *f = get_file(fd);
	return f ? fill_stat(f, ust) : -EBADF;
}

long sys_stat(unsigned long upath, unsigned long ust)
{
	long fd = sys_openat(AT_FDCWD, upath, 0, 0);
	if (fd < 0)
		return fd;
	long r = sys_fstat((int)fd, ust);
	sys_close((int)fd);
	return r;
}

const struct initramfs_file *fd_to_initramfs(int fd, bool *writable)
{
	struct file *f = get_file(fd);
	if (!f || f->type != FD_INITRAMFS)
		return NULL;
	*writable = f->writable;
	return f->f;
}

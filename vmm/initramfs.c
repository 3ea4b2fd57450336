/*
 * cpio newc archives for the guest's initramfs (see initramfs.h).
 * newc: each entry is a 110-byte ASCII header ("070701" and 13 fields of 8
 * hex digits), the NUL-terminated name, padding to 4 bytes, the data,
 * padding to 4 bytes; the archive ends with an entry named TRAILER!!!.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmm/bootinfo.h>
#include "vmm/config.h"
#include "vmm/initramfs.h"
#include "vmm/vm.h"

#define NEWC_MAGIC   "070701"
#define NEWC_HDR_LEN 110
#define TRAILER      "TRAILER!!!"

static int buf_reserve(struct cpio_buf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 65536;
	while (cap < b->len + more)
		cap *= 2;
	uint8_t *p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

static void pad4(struct cpio_buf *b)
{
	while (b->len % 4)
		b->data[b->len++] = 0;
}

static int add_entry(struct cpio_buf *b, const char *name, uint32_t mode, const void *data,
		     size_t size, uint32_t ino)
{
	size_t namesize = strlen(name) + 1;
	if (buf_reserve(b, NEWC_HDR_LEN + namesize + 4 + size + 4) < 0)
		return -1;
	char hdr[NEWC_HDR_LEN + 1];
	snprintf(hdr, sizeof(hdr), "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 NEWC_MAGIC, ino, mode, 0u, 0u, 1u, 0u, (uint32_t)size, 0u, 0u, 0u, 0u,
		 (uint32_t)namesize, 0u);
	memcpy(b->data + b->len, hdr, NEWC_HDR_LEN);
	b->len += NEWC_HDR_LEN;
	memcpy(b->data + b->len, name, namesize);
	b->len += namesize;
	pad4(b);
	if (size)
		memcpy(b->data + b->len, data, size);
	b->len += size;
	pad4(b);
	return 0;
}

int read_whole_file(const char *path, struct cpio_buf *b, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	memset(b, 0, sizeof(*b));
	if (buf_reserve(b, (size_t)st.st_size + 1) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (b->len < (size_t)st.st_size) {
		ssize_t n = read(fd, b->data + b->len, (size_t)st.st_size - b->len);
		if (n <= 0) {
			snprintf(err, errlen, "%s: read: %s", path, n < 0 ? strerror(errno) : "short file");
			close(fd);
			return -1;
		}
		b->len += (size_t)n;
	}
	close(fd);
	return 0;
}

int cpio_add_file(struct cpio_buf *b, const char *host_path, const char *guest_name,
		  char *err, size_t errlen)
{
	struct cpio_buf f;
	struct stat st;
	if (!guest_name[0] || strlen(guest_name) > 255) {
		snprintf(err, errlen, "%s: bad name in the initramfs '%s'", host_path, guest_name);
		return -1;
	}
	if (stat(host_path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", host_path, strerror(errno));
		return -1;
	}
	if (read_whole_file(host_path, &f, err, errlen) < 0)
		return -1;
	uint32_t ino = (uint32_t)(b->len / 64 + 1);
	int rc = add_entry(b, guest_name, S_IFREG | (st.st_mode & 0777), f.data, f.len, ino);
	cpio_free(&f);
	if (rc < 0)
		snprintf(err, errlen, "initramfs: out of memory");
	return rc;
}

int cpio_finish(struct cpio_buf *b, char *err, size_t errlen)
{
	if (add_entry(b, TRAILER, 0, NULL, 0, 0) < 0) {
		snprintf(err, errlen, "initramfs: out of memory");
		return -1;
	}
	return 0;
}

void cpio_free(struct cpio_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* Field I (0..12) of the header at H, or -1 if it is not 8 hex digits. */
static long long hdr_field(const uint8_t *h, int i)
{
	unsigned long long v = 0;
	for (int k = 0; k < 8; k++) {
		char c = (char)h[6 + i * 8 + k];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + (unsigned)d;
	}
	return (long long)v;
}

int cpio_check(const uint8_t *data, size_t len, char *err, size_t errlen)
{
	size_t off = 0;
	for (int entry = 0;; entry++) {
		if (len - off < NEWC_HDR_LEN || memcmp(data + off, NEWC_MAGIC, 6) != 0) {
			snprintf(err, errlen, "not a cpio newc archive (entry %d at offset %zu: %s)", entry, off,
				 len - off < NEWC_HDR_LEN ? "truncated header" : "bad magic, expected 070701");
			return -1;
		}
		long long filesize = hdr_field(data + off, 6), namesize = hdr_field(data + off, 11);
		if (filesize < 0 || namesize < 1) {
			snprintf(err, errlen, "cpio entry %d at offset %zu: malformed header", entry, off);
			return -1;
		}
		size_t name = off + NEWC_HDR_LEN;
		size_t body = (name + (size_t)namesize + 3) & ~(size_t)3;
		size_t next = (body + (size_t)filesize + 3) & ~(size_t)3;
		if ((size_t)namesize > len - name || body > len || (size_t)filesize > len - body ||
		    data[name + (size_t)namesize - 1] != 0) {
			snprintf(err, errlen, "cpio entry %d at offset %zu: name or data beyond the archive",
				 entry, off);
			return -1;
		}
		if (!strcmp((const char *)data + name, TRAILER))
			return 0;
		if (next >= len) {
			snprintf(err, errlen, "cpio archive ends without %s", TRAILER);
			return -1;
		}
		off = next;
	}
}

int initrd_load(struct vm *vm, const uint8_t *data, size_t len, char *err, size_t errlen)
{
	const struct guest_region *r0 = &vm->mem.region[0];
	uint64_t top = r0->gpa + r0->size;
	uint64_t start = (top - len) & ~4095ULL;
	if (len > r0->size || start < vm->kernel_end || start < KERNEL_LOAD_MIN) {
		snprintf(err, errlen, "initramfs of %zu KiB does not fit in node 0's RAM above the kernel "
			 "(%llu KiB free there)", len >> 10,
			 (unsigned long long)(top > vm->kernel_end ? (top - vm->kernel_end) >> 10 : 0));
		return -1;
	}
	if (!guest_write(&vm->mem, start, data, len)) {
		snprintf(err, errlen, "initramfs: cannot write guest RAM at 0x%llx", (unsigned long long)start);
		return -1;
	}
	vm->initrd_paddr = start;
	vm->initrd_size = len;
	return 0;
}

/* Append ARG to the command line, quoted if it has a space. */
static int cmdline_append(char *cmdline, size_t size, const char *arg)
{
	size_t used = strlen(cmdline);
	bool quote = strchr(arg, ' ') || strchr(arg, '\t') || !arg[0];
	if (strchr(arg, '"'))
		return -1;
	int n = snprintf(cmdline + used, size - used, "%s%s%s%s", used ? " " : "", quote ? "\"" : "",
			 arg, quote ? "\"" : "");
	return n < 0 || (size_t)n >= size - used ? -1 : 0;
}

int initramfs_prepare(const struct initramfs_opts *o, struct vm_config *cfg, struct cpio_buf *out,
		      int *have, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	*have = 0;
	if (o->program && o->initrd) {
		snprintf(err, errlen, "--initrd and a program after -- exclude each other");
		return -1;
	}
	if (o->nr_files && !o->program) {
		snprintf(err, errlen, "--file needs a program after -- to run as init");
		return -1;
	}
	const char *ready = o->initrd ? o->initrd : cfg->initrd[0] ? cfg->initrd : NULL;
	if (!o->program && !ready)
		return 0;
	if (!o->program) {
		if (read_whole_file(ready, out, err, errlen) < 0)
			return -1;
	} else {
		if (cpio_add_file(out, o->program, "init", err, errlen) < 0)
			goto fail;
		for (int i = 0; i < o->nr_files; i++) {
			char host[4096];
			snprintf(host, sizeof(host), "%s", o->files[i]);
			char *colon = strchr(host, ':');
			const char *name = colon ? colon + 1 : strrchr(host, '/') ? strrchr(host, '/') + 1 : host;
			if (colon)
				*colon = 0;
			while (*name == '/')
				name++;
			if (cpio_add_file(out, host, name, err, errlen) < 0)
				goto fail;
		}
		if (cpio_finish(out, err, errlen) < 0)
			goto fail;
		if (o->nr_args && cmdline_append(cfg->cmdline, sizeof(cfg->cmdline), "--") < 0)
			goto too_long;
		for (int i = 0; i < o->nr_args; i++)
			if (cmdline_append(cfg->cmdline, sizeof(cfg->cmdline), o->args[i]) < 0)
				goto too_long;
	}
	char why[256];
	if (cpio_check(out->data, out->len, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "initramfs %s: %s", ready ? ready : "(built)", why);
		goto fail;
	}
	*have = 1;
	return 0;
too_long:
	snprintf(err, errlen, "the program's arguments do not fit the kernel command line "
		 "(%zu bytes, no '\"' allowed)", sizeof(cfg->cmdline) - 1);
fail:
	cpio_free(out);
	return -1;
}

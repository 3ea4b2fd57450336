/*
 * Reading the initramfs in place (kernel/initramfs.h). newc format: a
 * 110-byte ASCII header ("070701", 13 fields of 8 hex digits), the name
 * with its NUL, padding to 4 bytes, the data, padding to 4 bytes; the
 * archive ends with "TRAILER!!!". Directories and other non-regular
 * entries are skipped (we keep a flat file table; paths keep their '/').
 *
 * Switch initramfs_list prints every file with its mode, size and checksum.
 */
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/initramfs.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/page_types.h>

#define MAX_INITRAMFS_FILES 256
#define NEWC_HDR_LEN        110
#define S_IFMT              0170000
#define S_IFREG             0100000

static struct initramfs_file files[MAX_INITRAMFS_FILES];
static unsigned int nr_files;

static bool hex8(const u8 *p, u32 *out)
{
	u32 v = 0;
	for (int i = 0; i < 8; i++) {
		u8 c = p[i];
		u32 d = c >= '0' && c <= '9' ? (u32)(c - '0') : c >= 'a' && c <= 'f' ? (u32)(c - 'a' + 10) :
			c >= 'A' && c <= 'F' ? (u32)(c - 'A' + 10) : 16;
		if (d > 15)
			return false;
		v = v * 16 + d;
	}
	*out = v;
	return true;
}

/* Index the archive at [A, A+LEN); NULL on success, else what is wrong. */
static const char *parse(const u8 *a, u64 len)
{
	u64 off = 0;

	for (;;) {
		u32 mode, filesize, namesize;
		if (len - off < NEWC_HDR_LEN || memcmp(a + off, "070701", 6) != 0)
			return "bad magic or truncated header";
		if (!hex8(a + off + 14, &mode) || !hex8(a + off + 54, &filesize) ||
		    !hex8(a + off + 94, &namesize) || namesize == 0)
			return "malformed header";
		u64 name = off + NEWC_HDR_LEN, body = ALIGN(name + namesize, 4);
		if (namesize > len - name || body > len || filesize > len - body || a[name + namesize - 1])
			return "name or data beyond the archive";
		const char *n = (const char *)a + name;
		if (!strcmp(n, "TRAILER!!!"))
			return NULL;
		while (*n == '/' || (n[0] == '.' && n[1] == '/'))
			n += *n == '/' ? 1 : 2;
		if ((mode & S_IFMT) == S_IFREG && *n) {
			if (nr_files == MAX_INITRAMFS_FILES)
				return "too many files";
			files[nr_files++] = (struct initramfs_file){ n, a + body, filesize, mode };
		}
		off = ALIGN(body + filesize, 4);
		if (off >= len)
			return "no TRAILER!!! entry";
	}
}

u64 initramfs_checksum(const u8 *data, u64 size)
{
	u64 h = 0xcbf29ce484222325ULL, i = 0, w;

	for (; i + 8 <= size; i += 8) {
		memcpy(&w, data + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	for (; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	return h;
}

void initramfs_init(void)
{
	if (!boot_info->initrd_size)
		return;
	const u8 *a = __va(boot_info->initrd_paddr);
	const char *why = parse(a, boot_info->initrd_size);
	if (why) {
		printk("Initramfs unpacking failed: %s\n", why);
		nr_files = 0;
		return;
	}
	printk("initramfs: %u files, %llu KiB at 0x%llx\n", nr_files,
	       (unsigned long long)(boot_info->initrd_size >> 10),
	       (unsigned long long)boot_info->initrd_paddr);
	if (cmdline_has("initramfs_list"))
		for (unsigned int i = 0; i < nr_files; i++)
			printk("initramfs: /%s %o %llu bytes fnv1a64 %016llx\n", files[i].name, files[i].mode,
			       (unsigned long long)files[i].size,
			       (unsigned long long)initramfs_checksum(files[i].data, files[i].size));
}

const struct initramfs_file *initramfs_lookup(const char *path)
{
	while (*path == '/')
		path++;
	for (unsigned int i = 0; i < nr_files; i++)
		if (!strcmp(files[i].name, path))
			return &files[i];
	return NULL;
}

unsigned int initramfs_nr_files(void)
{
	return nr_files;
}

const struct initramfs_file *initramfs_file(unsigned int i)
{
	return i < nr_files ? &files[i] : NULL;
}

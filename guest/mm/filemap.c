/*
 * The page cache (Linux: mm/filemap.c, mm/shmem.c for shared anonymous
 * memory). One struct address_space per initramfs file in use, made on
 * first use; one per MAP_SHARED|MAP_ANONYMOUS mmap, freed with its last
 * VMA. Each holds pages[index]: at most one page per
 * file page, shared by every mapper and by read()/write() (filemap_read,
 * filemap_write), so a MAP_SHARED store is what read() returns.
 *
 * An initramfs page is filled on first use by copying the file's bytes
 * from the archive (the tail of the last page zeroed); we count that as a
 * major fault (pgmajfault), the archive standing in for the disk. The
 * cache holds one reference on each page; mappings add theirs. Pages
 * written through the cache (MAP_SHARED stores, write()) are marked dirty;
 * filemap_drop_caches writes a dirty page back into the archive (the
 * file's bytes, in place: the initramfs is our disk) before dropping it,
 * so nothing written is lost and a later fault or read() sees it. A file's
 * address_space goes too once it has no pages and no user (VMAs and
 * read/write calls hold references).
 *
 * Locking: mappings_lock guards the list of file mappings (and freeing
 * one); each mapping->lock guards its pages[] and nrpages, inside
 * mappings_lock. Faults call in with mm->mmap_lock held (outermost).
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/initramfs.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vma.h>
#include <mm/vm_event_item.h>


static DEFINE_SPINLOCK(mappings_lock);
static LIST_HEAD(file_mappings);

static struct address_space *mapping_create(const struct initramfs_file *host, unsigned long size)
{
	struct address_space *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->host = host;
	m->size = size;
	m->nr_slots = DIV_ROUND_UP(size, PAGE_SIZE);
	m->refcount = 1;
	spin_lock_init(&m->lock);
	INIT_LIST_HEAD(&m->list);
	if (m->nr_slots) {
		m->pages = kzalloc(m->nr_slots * sizeof(struct page *), GFP_KERNEL);
		if (!m->pages) {
			kfree(m);
			return NULL;
		}
	}
	return m;
}

struct address_space *file_mapping(const struct initramfs_file *file)
{
	struct address_space *m, *fresh;

	spin_lock(&mappings_lock);
	list_for_each_entry(m, &file_mappings, list)
		if (m->host == file) {
			mapping_get(m);
			goto out;
		}
	spin_unlock(&mappings_lock);
	fresh = mapping_create(file, file->size);
	if (!fresh)
		return NULL;
	spin_lock(&mappings_lock);
	list_for_each_entry(m, &file_mappings, list)
		if (m->host == file) {
			mapping_get(m);
			kfree(fresh->pages);
			kfree(fresh);
			goto out;
		}
	m = fresh;
	list_add_tail(&m->list, &file_mappings);
out:
	spin_unlock(&mappings_lock);
	return m;
}

struct address_space *shmem_mapping_create(unsigned long size)
{
	return mapping_create(NULL, size);
}

void mapping_get(struct address_space *mapping)
{
	__atomic_fetch_add(&mapping->refcount, 1, __ATOMIC_RELAXED);
}

/* Drop a page from the cache (unmapped, our reference the last). */
static void cache_remove(struct address_space *m, unsigned long i)
{
	struct page *page = m->pages[i];

	m->pages[i] = NULL;
	m->nrpages--;
	page->mapping = NULL;
	ClearPageDirty(page);
	ClearPageUptodate(page);
	ClearPageSwapBacked(page);
	count_vm_events(NR_FILE_PAGES, -1UL);
	put_page(page);
}

/* A file's mapping stays (with its pages) until filemap_drop_caches; a
 * shmem one goes with its last reference. */
void mapping_put(struct address_space *m)
{
	bool file = m->host;    /* read first: once put, a file's m may go */

	if (__atomic_sub_fetch(&m->refcount, 1, __ATOMIC_ACQ_REL) || file)
		return;
	for (unsigned long i = 0; i < m->nr_slots; i++)
		if (m->pages[i])
			cache_remove(m, i);
	kfree(m->pages);
	kfree(m);
}

struct page *filemap_get_page(struct address_space *m, unsigned long index, bool *major)
{
	struct page *page;
	unsigned long off, n;

	*major = false;
	if (index >= m->nr_slots)
		return NULL;
	spin_lock(&m->lock);
	page = m->pages[index];
	if (page)
		get_page(page);
	spin_unlock(&m->lock);
	if (page)
		return page;

	/* Read it in: local node; shared anonymous memory starts zeroed. */
	page = alloc_pages_node(numa_node_id(), GFP_HIGHUSER_MOVABLE | (m->host ? 0 : __GFP_ZERO), 0);
	if (!page)
		return NULL;
	if (m->host) {
		off = index << PAGE_SHIFT;
		n = m->size - off < PAGE_SIZE ? m->size - off : PAGE_SIZE;
		memcpy(page_address(page), m->host->data + off, n);
		if (n < PAGE_SIZE)
			memset((u8 *)page_address(page) + n, 0, PAGE_SIZE - n);
		*major = true;
	} else {
		SetPageSwapBacked(page);
	}
	page->mapping = m;
	page->index = index;
	SetPageUptodate(page);

	spin_lock(&m->lock);
	if (m->pages[index]) {          /* someone else read it meanwhile */
		struct page *theirs = m->pages[index];

		get_page(theirs);
		spin_unlock(&m->lock);
		page->mapping = NULL;
		ClearPageUptodate(page);
		ClearPageSwapBacked(page);
		put_page(page);
		*major = false;
		return theirs;
	}
	m->pages[index] = page;
	m->nrpages++;
	get_page(page);                 /* the caller's; the first is the cache's */
	spin_unlock(&m->lock);
	count_vm_event(NR_FILE_PAGES);
	return page;
}

/* Copy between BUF and the cache of FILE at OFFSET; WRITE: into the cache. */
static long filemap_rw(const struct initramfs_file *file, u64 offset, void *buf,
		       unsigned long len, bool write)
{
	struct address_space *m;
	unsigned long done = 0;
	bool major;

	if (offset >= file->size)
		return 0;
	if (len > file->size - offset)
		len = file->size - offset;
	if (!len)
		return 0;
	m = file_mapping(file);
	if (!m)
		return -ENOMEM;
	while (done < len) {
		unsigned long pos = offset + done, in = pos & ~PAGE_MASK;
		unsigned long n = PAGE_SIZE - in < len - done ? PAGE_SIZE - in : len - done;
		struct page *page = filemap_get_page(m, pos >> PAGE_SHIFT, &major);

		if (!page) {
			mapping_put(m);
			return done ? (long)done : -ENOMEM;
		}
		if (write) {
			memcpy((u8 *)page_address(page) + in, (const u8 *)buf + done, n);
			SetPageDirty(page);
		} else {
			memcpy((u8 *)buf + done, (u8 *)page_address(page) + in, n);
		}
		put_page(page);
		done += n;
	}
	mapping_put(m);
	return (long)done;
}

long filemap_read(const struct initramfs_file *file, u64 offset, void *buf, unsigned long len)
{
	return filemap_rw(file, offset, buf, len, false);
}

long filemap_write(const struct initramfs_file *file, u64 offset, const void *buf,
		   unsigned long len)
{
	return filemap_rw(file, offset, (void *)buf, len, true);
}

/* Copy a dirty page back into the file's bytes in the archive. */
static void writeback_page(struct address_space *m, struct page *page)
{
	unsigned long off = page->index << PAGE_SHIFT;
	unsigned long n = m->size - off < PAGE_SIZE ? m->size - off : PAGE_SIZE;

	memcpy((u8 *)m->host->data + off, page_address(page), n);
	ClearPageDirty(page);
}

unsigned long filemap_drop_caches(void)
{
	struct address_space *m, *tmp;
	unsigned long freed = 0;

	spin_lock(&mappings_lock);
	list_for_each_entry_safe(m, tmp, &file_mappings, list) {
		spin_lock(&m->lock);
		for (unsigned long i = 0; i < m->nr_slots; i++) {
			struct page *page = m->pages[i];

			if (page && !page_mapped(page) && page_ref_count(page) == 1) {
				if (PageDirty(page))
					writeback_page(m, page);
				cache_remove(m, i);
				freed++;
			}
		}
		spin_unlock(&m->lock);
		if (!m->nrpages && !__atomic_load_n(&m->refcount, __ATOMIC_ACQUIRE)) {
			list_del(&m->list);
			kfree(m->pages);
			kfree(m);
		}
	}
	spin_unlock(&mappings_lock);
	return freed;
}

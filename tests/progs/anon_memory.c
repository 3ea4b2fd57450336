/*
 * Anonymous memory: reading fresh memory maps the shared zero page and
 * costs no RSS; writing it does; madvise(MADV_DONTNEED) gives zeroes back.
 */
#include <sys/mman.h>
#include "check.h"

#define PAGE 4096
#define LEN (8UL << 20)

int main(void)
{
	volatile unsigned char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap_anon_8MiB", "mmap");
	long before = vm_rss_kb();
	unsigned long sum = 0;
	for (size_t i = 0; i < LEN; i += PAGE)
		sum += p[i];
	long after_read = vm_rss_kb();
	CHECK(sum == 0, "fresh_memory_reads_zero", "sum %lu", sum);
	CHECK(after_read - before < 1024, "reading_costs_no_rss", "RSS grew %ld kB on reads", after_read - before);
	for (size_t i = 0; i < LEN; i += PAGE)
		p[i] = 1;
	long after_write = vm_rss_kb();
	CHECK(after_write - before >= (long)(LEN >> 10) - 512, "writing_costs_rss",
	      "RSS grew only %ld kB on writes", after_write - before);
	CHECK(madvise((void *)p, LEN, MADV_DONTNEED) == 0, "madvise_dontneed", "madvise");
	sum = 0;
	for (size_t i = 0; i < LEN; i += PAGE)
		sum += p[i];
	CHECK(sum == 0, "dontneed_gives_zeroes", "sum %lu", sum);
	CHECK(vm_rss_kb() - before < 1024, "dontneed_frees_rss", "RSS %ld kB above start", vm_rss_kb() - before);
	return finish();
}

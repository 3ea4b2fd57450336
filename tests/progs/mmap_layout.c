/*
 * Address-space operations: MAP_FIXED_NOREPLACE, mprotect splitting a
 * mapping (and merging back), munmap of a middle range.
 */
#include <signal.h>
#include <sys/mman.h>
#include "check.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define PAGE 4096

static void write_byte(void *addr)
{
	*(volatile char *)addr = 1;
}

static void test_fixed_noreplace(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == MAP_FAILED && errno == EEXIST, "fixed_noreplace_refuses_a_used_range", "got %p", q);
	munmap(p, 4 * PAGE);
	q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == p + PAGE, "fixed_noreplace_takes_a_free_range", "got %p, wanted %p", q, (void *)(p + PAGE));
	munmap(q, PAGE);
}

static void test_mprotect_split(void)
{
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 7, 3 * PAGE);
	CHECK(mprotect(p + PAGE, PAGE, PROT_READ) == 0, "mprotect_middle_page_read_only", "mprotect");
	CHECK(WIFEXITED(in_child(write_byte, p)), "first_page_still_writable", "child died");
	CHECK(WIFEXITED(in_child(write_byte, p + 2 * PAGE)), "last_page_still_writable", "child died");
	CHECK(killed_by(in_child(write_byte, p + PAGE), SIGSEGV), "middle_page_write_faults", "no SIGSEGV");
	CHECK(p[PAGE] == 7, "middle_page_keeps_its_data", "%d", p[PAGE]);
	CHECK(mprotect(p + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect_back_read_write", "mprotect");
	memset(p, 9, 3 * PAGE);
	CHECK(p[0] == 9 && p[PAGE] == 9 && p[2 * PAGE] == 9, "merged_mapping_writable", "data");
	munmap(p, 3 * PAGE);
}

static void test_munmap_middle(void)
{
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 5, 3 * PAGE);
	CHECK(munmap(p + PAGE, PAGE) == 0, "munmap_middle_page", "munmap");
	CHECK(killed_by(in_child(write_byte, p + PAGE), SIGSEGV), "unmapped_middle_faults", "no SIGSEGV");
	CHECK(p[0] == 5 && p[2 * PAGE] == 5, "outer_pages_keep_their_data", "%d %d", p[0], p[2 * PAGE]);
	munmap(p, 3 * PAGE);
}

int main(void)
{
	test_fixed_noreplace();
	test_mprotect_split();
	test_munmap_middle();
	return finish();
}

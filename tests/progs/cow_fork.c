/*
 * Copy-on-write after fork(), as Linux's selftests mm/cow.c "Basic COW
 * after fork()" and its mprotect() variant check: writes in the child are
 * not seen by the parent, writes in the parent after fork are not seen by
 * the child, for one page and for many.
 */
#include <sys/mman.h>
#include "check.h"

#define PAGE 4096

struct region {
	unsigned char *p;
	size_t len;
	int use_mprotect;
};

static void child_writes(void *arg)
{
	struct region *r = arg;
	if (r->use_mprotect) {
		/* cow.c: "with mprotect() optimization": R/O then R/W again first */
		if (mprotect(r->p, r->len, PROT_READ) || mprotect(r->p, r->len, PROT_READ | PROT_WRITE))
			_exit(2);
	}
	memset(r->p, 0x00, r->len);
	_exit(r->p[r->len - 1] == 0x00 ? 0 : 3);
}

static int all_bytes(const unsigned char *p, size_t len, unsigned char v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void test_child_write(size_t pages, int use_mprotect, const char *name)
{
	struct region r = { mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			    pages * PAGE, use_mprotect };
	if (r.p == MAP_FAILED) {
		CHECK(0, name, "mmap");
		return;
	}
	memset(r.p, 0xff, r.len);
	int st = in_child(child_writes, &r);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && all_bytes(r.p, r.len, 0xff), name,
	      "child status %#x, parent sees %#x", st, r.p[0]);
	munmap(r.p, r.len);
}

/* The parent writes after fork; the child must still see the old data. */
static void test_parent_write(size_t pages, const char *name)
{
	size_t len = pages * PAGE;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int go[2], done[2];
	memset(p, 0xaa, len);
	if (pipe(go) || pipe(done)) {
		CHECK(0, name, "pipe");
		return;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(all_bytes(p, len, 0xaa) ? 0 : 1);
	}
	memset(p, 0x55, len);
	if (write(go[1], "x", 1) != 1)
		perror("write");
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && all_bytes(p, len, 0x55), name,
	      "child status %#x", st);
	munmap(p, len);
}

int main(void)
{
	test_child_write(1, 0, "cow_child_write_1_page");
	test_child_write(64, 0, "cow_child_write_64_pages");
	test_child_write(1, 1, "cow_child_write_after_mprotect_1_page");
	test_child_write(64, 1, "cow_child_write_after_mprotect_64_pages");
	test_parent_write(1, "cow_parent_write_1_page");
	test_parent_write(64, "cow_parent_write_64_pages");
	return finish();
}

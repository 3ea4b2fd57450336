/*
 * mmap of a file: MAP_PRIVATE writes are private copies (read() still
 * sees the file), MAP_SHARED writes reach the file (read() sees them) and
 * other shared mappers. argv[1]: a file of at least 2 pages that the
 * program may modify.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include "check.h"

#define PAGE 4096

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: file_mmap FILE\n");
		return 2;
	}
	int fd = open(argv[1], O_RDWR);
	CHECK(fd >= 0, "open_file", "open %s", argv[1]);
	char orig, now;
	CHECK(pread(fd, &orig, 1, 0) == 1, "read_first_byte", "pread");

	char *priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(priv != MAP_FAILED && priv[0] == orig, "private_map_shows_the_file", "mmap");
	priv[0] = (char)(orig + 1);
	CHECK(pread(fd, &now, 1, 0) == 1 && now == orig, "private_write_is_not_in_the_file", "file has %d", now);

	char *sh1 = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *sh2 = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(sh1 != MAP_FAILED && sh2 != MAP_FAILED, "two_shared_maps", "mmap");
	sh1[PAGE + 3] = 'Z';
	CHECK(sh2[PAGE + 3] == 'Z', "shared_write_seen_by_other_mapper", "%c", sh2[PAGE + 3]);
	CHECK(pread(fd, &now, 1, PAGE + 3) == 1 && now == 'Z', "shared_write_seen_by_read", "%c", now);
	CHECK(priv[PAGE + 3] == 'Z', "private_map_still_shows_unwritten_file_pages", "%c", priv[PAGE + 3]);
	return finish();
}

/*
 * Writes a few well-formed inputs for fuzz_swap_req (layout: fuzz_swap.h)
 * into the directory given: a read, a write, a flush, GET_ID, a request
 * over an indirect table, and a batch of several, so the fuzzer starts
 * from chains that get past the first checks.
 *   gen_seeds DIR
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz/fuzz_swap.h"
#include "gmm/virtio.h"

static uint8_t img[FZ_HDR_BYTES + FZ_R0_SIZE + FZ_R1_SIZE];

static void *at(uint64_t gpa)
{
	if (gpa >= FZ_R1_GPA)
		return img + FZ_HDR_BYTES + FZ_R0_SIZE + (gpa - FZ_R1_GPA);
	return img + FZ_HDR_BYTES + (gpa - FZ_R0_GPA);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc d = { addr, len, flags, next };

	memcpy(at(FZ_DESC + 16ULL * i), &d, sizeof(d));
}

static void req(unsigned i, unsigned num, uint32_t type, uint64_t sector, uint32_t len,
		bool write)
{
	struct virtio_blk_outhdr h = { type, 0, sector };
	uint64_t hdr = FZ_R0_GPA + 0x2000 + 32ULL * i, st = FZ_R0_GPA + 0x2800 + i;
	uint64_t data = FZ_R0_GPA + 0x3000 + 0x1000ULL * (i % 4);
	struct vring_avail *a = at(fz_avail(num));

	memcpy(at(hdr), &h, sizeof(h));
	desc(3 * i, hdr, 16, VIRTQ_DESC_F_NEXT, len ? 3 * i + 1 : 3 * i + 2);
	if (len)
		desc(3 * i + 1, data, len, VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE),
		     3 * i + 2);
	desc(3 * i + 2, st, 1, VIRTQ_DESC_F_WRITE, 0);
	a->ring[a->idx % num] = (uint16_t)(3 * i);
	a->idx++;
}

static int save(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(img, sizeof(img), 1, f) != 1) {
		perror(path);
		return -1;
	}
	fclose(f);
	memset(img, 0, sizeof(img));
	return 0;
}

int main(int argc, char **argv)
{
	const unsigned num = 16;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	img[0] = 4;                                   /* 16 entries */
	req(0, num, VIRTIO_BLK_T_IN, 8, 4096, false);
	rc |= save(argv[1], "read");
	img[0] = 4;
	req(0, num, VIRTIO_BLK_T_OUT, 0, 1024, true);
	rc |= save(argv[1], "write");
	img[0] = 4;
	img[1] = 1;                                   /* EVENT_IDX */
	req(0, num, VIRTIO_BLK_T_FLUSH, 0, 0, false);
	req(1, num, VIRTIO_BLK_T_GET_ID, 0, 20, false);
	req(2, num, VIRTIO_BLK_T_IN, 60, 2048, false);
	req(3, num, VIRTIO_BLK_T_OUT, 1, 512, true);
	rc |= save(argv[1], "batch");

	/* indirect: the head points at a table of three in region 1 */
	img[0] = 4;
	img[1] = 2;
	{
		struct virtio_blk_outhdr h = { VIRTIO_BLK_T_IN, 0, 0 };
		struct vring_desc t[3] = {
			{ FZ_R0_GPA + 0x2000, 16, VIRTQ_DESC_F_NEXT, 1 },
			{ FZ_R0_GPA + 0x3000, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2 },
			{ FZ_R0_GPA + 0x2800, 1, VIRTQ_DESC_F_WRITE, 0 },
		};
		struct vring_avail *a = at(fz_avail(num));

		memcpy(at(FZ_R0_GPA + 0x2000), &h, sizeof(h));
		memcpy(at(FZ_R1_GPA), t, sizeof(t));
		desc(0, FZ_R1_GPA, sizeof(t), VIRTQ_DESC_F_INDIRECT, 0);
		a->ring[0] = 0;
		a->idx = 1;
	}
	rc |= save(argv[1], "indirect");
	return rc ? 1 : 0;
}

/*
 * The input format of the swap request fuzzer (fuzz_swap_req.c), shared
 * with the seed generator (gen_seeds.c):
 *   byte 0      log2 of the queue size (taken mod 9: 1..256 entries)
 *   byte 1      bit 0 VIRTIO_F_EVENT_IDX, bit 1 VIRTIO_F_INDIRECT_DESC,
 *               bit 2 read-only disk
 *   byte 2-3    reserved
 *   byte 4...   guest RAM image: region 0 (FZ_R0_SIZE bytes at FZ_R0_GPA)
 *               then region 1 (FZ_R1_SIZE at FZ_R1_GPA); missing bytes are 0
 * The queue sits at fixed places in region 0: descriptors at FZ_DESC,
 * avail ring right after them, used ring at FZ_USED.
 */
#ifndef FUZZ_SWAP_H
#define FUZZ_SWAP_H

#define FZ_HDR_BYTES   4
#define FZ_R0_GPA      0x10000ULL
#define FZ_R0_SIZE     0x8000ULL
#define FZ_R1_GPA      0x20000ULL   /* a hole between the regions */
#define FZ_R1_SIZE     0x1000ULL
#define FZ_DESC        FZ_R0_GPA
#define FZ_USED        (FZ_R0_GPA + 0x1400)
#define FZ_CAPACITY    64           /* disk sectors */

static inline unsigned long long fz_avail(unsigned num)
{
	return FZ_DESC + 16ULL * num;
}

#endif

/*
 * libFuzzer target over the swap device's request parser: the input is a
 * guest RAM image holding a virtqueue (layout: fuzz_swap.h). The device
 * side takes every available chain exactly as the I/O thread does
 * (vring_avail_pending, vring_pop, vring_read_chain, blk_req_parse),
 * "does" the I/O by touching every byte of every iovec, writes the status
 * and used entries, and checks what decision 9 promises: each iovec and
 * the status byte lie inside guest RAM, inside the chain's own buffers'
 * direction, and clear of the rings. Each region is its own allocation,
 * so AddressSanitizer catches a byte out of place.
 *
 *   make fuzz                                   build build/fuzz/fuzz_swap_req
 *   fuzz/run-fuzz.sh 600                        ten minutes, corpus in build/fuzz/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_swap.h"
#include "host/swap/blk_req.h"
#include "host/swap/vring.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static struct guest_mem mem;
static struct vring_buf bufs[VRING_NUM_MAX];
static struct iovec iov[VRING_NUM_MAX];

/* The region a host range lies in, or -1. */
static int region_of(const uint8_t *p, uint64_t len, uint64_t *gpa)
{
	for (int i = 0; i < mem.nr_regions; i++) {
		const struct guest_region *r = &mem.region[i];

		if (p >= r->hva && p + len <= r->hva + r->size && p + len >= p) {
			*gpa = r->gpa + (uint64_t)(p - r->hva);
			return i;
		}
	}
	return -1;
}

static void check_range(const struct vring *vr, const uint8_t *p, uint64_t len)
{
	uint64_t gpa;

	CHECK(region_of(p, len, &gpa) >= 0);
	CHECK(!vring_overlaps(vr, gpa, len));
}

/* The range must lie inside one of the chain's buffers of that direction. */
static void check_in_bufs(const uint8_t *p, uint64_t len, unsigned nr, bool write)
{
	for (unsigned i = 0; i < nr; i++)
		if (bufs[i].write == write && p >= bufs[i].hva && p + len <= bufs[i].hva + bufs[i].len)
			return;
	__builtin_trap();
}

static void serve(const uint8_t *cfg)
{
	struct blk_limits lim = { .capacity = FZ_CAPACITY, .seg_max = VRING_NUM_MAX - 2,
				  .readonly = cfg[1] & 4, .serial = "fuzz" };
	uint32_t num = 1u << (cfg[0] % 9);
	uint64_t features = (cfg[1] & 1 ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0) |
			    (cfg[1] & 2 ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0);
	struct vring vr;
	const char *why;
	int n, rounds = 0;

	if (vring_init(&vr, &mem, num, FZ_DESC, fz_avail(num), FZ_USED, features, &why))
		return;
	while (rounds++ < 4) {
		vring_disable_notify(&vr);
		n = vring_avail_pending(&vr, &why);
		if (n <= 0)
			break;
		while (n--) {
			unsigned nr_out;
			struct blk_req req;
			uint16_t head = vring_pop(&vr);
			int nr = vring_read_chain(&vr, head, bufs, vr.num, &nr_out, &why);
			enum blk_action act;
			volatile uint8_t sink = 0;
			uint64_t sum = 0;

			if (nr < 0)
				return;   /* broken: the device stops here */
			CHECK(nr >= 1 && (unsigned)nr <= vr.num && nr_out <= (unsigned)nr);
			for (int i = 0; i < nr; i++)
				check_range(&vr, bufs[i].hva, bufs[i].len);
			act = blk_req_parse(bufs, (unsigned)nr, nr_out, &lim, iov, &req, &why);
			if (act == BLK_BROKEN)
				return;
			check_range(&vr, req.status_hva, 1);
			check_in_bufs(req.status_hva, 1, (unsigned)nr, true);
			CHECK(req.nr_iov <= (unsigned)nr);
			for (unsigned i = 0; i < req.nr_iov; i++) {
				uint8_t *b = iov[i].iov_base;

				CHECK(iov[i].iov_len > 0);
				check_range(&vr, b, iov[i].iov_len);
				check_in_bufs(b, iov[i].iov_len, (unsigned)nr, act != BLK_SUBMIT_WRITE);
				sum += iov[i].iov_len;
				if (act == BLK_SUBMIT_READ)
					memset(b, 0xa5, iov[i].iov_len);     /* the "disk" fills it */
				else
					for (size_t k = 0; k < iov[i].iov_len; k++)
						sink ^= b[k];
			}
			(void)sink;
			if (act != BLK_COMPLETE)
				CHECK(sum == req.data_len);
			if (act == BLK_SUBMIT_READ || act == BLK_SUBMIT_WRITE) {
				CHECK(req.data_len && req.data_len % 512 == 0);
				CHECK(req.sector + req.data_len / 512 <= FZ_CAPACITY);
				CHECK(!(act == BLK_SUBMIT_WRITE && lim.readonly));
			}
			*req.status_hva = act == BLK_COMPLETE ? req.status : VIRTIO_BLK_S_OK;
			vring_push_used(&vr, head, req.used_len);
		}
		vring_publish(&vr);
		if (!vring_enable_notify(&vr))
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t gpa[2] = { FZ_R0_GPA, FZ_R1_GPA }, len[2] = { FZ_R0_SIZE, FZ_R1_SIZE };
	uint8_t cfg[FZ_HDR_BYTES] = { 0 };

	memcpy(cfg, data, size < FZ_HDR_BYTES ? size : FZ_HDR_BYTES);
	data += size < FZ_HDR_BYTES ? size : FZ_HDR_BYTES;
	size -= size < FZ_HDR_BYTES ? size : FZ_HDR_BYTES;
	memset(&mem, 0, sizeof(mem));
	for (int i = 0; i < 2; i++) {
		struct guest_region *r = &mem.region[i];
		size_t n = size < len[i] ? size : len[i];

		r->hva = aligned_alloc(4096, len[i]);
		memset(r->hva, 0, len[i]);
		memcpy(r->hva, data, n);
		data += n;
		size -= n;
		r->gpa = gpa[i];
		r->size = len[i];
		r->slot = -1;
		mem.nr_regions++;
	}
	serve(cfg);
	for (int i = 0; i < 2; i++)
		free(mem.region[i].hva);
	return 0;
}

/*
 * virtio-blk requests (virtio 1.2, 5.2.6): from a checked descriptor chain
 * to what the backend does. Pure functions, no I/O, no locking: the fuzz
 * target (fuzz/fuzz_swap_req.c) drives them directly.
 *
 * Framing is the driver's choice (2.6.4): the 16-byte header may span
 * buffers; the status is the last byte of the last writable buffer; the
 * data is what lies between. Which faults are which:
 *   broken (protocol violation, device needs reset): no writable byte for
 *     the status, header shorter than 16 bytes;
 *   VIRTIO_BLK_S_IOERR (that request fails): data in the wrong direction
 *     (e.g. a read into a device-readable buffer), empty or not a multiple
 *     of 512 bytes, sectors past the end, more segments than seg_max, a
 *     write to a read-only disk;
 *   VIRTIO_BLK_S_UNSUPP: unknown request type.
 */
#ifndef SWAP_BLK_REQ_H
#define SWAP_BLK_REQ_H

#include <stdint.h>
#include <sys/uio.h>

#include "host/swap/vring.h"

/* What the disk looks like to the parser. */
struct blk_limits {
	uint64_t capacity;      /* sectors of 512 bytes */
	uint32_t seg_max;       /* data segments per request */
	bool     readonly;
	char     serial[VIRTIO_BLK_ID_BYTES]; /* GET_ID answer, NUL-padded */
};

enum blk_action {
	BLK_BROKEN = -1,        /* protocol violation: *why says which */
	BLK_COMPLETE = 0,       /* done already: write `status`, return the chain */
	BLK_SUBMIT_READ,        /* readv  `iov` from byte `sector * 512` */
	BLK_SUBMIT_WRITE,       /* writev `iov` to   byte `sector * 512` */
	BLK_SUBMIT_FLUSH,       /* fdatasync */
};

struct blk_req {
	uint32_t type;          /* VIRTIO_BLK_T_* from the header */
	uint64_t sector;
	struct iovec *iov;      /* data segments (host pointers into guest RAM) */
	unsigned nr_iov;
	uint64_t data_len;      /* sum of iov lengths */
	uint8_t *status_hva;    /* where the status byte goes */
	uint8_t  status;        /* for BLK_COMPLETE */
	uint32_t used_len;      /* bytes of the chain that are device-writable */
};

/* Decide what the chain BUFS[0..NR) (NR_OUT readable first) asks. IOV has
 * room for NR entries. For GET_ID the answer is written here (into the
 * chain's writable data buffers only). */
enum blk_action blk_req_parse(const struct vring_buf *bufs, unsigned nr, unsigned nr_out,
			      const struct blk_limits *lim, struct iovec *iov,
			      struct blk_req *req, const char **why);

/* The byte string the device answers GET_ID with, from a disk path. */
void blk_serial_from_path(char serial[VIRTIO_BLK_ID_BYTES], const char *path);

#endif

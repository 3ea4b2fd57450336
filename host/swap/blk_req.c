/*
 * virtio-blk request parsing. See blk_req.h for the fault classes.
 */
#include <string.h>

#include "host/swap/blk_req.h"

/* Copy LEN bytes starting OFF bytes into the readable buffers. */
static void copy_from_bufs(const struct vring_buf *bufs, unsigned nr_out, uint64_t off,
			   void *dst, uint64_t len)
{
	uint8_t *d = dst;

	for (unsigned i = 0; i < nr_out && len; i++) {
		uint64_t n;

		if (off >= bufs[i].len) {
			off -= bufs[i].len;
			continue;
		}
		n = bufs[i].len - off;
		if (n > len)
			n = len;
		memcpy(d, bufs[i].hva + off, n);
		d += n;
		len -= n;
		off = 0;
	}
}

/* Describe bytes [OFF, OFF+LEN) of BUFS[first..end) as iovecs. */
static unsigned slice_bufs(const struct vring_buf *bufs, unsigned first, unsigned end,
			   uint64_t off, uint64_t len, struct iovec *iov)
{
	unsigned n = 0;

	for (unsigned i = first; i < end && len; i++) {
		uint64_t take;

		if (off >= bufs[i].len) {
			off -= bufs[i].len;
			continue;
		}
		take = bufs[i].len - off;
		if (take > len)
			take = len;
		iov[n].iov_base = bufs[i].hva + off;
		iov[n].iov_len = take;
		n++;
		len -= take;
		off = 0;
	}
	return n;
}

static enum blk_action complete(struct blk_req *req, uint8_t status)
{
	req->status = status;
	req->nr_iov = 0;
	req->data_len = 0;
	return BLK_COMPLETE;
}

/* IN/OUT: the data must be whole sectors inside the disk. */
static enum blk_action check_rw(struct blk_req *req, const struct blk_limits *lim)
{
	uint64_t nsect = req->data_len >> VIRTIO_BLK_SECTOR_SHIFT;

	if (req->data_len == 0 || (req->data_len & (VIRTIO_BLK_SECTOR_SIZE - 1)))
		return complete(req, VIRTIO_BLK_S_IOERR);
	if (req->sector > lim->capacity || nsect > lim->capacity - req->sector)
		return complete(req, VIRTIO_BLK_S_IOERR);
	if (req->nr_iov > lim->seg_max)
		return complete(req, VIRTIO_BLK_S_IOERR);
	if (req->type == VIRTIO_BLK_T_OUT && lim->readonly)
		return complete(req, VIRTIO_BLK_S_IOERR);
	return req->type == VIRTIO_BLK_T_IN ? BLK_SUBMIT_READ : BLK_SUBMIT_WRITE;
}

enum blk_action blk_req_parse(const struct vring_buf *bufs, unsigned nr, unsigned nr_out,
			      const struct blk_limits *lim, struct iovec *iov,
			      struct blk_req *req, const char **why)
{
	struct virtio_blk_outhdr hdr;
	uint64_t out_len = 0, in_len = 0;
	const struct vring_buf *last;

	memset(req, 0, sizeof(*req));
	req->iov = iov;
	for (unsigned i = 0; i < nr; i++) {
		if (i < nr_out)
			out_len += bufs[i].len;
		else
			in_len += bufs[i].len;
	}
	if (in_len == 0) {
		*why = "request has no writable status byte";
		return BLK_BROKEN;
	}
	if (out_len < sizeof(hdr)) {
		*why = "request header shorter than 16 bytes";
		return BLK_BROKEN;
	}
	last = &bufs[nr - 1];
	req->status_hva = last->hva + last->len - 1;
	req->used_len = in_len > UINT32_MAX ? UINT32_MAX : (uint32_t)in_len;

	copy_from_bufs(bufs, nr_out, 0, &hdr, sizeof(hdr));
	req->type = hdr.type;
	req->sector = hdr.sector;
	out_len -= sizeof(hdr);   /* data the driver gave us */
	in_len -= 1;              /* room the driver gave us for data */

	switch (req->type) {
	case VIRTIO_BLK_T_IN:
		if (out_len)      /* data we would have to write into read-only buffers */
			return complete(req, VIRTIO_BLK_S_IOERR);
		req->nr_iov = slice_bufs(bufs, nr_out, nr, 0, in_len, iov);
		req->data_len = in_len;
		return check_rw(req, lim);
	case VIRTIO_BLK_T_OUT:
		if (in_len)
			return complete(req, VIRTIO_BLK_S_IOERR);
		req->nr_iov = slice_bufs(bufs, 0, nr_out, sizeof(hdr), out_len, iov);
		req->data_len = out_len;
		return check_rw(req, lim);
	case VIRTIO_BLK_T_FLUSH:
		if (out_len || in_len)
			return complete(req, VIRTIO_BLK_S_IOERR);
		return BLK_SUBMIT_FLUSH;
	case VIRTIO_BLK_T_GET_ID: {
		unsigned n;

		if (out_len || in_len == 0)
			return complete(req, VIRTIO_BLK_S_IOERR);
		n = slice_bufs(bufs, nr_out, nr, 0,
			       in_len < VIRTIO_BLK_ID_BYTES ? in_len : VIRTIO_BLK_ID_BYTES, iov);
		for (unsigned i = 0, off = 0; i < n; off += iov[i].iov_len, i++)
			memcpy(iov[i].iov_base, lim->serial + off, iov[i].iov_len);
		return complete(req, VIRTIO_BLK_S_OK);
	}
	default:
		return complete(req, VIRTIO_BLK_S_UNSUPP);
	}
}

void blk_serial_from_path(char serial[VIRTIO_BLK_ID_BYTES], const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	memset(serial, 0, VIRTIO_BLK_ID_BYTES);
	n = strlen(base);
	if (n > VIRTIO_BLK_ID_BYTES)
		base += n - VIRTIO_BLK_ID_BYTES;   /* keep the distinctive tail */
	memcpy(serial, base, n < VIRTIO_BLK_ID_BYTES ? n : VIRTIO_BLK_ID_BYTES);
}

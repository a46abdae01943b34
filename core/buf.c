/* See include/bmc/buf.h. */
#include "bmc/buf.h"

#include <string.h>

void rd_init(struct bmc_reader *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->pos = 0;
	r->err = false;
}

const uint8_t *rd_ptr(struct bmc_reader *r, size_t n)
{
	if (r->err || n > r->len - r->pos) {
		r->err = true;
		return NULL;
	}
	const uint8_t *q = r->p + r->pos;
	r->pos += n;
	return q;
}

uint8_t rd_u8(struct bmc_reader *r)
{
	const uint8_t *q = rd_ptr(r, 1);
	return q ? q[0] : 0;
}

uint16_t rd_u16le(struct bmc_reader *r)
{
	const uint8_t *q = rd_ptr(r, 2);
	return (uint16_t)(q ? q[0] | q[1] << 8 : 0);
}

uint32_t rd_u32le(struct bmc_reader *r)
{
	const uint8_t *q = rd_ptr(r, 4);
	return q ? (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24 : 0;
}

uint16_t rd_u16be(struct bmc_reader *r)
{
	const uint8_t *q = rd_ptr(r, 2);
	return (uint16_t)(q ? q[0] << 8 | q[1] : 0);
}

uint32_t rd_u32be(struct bmc_reader *r)
{
	const uint8_t *q = rd_ptr(r, 4);
	return q ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | (uint32_t)q[3] : 0;
}

void rd_bytes(struct bmc_reader *r, void *out, size_t n)
{
	const uint8_t *q = rd_ptr(r, n);
	if (q)
		memcpy(out, q, n);
	else if (n)
		memset(out, 0, n);
}

void rd_skip(struct bmc_reader *r, size_t n)
{
	(void)rd_ptr(r, n);
}

size_t rd_left(const struct bmc_reader *r)
{
	return r->err ? 0 : r->len - r->pos;
}

bool rd_ok(const struct bmc_reader *r)
{
	return !r->err;
}

bool rd_done(const struct bmc_reader *r)
{
	return !r->err && r->pos == r->len;
}

void wr_init(struct bmc_writer *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = p ? cap : 0;
	w->len = 0;
	w->err = false;
}

uint8_t *wr_reserve(struct bmc_writer *w, size_t n)
{
	if (w->err || n > w->cap - w->len) {
		w->err = true;
		return NULL;
	}
	uint8_t *q = w->p + w->len;
	w->len += n;
	return q;
}

void wr_u8(struct bmc_writer *w, uint8_t v)
{
	uint8_t *q = wr_reserve(w, 1);
	if (q)
		q[0] = v;
}

void wr_u16le(struct bmc_writer *w, uint16_t v)
{
	uint8_t *q = wr_reserve(w, 2);
	if (q) {
		q[0] = (uint8_t)v;
		q[1] = (uint8_t)(v >> 8);
	}
}

void wr_u32le(struct bmc_writer *w, uint32_t v)
{
	uint8_t *q = wr_reserve(w, 4);
	if (q) {
		q[0] = (uint8_t)v;
		q[1] = (uint8_t)(v >> 8);
		q[2] = (uint8_t)(v >> 16);
		q[3] = (uint8_t)(v >> 24);
	}
}

void wr_u16be(struct bmc_writer *w, uint16_t v)
{
	uint8_t *q = wr_reserve(w, 2);
	if (q) {
		q[0] = (uint8_t)(v >> 8);
		q[1] = (uint8_t)v;
	}
}

void wr_u32be(struct bmc_writer *w, uint32_t v)
{
	uint8_t *q = wr_reserve(w, 4);
	if (q) {
		q[0] = (uint8_t)(v >> 24);
		q[1] = (uint8_t)(v >> 16);
		q[2] = (uint8_t)(v >> 8);
		q[3] = (uint8_t)v;
	}
}

void wr_bytes(struct bmc_writer *w, const void *src, size_t n)
{
	uint8_t *q = wr_reserve(w, n);
	if (q && n)
		memcpy(q, src, n);
}

void wr_zero(struct bmc_writer *w, size_t n)
{
	uint8_t *q = wr_reserve(w, n);
	if (q && n)
		memset(q, 0, n);
}

size_t wr_len(const struct bmc_writer *w)
{
	return w->len;
}

size_t wr_room(const struct bmc_writer *w)
{
	return w->err ? 0 : w->cap - w->len;
}

bool wr_ok(const struct bmc_writer *w)
{
	return !w->err;
}

/* Bounds-checked byte reader and writer: the only code that indexes packet bytes.
 * Both record the first error and turn every later call into a no-op that yields
 * zeros, so a parser reads a whole structure and checks rd_ok() once at the end. */
#ifndef BMC_BUF_H
#define BMC_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bmc_reader {
	const uint8_t *p;
	size_t len;
	size_t pos;
	bool err;
};

struct bmc_writer {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool err;
};

void rd_init(struct bmc_reader *r, const void *p, size_t len);
uint8_t rd_u8(struct bmc_reader *r);
uint16_t rd_u16le(struct bmc_reader *r);
uint32_t rd_u32le(struct bmc_reader *r);
uint16_t rd_u16be(struct bmc_reader *r);
uint32_t rd_u32be(struct bmc_reader *r);
/* Copies n bytes to out (zero-filled on error). */
void rd_bytes(struct bmc_reader *r, void *out, size_t n);
/* Returns a pointer to the next n bytes and consumes them, or NULL on error. */
const uint8_t *rd_ptr(struct bmc_reader *r, size_t n);
void rd_skip(struct bmc_reader *r, size_t n);
size_t rd_left(const struct bmc_reader *r);
bool rd_ok(const struct bmc_reader *r);
/* True when no error occurred and every byte was consumed: exact-length parsing. */
bool rd_done(const struct bmc_reader *r);

void wr_init(struct bmc_writer *w, void *p, size_t cap);
void wr_u8(struct bmc_writer *w, uint8_t v);
void wr_u16le(struct bmc_writer *w, uint16_t v);
void wr_u32le(struct bmc_writer *w, uint32_t v);
void wr_u16be(struct bmc_writer *w, uint16_t v);
void wr_u32be(struct bmc_writer *w, uint32_t v);
void wr_bytes(struct bmc_writer *w, const void *src, size_t n);
void wr_zero(struct bmc_writer *w, size_t n);
/* Reserves n bytes and returns where to write them, or NULL on overflow. */
uint8_t *wr_reserve(struct bmc_writer *w, size_t n);
size_t wr_len(const struct bmc_writer *w);
size_t wr_room(const struct bmc_writer *w);
bool wr_ok(const struct bmc_writer *w);

#endif

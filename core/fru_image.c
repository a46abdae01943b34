/* FRU image building and checking. See fru_image.h; section numbers are those of the
 * Platform Management FRU Information Storage Definition v1.0 rev 1.3 ("FRU spec").
 *
 * The checker is the one place that walks image bytes a client may have written, so it
 * trusts nothing: every read goes through a struct bmc_reader bounded by the image or
 * by the area being walked, and every loop consumes at least one byte per turn. */
#include <string.h>

#include "bmc/buf.h"
#include "fru_image.h"

#define FRU_VERSION 0x01      /* §8, §9, §10, §11, §12: format version 1h, bits 7:4 zero */
#define FRU_END_OF_FIELDS 0xC1 /* §13: type/length byte that ends an area's fields */
#define FRU_TL_ASCII 0xC0     /* §13.1: type 11b, 8-bit ASCII + Latin 1 with an English language */
#define FRU_LANG_ENGLISH 0x00 /* §11, §12: language code 00h means English */
#define MR_HDR_LEN 5          /* §16.1: type, flags/version, length, record sum, header sum */
#define MR_VERSION 0x02       /* §16.1: record format version 2h */
#define MR_END_OF_LIST 0x80

/* Sum of len bytes, mod 256. A "zero checksum" (§8, §10-§12, §16.1) makes it 0. */
static uint8_t sum8(const uint8_t *p, size_t len)
{
	struct bmc_reader r;
	uint8_t s = 0;
	rd_init(&r, p, len);
	while (rd_left(&r) > 0)
		s = (uint8_t)(s + rd_u8(&r));
	return s;
}

/* ---- building ---- */

/* Struct strings are NUL-terminated, but a backend's bytes are not trusted to be: the
 * length never exceeds the 32 characters a field of bmc_fru_info may hold. */
static size_t text_len(const char *s)
{
	size_t n = 0;
	while (n < BMC_FRU_FIELD_MAX && s[n] != '\0')
		n++;
	return n;
}

/* One 8-bit ASCII field, §13.1. C0h is an empty field. A one-character string cannot be
 * written as C1h (that is end-of-fields), and §13.1 asks for at least two data bytes
 * in this type, so it gets a trailing space, which readers strip. */
static void put_text(struct bmc_writer *w, const char *s)
{
	size_t n = text_len(s);
	if (n == 1) {
		wr_u8(w, FRU_TL_ASCII | 2);
		wr_u8(w, (uint8_t)s[0]);
		wr_u8(w, ' ');
		return;
	}
	wr_u8(w, (uint8_t)(FRU_TL_ASCII | n));
	wr_bytes(w, s, n);
}

/* Starts an info area (§10-§12 byte 0 version, byte 1 length) and returns where its
 * length byte goes, filled in by area_end. */
static uint8_t *area_begin(struct bmc_writer *w)
{
	wr_u8(w, FRU_VERSION);
	return wr_reserve(w, 1);
}

/* Ends an info area begun at `start`: end-of-fields, zero pad so that the area with its
 * checksum byte is a multiple of 8, and the checksum. Returns the area's length in
 * 8-byte blocks (0 on overflow). */
static uint8_t area_end(struct bmc_writer *w, size_t start, uint8_t *lenp)
{
	wr_u8(w, FRU_END_OF_FIELDS);
	size_t used = wr_len(w) - start + 1;
	wr_zero(w, (BMC_FRU_BLOCK - used % BMC_FRU_BLOCK) % BMC_FRU_BLOCK);
	if (!wr_ok(w) || !lenp)
		return 0;
	size_t blocks = (wr_len(w) - start + 1) / BMC_FRU_BLOCK;
	if (blocks > 0xFF)
		return 0;
	*lenp = (uint8_t)blocks;
	struct bmc_reader r;
	rd_init(&r, w->p, wr_len(w));
	rd_skip(&r, start);
	size_t n = rd_left(&r);
	wr_u8(w, (uint8_t)(0x100 - sum8(rd_ptr(&r, n), n)));
	return wr_ok(w) ? (uint8_t)blocks : 0;
}

size_t bmc_fru_image_build(const struct bmc_fru_info *info, uint8_t *out, size_t cap, size_t size)
{
	struct bmc_writer w;
	uint8_t off[3], *lenp;
	size_t start;

	if (size > cap || size < BMC_FRU_BLOCK)
		return 0;
	wr_init(&w, out, size);
	wr_zero(&w, BMC_FRU_BLOCK); /* the common header, written last */

	/* §10 chassis info area. SMBIOS chassis type 00h does not exist: 02h is "Unknown". */
	start = wr_len(&w);
	off[0] = (uint8_t)(start / BMC_FRU_BLOCK);
	lenp = area_begin(&w);
	wr_u8(&w, info->chassis_type ? info->chassis_type : 0x02);
	put_text(&w, info->chassis_part);
	put_text(&w, info->chassis_serial);
	if (!area_end(&w, start, lenp))
		return 0;

	/* §11 board area: English, 3-byte manufacturing time in minutes since 1996-01-01,
	 * least significant byte first; an empty FRU file id. */
	start = wr_len(&w);
	off[1] = (uint8_t)(start / BMC_FRU_BLOCK);
	lenp = area_begin(&w);
	wr_u8(&w, FRU_LANG_ENGLISH);
	wr_u8(&w, (uint8_t)(info->board_mfg_minutes & 0xFF));
	wr_u8(&w, (uint8_t)((info->board_mfg_minutes >> 8) & 0xFF));
	wr_u8(&w, (uint8_t)((info->board_mfg_minutes >> 16) & 0xFF));
	put_text(&w, info->board_mfr);
	put_text(&w, info->board_product);
	put_text(&w, info->board_serial);
	put_text(&w, info->board_part);
	put_text(&w, "");
	if (!area_end(&w, start, lenp))
		return 0;

	/* §12 product info area. */
	start = wr_len(&w);
	off[2] = (uint8_t)(start / BMC_FRU_BLOCK);
	lenp = area_begin(&w);
	wr_u8(&w, FRU_LANG_ENGLISH);
	put_text(&w, info->product_mfr);
	put_text(&w, info->product_name);
	put_text(&w, info->product_part);
	put_text(&w, info->product_version);
	put_text(&w, info->product_serial);
	put_text(&w, info->product_asset);
	put_text(&w, "");
	if (!area_end(&w, start, lenp))
		return 0;

	/* The rest of the device reads as zeros, like an erased-to-zero EEPROM. */
	wr_zero(&w, size - wr_len(&w));
	if (!wr_ok(&w))
		return 0;

	/* §8 common header: version, internal use (none), chassis, board, product,
	 * MultiRecord (none), pad, checksum. */
	uint8_t hdr[BMC_FRU_BLOCK] = {FRU_VERSION, 0, off[0], off[1], off[2], 0, 0, 0};
	hdr[7] = (uint8_t)(0x100 - sum8(hdr, 7));
	struct bmc_writer h;
	wr_init(&h, out, BMC_FRU_BLOCK);
	wr_bytes(&h, hdr, sizeof hdr);
	return wr_ok(&h) ? size : 0;
}

/* ---- checking ---- */

/* Walks an info area's type/length fields after its fixed bytes: `nfixed` mandatory
 * fields (recorded in f[]), then custom fields until C1h (§10-§13). The reader covers
 * the area without its checksum byte; `base` is the area's offset in the image. */
static enum bmc_fru_err walk_fields(struct bmc_reader *r, size_t base, struct bmc_fru_field *f, size_t nfixed,
				    uint8_t *custom)
{
	for (size_t i = 0; i < nfixed; i++) {
		uint8_t tl = rd_u8(r);
		if (!rd_ok(r) || tl == FRU_END_OF_FIELDS)
			return FRU_ERR_FIELDS;
		f[i].off = (uint16_t)(base + r->pos);
		f[i].len = tl & 0x3F;
		f[i].type = (uint8_t)(tl >> 6);
		rd_skip(r, f[i].len);
		if (!rd_ok(r))
			return FRU_ERR_FIELDS;
	}
	/* Each turn consumes at least the type/length byte, so this ends. */
	for (;;) {
		uint8_t tl = rd_u8(r);
		if (!rd_ok(r))
			return FRU_ERR_FIELDS; /* no end-of-fields marker in the area */
		if (tl == FRU_END_OF_FIELDS)
			return FRU_OK;
		rd_skip(r, tl & 0x3Fu);
		if (!rd_ok(r))
			return FRU_ERR_FIELDS;
		if (*custom < 0xFF)
			(*custom)++;
	}
}

/* Locates an info area from its header offset byte (§8): version, length, bounds and
 * checksum (§10-§12). On success *area describes it and *body reads it without the
 * checksum byte, positioned after version and length. */
static enum bmc_fru_err info_area(const uint8_t *img, size_t len, uint8_t blocks, struct bmc_fru_area *area,
				  struct bmc_reader *body)
{
	struct bmc_reader r;
	size_t off = (size_t)blocks * BMC_FRU_BLOCK;

	rd_init(&r, img, len);
	rd_skip(&r, off);
	uint8_t version = rd_u8(&r);
	size_t alen = (size_t)rd_u8(&r) * BMC_FRU_BLOCK;
	if (!rd_ok(&r))
		return FRU_ERR_BOUNDS;
	if (version != FRU_VERSION)
		return FRU_ERR_AREA_VERSION;
	if (alen == 0 || alen > len - off)
		return FRU_ERR_BOUNDS;
	rd_init(&r, img, len);
	rd_skip(&r, off);
	const uint8_t *p = rd_ptr(&r, alen);
	if (!p)
		return FRU_ERR_BOUNDS;
	if (sum8(p, alen) != 0)
		return FRU_ERR_AREA_SUM;
	area->present = true;
	area->off = (uint16_t)off;
	area->len = (uint16_t)alen;
	rd_init(body, p, alen - 1);
	rd_skip(body, 2);
	return FRU_OK;
}

/* §16: records of a 5-byte header (type, end-of-list | version, data length, data
 * checksum, header checksum) and their data, until the end-of-list bit. */
static enum bmc_fru_err multirecord_area(const uint8_t *img, size_t len, uint8_t blocks, struct bmc_fru_view *v)
{
	struct bmc_reader r;
	size_t off = (size_t)blocks * BMC_FRU_BLOCK;

	rd_init(&r, img, len);
	rd_skip(&r, off);
	if (!rd_ok(&r) || rd_left(&r) == 0)
		return FRU_ERR_BOUNDS;
	/* Each turn consumes at least a 5-byte header, so this ends. */
	for (;;) {
		const uint8_t *hp = rd_ptr(&r, MR_HDR_LEN);
		if (!hp)
			return FRU_ERR_MULTIREC;
		struct bmc_reader h;
		rd_init(&h, hp, MR_HDR_LEN);
		rd_skip(&h, 1);
		uint8_t flags = rd_u8(&h);
		uint8_t dlen = rd_u8(&h);
		uint8_t dsum = rd_u8(&h);
		if (sum8(hp, MR_HDR_LEN) != 0 || (flags & 0x0F) != MR_VERSION)
			return FRU_ERR_MULTIREC;
		const uint8_t *dp = rd_ptr(&r, dlen);
		if (!dp || (uint8_t)(sum8(dp, dlen) + dsum) != 0)
			return FRU_ERR_MULTIREC;
		if (v->multirecords < 0xFF)
			v->multirecords++;
		if (flags & MR_END_OF_LIST)
			break;
	}
	v->multirecord.present = true;
	v->multirecord.off = (uint16_t)off;
	v->multirecord.len = (uint16_t)(r.pos - off);
	return FRU_OK;
}

static bool overlap(const struct bmc_fru_area *a, const struct bmc_fru_area *b)
{
	if (!a->present || !b->present)
		return false;
	return a->off < b->off + b->len && b->off < a->off + a->len;
}

enum bmc_fru_err bmc_fru_image_check(const uint8_t *img, size_t len, struct bmc_fru_view *view)
{
	struct bmc_fru_view v;
	struct bmc_reader r, body;
	uint8_t hdr[BMC_FRU_BLOCK];
	enum bmc_fru_err err;

	memset(&v, 0, sizeof v);
	/* Offsets are kept in 16 bits: a FRU device is at most 64 KiB (§34.1 size field). */
	if (len > 0xFFFF)
		len = 0xFFFF;
	rd_init(&r, img, len);
	rd_bytes(&r, hdr, sizeof hdr);
	if (!rd_ok(&r))
		return FRU_ERR_SHORT;
	/* §8: bits 7:4 reserved (0000b), 3:0 format version 1h. */
	if (hdr[0] != FRU_VERSION)
		return FRU_ERR_HDR_VERSION;
	if (sum8(hdr, sizeof hdr) != 0)
		return FRU_ERR_HDR_SUM;

	if (hdr[2]) { /* §10 chassis: version, length, type, part, serial */
		if ((err = info_area(img, len, hdr[2], &v.chassis, &body)) != FRU_OK)
			return err;
		v.chassis_type = rd_u8(&body);
		if ((err = walk_fields(&body, v.chassis.off, v.chassis_f, 2, &v.custom_fields)) != FRU_OK)
			return err;
	}
	if (hdr[3]) { /* §11 board: version, length, language, 3-byte date, 5 fields */
		if ((err = info_area(img, len, hdr[3], &v.board, &body)) != FRU_OK)
			return err;
		v.board_lang = rd_u8(&body);
		v.board_mfg_minutes = rd_u8(&body);
		v.board_mfg_minutes |= (uint32_t)rd_u8(&body) << 8;
		v.board_mfg_minutes |= (uint32_t)rd_u8(&body) << 16;
		if ((err = walk_fields(&body, v.board.off, v.board_f, 5, &v.custom_fields)) != FRU_OK)
			return err;
	}
	if (hdr[4]) { /* §12 product: version, length, language, 7 fields */
		if ((err = info_area(img, len, hdr[4], &v.product, &body)) != FRU_OK)
			return err;
		v.product_lang = rd_u8(&body);
		if ((err = walk_fields(&body, v.product.off, v.product_f, 7, &v.custom_fields)) != FRU_OK)
			return err;
	}
	if (hdr[5] && (err = multirecord_area(img, len, hdr[5], &v)) != FRU_OK)
		return err;

	/* The header itself occupies bytes 0-7. */
	struct bmc_fru_area header = {.present = true, .off = 0, .len = BMC_FRU_BLOCK};
	if (hdr[1]) {
		/* §9 internal use: version byte, then data up to the next area (its length
		 * is not recorded anywhere else). */
		size_t off = (size_t)hdr[1] * BMC_FRU_BLOCK;
		struct bmc_reader iu;
		rd_init(&iu, img, len);
		rd_skip(&iu, off);
		uint8_t version = rd_u8(&iu);
		if (!rd_ok(&iu))
			return FRU_ERR_BOUNDS;
		if (version != FRU_VERSION)
			return FRU_ERR_AREA_VERSION;
		size_t end = len;
		const struct bmc_fru_area *others[] = {&v.chassis, &v.board, &v.product, &v.multirecord};
		for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
			if (others[i]->present && others[i]->off > off && others[i]->off < end)
				end = others[i]->off;
		v.internal.present = true;
		v.internal.off = (uint16_t)off;
		v.internal.len = (uint16_t)(end - off);
	}
	const struct bmc_fru_area *all[] = {&header, &v.internal, &v.chassis, &v.board, &v.product, &v.multirecord};
	const size_t nall = sizeof all / sizeof all[0];
	for (size_t i = 0; i < nall; i++)
		for (size_t j = i + 1; j < nall; j++)
			if (overlap(all[i], all[j]))
				return FRU_ERR_OVERLAP;
	if (view)
		*view = v;
	return FRU_OK;
}

size_t bmc_fru_field_text(const uint8_t *img, size_t len, const struct bmc_fru_field *f, char *out, size_t out_len)
{
	struct bmc_reader r;
	size_t n = f->len;

	if (out_len == 0)
		return 0;
	if (n > out_len - 1)
		n = out_len - 1;
	rd_init(&r, img, len);
	rd_skip(&r, f->off);
	rd_bytes(&r, out, n);
	if (!rd_ok(&r))
		n = 0;
	out[n] = '\0';
	return n;
}

const char *bmc_fru_err_str(enum bmc_fru_err err)
{
	switch (err) {
	case FRU_OK: return "valid";
	case FRU_ERR_SHORT: return "shorter than the common header";
	case FRU_ERR_HDR_VERSION: return "common header format version is not 01h";
	case FRU_ERR_HDR_SUM: return "common header checksum is wrong";
	case FRU_ERR_BOUNDS: return "an area lies outside the image";
	case FRU_ERR_OVERLAP: return "two areas overlap";
	case FRU_ERR_AREA_VERSION: return "an area's format version is not 01h";
	case FRU_ERR_AREA_SUM: return "an area checksum is wrong";
	case FRU_ERR_FIELDS: return "an area's fields are malformed";
	case FRU_ERR_MULTIREC: return "a MultiRecord record is malformed";
	}
	return "unknown";
}

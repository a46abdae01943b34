/* FRU inventory: the exact bytes of a generated image, the checker on good and broken
 * images, and the Storage commands Get FRU Inventory Area Info / Read / Write FRU Data
 * (IPMI 2.0 §34) with persistence, replay, privileges and lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bmc/store.h"
#include "dispatch.h"
#include "fake_backend.h"
#include "fake_platform.h"
#include "fru.h"
#include "fru_image.h"

static struct rsp xfer_cap(struct bmc *bmc, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len, size_t cap)
{
	struct bmc_req req = {
		.netfn = NETFN_STORAGE, .cmd = cmd, .channel = CHANNEL_LAN, .priv = priv, .data = data, .len = len,
	};
	return fake_dispatch(bmc, &req, cap);
}

static struct rsp xfer(struct bmc *bmc, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	return xfer_cap(bmc, cmd, priv, data, len, BMC_MAX_MSG);
}

static struct rsp rd(struct bmc *bmc, uint8_t dev, uint16_t off, uint8_t count)
{
	const uint8_t q[4] = {dev, (uint8_t)(off & 0xFF), (uint8_t)(off >> 8), count};
	return xfer(bmc, 0x11, PRIV_USER, q, 4);
}

static uint8_t wr(struct bmc *bmc, uint16_t off, const uint8_t *data, size_t n)
{
	uint8_t q[260];
	assert_true(n + 3 <= sizeof q);
	q[0] = 0;
	q[1] = (uint8_t)(off & 0xFF);
	q[2] = (uint8_t)(off >> 8);
	memcpy(q + 3, data, n);
	struct rsp r = xfer(bmc, 0x12, PRIV_OPERATOR, q, n + 3);
	if (r.cc == CC_OK) {
		assert_int_equal(r.len, 1);
		assert_int_equal(r.data[0], n);
	} else {
		assert_int_equal(r.len, 0);
	}
	return r.cc;
}

/* The whole device through Read FRU Data in `chunk`-byte reads. */
static void read_all(struct bmc *bmc, uint8_t *out, size_t size, uint8_t chunk)
{
	size_t off = 0;
	while (off < size) {
		struct rsp r = rd(bmc, 0, (uint16_t)off, chunk);
		assert_int_equal(r.cc, CC_OK);
		assert_true(r.data[0] > 0);
		assert_int_equal(r.len, 1u + r.data[0]);
		memcpy(out + off, r.data + 1, r.data[0]);
		off += r.data[0];
	}
	assert_int_equal(off, size);
}

static char logbuf[8192];
static void capture_log(void *ctx, enum bmc_log_level level, const char *msg)
{
	(void)ctx;
	(void)level;
	size_t used = strlen(logbuf);
	snprintf(logbuf + used, sizeof logbuf - used, "%s\n", msg);
}

static const struct fake_rec *fru_rec(const struct fake_platform *fp)
{
	return fake_find_rec(fp, STORE_FRU, 0); /* FRU device 0 */
}

static void set(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s);
}

/* ---- the image ---- */

/* A small description whose image was worked out by hand from FRU spec §8-§13. */
static void small_info(struct bmc_fru_info *info)
{
	memset(info, 0, sizeof *info);
	info->chassis_type = 0x17;
	set(info->chassis_serial, sizeof info->chassis_serial, "C1");
	set(info->board_mfr, sizeof info->board_mfr, "AB");
	set(info->board_product, sizeof info->board_product, "X");
	info->board_mfg_minutes = 0x123456;
	set(info->product_mfr, sizeof info->product_mfr, "AB");
	set(info->product_name, sizeof info->product_name, "PQR");
}

static const uint8_t small_image[72] = {
	/* §8 common header: version 1, no internal use, chassis at 1*8, board at 3*8,
	 * product at 6*8, no MultiRecord, pad; 1+1+3+6 = 0Bh, so the checksum is F5h. */
	0x01, 0x00, 0x01, 0x03, 0x06, 0x00, 0x00, 0xF5,
	/* §10 chassis: version, 2 blocks, rack mount; part empty (C0), serial "C1" (C2 'C'
	 * '1'); C1 end; pad; bytes sum to D1h, checksum 2Fh. */
	0x01, 0x02, 0x17, 0xC0, 0xC2, 0x43, 0x31, 0xC1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2F,
	/* §11 board: version, 3 blocks, English, minutes 123456h LS byte first;
	 * mfr "AB"; product "X" padded to "X " (C1 would be end-of-fields); serial, part,
	 * FRU file id empty; C1; pad; checksum E0h. */
	0x01, 0x03, 0x00, 0x56, 0x34, 0x12, 0xC2, 0x41, 0x42, 0xC2, 0x58, 0x20, 0xC0, 0xC0, 0xC0, 0xC1,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xE0,
	/* §12 product: version, 3 blocks, English; mfr "AB", name "PQR", part, version,
	 * serial, asset tag, FRU file id empty; C1; pad; checksum 80h. */
	0x01, 0x03, 0x00, 0xC2, 0x41, 0x42, 0xC3, 0x50, 0x51, 0x52, 0xC0, 0xC0, 0xC0, 0xC0, 0xC0, 0xC1,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,
};

static void build_exact_bytes(void **state)
{
	(void)state;
	struct bmc_fru_info info;
	uint8_t img[96];
	small_info(&info);

	memset(img, 0xEE, sizeof img);
	assert_int_equal(bmc_fru_image_build(&info, img, sizeof img, 80), 80);
	assert_memory_equal(img, small_image, sizeof small_image);
	for (size_t i = sizeof small_image; i < 80; i++)
		assert_int_equal(img[i], 0x00); /* padded with zeros to the device size */
	assert_int_equal(img[80], 0xEE);        /* and not beyond */

	assert_int_equal(bmc_fru_image_build(&info, img, sizeof img, 72), 72);
	assert_memory_equal(img, small_image, sizeof small_image);
	assert_int_equal(bmc_fru_image_build(&info, img, sizeof img, 71), 0); /* areas do not fit */
	assert_int_equal(bmc_fru_image_build(&info, img, 72, 80), 0);         /* buffer too small */
}

static void build_largest_fits(void **state)
{
	(void)state;
	struct bmc_fru_info info;
	static uint8_t img[BMC_FRU_MAX_SIZE];
	memset(&info, 'x', sizeof info); /* no NUL anywhere: 32 characters are taken */
	info.size = 0;
	assert_int_equal(bmc_fru_image_build(&info, img, sizeof img, BMC_FRU_BUILD_MAX - 1), 0);
	assert_int_equal(bmc_fru_image_build(&info, img, sizeof img, BMC_FRU_BUILD_MAX), BMC_FRU_BUILD_MAX);
	assert_true(BMC_FRU_BUILD_MAX <= BMC_FRU_MIN_SIZE);
	struct bmc_fru_view v;
	assert_int_equal(bmc_fru_image_check(img, BMC_FRU_BUILD_MAX, &v), FRU_OK);
	assert_int_equal(v.product_f[4].len, 32);
	assert_int_equal(v.product_f[4].type, 3);
}

static void check_accepts_generated(void **state)
{
	(void)state;
	struct bmc_fru_view v;
	char s[64];

	assert_int_equal(bmc_fru_image_check(small_image, sizeof small_image, &v), FRU_OK);
	assert_true(v.chassis.present && v.board.present && v.product.present);
	assert_false(v.internal.present || v.multirecord.present);
	assert_int_equal(v.chassis.off, 8);
	assert_int_equal(v.chassis.len, 16);
	assert_int_equal(v.board.off, 24);
	assert_int_equal(v.board.len, 24);
	assert_int_equal(v.product.off, 48);
	assert_int_equal(v.product.len, 24);
	assert_int_equal(v.chassis_type, 0x17);
	assert_int_equal(v.board_lang, 0);
	assert_int_equal(v.board_mfg_minutes, 0x123456);
	assert_int_equal(v.custom_fields, 0);
	bmc_fru_field_text(small_image, sizeof small_image, &v.chassis_f[1], s, sizeof s);
	assert_string_equal(s, "C1");
	assert_int_equal(bmc_fru_field_text(small_image, sizeof small_image, &v.chassis_f[0], s, sizeof s), 0);
	bmc_fru_field_text(small_image, sizeof small_image, &v.board_f[1], s, sizeof s);
	assert_string_equal(s, "X ");
	bmc_fru_field_text(small_image, sizeof small_image, &v.product_f[1], s, sizeof s);
	assert_string_equal(s, "PQR");
	assert_int_equal(bmc_fru_field_text(small_image, sizeof small_image, &v.product_f[1], s, 3), 2);
	assert_string_equal(s, "PQ");
	/* trailing zeros (the rest of the device) change nothing */
	uint8_t big[128] = {0};
	memcpy(big, small_image, sizeof small_image);
	assert_int_equal(bmc_fru_image_check(big, sizeof big, NULL), FRU_OK);
}

/* Re-sums an area (or the header) after a test changed it, so only the intended fault
 * remains. */
static void fix_sum(uint8_t *img, size_t off, size_t len)
{
	uint8_t s = 0;
	for (size_t i = 0; i < len - 1; i++)
		s = (uint8_t)(s + img[off + i]);
	img[off + len - 1] = (uint8_t)(0x100 - s);
}

static enum bmc_fru_err check_mod(size_t at, uint8_t value, size_t fix_off, size_t fix_len)
{
	uint8_t img[sizeof small_image];
	memcpy(img, small_image, sizeof img);
	img[at] = value;
	if (fix_len)
		fix_sum(img, fix_off, fix_len);
	return bmc_fru_image_check(img, sizeof img, NULL);
}

static void check_rejects_corruption(void **state)
{
	(void)state;
	/* header */
	assert_int_equal(bmc_fru_image_check(small_image, 7, NULL), FRU_ERR_SHORT);
	assert_int_equal(bmc_fru_image_check(small_image, 0, NULL), FRU_ERR_SHORT);
	assert_int_equal(check_mod(0, 0x02, 0, 8), FRU_ERR_HDR_VERSION);
	assert_int_equal(check_mod(0, 0x11, 0, 8), FRU_ERR_HDR_VERSION); /* reserved bits */
	assert_int_equal(check_mod(7, 0xF4, 0, 0), FRU_ERR_HDR_SUM);
	assert_int_equal(check_mod(4, 0x07, 0, 0), FRU_ERR_HDR_SUM);
	/* area placement */
	assert_int_equal(check_mod(4, 0x20, 0, 8), FRU_ERR_BOUNDS);   /* product past the end */
	uint8_t img[sizeof small_image]; /* chassis grown over the (intact) board area */
	memcpy(img, small_image, sizeof img);
	img[9] = 0x05;
	img[23] = (uint8_t)(img[23] - 3);
	assert_int_equal(bmc_fru_image_check(img, sizeof img, NULL), FRU_ERR_OVERLAP);
	assert_int_equal(check_mod(4, 0x03, 0, 8), FRU_ERR_FIELDS); /* board read as product */
	assert_int_equal(check_mod(3, 0x02, 0, 8), FRU_ERR_AREA_VERSION); /* inside chassis */
	assert_int_equal(check_mod(2, 0x00, 0, 8), FRU_OK);           /* chassis left out: fine */
	assert_int_equal(check_mod(25, 0x07, 24, 24), FRU_ERR_BOUNDS); /* board: 56 bytes from 24 */
	assert_int_equal(check_mod(25, 0x00, 24, 24), FRU_ERR_BOUNDS); /* zero-length area */
	assert_int_equal(check_mod(9, 0x04, 8, 16), FRU_ERR_AREA_SUM); /* chassis now covers board */
	/* area contents */
	assert_int_equal(check_mod(48, 0x02, 48, 24), FRU_ERR_AREA_VERSION);
	assert_int_equal(check_mod(71, 0x81, 0, 0), FRU_ERR_AREA_SUM);
	assert_int_equal(check_mod(30, 0x43, 0, 0), FRU_ERR_AREA_SUM);
	assert_int_equal(check_mod(39, 0x00, 24, 24), FRU_ERR_FIELDS);  /* no C1h in the board area */
	assert_int_equal(check_mod(30, 0xFF, 24, 24), FRU_ERR_FIELDS);  /* 63-byte field runs out */
	assert_int_equal(check_mod(36, 0xC1, 24, 24), FRU_ERR_FIELDS);  /* part number missing */
	assert_int_equal(check_mod(11, 0xC1, 8, 16), FRU_ERR_FIELDS);   /* chassis part missing */
	uint8_t custom[sizeof small_image]; /* an empty custom field before C1h */
	memcpy(custom, small_image, sizeof custom);
	custom[15] = 0xC0;
	custom[16] = 0xC1;
	fix_sum(custom, 8, 16);
	struct bmc_fru_view v;
	assert_int_equal(bmc_fru_image_check(custom, sizeof custom, &v), FRU_OK);
	assert_int_equal(v.custom_fields, 1);
	/* truncation anywhere inside the areas */
	for (size_t n = 8; n < sizeof small_image; n++)
		assert_int_not_equal(bmc_fru_image_check(small_image, n, NULL), FRU_OK);
	/* nothing at all */
	uint8_t blank[64];
	memset(blank, 0x00, sizeof blank);
	assert_int_equal(bmc_fru_image_check(blank, sizeof blank, NULL), FRU_ERR_HDR_VERSION);
	memset(blank, 0xFF, sizeof blank);
	assert_int_equal(bmc_fru_image_check(blank, sizeof blank, NULL), FRU_ERR_HDR_VERSION);
}

static void check_internal_and_multirecord(void **state)
{
	(void)state;
	uint8_t img[128];
	struct bmc_fru_view v;
	memset(img, 0, sizeof img);
	memcpy(img, small_image, sizeof small_image);
	/* internal use area at 72 (9 blocks): version 1 and 7 bytes of anything */
	img[1] = 9;
	img[72] = 0x01;
	img[73] = 0xAA;
	/* MultiRecord area at 80 (10 blocks): one record, type C0h (OEM), end of list,
	 * version 2, 3 data bytes 01 02 03 (sum 06h, record checksum FAh), header sum. */
	img[5] = 10;
	const uint8_t rec[8] = {0xC0, 0x82, 0x03, 0xFA, 0x00, 0x01, 0x02, 0x03};
	memcpy(img + 80, rec, sizeof rec);
	fix_sum(img, 80, 5);
	fix_sum(img, 0, 8);
	assert_int_equal(bmc_fru_image_check(img, sizeof img, &v), FRU_OK);
	assert_true(v.internal.present);
	assert_int_equal(v.internal.off, 72);
	assert_int_equal(v.internal.len, 8);
	assert_true(v.multirecord.present);
	assert_int_equal(v.multirecord.off, 80);
	assert_int_equal(v.multirecord.len, 8);
	assert_int_equal(v.multirecords, 1);

	uint8_t bad[128];
	memcpy(bad, img, sizeof bad);
	bad[87] = 0x04; /* data no longer matches its checksum */
	assert_int_equal(bmc_fru_image_check(bad, sizeof bad, NULL), FRU_ERR_MULTIREC);
	memcpy(bad, img, sizeof bad);
	bad[81] = 0x02; /* not the last record: the next header (zeros) has version 0 */
	fix_sum(bad, 80, 5);
	assert_int_equal(bmc_fru_image_check(bad, sizeof bad, NULL), FRU_ERR_MULTIREC);
	assert_int_equal(bmc_fru_image_check(img, 86, NULL), FRU_ERR_MULTIREC); /* data cut */
	memcpy(bad, img, sizeof bad);
	bad[72] = 0x02;
	assert_int_equal(bmc_fru_image_check(bad, sizeof bad, NULL), FRU_ERR_AREA_VERSION);
	memcpy(bad, img, sizeof bad);
	bad[1] = 2; /* internal use inside the chassis area */
	fix_sum(bad, 0, 8);
	assert_int_equal(bmc_fru_image_check(bad, sizeof bad, NULL), FRU_ERR_AREA_VERSION);
	bad[1] = 1; /* starts where the chassis area starts */
	fix_sum(bad, 0, 8);
	assert_int_equal(bmc_fru_image_check(bad, sizeof bad, NULL), FRU_ERR_OVERLAP);
}

/* ---- the commands ---- */

static struct bmc *new_bmc(struct fake_platform *fp, struct fake_backend *fb, bool with_backend)
{
	struct bmc_backend be;
	fake_backend_init(fb, &be);
	if (!with_backend)
		return fake_bmc_new(fp, NULL, true);
	return fake_bmc_new_with(fp, NULL, &be, true);
}

static void area_info_and_full_read(void **state)
{
	(void)state;
	static struct fake_platform fp;
	static struct fake_backend fb;
	static uint8_t want[1024], got[1024];
	struct bmc *bmc = new_bmc(&fp, &fb, true);

	struct rsp r = xfer(bmc, 0x10, PRIV_USER, (const uint8_t[]){0}, 1);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 3);
	assert_int_equal(r.data[0], 0x00); /* 1024 = 0400h, LS byte first */
	assert_int_equal(r.data[1], 0x04);
	assert_int_equal(r.data[2], 0x00); /* byte access */

	assert_int_equal(bmc_fru_image_build(&fb.fru, want, sizeof want, 1024), 1024);
	const uint8_t chunks[] = {1, 7, 16, 32, 200};
	for (size_t i = 0; i < sizeof chunks; i++) {
		memset(got, 0xEE, sizeof got);
		read_all(bmc, got, sizeof got, chunks[i]);
		assert_memory_equal(got, want, sizeof want);
	}
	struct bmc_fru_view v;
	char s[40];
	assert_int_equal(bmc_fru_image_check(got, sizeof got, &v), FRU_OK);
	bmc_fru_field_text(got, sizeof got, &v.product_f[1], s, sizeof s);
	assert_string_equal(s, "Test Server");
	bmc_fru_field_text(got, sizeof got, &v.board_f[2], s, sizeof s);
	assert_string_equal(s, "BRD-42");
	free(bmc);
}

static void read_boundaries(void **state)
{
	(void)state;
	static struct fake_platform fp;
	static struct fake_backend fb;
	struct bmc *bmc = new_bmc(&fp, &fb, true);

	struct rsp r = rd(bmc, 0, 1020, 16); /* runs past the end: the last 4 bytes */
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.data[0], 4);
	assert_int_equal(r.len, 5);
	r = rd(bmc, 0, 1023, 1);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.data[0], 1);
	assert_int_equal(rd(bmc, 0, 1024, 1).cc, CC_PARAM_OUT_OF_RANGE);
	assert_int_equal(rd(bmc, 0, 0xFFFF, 255).cc, CC_PARAM_OUT_OF_RANGE);
	assert_int_equal(rd(bmc, 0, 0, 0).cc, CC_INVALID_FIELD); /* the count is 1-based */
	r = rd(bmc, 0, 0, 255); /* as much as fits: 256 bytes of room less count and checksum */
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.data[0], 254);
	assert_int_equal(r.data[1], 0x01); /* the header's version byte */
	/* A smaller reply buffer (another transport) gets a shorter read. */
	const uint8_t q[4] = {0, 0, 0, 32};
	r = xfer_cap(bmc, 0x11, PRIV_USER, q, 4, 10);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.data[0], 8);
	assert_int_equal(r.len, 9);
	r = xfer_cap(bmc, 0x11, PRIV_USER, q, 4, 2);
	assert_int_equal(r.cc, CC_CANT_RETURN_BYTES);
	free(bmc);
}

static void unknown_device_privilege_length(void **state)
{
	(void)state;
	static struct fake_platform fp;
	static struct fake_backend fb;
	struct bmc *bmc = new_bmc(&fp, &fb, true);
	const uint8_t dev1_info[1] = {1}, dev1_read[4] = {1, 0, 0, 8}, dev1_write[4] = {1, 0, 0, 0xAA};
	const uint8_t devff[1] = {0xFF};

	assert_int_equal(xfer(bmc, 0x10, PRIV_USER, dev1_info, 1).cc, CC_NOT_PRESENT);
	assert_int_equal(xfer(bmc, 0x10, PRIV_USER, devff, 1).cc, CC_NOT_PRESENT);
	assert_int_equal(xfer(bmc, 0x11, PRIV_USER, dev1_read, 4).cc, CC_NOT_PRESENT);
	assert_int_equal(xfer(bmc, 0x12, PRIV_OPERATOR, dev1_write, 4).cc, CC_NOT_PRESENT);

	/* Appendix G: Get Area Info and Read need User, Write needs Operator. */
	const uint8_t info[1] = {0}, read[4] = {0, 0, 0, 8}, write[4] = {0, 0x00, 0x02, 0xAA};
	assert_int_equal(xfer(bmc, 0x10, PRIV_CALLBACK, info, 1).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, 0x11, PRIV_CALLBACK, read, 4).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, 0x12, PRIV_USER, write, 4).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(bmc, 0x10, PRIV_USER, info, 1).cc, CC_OK);
	assert_int_equal(xfer(bmc, 0x11, PRIV_USER, read, 4).cc, CC_OK);
	assert_int_equal(xfer(bmc, 0x12, PRIV_OPERATOR, write, 4).cc, CC_OK);
	assert_int_equal(xfer(bmc, 0x12, PRIV_ADMIN, write, 4).cc, CC_OK);

	/* exact request lengths */
	const uint8_t five[5] = {0, 0, 0, 8, 0};
	assert_int_equal(xfer(bmc, 0x10, PRIV_USER, info, 0).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, 0x10, PRIV_USER, five, 2).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, 0x11, PRIV_USER, read, 3).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, 0x11, PRIV_USER, five, 5).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(bmc, 0x12, PRIV_OPERATOR, write, 3).cc, CC_REQ_LEN_INVALID); /* no data */
	static const uint8_t big[256] = {0};
	assert_int_equal(xfer(bmc, 0x12, PRIV_OPERATOR, big, 256).cc, CC_REQ_LEN_INVALID);
	free(bmc);
}

static void write_persists_and_replays(void **state)
{
	(void)state;
	static struct fake_platform fp, fp2, fp3;
	static struct fake_backend fb;
	static uint8_t img[1024], got[1024];
	struct bmc *bmc = new_bmc(&fp, &fb, true);
	logbuf[0] = 0;
	bmc->plat.log = capture_log;

	assert_null(fru_rec(&fp)); /* a generated image is not stored */
	read_all(bmc, img, sizeof img, 64);
	/* Change the product serial through a rebuilt image, written in 3 pieces, the way
	 * ipmitool writes a file. */
	struct bmc_fru_info info = fb.fru;
	set(info.product_serial, sizeof info.product_serial, "NEW-SERIAL-9");
	assert_int_equal(bmc_fru_image_build(&info, img, sizeof img, 1024), 1024);
	assert_int_equal(wr(bmc, 0, img, 200), CC_OK);
	assert_int_equal(wr(bmc, 200, img + 200, 200), CC_OK);
	assert_int_equal(wr(bmc, 400, img + 400, 252), CC_OK); /* the most one request carries */
	assert_int_equal(wr(bmc, 652, img + 652, 252), CC_OK);
	assert_int_equal(wr(bmc, 904, img + 904, 120), CC_OK); /* the last byte of the device */
	assert_non_null(strstr(logbuf, "audit: FRU 0 written: 200 bytes at offset 0\n"));
	assert_non_null(strstr(logbuf, "audit: FRU 0 written: 120 bytes at offset 904\n"));

	const struct fake_rec *rec = fru_rec(&fp);
	assert_non_null(rec);
	assert_int_equal(rec->key, 0);
	assert_int_equal(rec->len, 1024);
	assert_memory_equal(rec->value, img, 1024);
	read_all(bmc, got, sizeof got, 100);
	assert_memory_equal(got, img, sizeof img);

	/* beyond the end: refused whole, nothing changes */
	const uint8_t five[5] = {1, 2, 3, 4, 5};
	assert_int_equal(wr(bmc, 1020, five, 5), CC_PARAM_OUT_OF_RANGE);
	assert_int_equal(wr(bmc, 1024, five, 1), CC_PARAM_OUT_OF_RANGE);
	assert_int_equal(wr(bmc, 0xFFFF, five, 5), CC_PARAM_OUT_OF_RANGE);
	assert_memory_equal(fru_rec(&fp)->value, img, 1024);

	/* A restart, as the daemon does it: init, replay, start. */
	struct bmc_backend be;
	struct bmc_platform plat;
	struct bmc_config cfg;
	fake_backend_init(&fb, &be);
	fake_platform_init(&fp2, &plat);
	bmc_config_defaults(&cfg);
	struct bmc *again = calloc(1, bmc_size());
	assert_non_null(again);
	assert_int_equal(bmc_init(again, &plat, &be, &cfg), 0);
	fake_replay(&fp, again);
	assert_int_equal(bmc_start(again), 0);
	read_all(again, got, sizeof got, 32);
	assert_memory_equal(got, img, sizeof img);
	assert_true(again->fru.client_image);
	free(again);

	/* Replayed into a started BMC (how other tests restart): the same. */
	struct bmc *third = new_bmc(&fp3, &fb, true);
	fake_replay(&fp, third);
	read_all(third, got, sizeof got, 32);
	assert_memory_equal(got, img, sizeof img);
	free(third);
	free(bmc);
}

static void store_failure_changes_nothing(void **state)
{
	(void)state;
	static struct fake_platform fp;
	static struct fake_backend fb;
	static uint8_t before[1024], after[1024];
	struct bmc *bmc = new_bmc(&fp, &fb, true);
	logbuf[0] = 0;
	bmc->plat.log = capture_log;

	read_all(bmc, before, sizeof before, 128);
	const uint8_t junk[16] = {0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	fp.store_fail = 1;
	assert_int_equal(wr(bmc, 8, junk, sizeof junk), CC_UNSPECIFIED);
	read_all(bmc, after, sizeof after, 128);
	assert_memory_equal(after, before, sizeof before);
	assert_null(fru_rec(&fp));
	assert_null(strstr(logbuf, "audit: FRU"));
	assert_false(bmc->fru.client_image);

	/* A failure after earlier writes leaves the stored and live images as they were. */
	fp.store_fail = 0;
	assert_int_equal(wr(bmc, 8, junk, 4), CC_OK);
	read_all(bmc, before, sizeof before, 128);
	fp.store_fail = 1;
	assert_int_equal(wr(bmc, 12, junk + 4, 12), CC_UNSPECIFIED);
	read_all(bmc, after, sizeof after, 128);
	assert_memory_equal(after, before, sizeof before);
	assert_memory_equal(fru_rec(&fp)->value, before, sizeof before);
	free(bmc);
}

/* A client may leave any bytes in the device, valid FRU data or not: they are kept and
 * served after a restart (the start-up only reports what the checker found). */
static void invalid_image_is_kept(void **state)
{
	(void)state;
	static struct fake_platform fp, fp2;
	static struct fake_backend fb;
	static uint8_t got[1024];
	struct bmc *bmc = new_bmc(&fp, &fb, true);
	const uint8_t garbage[4] = {0x07, 0x07, 0x07, 0x07};
	assert_int_equal(wr(bmc, 0, garbage, 4), CC_OK);
	read_all(bmc, got, sizeof got, 200);
	assert_int_equal(bmc_fru_image_check(got, sizeof got, NULL), FRU_ERR_HDR_VERSION);

	struct bmc_backend be;
	struct bmc_platform plat;
	struct bmc_config cfg;
	fake_backend_init(&fb, &be);
	fake_platform_init(&fp2, &plat);
	bmc_config_defaults(&cfg);
	struct bmc *again = calloc(1, bmc_size());
	assert_non_null(again);
	assert_int_equal(bmc_init(again, &plat, &be, &cfg), 0);
	logbuf[0] = 0;
	again->plat.log = capture_log;
	fake_replay(&fp, again);
	assert_int_equal(bmc_start(again), 0);
	assert_non_null(strstr(logbuf, "not valid FRU data"));
	read_all(again, got, sizeof got, 200);
	assert_memory_equal(got, garbage, 4);
	free(again);
	free(bmc);
}

/* A stored image of another size than the device (the platform's FRU size changed) is
 * not used; malformed records are refused. */
static void replay_size_mismatch_and_malformed(void **state)
{
	(void)state;
	static struct fake_platform fp;
	static struct fake_backend fb;
	static uint8_t img[BMC_FRU_MAX_SIZE + 1];
	struct bmc_backend be;
	struct bmc_platform plat;
	struct bmc_config cfg;

	fake_backend_init(&fb, &be);
	fake_platform_init(&fp, &plat);
	bmc_config_defaults(&cfg);
	struct bmc *b = calloc(1, bmc_size());
	assert_non_null(b);
	assert_int_equal(bmc_init(b, &plat, &be, &cfg), 0);
	memset(img, 0x5A, sizeof img);
	assert_int_equal(bmc_fru_apply(b, STORE_FRU, 1, img, 1024), -1);
	assert_int_equal(bmc_fru_apply(b, STORE_FRU, 0, img, 0), -1);
	assert_int_equal(bmc_fru_apply(b, STORE_FRU, 0, img, BMC_FRU_MAX_SIZE + 1), -1);
	assert_int_equal(bmc_fru_apply(b, STORE_FRU, 0, img, 2048), 0);
	assert_int_equal(bmc_start(b), 0);
	assert_false(b->fru.client_image);
	assert_int_equal(b->fru.size, 1024);
	assert_int_equal(bmc_fru_image_check(b->fru.image, b->fru.size, NULL), FRU_OK);
	/* after start only a record of the device's size is taken */
	assert_int_equal(bmc_fru_apply(b, STORE_FRU, 0, img, 512), -1);
	assert_int_equal(bmc_fru_apply(b, STORE_FRU, 0, img, 1024), 0);
	assert_true(b->fru.client_image);
	free(b);
}

/* Device sizes: default when 0, raised to the minimum, capped at one store record. */
static void device_sizes(void **state)
{
	(void)state;
	static struct fake_platform fp;
	static struct fake_backend fb;
	const struct {
		uint16_t want_in, want_out;
	} cases[] = {{0, 1024}, {100, BMC_FRU_MIN_SIZE}, {2048, 2048}, {0xFFFF, BMC_FRU_MAX_SIZE}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct bmc_backend be;
		fake_backend_init(&fb, &be);
		fb.fru.size = cases[i].want_in;
		struct bmc *bmc = fake_bmc_new_with(&fp, NULL, &be, true);
		struct rsp r = xfer(bmc, 0x10, PRIV_USER, (const uint8_t[]){0}, 1);
		assert_int_equal(r.cc, CC_OK);
		assert_int_equal(r.data[0] | r.data[1] << 8, cases[i].want_out);
		assert_int_equal(bmc_fru_image_check(bmc->fru.image, bmc->fru.size, NULL), FRU_OK);
		free(bmc);
	}
}

static int failing_fru(void *ctx, struct bmc_fru_info *out)
{
	(void)ctx;
	(void)out;
	return -1;
}

/* Without a fru_info op (or when it fails) FRU 0 still exists, with a default
 * description whose serial numbers come from the system GUID. */
static void default_description(void **state)
{
	(void)state;
	static struct fake_platform fp;
	static struct fake_backend fb;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	const uint8_t guid[16] = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0, 0x80, 0, 0x40, 1, 2, 3, 4, 5, 6};
	memcpy(cfg.system_guid, guid, 16);

	for (int variant = 0; variant < 2; variant++) {
		struct bmc_backend be;
		fake_backend_init(&fb, &be);
		if (variant == 0)
			be.fru_info = NULL;
		else
			be.fru_info = failing_fru;
		struct bmc *bmc = fake_bmc_new_with(&fp, &cfg, &be, true);
		struct bmc_fru_view v;
		char s[40];
		assert_int_equal(bmc->fru.size, BMC_FRU_DEFAULT_SIZE);
		assert_int_equal(bmc_fru_image_check(bmc->fru.image, bmc->fru.size, &v), FRU_OK);
		assert_int_equal(v.chassis_type, 0x17);
		const uint8_t *img = bmc->fru.image;
		bmc_fru_field_text(img, 1024, &v.product_f[0], s, sizeof s);
		assert_string_equal(s, "bmcd");
		bmc_fru_field_text(img, 1024, &v.product_f[1], s, sizeof s);
		assert_string_equal(s, "bmcd simulated server");
		bmc_fru_field_text(img, 1024, &v.product_f[4], s, sizeof s);
		assert_string_equal(s, "SN123456789ABC");
		bmc_fru_field_text(img, 1024, &v.board_f[0], s, sizeof s);
		assert_string_equal(s, "bmcd");
		bmc_fru_field_text(img, 1024, &v.board_f[2], s, sizeof s);
		assert_string_equal(s, "BD123456789ABC");
		bmc_fru_field_text(img, 1024, &v.chassis_f[1], s, sizeof s);
		assert_string_equal(s, "CH123456789ABC");
		free(bmc);
	}
	/* No backend at all, random GUIDs: two BMCs differ. */
	static struct fake_platform fp2;
	struct bmc *a = fake_bmc_new(&fp, NULL, true);
	struct bmc *b = fake_bmc_new(&fp2, NULL, true);
	b->system_guid[0] ^= 1; /* the fake random stream repeats; make b's GUID differ */
	struct bmc_fru_info ia, ib;
	bmc_fru_default_info(a, &ia);
	bmc_fru_default_info(b, &ib);
	assert_string_not_equal(ia.product_serial, ib.product_serial);
	assert_int_equal(strlen(ia.product_serial), 14);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_exact_bytes),
		cmocka_unit_test(build_largest_fits),
		cmocka_unit_test(check_accepts_generated),
		cmocka_unit_test(check_rejects_corruption),
		cmocka_unit_test(check_internal_and_multirecord),
		cmocka_unit_test(area_info_and_full_read),
		cmocka_unit_test(read_boundaries),
		cmocka_unit_test(unknown_device_privilege_length),
		cmocka_unit_test(write_persists_and_replays),
		cmocka_unit_test(store_failure_changes_nothing),
		cmocka_unit_test(invalid_image_is_kept),
		cmocka_unit_test(replay_size_mismatch_and_malformed),
		cmocka_unit_test(device_sizes),
		cmocka_unit_test(default_description),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* FRU images: building one from a struct bmc_fru_info and checking any bytes claimed to
 * be one. Platform Management FRU Information Storage Definition v1.0 rev 1.3 ("FRU
 * spec"): §8 common header, §9 internal use area, §10 chassis info area, §11 board
 * area, §12 product info area, §13 type/length byte, §16 MultiRecord area.
 * Portable and allocation-free; every byte goes through struct bmc_reader/bmc_writer. */
#ifndef BMC_CORE_FRU_IMAGE_H
#define BMC_CORE_FRU_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/backend.h"

/* Area offsets and lengths are counted in multiples of 8 bytes (FRU spec §8). */
#define BMC_FRU_BLOCK 8u
/* The longest text a generated field carries: struct bmc_fru_info strings are 32
 * characters; a type/length byte could say 63 (FRU spec §13). */
#define BMC_FRU_FIELD_MAX 32u
/* The largest image bmc_fru_image_build can produce from a bmc_fru_info (every string at
 * its 32-character maximum): header 8 + chassis 72 + board 144 + product 208. */
#define BMC_FRU_BUILD_MAX 432u

enum bmc_fru_err {
	FRU_OK = 0,
	FRU_ERR_SHORT,        /* shorter than a common header */
	FRU_ERR_HDR_VERSION,  /* common header format version is not 01h */
	FRU_ERR_HDR_SUM,      /* common header checksum */
	FRU_ERR_BOUNDS,       /* an area starts or ends outside the image */
	FRU_ERR_OVERLAP,      /* two areas share bytes */
	FRU_ERR_AREA_VERSION, /* an area's format version is not 01h */
	FRU_ERR_AREA_SUM,     /* an area's checksum */
	FRU_ERR_FIELDS,       /* a field runs past its area, a mandatory field is missing, no C1h */
	FRU_ERR_MULTIREC,     /* a MultiRecord header or data checksum, or a record out of bounds */
};

/* One type/length-encoded field: where its data is in the image. FRU spec §13. */
struct bmc_fru_field {
	uint16_t off;  /* offset of the data (after the type/length byte) */
	uint8_t len;   /* bits 5:0 of the type/length byte */
	uint8_t type;  /* bits 7:6: 0 binary, 1 BCD plus, 2 6-bit ASCII, 3 8-bit ASCII + Latin 1 */
};

struct bmc_fru_area {
	bool present;
	uint16_t off;  /* bytes from the start of the image */
	uint16_t len;  /* bytes (a multiple of 8); internal use: up to the next area */
};

/* What bmc_fru_image_check found in a valid image. */
struct bmc_fru_view {
	struct bmc_fru_area internal, chassis, board, product, multirecord;
	uint8_t chassis_type;
	uint8_t board_lang, product_lang;
	uint32_t board_mfg_minutes;
	/* chassis: part, serial */
	struct bmc_fru_field chassis_f[2];
	/* board: manufacturer, product name, serial, part, FRU file id */
	struct bmc_fru_field board_f[5];
	/* product: manufacturer, name, part/model, version, serial, asset tag, FRU file id */
	struct bmc_fru_field product_f[7];
	uint8_t custom_fields;    /* custom fields seen across the three info areas */
	uint8_t multirecords;     /* MultiRecord records seen */
};

/* Writes the image of info to out: common header, chassis, board and product areas,
 * then zeros up to `size` bytes. Empty strings become empty fields (C0h). Returns
 * `size`, or 0 when out is too small or size cannot hold the areas (out then holds
 * unspecified bytes). */
size_t bmc_fru_image_build(const struct bmc_fru_info *info, uint8_t *out, size_t cap, size_t size);

/* Checks len bytes as a FRU image (header checksum, area bounds and overlaps, area
 * versions and checksums, each info area's field walk up to C1h, MultiRecord checksums).
 * Reads nothing outside img[0..len). Fills *view (when not NULL) on success. */
enum bmc_fru_err bmc_fru_image_check(const uint8_t *img, size_t len, struct bmc_fru_view *view);

/* Copies a field's data as a NUL-terminated string (truncated to out_len - 1). Returns
 * the number of characters copied. For reporting and tests; binary data is copied too. */
size_t bmc_fru_field_text(const uint8_t *img, size_t len, const struct bmc_fru_field *f, char *out, size_t out_len);

const char *bmc_fru_err_str(enum bmc_fru_err err);

#endif

/* Fuzzes the FRU image checker (core/fru_image.c, FRU spec v1.0 §8-§16): arbitrary
 * bytes as a FRU device image, as a client may write them with Write FRU Data.
 *  1. bmc_fru_image_check never reads outside the bytes; when it accepts them, every
 *     area and field it reports lies inside them.
 *  2. The text of an accepted image's fields, rebuilt with bmc_fru_image_build, gives
 *     an image the checker accepts, with the same texts (cut at a NUL, 32 characters,
 *     a lone character padded with a space).
 *  3. The same bytes as a struct bmc_fru_info (no NULs promised) always build into an
 *     image the checker accepts. */
#include <stdlib.h>
#include <string.h>

#include "fru_image.h"

#define MAX_IMAGE 4096u

static void must(int cond)
{
	if (!cond)
		abort();
}

static void field_in(const struct bmc_fru_field *f, size_t size)
{
	must((size_t)f->off + f->len <= size);
}

static void area_in(const struct bmc_fru_area *a, size_t size)
{
	if (a->present)
		must(a->off >= 8 && a->len > 0 && (size_t)a->off + a->len <= size);
}

/* The text a field gives to a rebuilt image. */
static void text_of(const uint8_t *img, size_t size, const struct bmc_fru_field *f, char *out)
{
	bmc_fru_field_text(img, size, f, out, BMC_FRU_FIELD_MAX + 1);
}

static void expect_text(const uint8_t *img, size_t size, const struct bmc_fru_field *f, const char *want)
{
	char got[BMC_FRU_FIELD_MAX + 2];
	bmc_fru_field_text(img, size, f, got, sizeof got);
	size_t n = strlen(want);
	if (n == 1)
		must(f->len == 2 && got[0] == want[0] && got[1] == ' ');
	else
		must(f->len == n && memcmp(got, want, n) == 0);
	must(f->type == 3);
}

static void rebuild(const uint8_t *data, size_t size, const struct bmc_fru_view *v)
{
	static uint8_t img[BMC_FRU_BUILD_MAX];
	struct bmc_fru_info info;
	struct bmc_fru_view w;

	memset(&info, 0, sizeof info);
	info.chassis_type = v->chassis_type;
	info.board_mfg_minutes = v->board_mfg_minutes;
	char *chassis[2] = {info.chassis_part, info.chassis_serial};
	char *board[4] = {info.board_mfr, info.board_product, info.board_serial, info.board_part};
	char *product[6] = {info.product_mfr, info.product_name, info.product_part, info.product_version,
			    info.product_serial, info.product_asset};
	for (size_t i = 0; i < 2; i++)
		text_of(data, size, &v->chassis_f[i], chassis[i]);
	for (size_t i = 0; i < 4; i++)
		text_of(data, size, &v->board_f[i], board[i]);
	for (size_t i = 0; i < 6; i++)
		text_of(data, size, &v->product_f[i], product[i]);
	must(bmc_fru_image_build(&info, img, sizeof img, sizeof img) == sizeof img);
	must(bmc_fru_image_check(img, sizeof img, &w) == FRU_OK);
	must(w.chassis_type == (info.chassis_type ? info.chassis_type : 0x02));
	must(w.board_mfg_minutes == info.board_mfg_minutes);
	for (size_t i = 0; i < 2; i++)
		expect_text(img, sizeof img, &w.chassis_f[i], chassis[i]);
	for (size_t i = 0; i < 4; i++)
		expect_text(img, sizeof img, &w.board_f[i], board[i]);
	for (size_t i = 0; i < 6; i++)
		expect_text(img, sizeof img, &w.product_f[i], product[i]);
}

static void build_any(const uint8_t *data, size_t size)
{
	static uint8_t img[BMC_FRU_BUILD_MAX];
	struct bmc_fru_info info;
	memset(&info, 0, sizeof info);
	memcpy(&info, data, size < sizeof info ? size : sizeof info);
	must(bmc_fru_image_build(&info, img, sizeof img, sizeof img) == sizeof img);
	must(bmc_fru_image_check(img, sizeof img, NULL) == FRU_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bmc_fru_view v;

	if (size > MAX_IMAGE)
		return 0;
	/* An exact-size heap copy, so ASan sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	if (bmc_fru_image_check(copy, size, &v) == FRU_OK) {
		area_in(&v.internal, size);
		area_in(&v.chassis, size);
		area_in(&v.board, size);
		area_in(&v.product, size);
		area_in(&v.multirecord, size);
		for (size_t i = 0; i < 2; i++)
			field_in(&v.chassis_f[i], size);
		for (size_t i = 0; i < 5; i++)
			field_in(&v.board_f[i], size);
		for (size_t i = 0; i < 7; i++)
			field_in(&v.product_f[i], size);
		rebuild(copy, size, &v);
	}
	build_any(copy, size);
	free(copy);
	return 0;
}

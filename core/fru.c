/* FRU device 0: its image, built from the platform's description at start, replaced by
 * a stored image that clients wrote, read and written by cmd_fru.c. IPMI 2.0 §34.
 *
 * The configuration describes the platform; the store holds what clients changed
 * (DESIGN.md §6). So a generated image is never persisted, and the first client write
 * persists the whole image as one STORE_FRU record (key = FRU device id 0), which from
 * then on replaces the generated one at every start. */
#include <string.h>

#include "fru.h"
#include "fru_image.h"
#include "state.h"

void bmc_fru_init(struct bmc *bmc)
{
	memset(&bmc->fru, 0, sizeof bmc->fru);
}

int bmc_fru_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	/* Only device 0 exists; the image is kept whole, whatever its bytes (clients may
	 * have been interrupted half way through writing it). */
	if (type != STORE_FRU || key != 0 || len == 0 || len > BMC_FRU_MAX_SIZE)
		return -1;
	/* Normally records are replayed before bmc_fru_start, which then picks the stored
	 * image or a generated one. Replayed later, a record can only replace an image of
	 * its own size. */
	if (bmc->fru.size != 0 && len != bmc->fru.size)
		return -1;
	struct bmc_reader r;
	rd_init(&r, value, len);
	rd_bytes(&r, bmc->fru.image, len);
	bmc->fru.stored_len = (uint16_t)len;
	if (bmc->fru.size != 0)
		bmc->fru.client_image = true;
	return 0;
}

/* 12 upper-case hex digits of the GUID's node bytes (IPMI 2.0 §20.8 order: bytes 0-5),
 * random in the version 4 UUID bmc_start makes, after `prefix`. */
static void guid_serial(const struct bmc *bmc, const char *prefix, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	struct bmc_writer w;
	wr_init(&w, out, cap - 1);
	wr_bytes(&w, prefix, strlen(prefix));
	for (size_t i = 0; i < 6; i++) {
		wr_u8(&w, (uint8_t)hex[bmc->system_guid[i] >> 4]);
		wr_u8(&w, (uint8_t)hex[bmc->system_guid[i] & 0x0F]);
	}
	out[wr_ok(&w) ? wr_len(&w) : 0] = '\0';
}

static void set_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void bmc_fru_default_info(const struct bmc *bmc, struct bmc_fru_info *out)
{
	memset(out, 0, sizeof *out);
	out->chassis_type = 0x17; /* SMBIOS: rack mount chassis */
	set_text(out->chassis_part, sizeof out->chassis_part, "BMCD-SIM-CH");
	guid_serial(bmc, "CH", out->chassis_serial, sizeof out->chassis_serial);
	set_text(out->board_mfr, sizeof out->board_mfr, "bmcd");
	set_text(out->board_product, sizeof out->board_product, "bmcd simulated board");
	guid_serial(bmc, "BD", out->board_serial, sizeof out->board_serial);
	set_text(out->board_part, sizeof out->board_part, "BMCD-SIM-BD");
	set_text(out->product_mfr, sizeof out->product_mfr, "bmcd");
	set_text(out->product_name, sizeof out->product_name, "bmcd simulated server");
	set_text(out->product_part, sizeof out->product_part, "BMCD-SIM");
	set_text(out->product_version, sizeof out->product_version, "1.0");
	guid_serial(bmc, "SN", out->product_serial, sizeof out->product_serial);
	out->size = BMC_FRU_DEFAULT_SIZE;
}

int bmc_fru_start(struct bmc *bmc)
{
	struct bmc_fru_info info;
	struct bmc_fru *f = &bmc->fru;

	if (!bmc->backend.fru_info || bmc->backend.fru_info(bmc->backend.ctx, &info) != 0) {
		if (bmc->backend.fru_info)
			bmc_logf(bmc, BMC_LOG_WARN, "fru: the platform's FRU description is unavailable; using the default");
		bmc_fru_default_info(bmc, &info);
	}
	/* Serial numbers the platform leaves empty come from the system GUID: every BMC
	 * (and every member of a fleet) then describes a different machine. */
	if (!info.chassis_serial[0])
		guid_serial(bmc, "CH", info.chassis_serial, sizeof info.chassis_serial);
	if (!info.board_serial[0])
		guid_serial(bmc, "BD", info.board_serial, sizeof info.board_serial);
	if (!info.product_serial[0])
		guid_serial(bmc, "SN", info.product_serial, sizeof info.product_serial);
	uint32_t size = info.size ? info.size : BMC_FRU_DEFAULT_SIZE;
	if (size < BMC_FRU_MIN_SIZE)
		size = BMC_FRU_MIN_SIZE;
	if (size > BMC_FRU_MAX_SIZE)
		size = BMC_FRU_MAX_SIZE;
	f->size = (uint16_t)size;

	/* A stored image is what clients wrote; it stands in for the generated one as long
	 * as the device still has its size. Validation only reports: a client may keep
	 * any bytes in a FRU device, and refusing them would lose its data. */
	if (f->stored_len == f->size) {
		f->client_image = true;
		enum bmc_fru_err e = bmc_fru_image_check(f->image, f->size, NULL);
		if (e != FRU_OK)
			bmc_logf(bmc, BMC_LOG_WARN, "fru: the stored FRU 0 image is not valid FRU data (%s); serving it as written",
				 bmc_fru_err_str(e));
		else
			bmc_logf(bmc, BMC_LOG_INFO, "fru: FRU 0 image restored from the store (%u bytes)", f->size);
		return 0;
	}
	if (f->stored_len)
		bmc_logf(bmc, BMC_LOG_WARN, "fru: the stored FRU 0 image is %u bytes but the device has %u; regenerated",
			 f->stored_len, f->size);
	f->client_image = false;
	memset(f->image, 0, sizeof f->image);
	if (bmc_fru_image_build(&info, f->image, sizeof f->image, f->size) != f->size) {
		bmc_logf(bmc, BMC_LOG_ERROR, "fru: could not build the FRU 0 image");
		return -1;
	}
	return 0;
}

uint8_t bmc_fru_write(struct bmc *bmc, uint16_t offset, struct bmc_reader *data, size_t n)
{
	struct bmc_fru *f = &bmc->fru;
	/* The bytes being replaced, to put back when the store fails: cheaper than a second
	 * image-sized buffer, and a request carries far fewer bytes than that. */
	uint8_t old[BMC_MAX_MSG];
	struct bmc_writer w;

	if (n == 0 || n > sizeof old || offset >= f->size || n > (size_t)(f->size - offset))
		return CC_PARAM_OUT_OF_RANGE;
	/* From here on the region [offset, offset + n) is inside the image: each writer
	 * below covers exactly that region. */
	wr_init(&w, old, n);
	wr_bytes(&w, f->image + offset, n);
	wr_init(&w, f->image + offset, n);
	uint8_t *dst = wr_reserve(&w, n);
	if (!dst)
		return CC_UNSPECIFIED;
	rd_bytes(data, dst, n);
	if (!rd_ok(data) || bmc_persist(bmc, STORE_FRU, 0, f->image, f->size) != 0) {
		/* Not durable, so not done: the image is as it was. */
		wr_init(&w, f->image + offset, n);
		wr_bytes(&w, old, n);
		return CC_UNSPECIFIED;
	}
	f->client_image = true;
	f->stored_len = f->size;
	bmc_logf(bmc, BMC_LOG_INFO, "audit: FRU 0 written: %zu bytes at offset %u", n, offset);
	return CC_OK;
}

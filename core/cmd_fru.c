/* FRU inventory device commands, Storage netfn 0Ah, IPMI 2.0 §34. Only FRU device 0
 * (the managed system's, core/fru.c) exists; any other id is "not present" (CBh).
 * Privileges follow Appendix G: reading needs User, writing Operator. */
#include "dispatch.h"
#include "fru.h"

#define CMD_GET_FRU_INVENTORY_AREA_INFO 0x10
#define CMD_READ_FRU_DATA 0x11
#define CMD_WRITE_FRU_DATA 0x12
#define FRU_ACCESS_BYTES 0x00 /* §34.1 byte 4 bit 0: 0 = device is accessed by bytes */
/* A response also carries the "count returned" byte and, after the handler, the IPMI
 * message checksum, which must still fit in the reply buffer. */
#define READ_RSP_OVERHEAD 2u

/* IPMI 2.0 §34.1 Get FRU Inventory Area Info: FRU device id -> size (LS byte first),
 * access type. */
static uint8_t get_area_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	if (rd_u8(&r) != 0)
		return CC_NOT_PRESENT;
	wr_u16le(rsp, bmc->fru.size);
	wr_u8(rsp, FRU_ACCESS_BYTES);
	return CC_OK;
}

/* IPMI 2.0 §34.2 Read FRU Data: device id, offset (LS byte first), count (1-based) ->
 * count returned, data. A read that runs past the end of the device, or asks for more
 * than one reply can carry, returns fewer bytes: "count returned" says how many, and
 * ipmitool, FreeIPMI and pyghmi all advance by it. An offset at or past the end is out
 * of range (C9h). */
static uint8_t read_data(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t dev = rd_u8(&r);
	uint16_t off = rd_u16le(&r);
	size_t n = rd_u8(&r);
	if (dev != 0)
		return CC_NOT_PRESENT;
	if (n == 0)
		return CC_INVALID_FIELD;
	if (off >= bmc->fru.size)
		return CC_PARAM_OUT_OF_RANGE;
	if (n > (size_t)(bmc->fru.size - off))
		n = (size_t)(bmc->fru.size - off);
	size_t room = wr_room(rsp);
	if (room <= READ_RSP_OVERHEAD)
		return CC_CANT_RETURN_BYTES;
	if (n > room - READ_RSP_OVERHEAD)
		n = room - READ_RSP_OVERHEAD;
	struct bmc_reader img;
	rd_init(&img, bmc->fru.image, bmc->fru.size);
	rd_skip(&img, off);
	wr_u8(rsp, (uint8_t)n);
	wr_bytes(rsp, rd_ptr(&img, n), n);
	return rd_ok(&img) ? CC_OK : CC_UNSPECIFIED;
}

/* IPMI 2.0 §34.3 Write FRU Data: device id, offset (LS byte first), data -> count
 * written. bmcd does not write-protect any part of the device (no 80h); a write that
 * would run past the end is refused whole (C9h) rather than cut short. */
static uint8_t write_data(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t dev = rd_u8(&r);
	uint16_t off = rd_u16le(&r);
	size_t n = rd_left(&r);
	if (dev != 0)
		return CC_NOT_PRESENT;
	uint8_t cc = bmc_fru_write(bmc, off, &r, n);
	if (cc == CC_OK)
		wr_u8(rsp, (uint8_t)n);
	return cc;
}

const struct bmc_cmd bmc_cmds_fru[] = {
	{NETFN_STORAGE, CMD_GET_FRU_INVENTORY_AREA_INFO, 1, 1, PRIV_USER, get_area_info},
	{NETFN_STORAGE, CMD_READ_FRU_DATA, 4, 4, PRIV_USER, read_data},
	/* At least one data byte; a count written above 255 could not be reported. */
	{NETFN_STORAGE, CMD_WRITE_FRU_DATA, 4, 0xFF, PRIV_OPERATOR, write_data},
	{0},
};

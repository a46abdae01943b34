/* SEL device commands (Storage netfn 0Ah), IPMI 2.0 §31; privileges per appendix G.
 * The engine (records, ids, reservations, storage) is core/sel.c. Partial Add SEL
 * Entry (§31.7) is not implemented: it answers "invalid command" and Get SEL Info
 * says so. */
#include "dispatch.h"
#include "sel.h"

enum {
	CMD_GET_SEL_INFO = 0x40,
	CMD_GET_SEL_ALLOC_INFO = 0x41,
	CMD_RESERVE_SEL = 0x42,
	CMD_GET_SEL_ENTRY = 0x43,
	CMD_ADD_SEL_ENTRY = 0x44,
	CMD_DELETE_SEL_ENTRY = 0x46,
	CMD_CLEAR_SEL = 0x47,
	CMD_GET_SEL_TIME = 0x48,
	CMD_SET_SEL_TIME = 0x49,
	CMD_GET_SEL_UTC_OFFSET = 0x5C,
	CMD_SET_SEL_UTC_OFFSET = 0x5D,
};

#define SEL_VERSION 0x51 /* IPMI 1.5 / 2.0 SEL command set, BCD digits swapped */
/* Get SEL Info operation support, §31.2 */
#define OPSUP_OVERFLOW 0x80
#define OPSUP_DELETE 0x08
#define OPSUP_PARTIAL_ADD 0x04
#define OPSUP_RESERVE 0x02
#define OPSUP_ALLOC_INFO 0x01
#define READ_WHOLE 0xFF
#define CLEAR_INITIATE 0xAA
#define CLEAR_STATUS 0x00
#define ERASE_COMPLETED 0x01

static uint16_t free_units(const struct bmc *bmc)
{
	const struct bmc_sel *s = &bmc->sel;
	return s->count < s->capacity ? (uint16_t)(s->capacity - s->count) : 0;
}

/* IPMI 2.0 §31.2 Get SEL Info. Free space in bytes saturates at FFFFh ("65535 or
 * more"), which a full 4096-entry SEL of 16-byte records would exceed. */
static uint8_t get_sel_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	const struct bmc_sel *s = &bmc->sel;
	uint32_t bytes = (uint32_t)free_units(bmc) * BMC_SEL_REC;
	(void)req;

	wr_u8(rsp, SEL_VERSION);
	wr_u16le(rsp, s->count);
	wr_u16le(rsp, bytes > 0xFFFFu ? 0xFFFFu : (uint16_t)bytes);
	wr_u32le(rsp, s->last_add);
	wr_u32le(rsp, s->last_erase);
	wr_u8(rsp, (uint8_t)((s->overflow ? OPSUP_OVERFLOW : 0) | OPSUP_DELETE | OPSUP_RESERVE | OPSUP_ALLOC_INFO));
	return CC_OK;
}

/* IPMI 2.0 §31.3 Get SEL Allocation Info. Every record is one 16-byte unit, so any
 * free unit is as good as any other: the largest free block is all of them. */
static uint8_t get_sel_alloc_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u16le(rsp, bmc->sel.capacity);
	wr_u16le(rsp, BMC_SEL_REC);
	wr_u16le(rsp, free_units(bmc));
	wr_u16le(rsp, free_units(bmc));
	wr_u8(rsp, 1); /* maximum record size, in units */
	return CC_OK;
}

/* IPMI 2.0 §31.4 Reserve SEL. */
static uint8_t reserve_sel(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u16le(rsp, bmc_sel_reserve(bmc));
	return CC_OK;
}

/* IPMI 2.0 §31.5 Get SEL Entry. The reservation matters only for a partial read
 * (offset != 0): a whole record is consistent by itself. "Bytes to read" FFh means
 * to the end of the record; more bytes than the record has left cannot be returned. */
static uint8_t get_sel_entry(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint16_t res = rd_u16le(&r), id = rd_u16le(&r);
	uint8_t off = rd_u8(&r), n = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (off != 0 && !bmc_sel_reserved(bmc, res))
		return CC_RESERVATION;
	int i = bmc_sel_index(bmc, id);
	if (i < 0)
		return CC_NOT_PRESENT;
	if (off >= BMC_SEL_REC)
		return CC_PARAM_OUT_OF_RANGE;
	if (n == READ_WHOLE)
		n = (uint8_t)(BMC_SEL_REC - off);
	else if (off + n > BMC_SEL_REC)
		return CC_CANT_RETURN_BYTES;
	const uint8_t *rec = bmc_sel_at(bmc, (unsigned)i);
	uint16_t next = SEL_ID_LAST;
	if ((unsigned)i + 1 < bmc->sel.count) {
		const uint8_t *nx = bmc_sel_at(bmc, (unsigned)i + 1);
		next = (uint16_t)(nx[0] | nx[1] << 8);
	}
	wr_u16le(rsp, next);
	wr_bytes(rsp, rec + off, n);
	return CC_OK;
}

/* IPMI 2.0 §31.6 Add SEL Entry: the BMC assigns the record id and, for types 02h and
 * C0h-DFh, the time stamp. Reserved record types are an invalid field. Durable before
 * the answer; a full SEL answers C4h (out of space) and sets the overflow flag. */
static uint8_t add_sel_entry(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	uint8_t rec[BMC_SEL_REC];
	uint16_t id = 0;
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	rd_bytes(&r, rec, sizeof rec);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	uint8_t cc = bmc_sel_add(bmc, rec, &id);
	if (cc == CC_OK)
		wr_u16le(rsp, id);
	return cc;
}

/* IPMI 2.0 §31.8 Delete SEL Entry: reservation required; 0000h / FFFFh name the
 * first / last record. The deletion cancels the reservation (§31.4). */
static uint8_t delete_sel_entry(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	uint16_t deleted = 0;
	rd_init(&r, req->data, req->len);
	uint16_t res = rd_u16le(&r), id = rd_u16le(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (!bmc_sel_reserved(bmc, res))
		return CC_RESERVATION;
	uint8_t cc = bmc_sel_delete(bmc, id, &deleted);
	if (cc == CC_OK)
		wr_u16le(rsp, deleted);
	return cc;
}

/* IPMI 2.0 §31.9 Clear SEL: reservation, 'C' 'L' 'R', then AAh (initiate erase) or
 * 00h (get erasure status). bmcd erases synchronously (one durable write), so the
 * answer is always "erasure completed". The erase cancels the reservation. */
static uint8_t clear_sel(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint16_t res = rd_u16le(&r);
	uint8_t c = rd_u8(&r), l = rd_u8(&r), rr = rd_u8(&r), op = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (!bmc_sel_reserved(bmc, res))
		return CC_RESERVATION;
	if (c != 'C' || l != 'L' || rr != 'R' || (op != CLEAR_INITIATE && op != CLEAR_STATUS))
		return CC_INVALID_FIELD;
	if (op == CLEAR_INITIATE) {
		uint8_t cc = bmc_sel_clear(bmc);
		if (cc != CC_OK)
			return cc;
		bmc_logf(bmc, BMC_LOG_INFO, "audit: SEL cleared");
	}
	wr_u8(rsp, ERASE_COMPLETED);
	return CC_OK;
}

/* IPMI 2.0 §31.10 Get SEL Time. */
static uint8_t get_sel_time(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u32le(rsp, bmc_sel_time(bmc));
	return CC_OK;
}

/* IPMI 2.0 §31.11 Set SEL Time. */
static uint8_t set_sel_time(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	(void)rsp;
	rd_init(&r, req->data, req->len);
	uint32_t t = rd_u32le(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	bmc_sel_set_time(bmc, t);
	return CC_OK;
}

/* IPMI 2.0 §31.11a Get SEL Time UTC Offset: signed minutes, LS byte first. */
static uint8_t get_sel_utc_offset(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u16le(rsp, (uint16_t)bmc->sel.utc_offset);
	return CC_OK;
}

/* IPMI 2.0 §31.11b Set SEL Time UTC Offset: -720..+720 minutes or 07FFh. */
static uint8_t set_sel_utc_offset(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	(void)rsp;
	rd_init(&r, req->data, req->len);
	int16_t minutes = (int16_t)rd_u16le(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	return bmc_sel_set_utc_offset(bmc, minutes);
}

const struct bmc_cmd bmc_cmds_sel[] = {
	{NETFN_STORAGE, CMD_GET_SEL_INFO, 0, 0, PRIV_USER, get_sel_info},
	{NETFN_STORAGE, CMD_GET_SEL_ALLOC_INFO, 0, 0, PRIV_USER, get_sel_alloc_info},
	{NETFN_STORAGE, CMD_RESERVE_SEL, 0, 0, PRIV_USER, reserve_sel},
	{NETFN_STORAGE, CMD_GET_SEL_ENTRY, 6, 6, PRIV_USER, get_sel_entry},
	{NETFN_STORAGE, CMD_ADD_SEL_ENTRY, 16, 16, PRIV_OPERATOR, add_sel_entry},
	{NETFN_STORAGE, CMD_DELETE_SEL_ENTRY, 4, 4, PRIV_OPERATOR, delete_sel_entry},
	{NETFN_STORAGE, CMD_CLEAR_SEL, 6, 6, PRIV_OPERATOR, clear_sel},
	{NETFN_STORAGE, CMD_GET_SEL_TIME, 0, 0, PRIV_USER, get_sel_time},
	{NETFN_STORAGE, CMD_SET_SEL_TIME, 4, 4, PRIV_OPERATOR, set_sel_time},
	{NETFN_STORAGE, CMD_GET_SEL_UTC_OFFSET, 0, 0, PRIV_USER, get_sel_utc_offset},
	{NETFN_STORAGE, CMD_SET_SEL_UTC_OFFSET, 2, 2, PRIV_OPERATOR, set_sel_utc_offset},
	{0},
};

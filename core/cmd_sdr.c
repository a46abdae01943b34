/* SDR repository commands (Storage netfn 0Ah, IPMI 2.0 §33) and the Device SDR
 * commands (Sensor/Event netfn 04h, §35.2-35.4). Both serve the same generated
 * records (sdr.c); each has its own reservation.
 *
 * The repository is generated from the platform's sensors, so Add SDR, Partial Add,
 * Delete SDR, Clear SDR Repository, Set SDR Repository Time, Enter/Exit SDR Repository
 * Update Mode and Run Initialization Agent are not in the table: dispatch answers C1h
 * (invalid command), and Get SDR Repository Info advertises no update support. */
#include "dispatch.h"
#include "sdr.h"

/* Allocation info (§33.10): one unit holds any record. */
#define SDR_ALLOC_UNIT SDR_MAX_RECORD

static uint32_t repo_time(struct bmc *bmc)
{
	if (!bmc->plat.wall_time)
		return 0;
	int64_t t = bmc->plat.wall_time(bmc->plat.ctx);
	return t < 0 || t > 0xFFFFFFFFll ? 0 : (uint32_t)t;
}

static uint16_t new_reservation(uint16_t *res)
{
	/* A new reservation cancels the previous one (§33.11); 0000h is never issued
	 * because it means "no reservation" in Get SDR. */
	*res = (uint16_t)(*res + 1);
	if (*res == 0)
		*res = 1;
	return *res;
}

/* Get SDR (§33.12) and Get Device SDR (§35.3): request reservation id, record id
 * (0000h first, FFFFh last), offset into record, bytes to read (FFh = to the end);
 * response next record id (FFFFh after the last) and the bytes. */
static uint8_t read_sdr(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp, uint16_t reservation)
{
	struct bmc_reader r;
	uint8_t rec[SDR_MAX_RECORD];
	rd_init(&r, req->data, req->len);
	uint16_t res = rd_u16le(&r);
	uint16_t want = rd_u16le(&r);
	uint8_t off = rd_u8(&r);
	uint8_t n = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	/* The reservation only guards partial reads (non-zero offset); whole-record
	 * reads pass 0000h. */
	if (off != 0 && (res == 0 || res != reservation))
		return CC_RESERVATION;
	uint16_t id = bmc_sdr_resolve(bmc, want);
	if (!id)
		return CC_NOT_PRESENT;
	int len = bmc_sdr_encode(bmc, id, rec, sizeof rec);
	if (len < 0)
		return CC_UNSPECIFIED;
	if (off > len)
		return CC_PARAM_OUT_OF_RANGE;
	size_t left = (size_t)len - off;
	size_t count = n == 0xFF || n > left ? left : n;
	if (2 + count > wr_room(rsp))
		return CC_CANT_RETURN_BYTES;
	wr_u16le(rsp, bmc_sdr_next(bmc, id));
	wr_bytes(rsp, rec + off, count);
	return CC_OK;
}

/* IPMI 2.0 §33.9 Get SDR Repository Info. */
static uint8_t get_repo_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u8(rsp, SDR_VERSION);
	wr_u16le(rsp, bmc_sdr_count(bmc));
	wr_u16le(rsp, 0x0000);             /* free space: none, records are generated */
	wr_u32le(rsp, bmc->sensors.sdr_time); /* most recent addition */
	wr_u32le(rsp, 0);                  /* most recent erase: never */
	/* Operation support: [6:5] 00b update mode unspecified (no updates), [3] no
	 * Delete, [2] no Partial Add, [1] Reserve supported, [0] allocation info. */
	wr_u8(rsp, 0x03);
	return CC_OK;
}

/* IPMI 2.0 §33.10 Get SDR Repository Allocation Info. */
static uint8_t get_alloc_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u16le(rsp, bmc_sdr_count(bmc)); /* possible allocation units */
	wr_u16le(rsp, SDR_ALLOC_UNIT);     /* unit size in bytes */
	wr_u16le(rsp, 0);                  /* free units */
	wr_u16le(rsp, 0);                  /* largest free block */
	wr_u8(rsp, 1);                     /* largest record, in units */
	return CC_OK;
}

/* IPMI 2.0 §33.11 Reserve SDR Repository. */
static uint8_t reserve_repo(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u16le(rsp, new_reservation(&bmc->sensors.reservation));
	return CC_OK;
}

/* IPMI 2.0 §33.12 Get SDR. */
static uint8_t get_sdr(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	return read_sdr(bmc, req, rsp, bmc->sensors.reservation);
}

/* IPMI 2.0 §33.13 Get SDR Repository Time. */
static uint8_t get_repo_time(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u32le(rsp, repo_time(bmc));
	return CC_OK;
}

/* IPMI 2.0 §35.2 Get Device SDR Info. Request byte 1 (optional) [0]: 1b = count of
 * SDRs, 0b = count of sensors on the LUN the request was addressed to. Response: the
 * count, then flags [7] 0b static population, [3:0] LUNs 3..0 that have sensors;
 * the population change indicator is only sent for dynamic populations. */
static uint8_t get_dev_sdr_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	const struct bmc_sensors *ss = &bmc->sensors;
	bool sdrs = req->len == 1 && (req->data[0] & 1);
	unsigned on_lun = 0;
	uint8_t luns = 0;
	for (unsigned lun = 0; lun < 4; lun++) {
		for (unsigned num = 0; num < 256; num++) {
			if (ss->by_num[lun][num] == BMC_SENSOR_NONE)
				continue;
			luns |= (uint8_t)(1u << lun);
			if (lun == req->lun)
				on_lun++;
		}
	}
	unsigned count = sdrs ? bmc_sdr_count(bmc) : on_lun;
	wr_u8(rsp, (uint8_t)(count > 0xFF ? 0xFF : count));
	wr_u8(rsp, luns);
	return CC_OK;
}

/* IPMI 2.0 §35.3 Get Device SDR. */
static uint8_t get_dev_sdr(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	return read_sdr(bmc, req, rsp, bmc->sensors.dev_reservation);
}

/* IPMI 2.0 §35.4 Reserve Device SDR Repository. */
static uint8_t reserve_dev_sdr(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u16le(rsp, new_reservation(&bmc->sensors.dev_reservation));
	return CC_OK;
}

/* Privileges: IPMI 2.0 appendix G (all reads are User). */
const struct bmc_cmd bmc_cmds_sdr[] = {
	{NETFN_STORAGE, 0x20, 0, 0, PRIV_USER, get_repo_info},
	{NETFN_STORAGE, 0x21, 0, 0, PRIV_USER, get_alloc_info},
	{NETFN_STORAGE, 0x22, 0, 0, PRIV_USER, reserve_repo},
	{NETFN_STORAGE, 0x23, 6, 6, PRIV_USER, get_sdr},
	{NETFN_STORAGE, 0x28, 0, 0, PRIV_USER, get_repo_time},
	{NETFN_SENSOR, 0x20, 0, 1, PRIV_USER, get_dev_sdr_info},
	{NETFN_SENSOR, 0x21, 6, 6, PRIV_USER, get_dev_sdr},
	{NETFN_SENSOR, 0x22, 0, 0, PRIV_USER, reserve_dev_sdr},
	{0},
};

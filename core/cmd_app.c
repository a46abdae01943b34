/* Application commands (netfn 06h): IPM device "global" commands (IPMI 2.0 §20) and
 * BMC global enables (§22.1-22.2). The session and user commands of this netfn live
 * in their own files. */
#include "dispatch.h"

/* Get Device ID byte 6, "additional device support": a bit for each function bmcd
 * implements (the MC device locator SDR, core/sdr.c, says the same). */
#define DEVSUP_SENSOR 0x01
#define DEVSUP_SDR 0x02
#define DEVSUP_SEL 0x04
#define DEVSUP_FRU 0x08
#define DEVSUP_EVENT_RECEIVER 0x10
#define DEVSUP_EVENT_GENERATOR 0x20
#define DEVSUP_BRIDGE 0x40
#define DEVSUP_CHASSIS 0x80
#define DEVICE_SUPPORT \
	(DEVSUP_CHASSIS | DEVSUP_EVENT_RECEIVER | DEVSUP_FRU | DEVSUP_SEL | DEVSUP_SDR | DEVSUP_SENSOR)

/* BMC Global Enables bits, §22.1. */
#define GE_RECV_MSG_QUEUE_INT 0x01
#define GE_EVT_BUF_FULL_INT 0x02
#define GE_EVT_BUF 0x04
#define GE_SEL_LOGGING 0x08
#define GE_RESERVED 0x10
#define GE_OEM0 0x20
#define GE_OEM1 0x40
#define GE_OEM2 0x80

/* IPMI 2.0 §20.1 Get Device ID. */
static uint8_t get_device_id(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	const struct bmc_config *c = &bmc->cfg;
	(void)req;

	wr_u8(rsp, c->device_id);
	/* [7] 0: no device SDRs; [3:0] device revision. */
	wr_u8(rsp, c->device_rev & 0x0F);
	/* [7] 0: device available (no update or self-initialisation in progress);
	 * [6:0] major firmware revision, binary. */
	wr_u8(rsp, c->fw_major & 0x7F);
	wr_u8(rsp, c->fw_minor); /* BCD */
	wr_u8(rsp, 0x02);        /* IPMI version 2.0, BCD with the digits swapped */
	wr_u8(rsp, DEVICE_SUPPORT);
	/* 20-bit IANA enterprise number, LS byte first; [23:20] reserved. */
	uint32_t mfg = c->manufacturer_id & 0x0FFFFFu;
	wr_u8(rsp, (uint8_t)mfg);
	wr_u8(rsp, (uint8_t)(mfg >> 8));
	wr_u8(rsp, (uint8_t)(mfg >> 16));
	wr_u16le(rsp, c->product_id);
	wr_bytes(rsp, c->aux_fw, sizeof c->aux_fw);
	return CC_OK;
}

/* Resets are the port's to perform, after this reply has been sent (the platform op's
 * contract). What each must do, IPMI 2.0 §20.2-20.3:
 *  - Cold Reset restores the "power up" defaults of everything volatile: global enables,
 *    event message generation, sensor scanning and thresholds, volatile channel access,
 *    LAN "set in progress", and it closes every session; self-test runs again.
 *    Non-volatile state (the store: users, channel and LAN parameters, SEL) survives.
 *  - Warm Reset resets the communication interfaces but leaves the current
 *    configuration alone (global enables, thresholds, volatile settings) and runs no
 *    self-test. bmcd's sessions are state, not a communication interface, so a warm
 *    reset keeps them.
 * A port that cannot reset (no reset op) answers "invalid command" rather than claim a
 * reset that will not happen. */
static uint8_t request_reset(struct bmc *bmc, enum bmc_reset_kind kind)
{
	if (!bmc->plat.reset)
		return CC_INVALID_CMD;
	bmc_logf(bmc, BMC_LOG_INFO, "audit: %s reset requested", kind == BMC_RESET_COLD ? "cold" : "warm");
	bmc->plat.reset(bmc->plat.ctx, kind);
	return CC_OK;
}

/* IPMI 2.0 §20.2 Cold Reset. */
static uint8_t cold_reset(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	(void)rsp;
	return request_reset(bmc, BMC_RESET_COLD);
}

/* IPMI 2.0 §20.3 Warm Reset. */
static uint8_t warm_reset(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	(void)rsp;
	return request_reset(bmc, BMC_RESET_WARM);
}

/* IPMI 2.0 §20.4 Get Self Test Results: 55h "no error", 00h. bmcd's start-up checks
 * (configuration, randomness, store replay) refuse to start rather than run degraded. */
static uint8_t get_self_test(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)bmc;
	(void)req;
	wr_u8(rsp, 0x55);
	wr_u8(rsp, 0x00);
	return CC_OK;
}

/* IPMI 2.0 §20.8 Get Device GUID. The BMC is the managed system's only controller, so
 * the device GUID is the system GUID. */
static uint8_t get_device_guid(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_bytes(rsp, bmc->system_guid, sizeof bmc->system_guid);
	return CC_OK;
}

/* IPMI 2.0 §22.1 Set BMC Global Enables. Bits 0-3 switch standard functions and are
 * kept (the system interface and SEL that act on them come later; the switches are
 * what an OS driver reads back). Bit 4 is reserved, and bmcd has no OEM functions for
 * bits 5-7 to enable, so setting any of them is an invalid field. */
static uint8_t set_global_enables(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t v = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (v & (GE_RESERVED | GE_OEM0 | GE_OEM1 | GE_OEM2))
		return CC_INVALID_FIELD;
	bmc->global_enables = v;
	return CC_OK;
}

/* IPMI 2.0 §22.2 Get BMC Global Enables. */
static uint8_t get_global_enables(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u8(rsp, bmc->global_enables);
	return CC_OK;
}

const struct bmc_cmd bmc_cmds_app[] = {
	{NETFN_APP, CMD_GET_DEVICE_ID, 0, 0, PRIV_USER, get_device_id},
	{NETFN_APP, CMD_COLD_RESET, 0, 0, PRIV_ADMIN, cold_reset},
	{NETFN_APP, CMD_WARM_RESET, 0, 0, PRIV_ADMIN, warm_reset},
	{NETFN_APP, CMD_GET_SELF_TEST, 0, 0, PRIV_USER, get_self_test},
	{NETFN_APP, CMD_GET_DEVICE_GUID, 0, 0, PRIV_USER, get_device_guid},
	{NETFN_APP, CMD_SET_BMC_GLOBAL_ENABLES, 1, 1, PRIV_ADMIN, set_global_enables},
	{NETFN_APP, CMD_GET_BMC_GLOBAL_ENABLES, 0, 0, PRIV_USER, get_global_enables},
	{0},
};

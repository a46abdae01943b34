/* Watchdog timer commands (App netfn), IPMI 2.0 §27.5-27.7. */
#include "dispatch.h"
#include "watchdog.h"

/* IPMI 2.0 §27.5 */
static uint8_t reset_watchdog(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	(void)rsp;
	return bmc_watchdog_reset(bmc);
}

/* IPMI 2.0 §27.6 */
static uint8_t set_watchdog(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	(void)rsp;
	rd_init(&r, req->data, req->len);
	uint8_t use = rd_u8(&r), actions = rd_u8(&r), pre_s = rd_u8(&r), clear = rd_u8(&r);
	uint16_t initial = rd_u16le(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	uint8_t timer_use = use & WD_USE_MASK, pre = (actions >> 4) & 0x07, act = actions & 0x07;
	/* Reserved bits and values: timer use 0, 6, 7; interrupts and actions 4-7. */
	if ((use & 0x38) || timer_use == 0 || timer_use > 5 || (actions & 0x88) || pre > WD_PRE_MSG ||
	    act > WD_ACT_POWER_CYCLE || (clear & 0xC1))
		return CC_INVALID_FIELD;
	/* An interrupt due before the countdown starts cannot be honoured. */
	if (pre != WD_PRE_NONE && (uint32_t)pre_s * 10u > initial)
		return CC_INVALID_FIELD;
	return bmc_watchdog_set(bmc, use, actions, pre_s, clear, initial);
}

/* IPMI 2.0 §27.7 */
static uint8_t get_watchdog(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	bmc_watchdog_get(bmc, rsp);
	return CC_OK;
}

const struct bmc_cmd bmc_cmds_watchdog[] = {
	{NETFN_APP, CMD_RESET_WATCHDOG, 0, 0, PRIV_OPERATOR, reset_watchdog},
	{NETFN_APP, CMD_SET_WATCHDOG, 6, 6, PRIV_OPERATOR, set_watchdog},
	{NETFN_APP, CMD_GET_WATCHDOG, 0, 0, PRIV_USER, get_watchdog},
	{0},
};

/* Chassis commands (netfn 00h), IPMI 2.0 §28. */
#include "chassis.h"
#include "dispatch.h"
#include "bmc/store.h"

/* The one request byte of a command whose length dispatch fixed at 1. */
static uint8_t byte1(const struct bmc_req *req)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	return rd_u8(&r);
}

/* IPMI 2.0 §28.1 */
static uint8_t get_caps(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	const struct bmc_chassis *c = &bmc->chassis;
	(void)req;
	wr_bytes(rsp, c->caps, sizeof c->caps);
	if (c->has_bridge)
		wr_u8(rsp, c->bridge);
	return CC_OK;
}

/* IPMI 2.0 §28.7: the flags that may be set are front panel lockout (bit 1) and
 * intrusion sensor (bit 0); the diagnostic interrupt bit describes what bmcd can do
 * and stays. Addresses are 8-bit slave addresses (bit 0 = 0). Stored. */
static uint8_t set_caps(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_chassis *c = &bmc->chassis;
	struct bmc_reader r;
	uint8_t v[6];
	(void)rsp;
	rd_init(&r, req->data, req->len);
	rd_bytes(&r, v, req->len);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (v[0] & 0xFC)
		return CC_INVALID_FIELD;
	for (size_t i = 1; i < req->len; i++)
		if (v[i] & 1)
			return CC_INVALID_FIELD;
	v[0] = (uint8_t)(v[0] | (c->caps[0] & 0x04));
	if (bmc_persist(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_CAPS, v, req->len) != 0)
		return CC_UNSPECIFIED;
	for (size_t i = 0; i < 5; i++)
		c->caps[i] = v[i];
	c->has_bridge = req->len == 6;
	c->bridge = c->has_bridge ? v[5] : 0;
	return CC_OK;
}

/* IPMI 2.0 §28.2 */
static uint8_t get_status(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_chassis *c = &bmc->chassis;
	(void)req;
	bool on = bmc_chassis_power(bmc);
	/* Byte 1: power restore policy 6:5, power control fault 4, power on 0. */
	wr_u8(rsp, (uint8_t)(c->restore_policy << 5 | (c->control_fault ? 0x10 : 0) | (on ? 0x01 : 0)));
	wr_u8(rsp, c->last_event);
	/* Byte 3: identify state 5:4, and bit 6 when identify is supported at all. */
	uint8_t misc = 0;
	if (bmc->backend.identify)
		misc = (uint8_t)(0x40 | c->identify << 4);
	wr_u8(rsp, misc);
	/* Byte 4: front panel buttons; none can be disabled (no Set Front Panel Enables). */
	wr_u8(rsp, 0x00);
	return CC_OK;
}

/* IPMI 2.0 §28.3 */
static uint8_t chassis_control(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	uint8_t a = byte1(req);
	if (a > BMC_CHASSIS_SOFT_OFF)
		return CC_INVALID_FIELD;
	switch (bmc_chassis_action(bmc, (enum bmc_chassis_action)a, RESTART_CHASSIS_CONTROL, req->channel)) {
	case CHASSIS_OK:
		return CC_OK;
	case CHASSIS_ENOBACKEND:
	case CHASSIS_ENOTNOW:
		return CC_NOT_SUPPORTED_NOW;
	default:
		return CC_UNSPECIFIED;
	}
}

/* IPMI 2.0 §28.5: byte 1 interval in seconds (default 15, 0 = off); byte 2 bit 0
 * "force on" lights it until told otherwise and overrides byte 1. */
static uint8_t chassis_identify(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_chassis *c = &bmc->chassis;
	struct bmc_reader r;
	(void)rsp;
	rd_init(&r, req->data, req->len);
	uint8_t secs = req->len >= 1 ? rd_u8(&r) : IDENTIFY_DEFAULT_S;
	uint8_t force = req->len >= 2 ? rd_u8(&r) : 0;
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (force & 0xFE)
		return CC_INVALID_FIELD;
	if (!bmc->backend.identify)
		return CC_NOT_SUPPORTED_NOW;
	if (force)
		secs = 0;
	if (bmc->backend.identify(bmc->backend.ctx, secs, force != 0) != 0)
		return CC_UNSPECIFIED;
	if (force) {
		c->identify = IDENTIFY_FORCED;
	} else if (secs == 0) {
		c->identify = IDENTIFY_OFF;
	} else {
		c->identify = IDENTIFY_TIMED;
		c->identify_until_ms = bmc_now(bmc) + (uint64_t)secs * 1000u;
	}
	return CC_OK;
}

/* IPMI 2.0 §28.8: the answer lists the policies supported (bit 2 always on, bit 1
 * previous, bit 0 always off). */
static uint8_t set_restore_policy(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_chassis *c = &bmc->chassis;
	uint8_t p = byte1(req);
	if (p > POLICY_NO_CHANGE)
		return CC_INVALID_FIELD;
	if (p != POLICY_NO_CHANGE && p != c->restore_policy) {
		const uint8_t v[2] = {p, c->last_on ? 1 : 0};
		if (bmc_persist(bmc, STORE_CHASSIS, BMC_CHASSIS_KEY_POWER, v, sizeof v) != 0)
			return CC_UNSPECIFIED;
		c->restore_policy = p;
	}
	wr_u8(rsp, 0x07);
	return CC_OK;
}

/* IPMI 2.0 §28.11 */
static uint8_t get_restart_cause(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u8(rsp, bmc->chassis.restart_cause);
	wr_u8(rsp, bmc->chassis.restart_chan);
	return CC_OK;
}

/* IPMI 2.0 §28.14 */
static uint8_t get_poh(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u8(rsp, POH_MINUTES_PER_COUNT);
	wr_u32le(rsp, bmc->chassis.poh);
	return CC_OK;
}

const struct bmc_cmd bmc_cmds_chassis[] = {
	{NETFN_CHASSIS, CMD_GET_CHASSIS_CAPS, 0, 0, PRIV_USER, get_caps},
	{NETFN_CHASSIS, CMD_GET_CHASSIS_STATUS, 0, 0, PRIV_USER, get_status},
	{NETFN_CHASSIS, CMD_CHASSIS_CONTROL, 1, 1, PRIV_OPERATOR, chassis_control},
	{NETFN_CHASSIS, CMD_CHASSIS_IDENTIFY, 0, 2, PRIV_OPERATOR, chassis_identify},
	{NETFN_CHASSIS, CMD_SET_CHASSIS_CAPS, 5, 6, PRIV_ADMIN, set_caps},
	{NETFN_CHASSIS, CMD_SET_POWER_RESTORE_POLICY, 1, 1, PRIV_OPERATOR, set_restore_policy},
	{NETFN_CHASSIS, CMD_GET_RESTART_CAUSE, 0, 0, PRIV_USER, get_restart_cause},
	{NETFN_CHASSIS, CMD_SET_BOOT_OPTIONS, 1, 18, PRIV_OPERATOR, bmc_bootopt_set},
	{NETFN_CHASSIS, CMD_GET_BOOT_OPTIONS, 3, 3, PRIV_OPERATOR, bmc_bootopt_get},
	{NETFN_CHASSIS, CMD_GET_POH_COUNTER, 0, 0, PRIV_USER, get_poh},
	{0},
};

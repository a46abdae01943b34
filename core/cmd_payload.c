/* Payload activation commands of the App netfn, IPMI 2.0 §24.1-24.5: Activate and
 * Deactivate Payload, Get Payload Activation Status, Get Payload Instance Info, and
 * Suspend/Resume Payload Encryption. SOL (type 01h, instance 1) is the one payload
 * that is activated; the data path is sol.c. */
#include "dispatch.h"
#include "sol.h"
#include "solparm.h"
#include "state.h"

#define SOL_INSTANCE 1

/* Type and instance of a request: SOL instance 1 on the LAN channel, or why not. */
static uint8_t check_sol(uint8_t type, uint8_t instance)
{
	if (type != PAYLOAD_SOL)
		return CC_INVALID_FIELD; /* no other payload type is activated */
	if (instance != SOL_INSTANCE)
		return CC_INVALID_FIELD;
	return CC_OK;
}

/* Activate and Deactivate travel in an RMCP+ session (§24.1: the payload then runs in
 * it); IPMI 1.5 sessions and session-less channels have no payloads. */
static bool plus_session(const struct bmc_req *req)
{
	return req->session && !req->session->v15;
}

/* §24.1 Activate Payload: type, instance, 4 auxiliary bytes. Answers the auxiliary
 * data, the inbound and outbound payload sizes, the UDP port and the VLAN (none). */
static uint8_t activate(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	uint8_t cc = check_sol(req->data[0] & 0x3F, req->data[1] & 0x0F);
	if (cc)
		return cc;
	if (!plus_session(req))
		return CC_NOT_SUPPORTED_NOW;
	cc = bmc_sol_activate(bmc, req->session, req->data[2]);
	if (cc)
		return cc;
	wr_zero(rsp, 4);
	wr_u16le(rsp, BMC_SOL_HEADER + BMC_SOL_MAX_CHARS); /* inbound: console -> BMC */
	wr_u16le(rsp, BMC_SOL_HEADER + BMC_SOL_MAX_CHARS); /* outbound */
	wr_u16le(rsp, bmc->cfg.lan_port ? bmc->cfg.lan_port : 623);
	wr_u16le(rsp, 0xFFFF);
	return CC_OK;
}

/* §24.2 Deactivate Payload: type, instance, 4 auxiliary bytes. */
static uint8_t deactivate(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	uint8_t cc = check_sol(req->data[0] & 0x3F, req->data[1] & 0x0F);
	if (cc)
		return cc;
	if (!plus_session(req))
		return CC_NOT_SUPPORTED_NOW;
	return bmc_sol_deactivate(bmc, req->session);
}

/* §24.4 Get Payload Activation Status: instance capacity, then a bit per instance. */
static uint8_t activation_status(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	if ((req->data[0] & 0x3F) != PAYLOAD_SOL)
		return CC_INVALID_FIELD;
	wr_u8(rsp, SOL_INSTANCE);
	wr_u8(rsp, bmc->sol.active ? 0x01 : 0x00);
	wr_u8(rsp, 0x00);
	return CC_OK;
}

/* §24.5 Get Payload Instance Info: the session id the instance runs in (0: none) and
 * 8 payload-specific bytes; for SOL, byte 1 is the system serial port number. */
static uint8_t instance_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	uint8_t cc = check_sol(req->data[0] & 0x3F, req->data[1]);
	if (cc)
		return cc;
	wr_u32le(rsp, bmc->sol.active ? bmc->sol.session_id : 0);
	wr_u8(rsp, 0x01);
	wr_zero(rsp, 7);
	return CC_OK;
}

/* §24.3 Suspend/Resume Payload Encryption: byte 3 [1:0] 00b suspend, 01b resume, 10b
 * regenerate integrity keys. SOL never runs unprotected inside a protected session
 * (sol.c), so suspending is refused; resuming an encrypted payload is a no-op. */
static uint8_t suspend_resume(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	uint8_t cc = check_sol(req->data[0] & 0x3F, req->data[1] & 0x0F);
	if (cc)
		return cc;
	uint8_t op = req->data[2] & 0x03;
	if (!bmc->sol.active || !req->session || req->session->bmc_sid != bmc->sol.session_id)
		return 0x83; /* payload instance not presently active (in this session) */
	if (op == 0x01)
		return CC_OK;
	if (op == 0x00)
		return bmc_solparm_force_encryption(bmc) ? 0x81 : 0x80;
	return 0x80; /* operation not supported */
}

const struct bmc_cmd bmc_cmds_payload[] = {
	{NETFN_APP, 0x48, 6, 6, PRIV_USER, activate},
	{NETFN_APP, 0x49, 6, 6, PRIV_USER, deactivate},
	{NETFN_APP, 0x4A, 1, 1, PRIV_USER, activation_status},
	{NETFN_APP, 0x4B, 2, 2, PRIV_USER, instance_info},
	{NETFN_APP, 0x55, 3, 3, PRIV_USER, suspend_resume},
	{0},
};

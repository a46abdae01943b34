/* Transport commands (netfn 0Ch) for SOL: Set and Get SOL Configuration Parameters,
 * IPMI 2.0 §26.2-26.3. The parameters live in solparm.c; this file parses requests. */
#include "channels.h"
#include "dispatch.h"
#include "solparm.h"

enum {
	CMD_SET_SOL_CONFIG = 0x21,
	CMD_GET_SOL_CONFIG = 0x22,
};

/* SOL is a payload of RMCP+ sessions, so only the LAN channel (table 6-3 medium 04h,
 * 802.3) has SOL parameters. */
static bool is_sol_channel(const struct bmc *bmc, const struct bmc_req *req, uint8_t raw)
{
	uint8_t ch = bmc_req_channel(req, raw);
	return ch == CHANNEL_LAN && bmc_channel_exists(bmc, ch) && bmc->chans[ch].medium == 0x04;
}

/* IPMI 2.0 §26.2 Set SOL Configuration Parameters. Request: [7:4] reserved, [3:0]
 * channel; parameter selector; data (exact length per parameter, checked in solparm.c). */
static uint8_t set_sol_config(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_param_req p;
	(void)rsp;
	uint8_t cc = bmc_param_set_req(req, &p);
	if (cc)
		return cc;
	if (!is_sol_channel(bmc, req, p.channel))
		return CC_INVALID_FIELD;
	return bmc_solparm_set(bmc, p.param, p.data, p.len);
}

/* IPMI 2.0 §26.3 Get SOL Configuration Parameters. Request: [7] revision only, [6:4]
 * reserved, [3:0] channel; parameter selector; set selector; block selector. Response:
 * parameter revision 11h, then the data unless only the revision was asked for. */
static uint8_t get_sol_config(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_param_req p;
	uint8_t cc = bmc_param_get_req(req, &p);
	if (cc)
		return cc;
	if (!is_sol_channel(bmc, req, p.channel))
		return CC_INVALID_FIELD;
	return bmc_solparm_get(bmc, p.param, p.set_sel, p.block_sel, p.rev_only, rsp);
}

/* Privileges from appendix G: Set is ADMINISTRATOR, Get is USER. Set carries channel,
 * parameter and 1..2 data bytes (the longest parameters, 3, 4 and 8, have two). */
const struct bmc_cmd bmc_cmds_sol[] = {
	{NETFN_TRANSPORT, CMD_SET_SOL_CONFIG, 3, 4, PRIV_ADMIN, set_sol_config},
	{NETFN_TRANSPORT, CMD_GET_SOL_CONFIG, 4, 4, PRIV_USER, get_sol_config},
	{0},
};

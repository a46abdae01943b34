/* Transport commands (netfn 0Ch): LAN configuration parameters. The parameters
 * themselves live in lanparm.c; this file parses the requests. */
#include "dispatch.h"
#include "channels.h"
#include "lanparm.h"

#define MEDIUM_8023_LAN 0x04 /* IPMI 2.0 table 6-3 */

/* Only a LAN channel has LAN parameters, and bmcd keeps one set: channel 1's. */
static bool is_lan_channel(const struct bmc *bmc, const struct bmc_req *req, uint8_t raw)
{
	uint8_t ch = bmc_req_channel(req, raw);
	return ch == CHANNEL_LAN && bmc_channel_exists(bmc, ch) && bmc->chans[ch].medium == MEDIUM_8023_LAN;
}

/* IPMI 2.0 §23.1 Set LAN Configuration Parameters. Request: [7:4] reserved, [3:0]
 * channel; parameter selector; data (exact length per parameter, checked in lanparm.c). */
static uint8_t set_lan_config(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_param_req p;
	(void)rsp;
	uint8_t cc = bmc_param_set_req(req, &p);
	if (cc)
		return cc;
	if (!is_lan_channel(bmc, req, p.channel))
		return CC_INVALID_FIELD;
	return bmc_lanparm_set(bmc, CHANNEL_LAN, p.param, p.data, p.len);
}

/* IPMI 2.0 §23.2 Get LAN Configuration Parameters. Request: [7] revision only,
 * [6:4] reserved, [3:0] channel; parameter selector; set selector; block selector.
 * Response: parameter revision 11h, then the data unless only the revision was asked. */
static uint8_t get_lan_config(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_param_req p;
	uint8_t cc = bmc_param_get_req(req, &p);
	if (cc)
		return cc;
	if (!is_lan_channel(bmc, req, p.channel))
		return CC_INVALID_FIELD;
	return bmc_lanparm_get(bmc, p.param, p.set_sel, p.block_sel, p.rev_only, rsp);
}

/* Set: channel, parameter and 1..18 data bytes (the community string is the longest). */
const struct bmc_cmd bmc_cmds_transport[] = {
	{NETFN_TRANSPORT, CMD_SET_LAN_CONFIG, 3, 20, PRIV_ADMIN, set_lan_config},
	{NETFN_TRANSPORT, CMD_GET_LAN_CONFIG, 4, 4, PRIV_OPERATOR, get_lan_config},
	{0},
};

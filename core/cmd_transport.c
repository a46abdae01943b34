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
	struct bmc_reader r;
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t chan = rd_u8(&r);
	uint8_t param = rd_u8(&r);
	size_t n = rd_left(&r);
	const uint8_t *data = rd_ptr(&r, n);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if ((chan & 0xF0) || !is_lan_channel(bmc, req, chan & 0x0F))
		return CC_INVALID_FIELD;
	return bmc_lanparm_set(bmc, CHANNEL_LAN, param, data, n);
}

/* IPMI 2.0 §23.2 Get LAN Configuration Parameters. Request: [7] revision only,
 * [6:4] reserved, [3:0] channel; parameter selector; set selector; block selector.
 * Response: parameter revision 11h, then the data unless only the revision was asked. */
static uint8_t get_lan_config(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;

	rd_init(&r, req->data, req->len);
	uint8_t chan = rd_u8(&r);
	uint8_t param = rd_u8(&r);
	uint8_t set_sel = rd_u8(&r);
	uint8_t block_sel = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if ((chan & 0x70) || !is_lan_channel(bmc, req, chan & 0x0F))
		return CC_INVALID_FIELD;
	return bmc_lanparm_get(bmc, param, set_sel, block_sel, (chan & 0x80) != 0, rsp);
}

/* Set: channel, parameter and 1..18 data bytes (the community string is the longest). */
const struct bmc_cmd bmc_cmds_transport[] = {
	{NETFN_TRANSPORT, CMD_SET_LAN_CONFIG, 3, 20, PRIV_ADMIN, set_lan_config},
	{NETFN_TRANSPORT, CMD_GET_LAN_CONFIG, 4, 4, PRIV_OPERATOR, get_lan_config},
	{0},
};

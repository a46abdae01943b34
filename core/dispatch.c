/* See dispatch.h. */
#include "dispatch.h"

static const struct bmc_cmd *const tables[] = {
	bmc_cmds_app, bmc_cmds_user, bmc_cmds_channel, bmc_cmds_session, bmc_cmds_transport,
	bmc_cmds_sel, bmc_cmds_sdr, bmc_cmds_sensor, bmc_cmds_fru, bmc_cmds_chassis,
	bmc_cmds_watchdog, bmc_cmds_msg, bmc_cmds_serial, bmc_cmds_sol, bmc_cmds_payload_info,
	bmc_cmds_payload,
};

const struct bmc_cmd *bmc_dispatch_find(uint8_t netfn, uint8_t cmd)
{
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct bmc_cmd *c = tables[t]; c->fn; c++)
			if (c->netfn == netfn && c->cmd == cmd)
				return c;
	return NULL;
}

uint8_t bmc_dispatch(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	const struct bmc_cmd *c = bmc_dispatch_find(req->netfn, req->cmd);
	size_t start = wr_len(rsp);

	if (!c)
		return CC_INVALID_CMD;
	/* IPMI 2.0 §5.2: privilege is checked before the request data. */
	if (req->priv < c->min_priv)
		return CC_INSUFFICIENT_PRIV;
	if (req->len < c->min_len || req->len > c->max_len)
		return CC_REQ_LEN_INVALID;
	uint8_t cc = c->fn(bmc, req, rsp);
	if (cc != CC_OK || !wr_ok(rsp)) {
		rsp->len = start;
		rsp->err = false;
		if (cc == CC_OK)
			cc = CC_CANT_RETURN_BYTES;
	}
	return cc;
}

const struct bmc_cmd *bmc_dispatch_entry(size_t i)
{
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct bmc_cmd *c = tables[t]; c->fn; c++)
			if (i-- == 0)
				return c;
	return NULL;
}

uint8_t bmc_req_channel(const struct bmc_req *req, uint8_t channel)
{
	return channel == CHANNEL_CURRENT ? req->channel : channel;
}

uint8_t bmc_param_set_req(const struct bmc_req *req, struct bmc_param_req *out)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t chan = rd_u8(&r);
	*out = (struct bmc_param_req){.channel = (uint8_t)(chan & 0x0F), .param = rd_u8(&r)};
	out->len = rd_left(&r);
	out->data = rd_ptr(&r, out->len);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	return chan & 0xF0 ? CC_INVALID_FIELD : CC_OK;
}

uint8_t bmc_param_get_req(const struct bmc_req *req, struct bmc_param_req *out)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t chan = rd_u8(&r);
	*out = (struct bmc_param_req){.channel = (uint8_t)(chan & 0x0F), .rev_only = (chan & 0x80) != 0};
	out->param = rd_u8(&r);
	out->set_sel = rd_u8(&r);
	out->block_sel = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	return chan & 0x70 ? CC_INVALID_FIELD : CC_OK;
}

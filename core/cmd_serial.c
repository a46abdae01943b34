/* Transport commands of the serial channel: Set/Get Serial/Modem Configuration and Set
 * Serial/Modem Mux, IPMI 2.0 §25.1-25.3. The parameters live in serialparm.c. */
#include "channels.h"
#include "dispatch.h"
#include "serial.h"

/* Only channel 2 is a serial channel, and only while the port has a device for it. */
static bool is_serial(const struct bmc *bmc, const struct bmc_req *req, uint8_t raw)
{
	return bmc_req_channel(req, raw) == CHANNEL_SERIAL && bmc->cfg.serial_enabled &&
	       bmc_channel_exists(bmc, CHANNEL_SERIAL);
}

/* IPMI 2.0 §25.1. Request: [3:0] channel; parameter selector; data. */
static uint8_t set_serial_config(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_param_req p;
	(void)rsp;
	uint8_t cc = bmc_param_set_req(req, &p);
	if (cc)
		return cc;
	if (!is_serial(bmc, req, p.channel))
		return CC_INVALID_FIELD;
	return bmc_serialparm_set(bmc, p.param, p.data, p.len);
}

/* IPMI 2.0 §25.2. Request: [7] revision only, [3:0] channel; parameter; set selector;
 * block selector. */
static uint8_t get_serial_config(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_param_req p;
	uint8_t cc = bmc_param_get_req(req, &p);
	if (cc)
		return cc;
	if (!is_serial(bmc, req, p.channel))
		return CC_INVALID_FIELD;
	return bmc_serialparm_get(bmc, p.param, p.set_sel, p.block_sel, p.rev_only, rsp);
}

/* IPMI 2.0 §25.3 Set Serial/Modem Mux. Request: [3:0] channel; [3:0] mux setting
 * request: 0h get, 1h / 3h request / force the switch to the system, 2h / 4h to the
 * BMC, 5h-8h block / allow requests to switch to the system / to the BMC. bmcd's
 * device is dedicated to it; "the system" has the port only in that bmcd then leaves
 * the device alone (input is discarded) until switched back over another channel. */
static uint8_t set_serial_mux(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	struct bmc_serial *s = &bmc->serial;

	rd_init(&r, req->data, req->len);
	uint8_t chan = rd_u8(&r);
	uint8_t op = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if ((chan & 0xF0) || (op & 0xF0) || op > 8 || !is_serial(bmc, req, chan & 0x0F))
		return CC_INVALID_FIELD;
	bool accepted = true;
	switch (op) {
	case 1:
		accepted = !s->block_to_system;
		/* fall through */
	case 3:
		if (accepted && !s->mux_system) {
			s->mux_system = true;
			bmc_serial_session_end(bmc, "serial mux switched to the system");
		}
		break;
	case 2:
		accepted = !s->block_to_bmc;
		/* fall through */
	case 4:
		if (accepted)
			s->mux_system = false;
		break;
	case 5:
	case 6:
		s->block_to_system = op == 5;
		break;
	case 7:
	case 8:
		s->block_to_bmc = op == 7;
		break;
	default:
		break;
	}
	wr_u8(rsp, bmc_serial_mux_byte(bmc, accepted));
	return CC_OK;
}

const struct bmc_cmd bmc_cmds_serial[] = {
	{NETFN_TRANSPORT, CMD_SET_SERIAL_CONFIG, 3, 7, PRIV_ADMIN, set_serial_config},
	{NETFN_TRANSPORT, CMD_GET_SERIAL_CONFIG, 4, 4, PRIV_OPERATOR, get_serial_config},
	{NETFN_TRANSPORT, CMD_SET_SERIAL_MUX, 2, 2, PRIV_OPERATOR, set_serial_mux},
	{0},
};

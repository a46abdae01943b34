/* Messaging commands of the App netfn, IPMI 2.0 §22.4-22.8: Send Message (bridging onto
 * IPMB), Get Message and its flags, message channel receive enables, the event message
 * buffer. The bus work is in ipmb.c. */
#include "channels.h"
#include "dispatch.h"
#include "ipmb.h"
#include "state.h"

/* Get Message Flags bits, §22.4 table 22-8. */
#define MSGF_RECEIVE 0x01
#define MSGF_EVENT_BUF 0x02
#define MSGF_WDT_PRETIMEOUT 0x08

/* Send Message byte 1 tracking field, [7:6]. */
#define TRACK_NONE 0x00
#define TRACK_REQUEST 0x01

static bool is_ipmb_channel(const struct bmc *bmc, uint8_t channel)
{
	return bmc_channel_exists(bmc, channel) && bmc->chans[channel].medium == CHAN_MEDIUM_IPMB;
}

/* §22.3 Clear Message Flags. */
static uint8_t clear_message_flags(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	uint8_t v = req->data[0];
	if (v & 0x10)
		return CC_INVALID_FIELD; /* bit 4 reserved */
	if (v & MSGF_RECEIVE) {
		uint8_t ch, buf[BMC_IPMB_MAX_FRAME];
		while (bmc_ipmb_rx_pop(bmc, &ch, buf, sizeof buf))
			;
	}
	if (v & MSGF_WDT_PRETIMEOUT)
		bmc->wdt_pretimeout_flag = false;
	return CC_OK;
}

/* §22.4 Get Message Flags. bmcd keeps no event message buffer (global enables bit 2
 * reads back, but events go to the SEL), so bit 1 stays clear. */
static uint8_t get_message_flags(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_u8(rsp, (uint8_t)((bmc_ipmb_rx_waiting(bmc) ? MSGF_RECEIVE : 0) |
			     (bmc->wdt_pretimeout_flag ? MSGF_WDT_PRETIMEOUT : 0)));
	return CC_OK;
}

/* §22.5 Enable Message Channel Receive: byte 1 channel, byte 2 00h disable, 01h enable,
 * 02h get state. Answers the channel and its state. */
static uint8_t enable_channel_receive(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	uint8_t ch = bmc_req_channel(req, req->data[0] & 0x0F), op = req->data[1];
	if ((req->data[0] & 0xF0) || !bmc_channel_exists(bmc, ch))
		return CC_INVALID_FIELD;
	if (op > 2)
		return CC_INVALID_FIELD;
	uint16_t bit = (uint16_t)(1u << ch);
	if (op == 0)
		bmc->rx_disabled |= bit;
	else if (op == 1)
		bmc->rx_disabled &= (uint16_t)~bit;
	wr_u8(rsp, ch);
	wr_u8(rsp, (bmc->rx_disabled & bit) ? 0 : 1);
	return CC_OK;
}

/* §22.6 Get Message: 80h when the queue is empty. */
static uint8_t get_message(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	uint8_t ch, buf[BMC_IPMB_MAX_FRAME];
	size_t n = bmc_ipmb_rx_pop(bmc, &ch, buf, sizeof buf);
	if (!n)
		return 0x80;
	wr_u8(rsp, ch);
	wr_bytes(rsp, buf, n);
	return CC_OK;
}

/* §22.7 Send Message: byte 1 [7:6] tracking, [5] authentication, [4] encryption,
 * [3:0] channel; then the message for that channel. Only IPMB channels are targets:
 * bmcd does not relay into other sessions or onto serial lines. */
static uint8_t send_message(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	uint8_t b = req->data[0];
	uint8_t track = (uint8_t)(b >> 6), ch = bmc_req_channel(req, b & 0x0F);
	if (track != TRACK_NONE && track != TRACK_REQUEST)
		return CC_INVALID_FIELD;
	if (!is_ipmb_channel(bmc, ch) || (bmc->rx_disabled & (1u << ch)))
		return CC_INVALID_FIELD;
	return bmc_ipmb_bridge(bmc, req, ch, track == TRACK_REQUEST, req->data + 1, req->len - 1);
}

/* §22.8 Read Event Message Buffer: there is none (events go to the SEL). */
static uint8_t read_event_buffer(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)bmc;
	(void)req;
	(void)rsp;
	return 0x80;
}

const struct bmc_cmd bmc_cmds_msg[] = {
	{NETFN_APP, 0x30, 1, 1, PRIV_ADMIN, clear_message_flags},
	{NETFN_APP, 0x31, 0, 0, PRIV_USER, get_message_flags},
	{NETFN_APP, 0x32, 2, 2, PRIV_ADMIN, enable_channel_receive},
	{NETFN_APP, 0x33, 0, 0, PRIV_ADMIN, get_message},
	{NETFN_APP, 0x34, 1 + BMC_IPMB_MIN_FRAME, 1 + BMC_IPMB_MAX_FRAME, PRIV_USER, send_message},
	{NETFN_APP, 0x35, 0, 0, PRIV_USER, read_event_buffer},
	{0},
};

/* App commands (netfn 06h) that describe the RMCP+ payloads of a channel: Get Channel
 * Payload Support, Get Channel Payload Version and Get Channel OEM Payload Info, IPMI
 * 2.0 §24.8-24.10. Remote consoles read them before activating SOL. */
#include "channels.h"
#include "dispatch.h"

enum {
	CMD_GET_CHANNEL_PAYLOAD_SUPPORT = 0x4E,
	CMD_GET_CHANNEL_PAYLOAD_VERSION = 0x4F,
	CMD_GET_CHANNEL_OEM_PAYLOAD_INFO = 0x50,
};

/* §24.9 / §24.10 command-specific completion code. */
#define CC_PAYLOAD_NOT_AVAILABLE 0x80

/* Format version of every payload bmcd carries: 1.0 (major in [7:4], minor in [3:0]). */
#define PAYLOAD_VERSION_1_0 0x10

/* Standard payloads (bit n = type n): 0 IPMI message, 1 SOL. */
#define STD_PAYLOADS ((1u << PAYLOAD_IPMI) | (1u << PAYLOAD_SOL))
/* Session set-up payloads (bit n = type 10h + n): Open Session request/response and
 * RAKP 1-4, types 10h-15h. */
#define SETUP_PAYLOADS 0x003Fu

/* Payloads exist only where RMCP+ sessions do: the LAN channel (table 6-3 medium 04h).
 * Byte 1 of every request: [7:4] reserved, [3:0] channel (0Eh = this one). */
static bool payload_channel(const struct bmc *bmc, const struct bmc_req *req, uint8_t byte1)
{
	uint8_t ch = bmc_req_channel(req, byte1 & 0x0F);
	if (byte1 & 0xF0)
		return false;
	return ch == CHANNEL_LAN && bmc_channel_exists(bmc, ch) && bmc->chans[ch].medium == 0x04;
}

static bool payload_supported(uint8_t type)
{
	if (type < 16)
		return (STD_PAYLOADS >> type & 1u) != 0;
	if (type < 0x20)
		return (SETUP_PAYLOADS >> (type - 0x10) & 1u) != 0;
	return false; /* no OEM payloads (20h-27h) */
}

/* IPMI 2.0 §24.8. Response: standard payload types (2 bytes, bit n = type n), session
 * set-up types (2 bytes, bit n = type 10h + n), OEM types (2 bytes, bit n = type 20h + n),
 * 2 reserved bytes. */
static uint8_t get_payload_support(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;

	rd_init(&r, req->data, req->len);
	uint8_t byte1 = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (!payload_channel(bmc, req, byte1))
		return CC_INVALID_FIELD;
	wr_u16le(rsp, (uint16_t)STD_PAYLOADS);
	wr_u16le(rsp, (uint16_t)SETUP_PAYLOADS);
	wr_u16le(rsp, 0); /* OEM */
	wr_u16le(rsp, 0); /* reserved */
	return CC_OK;
}

/* IPMI 2.0 §24.9. Request: channel; payload type. Response: format version. A type the
 * channel does not carry is 80h. */
static uint8_t get_payload_version(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;

	rd_init(&r, req->data, req->len);
	uint8_t byte1 = rd_u8(&r);
	uint8_t type = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (!payload_channel(bmc, req, byte1))
		return CC_INVALID_FIELD;
	if (!payload_supported(type))
		return CC_PAYLOAD_NOT_AVAILABLE;
	wr_u8(rsp, PAYLOAD_VERSION_1_0);
	return CC_OK;
}

/* IPMI 2.0 §24.10. Request: channel; payload number (02h "OEM explicit", or 20h-27h);
 * OEM IANA (3 bytes) and OEM payload ID (2 bytes). bmcd defines no OEM payloads, so
 * every well-formed question is answered 80h ("OEM payload IANA and/or payload ID not
 * supported"); a payload number that is not an OEM one is a bad field. */
static uint8_t get_oem_payload_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t byte1 = rd_u8(&r);
	uint8_t number = rd_u8(&r);
	rd_skip(&r, 5); /* IANA, payload ID */
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (!payload_channel(bmc, req, byte1))
		return CC_INVALID_FIELD;
	if (number != PAYLOAD_OEM && (number < 0x20 || number > 0x27))
		return CC_INVALID_FIELD;
	return CC_PAYLOAD_NOT_AVAILABLE;
}

/* Privileges from appendix G: USER for all three. */
const struct bmc_cmd bmc_cmds_payload_info[] = {
	{NETFN_APP, CMD_GET_CHANNEL_PAYLOAD_SUPPORT, 1, 1, PRIV_USER, get_payload_support},
	{NETFN_APP, CMD_GET_CHANNEL_PAYLOAD_VERSION, 2, 2, PRIV_USER, get_payload_version},
	{NETFN_APP, CMD_GET_CHANNEL_OEM_PAYLOAD_INFO, 7, 7, PRIV_USER, get_oem_payload_info},
	{0},
};

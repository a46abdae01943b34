/* Channel commands, netfn App: Set/Get Channel Access and Get Channel Info.
 * IPMI 2.0 §22.22-22.24. */
#include "channels.h"
#include "dispatch.h"

/* Completion codes of Set/Get Channel Access, §22.22-22.23. */
enum {
	CC_CHAN_NOT_SUPPORTED = 0x82, /* e.g. the channel is session-less */
};

/* The "which copy" selector of §22.22 bytes 2-3 and §22.23 byte 2, bits 7:6. */
enum {
	SEL_NONE = 0,     /* set: don't change; get: reserved */
	SEL_NV = 1,
	SEL_VOLATILE = 2, /* 11b is reserved */
};

/* IPMI forum's IANA enterprise number 7154, the Vendor ID of IPMI-defined channel
 * protocols (§22.24 bytes 6:8). */
#define IPMI_FORUM_IANA 0x001BF2u

/* Get Channel Info byte 5 bits 5:0: active sessions on the channel. */
static uint8_t active_sessions(const struct bmc *bmc, uint8_t ch)
{
	unsigned n = 0;
	for (size_t i = 0; i < sizeof bmc->sessions / sizeof bmc->sessions[0]; i++)
		if (bmc->sessions[i].state == SESS_ACTIVE && bmc->sessions[i].channel == ch)
			n++;
	return (uint8_t)(n > 0x3F ? 0x3F : n);
}

/* IPMI 2.0 §22.24 Get Channel Info */
static uint8_t get_channel_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;

	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	uint8_t ch = bmc_req_channel(req, b1 & 0x0F);
	if ((b1 & 0xF0) || !bmc_channel_exists(bmc, ch))
		return CC_INVALID_FIELD;
	const struct bmc_channel *c = &bmc->chans[ch];
	wr_u8(rsp, ch);
	wr_u8(rsp, c->medium & 0x7F);
	wr_u8(rsp, c->protocol & 0x1F);
	wr_u8(rsp, (uint8_t)((c->session_support & 0x03) << 6 | active_sessions(bmc, ch)));
	wr_u8(rsp, (uint8_t)IPMI_FORUM_IANA);
	wr_u8(rsp, (uint8_t)(IPMI_FORUM_IANA >> 8));
	wr_u8(rsp, (uint8_t)(IPMI_FORUM_IANA >> 16));
	/* Auxiliary info: for the system interface the SMS and event message buffer
	 * interrupts, FFh = none / unspecified (bmcd's system interface is virtual);
	 * reserved (00h) for other channels. */
	uint8_t aux = ch == CHANNEL_SYSTEM ? 0xFF : 0x00;
	wr_u8(rsp, aux);
	wr_u8(rsp, aux);
	return CC_OK;
}

/* IPMI 2.0 §22.23 Get Channel Access */
static uint8_t get_channel_access(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;

	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r), b2 = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	uint8_t ch = bmc_req_channel(req, b1 & 0x0F);
	uint8_t sel = b2 >> 6;
	if ((b1 & 0xF0) || (b2 & 0x3F) || (sel != SEL_NV && sel != SEL_VOLATILE) || !bmc_channel_exists(bmc, ch))
		return CC_INVALID_FIELD;
	if (!bmc_channel_has_access(bmc, ch))
		return CC_CHAN_NOT_SUPPORTED;
	const struct bmc_chan_access *a = sel == SEL_NV ? &bmc->chans[ch].nv : &bmc->chans[ch].vol;
	wr_u8(rsp, bmc_channel_access_byte(a));
	wr_u8(rsp, a->priv_limit & 0x0F);
	return CC_OK;
}

/* Applies Set Channel Access byte 2 (flags and access mode) to a. */
static void apply_access(struct bmc_chan_access *a, uint8_t b2)
{
	a->alerting_disabled = b2 & 0x20;
	a->per_msg_auth_disabled = b2 & 0x10;
	a->user_auth_disabled = b2 & 0x08;
	a->mode = b2 & 0x07;
}

static void audit(struct bmc *bmc, uint8_t ch, const char *which, const struct bmc_chan_access *a)
{
	bmc_logf(bmc, BMC_LOG_INFO, "audit: channel %u %s access set: mode %u, privilege limit %u, flags 0x%02x",
		 (unsigned)ch, which, (unsigned)a->mode, (unsigned)a->priv_limit,
		 (unsigned)(bmc_channel_access_byte(a) & 0x38));
}

/* IPMI 2.0 §22.22 Set Channel Access */
static uint8_t set_channel_access(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r), b2 = rd_u8(&r), b3 = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	uint8_t ch = bmc_req_channel(req, b1 & 0x0F);
	uint8_t asel = b2 >> 6, psel = b3 >> 6, priv = b3 & 0x0F;
	/* 11b selectors and bits 5:4 of byte 3 are reserved; modes 4-7 do not exist; a
	 * privilege limit is checked only when it is to be set. */
	if ((b1 & 0xF0) || asel > SEL_VOLATILE || psel > SEL_VOLATILE || (b3 & 0x30) ||
	    (asel != SEL_NONE && (b2 & 0x07) > CHAN_ACCESS_SHARED) ||
	    (psel != SEL_NONE && (priv < PRIV_CALLBACK || priv > PRIV_OEM)) || !bmc_channel_exists(bmc, ch))
		return CC_INVALID_FIELD;
	if (!bmc_channel_has_access(bmc, ch))
		return CC_CHAN_NOT_SUPPORTED;

	struct bmc_chan_access nv = bmc->chans[ch].nv, vol = bmc->chans[ch].vol;
	if (asel == SEL_NV)
		apply_access(&nv, b2);
	else if (asel == SEL_VOLATILE)
		apply_access(&vol, b2);
	if (psel == SEL_NV)
		nv.priv_limit = priv;
	else if (psel == SEL_VOLATILE)
		vol.priv_limit = priv;

	/* The non-volatile copy is stored first; only when that worked does anything
	 * change, the volatile copy included, so a failed request changes nothing. */
	bool nv_changed = asel == SEL_NV || psel == SEL_NV;
	if (nv_changed && bmc_channels_set_nv(bmc, ch, &nv) != 0)
		return CC_UNSPECIFIED;
	bmc->chans[ch].vol = vol;
	if (nv_changed)
		audit(bmc, ch, "non-volatile", &nv);
	if (asel == SEL_VOLATILE || psel == SEL_VOLATILE)
		audit(bmc, ch, "volatile", &vol);
	return CC_OK;
}

const struct bmc_cmd bmc_cmds_channel[] = {
	{NETFN_APP, CMD_SET_CHANNEL_ACCESS, 3, 3, PRIV_ADMIN, set_channel_access},
	{NETFN_APP, CMD_GET_CHANNEL_ACCESS, 2, 2, PRIV_USER, get_channel_access},
	{NETFN_APP, CMD_GET_CHANNEL_INFO, 1, 1, PRIV_USER, get_channel_info},
	{0},
};

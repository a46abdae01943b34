/* Pre-session and session commands (App netfn): Get Channel Authentication
 * Capabilities, Get Channel Cipher Suites, Get System GUID, Set Session Privilege
 * Level, Close Session, Get Session Info. */
#include <string.h>

#include "dispatch.h"

#include "channels.h"
#include "session.h"
#include "suites.h"
#include "users.h"

static bool is_lan(const struct bmc *bmc, uint8_t ch)
{
	return bmc_channel_exists(bmc, ch) && bmc->chans[ch].medium == 4;
}

/* IPMI 2.0 §22.13 */
static uint8_t get_auth_cap(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r);
	uint8_t want = rd_u8(&r) & 0x0F;
	uint8_t ch = bmc_req_channel(req, b1 & 0x0F);
	bool v2 = b1 & 0x80;

	if ((b1 & 0x70) || want < PRIV_CALLBACK || want > PRIV_OEM || !is_lan(bmc, ch))
		return CC_INVALID_FIELD;
	wr_u8(rsp, ch);
	/* No IPMI 1.5 authentication type is offered while IPMI 1.5 sessions are off;
	 * bit 7 tells an IPMI 2.0 console to read the extended capabilities. */
	wr_u8(rsp, (uint8_t)((v2 ? 0x80 : 0x00) | (bmc->cfg.ipmi15_enabled ? 1u << AUTHTYPE_MD5 : 0)));
	uint8_t login = 0x04; /* non-null user names */
	if (bmc->cfg.anonymous_enabled)
		login |= 0x03; /* null user names, anonymous login */
	wr_u8(rsp, (uint8_t)((bmc->kg_set ? 0x20 : 0) | login));
	wr_u8(rsp, (uint8_t)(0x02 | (bmc->cfg.ipmi15_enabled ? 0x01 : 0)));
	wr_zero(rsp, 3); /* OEM id */
	wr_u8(rsp, 0);   /* OEM auxiliary data */
	return CC_OK;
}

/* IPMI 2.0 §22.15 */
static uint8_t get_cipher_suites(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t ch = bmc_req_channel(req, rd_u8(&r) & 0x0F);
	uint8_t ptype = rd_u8(&r) & 0x3F;
	uint8_t idx = rd_u8(&r);
	if (!is_lan(bmc, ch) || (ptype != PAYLOAD_IPMI && ptype != PAYLOAD_SOL))
		return CC_INVALID_FIELD;

	/* The whole list (records by suite, or the algorithms alone) is built, then the
	 * 16-byte block the index names is returned. */
	uint8_t ids[16], list[16 * 5];
	size_t n = bmc_suites_enabled(bmc, ids), len = 0;
	for (size_t i = 0; i < n; i++) {
		const struct bmc_suite *s = bmc_suite_by_id(ids[i]);
		if (idx & 0x80) {
			list[len++] = 0xC0;
			list[len++] = s->id;
		}
		const uint8_t algs[3] = {s->auth, (uint8_t)(0x40 | s->integ), (uint8_t)(0x80 | s->conf)};
		for (size_t a = 0; a < 3; a++) {
			bool dup = false;
			for (size_t k = 0; !(idx & 0x80) && k < len; k++)
				dup |= list[k] == algs[a];
			if (!dup)
				list[len++] = algs[a];
		}
	}
	size_t off = (size_t)(idx & 0x3F) * 16;
	wr_u8(rsp, ch);
	if (off < len)
		wr_bytes(rsp, list + off, len - off < 16 ? len - off : 16);
	return CC_OK;
}

/* IPMI 2.0 §22.14 */
static uint8_t get_system_guid(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)req;
	wr_bytes(rsp, bmc->system_guid, 16);
	return CC_OK;
}

/* IPMI 2.0 §22.18 */
static uint8_t set_session_priv(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)bmc;
	struct bmc_session *s = req->session;
	uint8_t b = req->data[0];
	uint8_t want = b & 0x0F;
	if (!s)
		return CC_INSUFFICIENT_PRIV;
	if ((b & 0xF0) || want == PRIV_CALLBACK || want > PRIV_OEM)
		return CC_INVALID_FIELD;
	if (want != 0) {
		if (want > s->priv_limit)
			return 0x81; /* exceeds channel and/or user privilege limit */
		s->priv = want;
	}
	wr_u8(rsp, s->priv);
	return CC_OK;
}

/* IPMI 2.0 §22.19 */
static uint8_t close_session(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	(void)rsp;
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint32_t sid = rd_u32le(&r);
	struct bmc_session *s;
	if (sid != 0) {
		if (rd_left(&r) != 0)
			return CC_REQ_LEN_INVALID;
		s = bmc_session_find(bmc, sid);
		if (!s || s->state != SESS_ACTIVE)
			return 0x87; /* invalid session id */
	} else {
		uint8_t h = rd_u8(&r);
		if (!rd_done(&r))
			return CC_REQ_LEN_INVALID;
		s = bmc_session_by_handle(bmc, h);
		if (!s)
			return 0x88; /* invalid session handle */
	}
	if (s == req->session) {
		/* The reply still travels under this session's keys. */
		s->close_after_reply = true;
		return CC_OK;
	}
	if (req->priv < PRIV_ADMIN)
		return CC_INSUFFICIENT_PRIV; /* only an administrator ends other sessions */
	bmc_session_close(bmc, s, "closed by an administrator");
	return CC_OK;
}

static struct bmc_session *nth_active(struct bmc *bmc, unsigned n)
{
	for (unsigned i = 0; i < BMC_MAX_SESSIONS + BMC_MAX_HALF_OPEN; i++)
		if (bmc->sessions[i].state == SESS_ACTIVE && --n == 0)
			return &bmc->sessions[i];
	return NULL;
}

/* IPMI 2.0 §22.20 */
static uint8_t get_session_info(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t idx = rd_u8(&r);
	struct bmc_session *s;
	if (idx == 0xFF) {
		s = bmc_session_find(bmc, rd_u32le(&r));
		if (s && s->state != SESS_ACTIVE)
			s = NULL;
	} else if (idx == 0xFE) {
		s = bmc_session_by_handle(bmc, rd_u8(&r));
	} else {
		s = idx == 0 ? req->session : nth_active(bmc, idx);
	}
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (idx != 0 && idx < 0xFE && idx > bmc->cfg.max_sessions)
		return CC_INVALID_FIELD;

	wr_u8(rsp, s ? s->handle : 0);
	wr_u8(rsp, bmc->cfg.max_sessions & 0x3F);
	wr_u8(rsp, (uint8_t)(bmc_sessions_active(bmc) & 0x3F));
	if (!s)
		return CC_OK; /* only the counts for an index with no session */
	wr_u8(rsp, s->user_id & 0x3F);
	wr_u8(rsp, s->priv & 0x0F);
	/* protocol aux: 0h IPMI 1.5, 1h IPMI 2.0 */
	wr_u8(rsp, (uint8_t)((s->v15 ? 0x00 : 0x10) | (s->channel & 0x0F)));
	if (is_lan(bmc, s->channel)) {
		if (s->peer.family == 4)
			wr_bytes(rsp, s->peer.addr, 4);
		else
			wr_zero(rsp, 4);
		wr_zero(rsp, 6); /* the console's MAC address is not known over UDP */
		wr_u16le(rsp, s->peer.port);
	}
	return CC_OK;
}

/* IPMI 2.0 §22.16. Only while IPMI 1.5 sessions are enabled; an unknown user gets a
 * challenge like a known one, and fails later exactly as a wrong password does. */
static uint8_t get_session_challenge(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t authtype = rd_u8(&r) & 0x0F;
	const uint8_t *name = rd_ptr(&r, 16);
	if (!bmc->cfg.ipmi15_enabled || req->session || !req->peer)
		return CC_INVALID_CMD;
	if (!name || authtype != AUTHTYPE_MD5)
		return CC_INVALID_FIELD;
	size_t nlen = 0;
	while (nlen < 16 && name[nlen])
		nlen++;
	for (size_t i = nlen; i < 16; i++)
		if (name[i])
			return CC_INVALID_FIELD; /* a name continues after its terminator */
	if (nlen == 0 && !bmc->cfg.anonymous_enabled)
		return 0x82; /* null user name not enabled */

	struct bmc_session *s = bmc_session_alloc(bmc, req->peer, req->channel);
	if (!s)
		return CC_NODE_BUSY;
	s->v15 = true;
	s->authtype15 = authtype;
	memcpy(s->uname, name, nlen);
	s->uname_len = (uint8_t)nlen;
	s->user_id = bmc_users_lookup(bmc, s->uname, nlen);
	s->user_valid = s->user_id && bmc_users_priv(bmc, s->user_id, req->channel) != PRIV_NO_ACCESS &&
			!bmc->users[s->user_id].pw20;
	if (bmc_random(bmc, s->challenge, 16) != 0) {
		bmc_session_close(bmc, s, "no randomness");
		return CC_UNSPECIFIED;
	}
	wr_u32le(rsp, s->bmc_sid);
	wr_bytes(rsp, s->challenge, 16);
	return CC_OK;
}

/* IPMI 2.0 §22.17. Reaches here only through lan15.c with a verified auth code on
 * the temporary session. */
static uint8_t activate_session(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_session *s = req->session;
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t authtype = rd_u8(&r) & 0x0F;
	uint8_t want = rd_u8(&r) & 0x0F;
	const uint8_t *challenge = rd_ptr(&r, 16);
	uint32_t out_seq = rd_u32le(&r);

	if (!s || !s->v15 || s->state != SESS_OPENED)
		return CC_INSUFFICIENT_PRIV;
	if (!rd_done(&r) || authtype != s->authtype15 || want < PRIV_CALLBACK || want > PRIV_OEM ||
	    !bmc_ct_equal(challenge, s->challenge, 16))
		return CC_INVALID_FIELD;
	uint8_t lim = bmc_users_priv(bmc, s->user_id, s->channel);
	if (lim == PRIV_NO_ACCESS || want > lim || !(bmc->lan.auth_enables[want - 1] & (1u << authtype)))
		return 0x86; /* requested maximum privilege exceeds user and/or channel limit */
	if (!bmc_session_make_room(bmc, &s->peer))
		return 0x81; /* no session slot available */

	uint32_t in_seq = 0;
	if (bmc_random(bmc, &in_seq, sizeof in_seq) != 0)
		return CC_UNSPECIFIED;
	in_seq = (in_seq & 0x3FFFFFFFu) | 0x10000u; /* far from 0 and from wrapping */
	s->priv_limit = want;
	s->priv = want < PRIV_USER ? want : PRIV_USER;
	bmc_session_activate(bmc, s);
	s->confirmed = true; /* Activate Session itself was authenticated */
	s->in_seq_top = in_seq - 1;
	s->in_seq_mask = 0xFFFFFFFFu; /* nothing before the first sequence number */
	s->out_seq = out_seq;
	char peer[64], name[17];
	bmc_peer_format(&s->peer, peer, sizeof peer);
	bmc_printable(s->uname, s->uname_len, name);
	bmc_logf(bmc, BMC_LOG_WARN, "audit: IPMI 1.5 session %u opened for user %u \"%s\" from %s, max privilege %u",
		 s->handle, s->user_id, name, peer, want);

	wr_u8(rsp, authtype);
	wr_u32le(rsp, s->bmc_sid);
	wr_u32le(rsp, in_seq);
	wr_u8(rsp, want);
	return CC_OK;
}

const struct bmc_cmd bmc_cmds_session[] = {
	{NETFN_APP, CMD_GET_SESSION_CHALLENGE, 17, 17, PRIV_NONE, get_session_challenge},
	{NETFN_APP, CMD_ACTIVATE_SESSION, 22, 22, PRIV_NONE, activate_session},
	{NETFN_APP, CMD_GET_CHANNEL_AUTH_CAP, 2, 2, PRIV_NONE, get_auth_cap},
	{NETFN_APP, CMD_GET_CHANNEL_CIPHER_SUITES, 3, 3, PRIV_NONE, get_cipher_suites},
	{NETFN_APP, CMD_GET_SYSTEM_GUID, 0, 0, PRIV_NONE, get_system_guid},
	{NETFN_APP, CMD_SET_SESSION_PRIV, 1, 1, PRIV_CALLBACK, set_session_priv},
	{NETFN_APP, CMD_CLOSE_SESSION, 4, 5, PRIV_CALLBACK, close_session},
	{NETFN_APP, CMD_GET_SESSION_INFO, 1, 5, PRIV_USER, get_session_info},
	{0},
};

/* See lan15.h. */
#include <string.h>

#include "lan15.h"

#include "audit.h"
#include "lockout.h"
#include "msg.h"
#include "ratelimit.h"
#include "rmcp.h"
#include "rmcpplus.h"
#include "session.h"
#include "users.h"

void bmc_lan15_authcode(const uint8_t key[16], uint32_t sid, uint32_t seq, const uint8_t *msg, size_t len,
			uint8_t out[16])
{
	uint8_t s[4] = {(uint8_t)sid, (uint8_t)(sid >> 8), (uint8_t)(sid >> 16), (uint8_t)(sid >> 24)};
	uint8_t q[4] = {(uint8_t)seq, (uint8_t)(seq >> 8), (uint8_t)(seq >> 16), (uint8_t)(seq >> 24)};
	const struct bmc_iov v[] = {{key, 16}, {s, 4}, {msg, len}, {q, 4}, {key, 16}};
	uint8_t d[BMC_HASH_MAX];
	bmc_digestv(BMC_HASH_MD5, v, 5, d);
	memcpy(out, d, 16);
}

/* The 1.5 key: the 16-byte password. A user whose password was set in the 20-byte
 * form cannot use IPMI 1.5 (§22.30), and an unknown user gets a key nobody knows. */
static bool session_key15(struct bmc *bmc, const struct bmc_session *s, uint8_t key[16])
{
	uint8_t k[20];
	/* A locked-out user fails like a wrong password (lockout.h). */
	bool ok = s->user_valid && !bmc->users[s->user_id].pw20 && !bmc_lockout_locked(bmc, s->user_id);
	if (ok)
		bmc_users_key(bmc, s->user_id, k);
	else
		memcpy(k, bmc->boot_secret, sizeof k);
	memcpy(key, k, 16);
	bmc_wipe(k, sizeof k);
	return ok;
}

static void send15(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, struct bmc_session *s,
		   uint32_t seq, const uint8_t *msg, size_t mlen)
{
	uint8_t out[4 + 10 + 16 + BMC_MAX_MSG];
	struct bmc_writer w;
	wr_init(&w, out, sizeof out);
	bmc_rmcp_header(&w, RMCP_CLASS_IPMI);
	wr_u8(&w, s ? s->authtype15 : AUTHTYPE_NONE);
	wr_u32le(&w, seq);
	wr_u32le(&w, s ? s->bmc_sid : 0);
	if (s) {
		uint8_t key[16], code[16];
		session_key15(bmc, s, key);
		bmc_lan15_authcode(key, s->bmc_sid, seq, msg, mlen, code);
		bmc_wipe(key, sizeof key);
		wr_bytes(&w, code, 16);
	}
	wr_u8(&w, (uint8_t)mlen);
	wr_bytes(&w, msg, mlen);
	if (!wr_ok(&w) || mlen > 255)
		return;
	/* Outside a session (or to a set-up not yet activated): bounded, ratelimit.h. */
	if (!s || s->state != SESS_ACTIVE)
		bmc_preauth_send(bmc, channel, peer, out, wr_len(&w), false);
	else
		bmc_rmcp_send(bmc, channel, peer, out, wr_len(&w));
}

void bmc_lan15_send_session(struct bmc *bmc, struct bmc_session *s, const uint8_t *msg, size_t len)
{
	if (++s->out_seq == 0)
		s->out_seq = 1;
	send15(bmc, s->channel, &s->peer, s, s->out_seq, msg, len);
}

static void in_session(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, uint8_t authtype,
		       uint32_t seq, uint32_t sid, const uint8_t *code, const uint8_t *msg, size_t mlen)
{
	struct bmc_session *s = bmc_session_find(bmc, sid);
	if (!bmc->cfg.ipmi15_enabled || !s || !s->v15 || !bmc_peer_equal(&s->peer, peer) ||
	    s->channel != channel || authtype != s->authtype15 || !code ||
	    (s->state != SESS_OPENED && s->state != SESS_ACTIVE)) {
		bmc->stats.dropped_auth++;
		return;
	}
	/* Authenticate first; a set-up slot accepts only sequence 0 (Activate Session). */
	uint8_t key[16], want[16];
	bool key_ok = session_key15(bmc, s, key);
	bmc_lan15_authcode(key, sid, seq, msg, mlen, want);
	bmc_wipe(key, sizeof key);
	bool setup = s->state == SESS_OPENED;
	if (!bmc_ct_equal(want, code, 16) || !key_ok) {
		bmc->stats.dropped_auth++;
		/* Activate Session with a wrong password (or for an unknown, unusable or
		 * locked-out user): one failed login; the set-up ends so that retries are
		 * not counted again. */
		if (setup) {
			bmc_audit_login_failed(bmc, s, "wrong password or unknown user (IPMI 1.5)", true);
			bmc_session_close(bmc, s, "IPMI 1.5 activation refused");
		}
		return;
	}
	if (setup ? seq != 0 : !bmc_seq_accept(s, seq)) {
		bmc->stats.dropped_replay++;
		return;
	}
	uint8_t rsp[BMC_MAX_MSG];
	struct bmc_writer w;
	wr_init(&w, rsp, sizeof rsp);
	if (bmc_msg_process(bmc, channel, peer, s, setup ? PRIV_NONE : s->priv, msg, mlen, &w) != 0) {
		bmc->stats.dropped_malformed++;
		return;
	}
	/* The Activate Session reply carries the console's initial outbound sequence
	 * number (FreeIPMI insists), later replies count up from it. */
	uint32_t out = 0;
	if (setup) {
		if (s->state == SESS_ACTIVE)
			out = s->out_seq;
	} else {
		s->last_ms = bmc_now(bmc);
		if (++s->out_seq == 0)
			s->out_seq = 1;
		out = s->out_seq;
	}
	if (setup && s->state == SESS_ACTIVE)
		bmc_audit_login_ok(bmc, s);
	send15(bmc, channel, peer, s, out, rsp, wr_len(&w));
	if (s->close_after_reply)
		bmc_session_close(bmc, s, "closed by the remote console");
}

void bmc_lan15_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		     size_t len)
{
	struct bmc_reader r;
	rd_init(&r, buf, len);
	uint8_t authtype = rd_u8(&r);
	uint32_t seq = rd_u32le(&r);
	uint32_t sid = rd_u32le(&r);
	const uint8_t *code = authtype != AUTHTYPE_NONE ? rd_ptr(&r, 16) : NULL;
	uint8_t mlen = rd_u8(&r);
	const uint8_t *msg = rd_ptr(&r, mlen);

	/* Exact length, except that some clients add a legacy pad byte after the message. */
	if (!rd_ok(&r) || rd_left(&r) > 1 || authtype > AUTHTYPE_OEM) {
		bmc->stats.dropped_malformed++;
		return;
	}
	if (sid != 0) {
		in_session(bmc, channel, peer, authtype, seq, sid, code, msg, mlen);
		return;
	}
	if (authtype != AUTHTYPE_NONE) {
		bmc->stats.dropped_malformed++;
		return;
	}
	uint8_t rsp[BMC_MAX_MSG];
	struct bmc_writer w;
	wr_init(&w, rsp, sizeof rsp);
	if (bmc_msg_process(bmc, channel, peer, NULL, PRIV_NONE, msg, mlen, &w) != 0) {
		bmc->stats.dropped_malformed++;
		return;
	}
	send15(bmc, channel, peer, NULL, 0, rsp, wr_len(&w));
}

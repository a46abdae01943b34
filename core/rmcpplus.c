/* See rmcpplus.h. Nothing about a session changes until its packet has passed the
 * integrity check and the sequence window (DESIGN.md §4). */
#include <string.h>

#include "rmcpplus.h"

#include "msg.h"
#include "rakp.h"
#include "ratelimit.h"
#include "rmcp.h"
#include "session.h"

#define AES_BLOCK 16u
#define NEXT_HEADER 0x07u
/* RMCP hdr + session hdr + IV + payload + AES pad + integrity pad/len/next + ICV */
#define PKT_MAX (4 + 12 + AES_BLOCK + BMC_MAX_MSG + AES_BLOCK + 4 + 2 + 16)

bool bmc_seq_accept(struct bmc_session *s, uint32_t seq)
{
	if (seq == 0)
		return false;
	if (s->in_seq_top == 0 || seq > s->in_seq_top) {
		uint32_t d = s->in_seq_top ? seq - s->in_seq_top : 0;
		if (s->in_seq_top == 0)
			s->in_seq_mask = 0;
		else if (d > 32)
			s->in_seq_mask = 0;
		else if (d == 32)
			s->in_seq_mask = 1u << 31;
		else
			s->in_seq_mask = s->in_seq_mask << d | 1u << (d - 1);
		s->in_seq_top = seq;
		return true;
	}
	uint32_t back = s->in_seq_top - seq;
	if (back == 0 || back > 32)
		return false;
	uint32_t bit = 1u << (back - 1);
	if (s->in_seq_mask & bit)
		return false;
	s->in_seq_mask |= bit;
	return true;
}

static void write_header(struct bmc_writer *w, uint8_t ptype, uint32_t sid, uint32_t seq)
{
	bmc_rmcp_header(w, RMCP_CLASS_IPMI);
	wr_u8(w, AUTHTYPE_RMCPP);
	wr_u8(w, ptype);
	wr_u32le(w, sid);
	wr_u32le(w, seq);
}

void bmc_rmcpplus_send_plain(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, uint8_t ptype,
			     const uint8_t *payload, size_t len)
{
	uint8_t out[PKT_MAX];
	struct bmc_writer w;
	wr_init(&w, out, sizeof out);
	write_header(&w, ptype, 0, 0);
	wr_u16le(&w, (uint16_t)len);
	wr_bytes(&w, payload, len);
	/* Outside a session: bounded in size and rate (DESIGN.md §5, ratelimit.h). */
	if (wr_ok(&w))
		bmc_preauth_send(bmc, channel, peer, out, wr_len(&w), false);
}

static enum bmc_hash integ_hash(uint8_t integ_alg)
{
	return integ_alg == INTEG_ALG_HMAC_SHA256_128 ? BMC_HASH_SHA256 : BMC_HASH_SHA1;
}

/* Encrypts payload into w as IV || AES-CBC(payload || 1 2 .. n || n), §13.29. */
static int write_encrypted(struct bmc *bmc, struct bmc_session *s, struct bmc_writer *w, const uint8_t *payload,
			   size_t len)
{
	uint8_t *iv = wr_reserve(w, AES_BLOCK);
	size_t pad = (AES_BLOCK - (len + 1) % AES_BLOCK) % AES_BLOCK;
	size_t clen = len + pad + 1;
	uint8_t *c = wr_reserve(w, clen);
	if (!iv || !c || bmc_random(bmc, iv, AES_BLOCK) != 0)
		return -1;
	memcpy(c, payload, len);
	for (size_t i = 0; i < pad; i++)
		c[len + i] = (uint8_t)(i + 1);
	c[len + pad] = (uint8_t)pad;
	return bmc_aes128_cbc(true, s->k2, iv, c, clen, c);
}

void bmc_rmcpplus_send_session(struct bmc *bmc, struct bmc_session *s, uint8_t ptype, const uint8_t *payload,
			       size_t len)
{
	uint8_t out[PKT_MAX];
	struct bmc_writer w;
	bool conf = s->conf_alg != CONF_ALG_NONE, integ = s->integ_alg != INTEG_ALG_NONE;

	if (++s->out_seq == 0)
		s->out_seq = 1;
	wr_init(&w, out, sizeof out);
	write_header(&w, (uint8_t)(ptype | (conf ? PAYLOAD_ENCRYPTED : 0) | (integ ? PAYLOAD_AUTHENTICATED : 0)),
		     s->console_sid, s->out_seq);
	uint8_t *lenp = wr_reserve(&w, 2);
	size_t start = wr_len(&w);
	if (!lenp)
		return;
	if (conf) {
		if (write_encrypted(bmc, s, &w, payload, len) != 0)
			return;
	} else {
		wr_bytes(&w, payload, len);
	}
	size_t plen = wr_len(&w) - start;
	lenp[0] = (uint8_t)plen;
	lenp[1] = (uint8_t)(plen >> 8);
	if (integ) {
		/* Pad so that auth type .. next header is a multiple of 4 bytes, §13.28.4. */
		size_t covered = wr_len(&w) - 4 + 2;
		size_t pad = (4 - covered % 4) % 4;
		for (size_t i = 0; i < pad; i++)
			wr_u8(&w, 0xFF);
		wr_u8(&w, (uint8_t)pad);
		wr_u8(&w, NEXT_HEADER);
		uint8_t mac[BMC_HASH_MAX];
		if (!wr_ok(&w) || bmc_hmac(integ_hash(s->integ_alg), s->k1, s->hash_len, out + 4, wr_len(&w) - 4, mac))
			return;
		wr_bytes(&w, mac, s->icv_len);
	}
	if (wr_ok(&w))
		bmc_rmcp_send(bmc, s->channel, &s->peer, out, wr_len(&w));
}

/* Checks and strips the integrity trailer. pkt..pkt+len is auth type .. end. Returns
 * the bytes left for the payload area end (offset of the trailer), or 0 on failure. */
static bool check_integrity(struct bmc_session *s, const uint8_t *pkt, size_t len, size_t trailer_at)
{
	size_t icv = s->icv_len;
	if (len < trailer_at + 2 + icv)
		return false;
	size_t pad = len - trailer_at - 2 - icv;
	if (pad > 3 || pkt[trailer_at + pad] != pad || pkt[trailer_at + pad + 1] != NEXT_HEADER)
		return false;
	uint8_t mac[BMC_HASH_MAX];
	if (bmc_hmac(integ_hash(s->integ_alg), s->k1, s->hash_len, pkt, len - icv, mac) != 0)
		return false;
	return bmc_ct_equal(mac, pkt + len - icv, icv);
}

/* Decrypts IV || ciphertext into out; returns the plaintext length, or -1. */
static long decrypt_payload(struct bmc_session *s, const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
	if (len < 2 * AES_BLOCK || len % AES_BLOCK || len - AES_BLOCK > cap)
		return -1;
	size_t clen = len - AES_BLOCK;
	if (bmc_aes128_cbc(false, s->k2, p, p + AES_BLOCK, clen, out) != 0)
		return -1;
	size_t pad = out[clen - 1];
	if (pad >= AES_BLOCK || pad + 1 > clen)
		return -1;
	/* The pad bytes are 1, 2, ..; §13.29 */
	for (size_t i = 0; i < pad; i++)
		if (out[clen - 1 - pad + i] != i + 1)
			return -1;
	return (long)(clen - 1 - pad);
}

static void session_ipmi(struct bmc *bmc, struct bmc_session *s, const uint8_t *msg, size_t len)
{
	uint8_t rsp[BMC_MAX_MSG];
	struct bmc_writer w;
	wr_init(&w, rsp, sizeof rsp);
	if (bmc_msg_process(bmc, s->channel, &s->peer, s, s->priv, msg, len, &w) != 0) {
		bmc->stats.dropped_malformed++;
		return;
	}
	bmc_rmcpplus_send_session(bmc, s, PAYLOAD_IPMI, rsp, wr_len(&w));
	if (s->close_after_reply)
		bmc_session_close(bmc, s, "closed by the remote console");
}

static void in_session(struct bmc *bmc, const struct bmc_peer *peer, const uint8_t *pkt, size_t len,
		       uint8_t ptype, uint32_t sid, uint32_t seq, const uint8_t *payload, size_t plen)
{
	struct bmc_session *s = bmc_session_find(bmc, sid);
	bool want_auth = s && s->integ_alg != INTEG_ALG_NONE, want_conf = s && s->conf_alg != CONF_ALG_NONE;
	size_t trailer_at = (size_t)(payload - pkt) + plen;

	if (!s || s->state != SESS_ACTIVE || !bmc_peer_equal(&s->peer, peer) ||
	    want_auth != !!(ptype & PAYLOAD_AUTHENTICATED) || want_conf != !!(ptype & PAYLOAD_ENCRYPTED)) {
		bmc->stats.dropped_auth++;
		return;
	}
	if (want_auth ? !check_integrity(s, pkt, len, trailer_at) : trailer_at != len) {
		bmc->stats.dropped_auth++;
		return;
	}
	if (!bmc_seq_accept(s, seq)) {
		bmc->stats.dropped_replay++;
		return;
	}
	uint8_t clear[BMC_MAX_MSG + 2 * AES_BLOCK];
	if (want_conf) {
		long n = decrypt_payload(s, payload, plen, clear, sizeof clear);
		if (n < 0) {
			bmc->stats.dropped_malformed++;
			return;
		}
		payload = clear;
		plen = (size_t)n;
	}
	s->last_ms = bmc_now(bmc);
	s->confirmed = true;
	switch (ptype & 0x3F) {
	case PAYLOAD_IPMI:
		session_ipmi(bmc, s, payload, plen);
		break;
	case PAYLOAD_SOL:
		bmc_sol_input(bmc, s, seq, payload, plen);
		break;
	default:
		bmc->stats.dropped_malformed++;
		break;
	}
}

static void sessionless_ipmi(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *msg,
			     size_t len)
{
	uint8_t rsp[BMC_MAX_MSG];
	struct bmc_writer w;
	wr_init(&w, rsp, sizeof rsp);
	if (bmc_msg_process(bmc, channel, peer, NULL, PRIV_NONE, msg, len, &w) != 0) {
		bmc->stats.dropped_malformed++;
		return;
	}
	bmc_rmcpplus_send_plain(bmc, channel, peer, PAYLOAD_IPMI, rsp, wr_len(&w));
}

void bmc_rmcpplus_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
			size_t len)
{
	struct bmc_reader r;
	rd_init(&r, buf, len);
	rd_skip(&r, 1); /* auth type 06h, checked by rmcp.c */
	uint8_t ptype = rd_u8(&r);
	uint32_t sid = rd_u32le(&r);
	uint32_t seq = rd_u32le(&r);
	uint16_t plen = rd_u16le(&r);
	const uint8_t *payload = rd_ptr(&r, plen);

	/* OEM explicit payloads (type 02h) carry an IANA and payload id that bmcd has no
	 * use for; they and anything truncated are dropped. */
	if (!rd_ok(&r) || (ptype & 0x3F) == PAYLOAD_OEM) {
		bmc->stats.dropped_malformed++;
		return;
	}
	if (sid != 0) {
		in_session(bmc, peer, buf, len, ptype, sid, seq, payload, plen);
		return;
	}
	/* Outside a session nothing is encrypted or authenticated and nothing follows. */
	if ((ptype & 0xC0) || rd_left(&r) != 0) {
		bmc->stats.dropped_malformed++;
		return;
	}
	/* Set-up messages lead to HMACs and session slots: each source gets a bounded
	 * rate of them, checked before any crypto (DESIGN.md §5). */
	if ((ptype == PAYLOAD_OPEN_SESSION_REQ || ptype == PAYLOAD_RAKP1 || ptype == PAYLOAD_RAKP3) &&
	    !bmc_ratelimit_setup(bmc, peer))
		return;
	switch (ptype) {
	case PAYLOAD_OPEN_SESSION_REQ:
		bmc_rakp_open_session(bmc, channel, peer, payload, plen);
		break;
	case PAYLOAD_RAKP1:
		bmc_rakp_1(bmc, channel, peer, payload, plen);
		break;
	case PAYLOAD_RAKP3:
		bmc_rakp_3(bmc, channel, peer, payload, plen);
		break;
	case PAYLOAD_IPMI:
		sessionless_ipmi(bmc, channel, peer, payload, plen);
		break;
	default:
		bmc->stats.dropped_malformed++;
		break;
	}
}

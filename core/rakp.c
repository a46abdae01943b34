/* See rakp.h. The set-up is bound to the source address and port that opened it; a
 * message from anywhere else, out of order, or malformed is dropped or refused
 * without changing the set-up. An unknown, disabled or no-access user is answered
 * exactly like a known one (RAKP 2 with an HMAC under a per-boot key), so that only
 * RAKP 3 — where a wrong password also fails — tells the console "no". */
#include <string.h>

#include "rakp.h"

#include "audit.h"
#include "channels.h"
#include "lockout.h"
#include "lanparm.h"
#include "rmcpplus.h"
#include "session.h"
#include "suites.h"
#include "users.h"

/* Session ids enter the HMACs as they are on the wire: little-endian. */
static void le32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)v;
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(v >> 24);
}

static enum bmc_hash auth_hash(uint8_t auth_alg)
{
	return auth_alg == AUTH_ALG_HMAC_SHA256 ? BMC_HASH_SHA256 : BMC_HASH_SHA1;
}

void bmc_rakp_derive(enum bmc_hash h, const uint8_t *kg, size_t kg_len, const uint8_t rm[16],
		     const uint8_t rc[16], uint8_t role, const char *uname, uint8_t ulen, uint8_t sik[BMC_HASH_MAX],
		     uint8_t k1[BMC_HASH_MAX], uint8_t k2[BMC_HASH_MAX])
{
	/* SIK = HMAC_Kg(Rm | Rc | ROLEm | ULENGTHm | UNAMEm), K1/K2 = HMAC_SIK(const 1/2),
	 * §13.31-13.32. The constants are 20 bytes for every hash: the spec defines them
	 * so, and ipmitool and FreeIPMI use 20 with HMAC-SHA256 too. */
	const struct bmc_iov v[] = {{rm, 16}, {rc, 16}, {&role, 1}, {&ulen, 1}, {uname, ulen}};
	size_t n = bmc_hash_len(h);
	uint8_t c1[20], c2[20];
	memset(c1, 0x01, sizeof c1);
	memset(c2, 0x02, sizeof c2);
	bmc_hmacv(h, kg, kg_len, v, 5, sik);
	bmc_hmac(h, sik, n, c1, sizeof c1, k1);
	bmc_hmac(h, sik, n, c2, sizeof c2, k2);
}

void bmc_rakp2_code(enum bmc_hash h, const uint8_t key[20], uint32_t csid, uint32_t bsid, const uint8_t rm[16],
		    const uint8_t rc[16], const uint8_t guid[16], uint8_t role, const char *uname, uint8_t ulen,
		    uint8_t out[BMC_HASH_MAX])
{
	/* HMAC_Kuid(SIDm | SIDc | Rm | Rc | GUIDc | ROLEm | ULENGTHm | UNAMEm), §13.31 */
	uint8_t cs[4], bs[4];
	le32(cs, csid);
	le32(bs, bsid);
	const struct bmc_iov v[] = {{cs, 4}, {bs, 4}, {rm, 16}, {rc, 16}, {guid, 16}, {&role, 1}, {&ulen, 1}, {uname, ulen}};
	bmc_hmacv(h, key, 20, v, 8, out);
}

void bmc_rakp3_code(enum bmc_hash h, const uint8_t key[20], const uint8_t rc[16], uint32_t csid, uint8_t role,
		    const char *uname, uint8_t ulen, uint8_t out[BMC_HASH_MAX])
{
	/* HMAC_Kuid(Rc | SIDm | ROLEm | ULENGTHm | UNAMEm), §13.31 */
	uint8_t cs[4];
	le32(cs, csid);
	const struct bmc_iov v[] = {{rc, 16}, {cs, 4}, {&role, 1}, {&ulen, 1}, {uname, ulen}};
	bmc_hmacv(h, key, 20, v, 5, out);
}

void bmc_rakp4_icv(enum bmc_hash h, const uint8_t *sik, const uint8_t rm[16], uint32_t bsid, const uint8_t guid[16],
		   uint8_t out[BMC_HASH_MAX])
{
	/* HMAC_SIK(Rm | SIDc | GUIDc), sent truncated: 12 bytes SHA1, 16 bytes SHA256, §13.31 */
	uint8_t bs[4];
	le32(bs, bsid);
	const struct bmc_iov v[] = {{rm, 16}, {bs, 4}, {guid, 16}};
	bmc_hmacv(h, sik, bmc_hash_len(h), v, 3, out);
}

/* The start every RAKP 2 / RAKP 4 reply shares (and the whole of an Open Session
 * Response or RAKP reply that reports an error): tag, status, reserved, console id. */
static void reply_header(struct bmc_writer *w, uint8_t tag, uint8_t status, uint32_t console_sid)
{
	wr_u8(w, tag);
	wr_u8(w, status);
	wr_zero(w, 2);
	wr_u32le(w, console_sid);
}

static void send_status(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, uint8_t ptype, uint8_t tag,
			uint8_t status, uint32_t console_sid)
{
	uint8_t out[8];
	struct bmc_writer w;
	wr_init(&w, out, sizeof out);
	reply_header(&w, tag, status, console_sid);
	bmc_rmcpplus_send_plain(bmc, channel, peer, ptype, out, wr_len(&w));
}

/* One algorithm payload of the Open Session Request, §13.17: type, 2 reserved, length
 * 08h, algorithm, 3 reserved. */
static uint8_t read_alg(struct bmc_reader *r, uint8_t type, bool *bad)
{
	uint8_t t = rd_u8(r);
	rd_skip(r, 2);
	uint8_t l = rd_u8(r);
	uint8_t alg = rd_u8(r);
	rd_skip(r, 3);
	if (t != type || l != 8)
		*bad = true;
	return alg & 0x3F;
}

static void write_alg(struct bmc_writer *w, uint8_t type, uint8_t alg)
{
	wr_u8(w, type);
	wr_zero(w, 2);
	wr_u8(w, 8);
	wr_u8(w, alg);
	wr_zero(w, 3);
}

/* Algorithm numbers IPMI 2.0 defines (tables 13-17 to 13-19) or leaves to OEMs
 * (30h-3Fh): anything else is an invalid algorithm (status 04h / 05h / 10h), while a
 * defined combination that is not an enabled suite has no cipher suite match (11h). */
static bool alg_defined(uint8_t alg, uint8_t last)
{
	return alg <= last || (alg >= 0x30 && alg <= 0x3F);
}

/* IPMI 2.0 §13.17, §13.18 */
void bmc_rakp_open_session(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *p,
			   size_t len)
{
	struct bmc_reader r;
	bool bad = false;
	rd_init(&r, p, len);
	uint8_t tag = rd_u8(&r);
	uint8_t max_priv = rd_u8(&r) & 0x0F;
	rd_skip(&r, 2);
	uint32_t console_sid = rd_u32le(&r);
	uint8_t auth = read_alg(&r, 0, &bad);
	uint8_t integ = read_alg(&r, 1, &bad);
	uint8_t conf = read_alg(&r, 2, &bad);
	if (!rd_ok(&r)) {
		bmc->stats.dropped_malformed++;
		return;
	}

	uint8_t status = RMCPP_OK;
	const struct bmc_suite *suite = NULL;
	if (!rd_done(&r) || bad)
		status = RMCPP_ILLEGAL_PARAM;
	else if (console_sid == 0)
		status = RMCPP_INVALID_SESSION_ID;
	else if (max_priv > PRIV_OEM)
		status = RMCPP_INVALID_ROLE;
	else if (!bmc_channel_enabled(bmc, channel))
		status = RMCPP_NO_RESOURCES;
	else if (!alg_defined(auth, AUTH_ALG_HMAC_SHA256))
		status = RMCPP_INVALID_AUTH_ALG;
	else if (!alg_defined(integ, INTEG_ALG_HMAC_SHA256_128))
		status = RMCPP_INVALID_INTEG_ALG;
	else if (!alg_defined(conf, CONF_ALG_XRC4_40))
		status = RMCPP_INVALID_CONF_ALG;
	else if (!(suite = bmc_suite_match(bmc, auth, integ, conf)))
		status = RMCPP_NO_CIPHER_SUITE;
	else if (!bmc_session_make_room(bmc, peer))
		status = RMCPP_NO_RESOURCES;

	struct bmc_session *s = NULL;
	if (status == RMCPP_OK && !(s = bmc_session_alloc(bmc, peer, channel)))
		status = RMCPP_NO_RESOURCES;
	if (status != RMCPP_OK) {
		/* Up to the managed system session id (00000000h: none), §13.18: nmap's
		 * ipmi-cipher-zero and other scanners read that far even in a refusal. */
		uint8_t err[12];
		struct bmc_writer ew;
		wr_init(&ew, err, sizeof err);
		reply_header(&ew, tag, status, console_sid);
		wr_u32le(&ew, 0);
		bmc_rmcpplus_send_plain(bmc, channel, peer, PAYLOAD_OPEN_SESSION_RSP, err, wr_len(&ew));
		return;
	}
	s->console_sid = console_sid;
	s->suite = suite->id;
	s->auth_alg = auth;
	s->integ_alg = integ;
	s->conf_alg = conf;
	s->max_priv_req = max_priv;
	/* Suite 0 (opt-in only) authenticates nothing: its RAKP messages carry no codes. */
	s->hash_len = auth == AUTH_ALG_NONE ? 0 : (uint8_t)bmc_hash_len(auth_hash(auth));
	s->icv_len = integ == INTEG_ALG_HMAC_SHA256_128 ? 16 : integ == INTEG_ALG_HMAC_SHA1_96 ? 12 : 0;

	uint8_t out[36];
	struct bmc_writer w;
	wr_init(&w, out, sizeof out);
	wr_u8(&w, tag);
	wr_u8(&w, RMCPP_OK);
	wr_u8(&w, max_priv ? max_priv : PRIV_ADMIN);
	wr_u8(&w, 0);
	wr_u32le(&w, console_sid);
	wr_u32le(&w, s->bmc_sid);
	write_alg(&w, 0, auth);
	write_alg(&w, 1, integ);
	write_alg(&w, 2, conf);
	bmc_rmcpplus_send_plain(bmc, channel, peer, PAYLOAD_OPEN_SESSION_RSP, out, wr_len(&w));
}

/* The key RAKP 2 is signed with for a name that is not a usable user: stable per name
 * within a boot, unknowable outside the BMC. */
static void decoy_key(const struct bmc *bmc, const char *name, uint8_t len, uint8_t key[20])
{
	static const char label[] = "bmcd decoy user key";
	const struct bmc_iov v[] = {{label, sizeof label}, {&len, 1}, {name, len}};
	uint8_t mac[BMC_HASH_MAX];
	bmc_hmacv(BMC_HASH_SHA256, bmc->boot_secret, sizeof bmc->boot_secret, v, 3, mac);
	memcpy(key, mac, 20);
	bmc_wipe(mac, sizeof mac);
}

static void session_key(const struct bmc *bmc, const struct bmc_session *s, uint8_t key[20])
{
	if (s->user_valid)
		bmc_users_key(bmc, s->user_id, key);
	else
		decoy_key(bmc, s->uname, s->uname_len, key);
}

/* The privilege RAKP 1's role may reach for this user, or 0 when the user is unusable. */
static uint8_t user_limit(const struct bmc *bmc, uint8_t uid, uint8_t channel, uint8_t suite)
{
	uint8_t lim = bmc_users_priv(bmc, uid, channel);
	if (lim == PRIV_NO_ACCESS || lim == 0)
		return 0;
	uint8_t suite_lim = bmc_lanparm_suite_priv(bmc, suite);
	if (suite_lim == PRIV_NO_ACCESS || suite_lim == 0)
		return 0;
	return lim < suite_lim ? lim : suite_lim;
}

/* IPMI 2.0 §13.20, §13.21 */
void bmc_rakp_1(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *p, size_t len)
{
	struct bmc_reader r;
	rd_init(&r, p, len);
	uint8_t tag = rd_u8(&r);
	rd_skip(&r, 3);
	uint32_t sid = rd_u32le(&r);
	uint8_t rm[16];
	rd_bytes(&r, rm, 16);
	uint8_t role = rd_u8(&r);
	rd_skip(&r, 2);
	uint8_t ulen = rd_u8(&r);
	struct bmc_session *s = bmc_session_find(bmc, sid);

	if (!rd_ok(&r) || !s || (s->state != SESS_OPENED && s->state != SESS_RAKP2) ||
	    !bmc_peer_equal(&s->peer, peer) || s->channel != channel) {
		bmc->stats.dropped_malformed++;
		return;
	}
	/* A second RAKP 1 on one set-up is accepted only as a retransmission (same Rm,
	 * role and name; it gets the same RAKP 2 again). Anything else would let one
	 * set-up collect RAKP 2 codes for many names or roles while counting as at most
	 * one failed login. */
	if (s->state == SESS_RAKP2) {
		struct bmc_reader peek = r;
		size_t left = rd_left(&peek);
		const uint8_t *name = rd_ptr(&peek, left);
		if (!bmc_ct_equal(rm, s->rm, 16) || role != s->role || ulen != s->uname_len || left != ulen ||
		    (ulen && (!name || memcmp(name, s->uname, ulen)))) {
			bmc->stats.dropped_malformed++;
			return;
		}
	}
	uint8_t status = RMCPP_OK;
	uint8_t want = role & 0x0F;
	if (ulen > 16 || rd_left(&r) != ulen)
		status = RMCPP_INVALID_NAME_LEN;
	else if ((role & 0xE0) || want < PRIV_CALLBACK || want > PRIV_OEM)
		status = RMCPP_INVALID_ROLE;
	else if (s->max_priv_req && want > s->max_priv_req)
		status = RMCPP_UNAUTHORIZED_ROLE;
	if (status != RMCPP_OK) {
		send_status(bmc, channel, peer, PAYLOAD_RAKP2, tag, status, s->console_sid);
		bmc_session_close(bmc, s, "RAKP 1 refused");
		return;
	}

	memset(s->uname, 0, sizeof s->uname);
	rd_bytes(&r, s->uname, ulen);
	s->uname_len = ulen;
	memcpy(s->rm, rm, 16);
	s->role = role;
	s->user_id = bmc_users_lookup(bmc, s->uname, ulen);
	uint8_t lim = s->user_id ? user_limit(bmc, s->user_id, channel, s->suite) : 0;
	/* A locked-out user is answered like an unknown one: RAKP 2 under the decoy
	 * key, so RAKP 3 fails as a wrong password would (lockout.h). This also stops
	 * RAKP 2 from handing out the user's HMAC for offline cracking while locked. */
	s->locked = s->user_id && bmc_lockout_locked(bmc, s->user_id);
	s->user_valid = lim != 0 && !s->locked;
	/* A role above the user's limit is refused only in RAKP 4, once RAKP 3 has proven
	 * the password: refusing here would tell anyone which names exist. */
	s->role_denied = s->user_valid && want > lim;
	s->priv_limit = want;
	if (s->state == SESS_OPENED && bmc_random(bmc, s->rc, 16) != 0) {
		bmc_session_close(bmc, s, "no randomness");
		return;
	}

	uint8_t key[20], mac[BMC_HASH_MAX];
	session_key(bmc, s, key);
	bmc_rakp2_code(auth_hash(s->auth_alg), key, s->console_sid, s->bmc_sid, s->rm, s->rc, bmc->system_guid, s->role,
		       s->uname, s->uname_len, mac);
	bmc_wipe(key, sizeof key);

	uint8_t out[8 + 16 + 16 + BMC_HASH_MAX];
	struct bmc_writer w;
	wr_init(&w, out, sizeof out);
	reply_header(&w, tag, RMCPP_OK, s->console_sid);
	wr_bytes(&w, s->rc, 16);
	wr_bytes(&w, bmc->system_guid, 16);
	wr_bytes(&w, mac, s->hash_len);
	s->state = SESS_RAKP2;
	bmc_rmcpplus_send_plain(bmc, channel, peer, PAYLOAD_RAKP2, out, wr_len(&w));
}


/* IPMI 2.0 §13.22, §13.23 */
void bmc_rakp_3(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *p, size_t len)
{
	struct bmc_reader r;
	rd_init(&r, p, len);
	uint8_t tag = rd_u8(&r);
	uint8_t cstatus = rd_u8(&r);
	rd_skip(&r, 2);
	uint32_t sid = rd_u32le(&r);
	struct bmc_session *s = bmc_session_find(bmc, sid);

	if (!rd_ok(&r) || !s || s->state != SESS_RAKP2 || !bmc_peer_equal(&s->peer, peer) || s->channel != channel) {
		bmc->stats.dropped_malformed++;
		return;
	}
	if (cstatus != RMCPP_OK) {
		/* The console gave up (typically: our RAKP 2 HMAC did not match its password). */
		bmc_audit_login_failed(bmc, s, "the console aborted at RAKP 3", true);
		bmc_session_close(bmc, s, "aborted by the console");
		return;
	}
	const uint8_t *code = rd_ptr(&r, s->hash_len);
	if (!code || !rd_done(&r)) {
		send_status(bmc, channel, peer, PAYLOAD_RAKP4, tag, RMCPP_ILLEGAL_PARAM, s->console_sid);
		bmc_session_close(bmc, s, "malformed RAKP 3");
		return;
	}

	uint8_t key[20], mac[BMC_HASH_MAX];
	enum bmc_hash h = auth_hash(s->auth_alg);
	session_key(bmc, s, key);
	bmc_rakp3_code(h, key, s->rc, s->console_sid, s->role, s->uname, s->uname_len, mac);
	bool ok = bmc_ct_equal(mac, code, s->hash_len) && s->user_valid;
	if (!ok) {
		bmc_wipe(key, sizeof key);
		bmc_audit_login_failed(bmc, s, s->locked ? "user locked out (bad passwords)" : "wrong password or unknown user",
				       true);
		send_status(bmc, channel, peer, PAYLOAD_RAKP4, tag, RMCPP_INVALID_ICV, s->console_sid);
		bmc_session_close(bmc, s, "RAKP 3 refused");
		return;
	}
	if (s->role_denied) {
		bmc_wipe(key, sizeof key);
		bmc_audit_login_failed(bmc, s, "role above the user's privilege limit", false);
		send_status(bmc, channel, peer, PAYLOAD_RAKP4, tag, RMCPP_UNAUTHORIZED_ROLE, s->console_sid);
		bmc_session_close(bmc, s, "RAKP 3: unauthorized role");
		return;
	}
	if (!bmc_session_make_room(bmc, peer)) {
		bmc_wipe(key, sizeof key);
		send_status(bmc, channel, peer, PAYLOAD_RAKP4, tag, RMCPP_NO_RESOURCES, s->console_sid);
		bmc_session_close(bmc, s, "session limit reached");
		return;
	}

	/* Kg is the BMC key when one is set, else Kuid (one-key login), §13.31. */
	if (bmc->kg_set)
		bmc_rakp_derive(h, bmc->kg, 20, s->rm, s->rc, s->role, s->uname, s->uname_len, s->sik, s->k1, s->k2);
	else
		bmc_rakp_derive(h, key, 20, s->rm, s->rc, s->role, s->uname, s->uname_len, s->sik, s->k1, s->k2);
	bmc_wipe(key, sizeof key);

	bmc_rakp4_icv(h, s->sik, s->rm, s->bmc_sid, bmc->system_guid, mac);
	bmc_audit_login_ok(bmc, s);

	uint8_t out[8 + 16];
	struct bmc_writer w;
	wr_init(&w, out, sizeof out);
	reply_header(&w, tag, RMCPP_OK, s->console_sid);
	wr_bytes(&w, mac, s->auth_alg == AUTH_ALG_NONE ? 0 : h == BMC_HASH_SHA256 ? 16 : 12);

	/* Sessions start at USER (or lower if that is all they may have), §13.14 / §22.18. */
	s->priv = s->priv_limit < PRIV_USER ? s->priv_limit : PRIV_USER;
	bmc_session_activate(bmc, s);
	char pstr[64], name[17];
	bmc_peer_format(&s->peer, pstr, sizeof pstr);
	bmc_printable(s->uname, s->uname_len, name);
	bmc_logf(bmc, BMC_LOG_INFO, "audit: session %u opened for user %u \"%s\" from %s, suite %u, max privilege %u",
		 s->handle, s->user_id, name, pstr, s->suite, s->priv_limit);
	bmc_rmcpplus_send_plain(bmc, channel, peer, PAYLOAD_RAKP4, out, wr_len(&w));
}

/* Users: the table, its stored form, and the questions sessions ask of it.
 * IPMI 2.0 §6.9, §22.26-22.30, §24.6-24.7.
 *
 * Stored record (STORE_USER, key = user id), version 1, exactly USER_REC_LEN bytes:
 *   0       version (USER_REC_VERSION)
 *   1       flags: bit 0 enabled, bit 1 password set, bit 2 set with the 20-byte form;
 *           other bits zero
 *   2..17   name, NUL padded (the Set User Name field; empty for user 1)
 *   18..37  password, zero padded (IPMI needs the key itself for RAKP, so it cannot be
 *           hashed; the store's files are mode 0600, DESIGN.md §5)
 *   38..53  per channel 0..15: the Get User Access byte (bmc_users_access_byte)
 *   54..69  per channel: standard payload enables (Set User Payload Access byte 3)
 *   70..85  per channel: OEM payload enables (Set User Payload Access byte 5)
 * A record of length 0 (a deletion) resets the slot to empty.
 */
#include <string.h>

#include "bmc/store.h"
#include "channels.h"
#include "users.h"

#define USER_REC_VERSION 1
#define USER_REC_LEN (2 + 16 + 20 + 3 * BMC_NUM_CHANNELS)

enum {
	UREC_ENABLED = 0x01,
	UREC_HAS_PW = 0x02,
	UREC_PW20 = 0x04,
};

bool bmc_users_id_ok(uint8_t uid)
{
	return uid >= 1 && uid <= BMC_MAX_USERS;
}

bool bmc_users_priv_ok(uint8_t priv)
{
	return (priv >= PRIV_CALLBACK && priv <= PRIV_OEM) || priv == PRIV_NO_ACCESS;
}

static size_t name_len(const struct bmc_user *u)
{
	const char *nul = memchr(u->name, '\0', sizeof u->name);
	return nul ? (size_t)(nul - u->name) : sizeof u->name - 1;
}

/* An empty slot. IPMI messaging and call-in start enabled so that giving a user a
 * privilege with ipmitool's "user priv" (which changes only the limit) is enough;
 * the privilege limit NO ACCESS is what keeps a fresh slot out. */
static void user_empty(struct bmc_user *u)
{
	memset(u, 0, sizeof *u);
	for (unsigned ch = 0; ch < BMC_NUM_CHANNELS; ch++) {
		u->chan[ch].priv = PRIV_NO_ACCESS;
		u->chan[ch].callin = true;
		u->chan[ch].link_auth = false;
		u->chan[ch].ipmi_msg = true;
	}
}

void bmc_users_defaults(struct bmc *bmc)
{
	for (unsigned uid = 0; uid <= BMC_MAX_USERS; uid++)
		user_empty(&bmc->users[uid]);
}

int bmc_users_name_parse(const uint8_t raw[16], char out[17])
{
	int len = -1;
	memset(out, 0, 17);
	for (int i = 0; i < 16; i++) {
		uint8_t c = raw[i];
		if (len >= 0) {
			if (c != 0)
				return -1; /* the spec pads with 00h: anything else is garbage */
			continue;
		}
		if (c == 0) {
			len = i;
			continue;
		}
		/* Printable ASCII only (§22.28 says ASCII): keeps control characters out
		 * of logs and terminals that show names. */
		if (c < 0x20 || c > 0x7E)
			return -1;
		out[i] = (char)c;
	}
	return len >= 0 ? len : 16;
}

uint8_t bmc_users_access_byte(const struct bmc_user_chan *c)
{
	return (uint8_t)((c->callin ? 0 : 0x40) | (c->link_auth ? 0x20 : 0) | (c->ipmi_msg ? 0x10 : 0) |
			 (c->priv & 0x0F));
}

static size_t encode(const struct bmc_user *u, uint8_t *out, size_t cap)
{
	struct bmc_writer w;
	uint8_t name[16] = {0};

	memcpy(name, u->name, name_len(u));
	wr_init(&w, out, cap);
	wr_u8(&w, USER_REC_VERSION);
	wr_u8(&w, (uint8_t)((u->enabled ? UREC_ENABLED : 0) | (u->has_password ? UREC_HAS_PW : 0) |
			    (u->pw20 ? UREC_PW20 : 0)));
	wr_bytes(&w, name, sizeof name);
	wr_bytes(&w, u->password, sizeof u->password);
	for (unsigned ch = 0; ch < BMC_NUM_CHANNELS; ch++)
		wr_u8(&w, bmc_users_access_byte(&u->chan[ch]));
	wr_bytes(&w, u->payload_std, sizeof u->payload_std);
	wr_bytes(&w, u->payload_oem, sizeof u->payload_oem);
	return wr_ok(&w) ? wr_len(&w) : 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

static int decode_access(struct bmc_reader *r, struct bmc_user *u)
{
	for (unsigned ch = 0; ch < BMC_NUM_CHANNELS; ch++) {
		uint8_t b = rd_u8(r);
		if ((b & 0x80) || !bmc_users_priv_ok(b & 0x0F))
			return -1;
		u->chan[ch].callin = !(b & 0x40);
		u->chan[ch].link_auth = b & 0x20;
		u->chan[ch].ipmi_msg = b & 0x10;
		u->chan[ch].priv = b & 0x0F;
	}
	rd_bytes(r, u->payload_std, sizeof u->payload_std);
	rd_bytes(r, u->payload_oem, sizeof u->payload_oem);
	for (unsigned ch = 0; ch < BMC_NUM_CHANNELS; ch++)
		if (u->payload_std[ch] & 0x01) /* bit 0 is reserved */
			return -1;
	return 0;
}

/* Decodes a record into u; every field checked, so a bad record changes nothing. */
static int decode(uint8_t uid, const uint8_t *value, size_t len, struct bmc_user *u)
{
	struct bmc_reader r;
	uint8_t raw_name[16];

	user_empty(u);
	rd_init(&r, value, len);
	uint8_t version = rd_u8(&r);
	uint8_t flags = rd_u8(&r);
	rd_bytes(&r, raw_name, sizeof raw_name);
	rd_bytes(&r, u->password, sizeof u->password);
	if (!rd_ok(&r) || version != USER_REC_VERSION || len != USER_REC_LEN)
		return -1;
	if (flags & ~(UREC_ENABLED | UREC_HAS_PW | UREC_PW20))
		return -1;
	u->enabled = flags & UREC_ENABLED;
	u->has_password = flags & UREC_HAS_PW;
	u->pw20 = flags & UREC_PW20;
	int nlen = bmc_users_name_parse(raw_name, u->name);
	if (nlen < 0 || (uid == 1 && nlen != 0))
		return -1; /* user 1's name is fixed empty, §6.9.1 */
	/* No password means all zeros; a 16-byte password is zero-padded to 20. */
	if ((!u->has_password && (u->pw20 || !all_zero(u->password, 20))) ||
	    (u->has_password && !u->pw20 && !all_zero(u->password + 16, 4)))
		return -1;
	if (decode_access(&r, u) != 0 || !rd_done(&r))
		return -1;
	return 0;
}

int bmc_users_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	struct bmc_user u;
	int rc = -1;

	if (key < 1 || key > BMC_MAX_USERS)
		return -1;
	if (len == 0) {
		user_empty(&bmc->users[key]);
		return 0;
	}
	if (decode((uint8_t)key, value, len, &u) == 0) {
		bmc->users[key] = u;
		rc = 0;
	}
	bmc_wipe(&u, sizeof u);
	return rc;
}

static int store_user(struct bmc *bmc, uint8_t uid, const struct bmc_user *u)
{
	uint8_t rec[USER_REC_LEN];
	size_t n = encode(u, rec, sizeof rec);
	int rc = n ? bmc_persist(bmc, STORE_USER, uid, rec, n) : -1;
	bmc_wipe(rec, sizeof rec);
	return rc;
}

int bmc_users_persist(struct bmc *bmc, uint8_t uid)
{
	if (!bmc_users_id_ok(uid))
		return -1;
	return store_user(bmc, uid, &bmc->users[uid]);
}

int bmc_users_commit(struct bmc *bmc, uint8_t uid, const struct bmc_user *nu)
{
	if (!bmc_users_id_ok(uid))
		return -1;
	/* Durable before visible: a reply never reports a change a restart would undo. */
	if (store_user(bmc, uid, nu) != 0)
		return -1;
	/* The old key's keyed contexts, if the crypto layer keeps any. (A user who had no
	 * password has none: fleet members create their admin users in threads, and this
	 * keeps them out of the crypto layer's table.) */
	if (bmc->users[uid].has_password &&
	    !bmc_ct_equal(bmc->users[uid].password, nu->password, sizeof nu->password))
		bmc_crypto_forget(bmc->users[uid].password, sizeof nu->password);
	bmc->users[uid] = *nu;
	/* An administrator who changes an enabled user (enables it, sets its password,
	 * ...) has dealt with it: a bad-password lock-out ends (lockout.h; table 23-4
	 * parameter 26: "re-enabled" ends a lock-out of interval 0). */
	if (nu->enabled)
		bmc_lockout_clear(bmc, uid);
	return 0;
}

/* User 1 logs in with the null name only when anonymous login is configured, and
 * even then only once someone has enabled it and given it a password. */
static bool null_user_usable(const struct bmc *bmc)
{
	const struct bmc_user *u = &bmc->users[1];
	return bmc->cfg.anonymous_enabled && u->enabled && u->has_password;
}

uint8_t bmc_users_lookup(const struct bmc *bmc, const char *name, size_t len)
{
	if (len == 0)
		return null_user_usable(bmc) ? 1 : 0;
	if (len > 16 || !name)
		return 0;
	for (uint8_t uid = 2; uid <= BMC_MAX_USERS; uid++) {
		const struct bmc_user *u = &bmc->users[uid];
		/* A user whose password was never set would have the all-zero key: anyone
		 * knowing the name could log in. Such a user is not found. */
		if (!u->enabled || !u->has_password)
			continue;
		/* Names are not secrets: an ordinary comparison is fine. */
		if (name_len(u) == len && memcmp(u->name, name, len) == 0)
			return uid;
	}
	return 0;
}

uint8_t bmc_users_priv(const struct bmc *bmc, uint8_t uid, uint8_t channel)
{
	if (!bmc_users_id_ok(uid) || !bmc_channel_enabled(bmc, channel))
		return PRIV_NO_ACCESS;
	const struct bmc_user *u = &bmc->users[uid];
	const struct bmc_user_chan *c = &u->chan[channel];
	/* §22.26: with "IPMI Messaging" disabled the user may not send IPMI messages on
	 * the channel, and a session is nothing but IPMI messages, so it is no access. */
	if (!u->enabled || !c->ipmi_msg || c->priv < PRIV_CALLBACK || c->priv > PRIV_OEM)
		return PRIV_NO_ACCESS;
	uint8_t limit = bmc_channel_priv_limit(bmc, channel);
	if (limit < PRIV_CALLBACK || limit > PRIV_OEM)
		return PRIV_NO_ACCESS;
	return c->priv < limit ? c->priv : limit;
}

void bmc_users_key(const struct bmc *bmc, uint8_t uid, uint8_t key[20])
{
	if (!bmc_users_id_ok(uid)) {
		memset(key, 0, 20);
		return;
	}
	/* Stored zero-padded already (§22.30: a 16-byte password is padded with 0s). */
	memcpy(key, bmc->users[uid].password, 20);
}

uint8_t bmc_users_enabled_count(const struct bmc *bmc)
{
	uint8_t n = 0;
	for (uint8_t uid = 1; uid <= BMC_MAX_USERS; uid++)
		if (bmc->users[uid].enabled)
			n++;
	return n;
}

bool bmc_users_payload_enabled(const struct bmc *bmc, uint8_t uid, uint8_t channel, uint8_t payload)
{
	if (!bmc_users_id_ok(uid) || channel >= BMC_NUM_CHANNELS)
		return false;
	const struct bmc_user *u = &bmc->users[uid];
	if (payload >= 0x01 && payload <= 0x07)
		return u->payload_std[channel] & (1u << payload);
	if (payload >= 0x20 && payload <= 0x27)
		return u->payload_oem[channel] & (1u << (payload - 0x20));
	return false;
}

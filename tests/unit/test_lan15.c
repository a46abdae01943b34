/* IPMI 1.5 sessions (opt-in): challenge, activation, MD5 per-message authentication,
 * sequence window, and refusal while disabled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lan15.h"
#include "lanplus_client.h"
#include "session.h"
#include "state.h"

struct c15 {
	struct lc c; /* peer, bmc, fake platform */
	uint8_t key[16];
	uint32_t sid, seq;
};

static size_t build15(struct c15 *k, uint32_t sid, uint32_t seq, bool auth, uint8_t netfn, uint8_t cmd,
		      const uint8_t *data, size_t len, uint8_t *out)
{
	uint8_t m[64];
	size_t mlen = lc_msg(&k->c, netfn, cmd, data, len, m), n = 0;
	const uint8_t h[] = {6, 0, 0xFF, 7, auth ? AUTHTYPE_MD5 : AUTHTYPE_NONE};
	memcpy(out, h, 5);
	n = 5;
	for (int i = 0; i < 4; i++)
		out[n++] = (uint8_t)(seq >> (8 * i));
	for (int i = 0; i < 4; i++)
		out[n++] = (uint8_t)(sid >> (8 * i));
	if (auth) {
		bmc_lan15_authcode(k->key, sid, seq, m, mlen, out + n);
		n += 16;
	}
	out[n++] = (uint8_t)mlen;
	memcpy(out + n, m, mlen);
	return n + mlen;
}

/* Returns the completion code and copies response data, or -1 for no reply. */
static int xfer15(struct c15 *k, const uint8_t *pkt, size_t len, uint8_t *data, size_t *dlen)
{
	size_t rlen;
	const uint8_t *r = lc_xfer(&k->c, pkt, len, &rlen);
	if (!r)
		return -1;
	size_t off = r[4] == AUTHTYPE_NONE ? 13 : 29;
	size_t mlen = r[off];
	if (off + 1 + mlen != rlen)
		return -1;
	if (r[4] != AUTHTYPE_NONE) {
		/* the reply is authenticated with the same key */
		uint8_t want[16];
		uint32_t seq = (uint32_t)r[5] | (uint32_t)r[6] << 8 | (uint32_t)r[7] << 16 | (uint32_t)r[8] << 24;
		bmc_lan15_authcode(k->key, k->sid, seq, r + off + 1, mlen, want);
		if (memcmp(want, r + 13, 16))
			return -1;
	}
	*dlen = mlen - 8;
	memcpy(data, r + off + 1 + 7, *dlen);
	return r[off + 1 + 6];
}

static struct bmc *new_bmc(struct fake_platform *fp, bool enable)
{
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.ipmi15_enabled = enable;
	return fake_bmc_new(fp, &cfg, true);
}

static int login15(struct c15 *k, const char *user, const char *pw, uint8_t priv)
{
	uint8_t pkt[128], d[64], req[22] = {AUTHTYPE_MD5};
	size_t n, dl;
	memset(k->key, 0, 16);
	memcpy(k->key, pw, strlen(pw));
	memcpy(req + 1, user, strlen(user));
	n = build15(k, 0, 0, false, NETFN_APP, CMD_GET_SESSION_CHALLENGE, req, 17, pkt);
	if (xfer15(k, pkt, n, d, &dl) != 0 || dl != 20)
		return -2;
	memcpy(&k->sid, d, 4);
	req[0] = AUTHTYPE_MD5;
	req[1] = priv;
	memcpy(req + 2, d + 4, 16);
	memcpy(req + 18, "\x10\x00\x00\x00", 4); /* initial outbound sequence 16 */
	n = build15(k, k->sid, 0, true, NETFN_APP, CMD_ACTIVATE_SESSION, req, 22, pkt);
	int cc = xfer15(k, pkt, n, d, &dl);
	if (cc != 0)
		return cc;
	memcpy(&k->seq, d + 5, 4);
	return 0;
}

static void login_and_raise_privilege(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, true);
	struct c15 k = {0};
	lc_init(&k.c, bmc, &fp, 17, "admin", "password");
	assert_int_equal(login15(&k, "admin", "password", PRIV_ADMIN), 0);
	uint8_t pkt[128], d[64], want = PRIV_ADMIN, idx = 0;
	size_t n, dl;
	n = build15(&k, k.sid, k.seq++, true, NETFN_APP, CMD_SET_SESSION_PRIV, &want, 1, pkt);
	assert_int_equal(xfer15(&k, pkt, n, d, &dl), 0);
	assert_int_equal(d[0], PRIV_ADMIN);
	n = build15(&k, k.sid, k.seq++, true, NETFN_APP, CMD_GET_SESSION_INFO, &idx, 1, pkt);
	assert_int_equal(xfer15(&k, pkt, n, d, &dl), 0);
	assert_int_equal(d[5], 0x01); /* protocol aux 0: IPMI 1.5, channel 1 */
	/* the same packet again is a replay */
	assert_int_equal(xfer15(&k, pkt, n, d, &dl), -1);
	assert_int_equal(bmc->stats.dropped_replay, 1);
	/* a wrong auth code is dropped */
	n = build15(&k, k.sid, k.seq++, true, NETFN_APP, CMD_GET_SESSION_INFO, &idx, 1, pkt);
	pkt[20] ^= 1;
	assert_int_equal(xfer15(&k, pkt, n, d, &dl), -1);
	free(bmc);
}

static void wrong_password_and_unknown_user_both_silent(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, true);
	struct c15 k = {0};
	lc_init(&k.c, bmc, &fp, 17, "admin", "password");
	assert_int_equal(login15(&k, "admin", "wrong", PRIV_ADMIN), -1);
	assert_int_equal(login15(&k, "nobody", "password", PRIV_ADMIN), -1);
	assert_int_equal(bmc_sessions_active(bmc), 0);
	free(bmc);
}

static void refused_while_disabled(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, false);
	struct c15 k = {0};
	lc_init(&k.c, bmc, &fp, 17, "admin", "password");
	assert_int_equal(login15(&k, "admin", "password", PRIV_ADMIN), -2);
	uint8_t pkt[64], d[64], req[18] = {AUTHTYPE_MD5, 'a', 'd', 'm', 'i', 'n'};
	size_t dl, n = build15(&k, 0, 0, false, NETFN_APP, CMD_GET_SESSION_CHALLENGE, req, 17, pkt);
	assert_int_equal(xfer15(&k, pkt, n, d, &dl), CC_INVALID_CMD);
	free(bmc);
}

static void privilege_above_limit_refused(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = new_bmc(&fp, true);
	bmc->users[2].chan[1].priv = PRIV_USER;
	struct c15 k = {0};
	lc_init(&k.c, bmc, &fp, 17, "admin", "password");
	assert_int_equal(login15(&k, "admin", "password", PRIV_ADMIN), 0x86);
	assert_int_equal(login15(&k, "admin", "password", PRIV_USER), 0);
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_and_raise_privilege),
		cmocka_unit_test(wrong_password_and_unknown_user_both_silent),
		cmocka_unit_test(refused_while_disabled),
		cmocka_unit_test(privilege_above_limit_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* RMCP+ sessions end to end through bmc_input: set-up, refusals, integrity, replay,
 * limits, timeouts, session commands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lanplus_client.h"
#include "rmcpplus.h"
#include "session.h"
#include "state.h"

struct fixture {
	struct fake_platform fp;
	struct bmc *bmc;
	struct lc c;
};

static struct fixture *fx_new(const struct bmc_config *cfg)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->bmc = fake_bmc_new(&f->fp, cfg, true);
	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
	return f;
}

static void fx_free(struct fixture *f)
{
	free(f->bmc);
	free(f);
}

static void login_suite17_and_run_a_command(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	uint8_t cc, rsp[64], idx = 0;
	size_t n;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_GET_SESSION_INFO, &idx, 1, &cc, rsp, &n), 0);
	assert_int_equal(cc, 0);
	assert_int_equal(n, 6 + 12);
	assert_int_equal(rsp[2], 1);          /* one active session */
	assert_int_equal(rsp[3], 2);          /* user 2 */
	assert_int_equal(rsp[4], PRIV_ADMIN); /* raised by Set Session Privilege */
	assert_int_equal(rsp[5], 0x11);       /* IPMI 2.0, channel 1 */
	assert_int_equal(rsp[6], 127);
	assert_int_equal(rsp[16] | rsp[17] << 8, 40000);
	fx_free(f);
}

static void suite3_only_when_enabled(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	lc_init(&f->c, f->bmc, &f->fp, 3, "admin", "password");
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), -1);
	assert_int_equal(f->c.last_status, RMCPP_NO_CIPHER_SUITE);
	fx_free(f);

	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.cipher_suites |= 1u << 3;
	f = fx_new(&cfg);
	lc_init(&f->c, f->bmc, &f->fp, 3, "admin", "password");
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	uint8_t cc, rsp[64], idx = 0;
	size_t n;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_GET_SESSION_INFO, &idx, 1, &cc, rsp, &n), 0);
	assert_int_equal(cc, 0);
	fx_free(f);
}

static void weak_suites_refused(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	for (uint8_t suite = 0; suite <= 2; suite++) {
		lc_init(&f->c, f->bmc, &f->fp, suite, "admin", "password");
		assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), -1);
		assert_int_equal(f->c.last_status, RMCPP_NO_CIPHER_SUITE);
	}
	assert_int_equal(bmc_sessions_active(f->bmc), 0);
	fx_free(f);
}

/* A wrong password and an unknown user look the same to the console: RAKP 2 status 0
 * of the same size with an HMAC that does not verify, then RAKP 4 status 0Fh. */
static void wrong_password_and_unknown_user_fail_alike(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	const char *users[] = {"admin", "nosuchuser"};
	const char *pws[] = {"wrong", "password"};
	size_t rakp2_len[2];
	for (int i = 0; i < 2; i++) {
		lc_init(&f->c, f->bmc, &f->fp, 17, users[i], pws[i]);
		assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
		assert_int_equal(lc_rakp1(&f->c, 0x14), -1);
		assert_int_equal(f->c.last_status, 0);
		fake_last_sent(&f->fp, &rakp2_len[i]);
		assert_int_equal(lc_rakp3(&f->c), -1);
		assert_int_equal(f->c.last_status, RMCPP_INVALID_ICV);
	}
	assert_int_equal(rakp2_len[0], rakp2_len[1]);
	/* a console that just stops after RAKP 2 is audited when its set-up expires */
	lc_init(&f->c, f->bmc, &f->fp, 17, "nosuchuser", "x");
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	assert_int_equal(lc_rakp1(&f->c, 0x14), -1);
	f->fp.now_ms += BMC_SETUP_TIMEOUT_MS;
	bmc_tick(f->bmc);
	assert_int_equal(f->bmc->stats.login_failures, 3);
	assert_int_equal(bmc_sessions_active(f->bmc), 0);
	fx_free(f);
}

static void replayed_and_tampered_packets_are_dropped(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	uint8_t cc, rsp[64], idx = 0, pkt[1024];
	size_t n, rlen;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_GET_SESSION_INFO, &idx, 1, &cc, rsp, &n), 0);
	memcpy(pkt, f->c.last, f->c.last_len);
	size_t len = f->c.last_len;
	assert_null(lc_xfer(&f->c, pkt, len, &rlen));
	assert_int_equal(f->bmc->stats.dropped_replay, 1);

	/* every single-bit flip of a fresh packet is dropped */
	len = lc_build(&f->c, NETFN_APP, CMD_GET_SESSION_INFO, &idx, 1, pkt, sizeof pkt);
	for (size_t i = 4; i < len; i++) {
		uint8_t bad[1024];
		memcpy(bad, pkt, len);
		bad[i] ^= 0x01;
		assert_null(lc_xfer(&f->c, bad, len, &rlen));
	}
	/* truncated */
	assert_null(lc_xfer(&f->c, pkt, len - 1, &rlen));
	/* the original still works after all that */
	assert_non_null(lc_xfer(&f->c, pkt, len, &rlen));
	fx_free(f);
}

static void sequence_window(void **state)
{
	(void)state;
	struct bmc_session s;
	memset(&s, 0, sizeof s);
	assert_false(bmc_seq_accept(&s, 0));
	assert_true(bmc_seq_accept(&s, 10));
	assert_false(bmc_seq_accept(&s, 10));
	assert_true(bmc_seq_accept(&s, 12));
	assert_true(bmc_seq_accept(&s, 11)); /* late but unseen */
	assert_false(bmc_seq_accept(&s, 11));
	assert_true(bmc_seq_accept(&s, 100));
	assert_true(bmc_seq_accept(&s, 68));  /* exactly 32 behind */
	assert_false(bmc_seq_accept(&s, 67)); /* beyond the window */
	assert_false(bmc_seq_accept(&s, 12));
}

static void session_limit_is_a_clear_refusal(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.max_sessions = 2;
	struct fixture *f = fx_new(&cfg);
	for (int i = 0; i < 2; i++) {
		lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
		f->c.peer.port = (uint16_t)(41000 + i);
		assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	}
	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
	f->c.peer.port = 42000;
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), -1);
	assert_int_equal(f->c.last_status, RMCPP_NO_RESOURCES);
	fx_free(f);
}

static void idle_sessions_time_out(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	f->fp.now_ms += 59000;
	bmc_tick(f->bmc);
	assert_int_equal(bmc_sessions_active(f->bmc), 1);
	f->fp.now_ms += 1000;
	bmc_tick(f->bmc);
	assert_int_equal(bmc_sessions_active(f->bmc), 0);
	uint8_t cc, rsp[64], idx = 0;
	size_t n;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_GET_SESSION_INFO, &idx, 1, &cc, rsp, &n), -1);
	fx_free(f);
}

static void privilege_limits(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	/* make user 2 an operator on the LAN channel */
	f->bmc->users[2].chan[1].priv = PRIV_OPERATOR;
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	/* refused only after the password is proven, so names cannot be probed */
	assert_int_equal(lc_rakp1(&f->c, 0x14), 0);
	assert_int_equal(lc_rakp3(&f->c), -1);
	assert_int_equal(f->c.last_status, RMCPP_UNAUTHORIZED_ROLE);
	assert_int_equal(bmc_sessions_active(f->bmc), 0);
	/* a wrong password at the same role fails as a wrong password */
	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "wrong");
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	assert_int_equal(lc_rakp1(&f->c, 0x14), -1);
	assert_int_equal(lc_rakp3(&f->c), -1);
	assert_int_equal(f->c.last_status, RMCPP_INVALID_ICV);

	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
	assert_int_equal(lc_login(&f->c, PRIV_OPERATOR), 0);
	uint8_t cc, rsp[8], want = PRIV_ADMIN;
	size_t n;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_SET_SESSION_PRIV, &want, 1, &cc, rsp, &n), 0);
	assert_int_equal(cc, 0x81);
	/* an operator may not set LAN parameters or user names: Appendix G ADMIN */
	uint8_t name[17] = {3, 'b', 'o', 'b'};
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_SET_USER_NAME, name, 17, &cc, rsp, &n), 0);
	assert_int_equal(cc, CC_INSUFFICIENT_PRIV);
	fx_free(f);
}

static void close_session_answers_then_closes(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	uint8_t cc, rsp[8], sid[4];
	size_t n;
	memcpy(sid, &f->c.bsid, 4); /* little-endian host: the wire order */
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_CLOSE_SESSION, sid, 4, &cc, rsp, &n), 0);
	assert_int_equal(cc, 0);
	assert_int_equal(bmc_sessions_active(f->bmc), 0);
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_CLOSE_SESSION, sid, 4, &cc, rsp, &n), -1);
	fx_free(f);
}

static void setup_is_bound_to_its_source(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	f->c.peer.port = 50000; /* someone else tries to continue the set-up */
	assert_int_equal(lc_rakp1(&f->c, 0x14), -1);
	f->c.peer.port = 40000;
	assert_int_equal(lc_rakp1(&f->c, 0x14), 0);
	f->c.peer.addr[3] = 2;
	assert_int_equal(lc_rakp3(&f->c), -1);
	f->c.peer.addr[3] = 1;
	assert_int_equal(lc_rakp3(&f->c), 0);
	/* RAKP 3 twice: the second finds no set-up */
	assert_int_equal(lc_rakp3(&f->c), -1);
	assert_int_equal(bmc_sessions_active(f->bmc), 1);
	fx_free(f);
}

static unsigned setups_from(struct bmc *bmc, uint8_t last_octet)
{
	unsigned n = 0;
	for (unsigned i = 0; i < BMC_MAX_SESSIONS + BMC_MAX_HALF_OPEN; i++) {
		const struct bmc_session *s = &bmc->sessions[i];
		n += (s->state == SESS_OPENED || s->state == SESS_RAKP2) && s->peer.addr[3] == last_octet;
	}
	return n;
}

static void half_open_quota_per_source(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	struct lc first;
	for (int i = 0; i < BMC_HALF_OPEN_PER_SOURCE; i++) {
		f->c.peer.port = (uint16_t)(45000 + i);
		assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
		if (i == 0)
			first = f->c;
	}
	assert_int_equal(setups_from(f->bmc, 1), BMC_HALF_OPEN_PER_SOURCE);
	/* one more from the same host displaces that host's oldest set-up, nobody else's */
	f->c.peer.port = 46000;
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	assert_int_equal(setups_from(f->bmc, 1), BMC_HALF_OPEN_PER_SOURCE);
	assert_int_equal(lc_rakp1(&first, 0x14), -1);
	assert_int_equal(lc_rakp1(&f->c, 0x14), 0);
	assert_int_equal(lc_rakp3(&f->c), 0);
	/* another source is unaffected and gets in all the way */
	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
	f->c.peer.addr[3] = 9;
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	/* stale set-ups expire */
	f->fp.now_ms += BMC_SETUP_TIMEOUT_MS;
	bmc_tick(f->bmc);
	assert_int_equal(setups_from(f->bmc, 1), 0);
	fx_free(f);
}

static void never_used_session_gives_way_to_a_new_login(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.max_sessions = 1;
	memcpy(cfg.kg, "0123456789abcdefghij", 20);
	struct fixture *f = fx_new(&cfg);
	/* without Kg: RAKP 3 verifies, RAKP 4 does not for the console, which gives up */
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	assert_int_equal(lc_rakp1(&f->c, 0x14), 0);
	assert_int_equal(lc_rakp3(&f->c), -1);
	assert_int_equal(bmc_sessions_active(f->bmc), 1);
	/* the right login from the same host takes the slot */
	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
	memcpy(f->c.kg, "0123456789abcdefghij", 20);
	f->c.kg_set = true;
	f->c.peer.port = 40001;
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	assert_int_equal(f->bmc->stats.login_failures, 1);
	/* a used session is never displaced */
	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
	f->c.peer.port = 40002;
	memcpy(f->c.kg, "0123456789abcdefghij", 20);
	f->c.kg_set = true;
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), -1);
	assert_int_equal(f->c.last_status, RMCPP_NO_RESOURCES);
	fx_free(f);
}

static void two_key_login_with_kg(void **state)
{
	(void)state;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	memcpy(cfg.kg, "0123456789abcdefghij", 20);
	struct fixture *f = fx_new(&cfg);
	/* without Kg the console derives the wrong SIK: RAKP 4 does not verify */
	assert_int_equal(lc_open_session(&f->c, PRIV_ADMIN), 0);
	assert_int_equal(lc_rakp1(&f->c, 0x14), 0);
	assert_int_equal(lc_rakp3(&f->c), -1);
	lc_init(&f->c, f->bmc, &f->fp, 17, "admin", "password");
	memcpy(f->c.kg, "0123456789abcdefghij", 20);
	f->c.kg_set = true;
	f->c.peer.port = 40001;
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	fx_free(f);
}

static void presession_commands(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	uint8_t cc, rsp[64], req[3] = {0x8E, 0x04};
	size_t n;
	assert_int_equal(lc_cmd15(&f->c, NETFN_APP, CMD_GET_CHANNEL_AUTH_CAP, req, 2, &cc, rsp, &n), 0);
	assert_int_equal(cc, 0);
	const uint8_t want[] = {0x01, 0x80, 0x04, 0x02, 0, 0, 0, 0};
	assert_int_equal(n, sizeof want);
	assert_memory_equal(rsp, want, sizeof want);

	uint8_t cs[3] = {0x0E, 0x00, 0x80};
	assert_int_equal(lc_cmd15(&f->c, NETFN_APP, CMD_GET_CHANNEL_CIPHER_SUITES, cs, 3, &cc, rsp, &n), 0);
	const uint8_t suites[] = {0x01, 0xC0, 17, 0x03, 0x44, 0x81};
	assert_int_equal(cc, 0);
	assert_int_equal(n, sizeof suites);
	assert_memory_equal(rsp, suites, sizeof suites);

	assert_int_equal(lc_cmd15(&f->c, NETFN_APP, CMD_GET_SYSTEM_GUID, NULL, 0, &cc, rsp, &n), 0);
	assert_int_equal(n, 16);
	assert_memory_equal(rsp, f->bmc->system_guid, 16);

	/* anything else outside a session needs privilege */
	assert_int_equal(lc_cmd15(&f->c, NETFN_APP, CMD_GET_SESSION_INFO, req, 1, &cc, rsp, &n), 0);
	assert_int_equal(cc, CC_INSUFFICIENT_PRIV);
	/* unknown command */
	assert_int_equal(lc_cmd15(&f->c, 0x30, 0x99, NULL, 0, &cc, rsp, &n), 0);
	assert_int_equal(cc, CC_INVALID_CMD);
	/* wrong length */
	assert_int_equal(lc_cmd15(&f->c, NETFN_APP, CMD_GET_CHANNEL_AUTH_CAP, req, 3, &cc, rsp, &n), 0);
	assert_int_equal(cc, CC_REQ_LEN_INVALID);
	fx_free(f);
}

static void asf_presence_ping(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	const uint8_t ping[] = {6, 0, 0xFF, 6, 0, 0, 0x11, 0xBE, 0x80, 0x21, 0, 0};
	size_t n;
	const uint8_t *r = lc_xfer(&f->c, ping, sizeof ping, &n);
	assert_non_null(r);
	assert_int_equal(n, 28);
	assert_int_equal(r[8], 0x40);
	assert_int_equal(r[9], 0x21);
	assert_int_equal(r[20], 0x81);
	fx_free(f);
}

static void local_session_list_and_end(void **state)
{
	(void)state;
	struct fixture *f = fx_new(NULL);
	assert_int_equal(lc_login(&f->c, PRIV_ADMIN), 0);
	f->fp.now_ms += 3000;
	struct bmc_session_info info[4];
	assert_int_equal(bmc_session_list(f->bmc, info, 4), 1);
	assert_string_equal(info[0].user, "admin");
	assert_int_equal(info[0].priv, PRIV_ADMIN);
	assert_int_equal(info[0].peer.port, 40000);
	assert_int_equal(info[0].age_s, 3);
	assert_int_equal(bmc_session_end(f->bmc, (uint8_t)(info[0].handle + 1)), -1);
	assert_int_equal(bmc_session_end(f->bmc, info[0].handle), 0);
	assert_int_equal(bmc_session_list(f->bmc, info, 4), 0);
	uint8_t cc, rsp[8], idx = 0;
	size_t n;
	assert_int_equal(lc_cmd(&f->c, NETFN_APP, CMD_GET_SESSION_INFO, &idx, 1, &cc, rsp, &n), -1);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_suite17_and_run_a_command),
		cmocka_unit_test(suite3_only_when_enabled),
		cmocka_unit_test(weak_suites_refused),
		cmocka_unit_test(wrong_password_and_unknown_user_fail_alike),
		cmocka_unit_test(replayed_and_tampered_packets_are_dropped),
		cmocka_unit_test(sequence_window),
		cmocka_unit_test(session_limit_is_a_clear_refusal),
		cmocka_unit_test(idle_sessions_time_out),
		cmocka_unit_test(privilege_limits),
		cmocka_unit_test(close_session_answers_then_closes),
		cmocka_unit_test(setup_is_bound_to_its_source),
		cmocka_unit_test(half_open_quota_per_source),
		cmocka_unit_test(two_key_login_with_kg),
		cmocka_unit_test(never_used_session_gives_way_to_a_new_login),
		cmocka_unit_test(presession_commands),
		cmocka_unit_test(asf_presence_ping),
		cmocka_unit_test(local_session_list_and_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

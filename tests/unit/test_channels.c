/* Channels: Get Channel Info, Get/Set Channel Access through bmc_dispatch; volatile
 * and non-volatile copies; persistence, store failure and malformed records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bmc/store.h"
#include "channels.h"
#include "dispatch.h"
#include "fake_platform.h"
#include "users.h"

struct t {
	struct fake_platform fp;
	struct bmc *bmc;
	uint8_t rsp[64];
	size_t rsp_len;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->bmc = fake_bmc_new(&t->fp, NULL, true);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;
	free(t->bmc);
	free(t);
	return 0;
}

static uint8_t call_on(struct t *t, uint8_t channel, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	struct bmc_req req = {
		.netfn = NETFN_APP, .cmd = cmd, .channel = channel, .priv = priv, .data = data, .len = len,
	};
	struct bmc_writer w;
	wr_init(&w, t->rsp, sizeof t->rsp);
	uint8_t cc = bmc_dispatch(t->bmc, &req, &w);
	t->rsp_len = wr_len(&w);
	return cc;
}

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
/* An ADMIN request on channel 1 from literal bytes. */
#define CALL(t, cmd, ...) call_on((t), CHANNEL_LAN, (cmd), PRIV_ADMIN, BYTES(__VA_ARGS__))

static void assert_rsp(struct t *t, const uint8_t *want, size_t n)
{
	assert_int_equal(t->rsp_len, n);
	assert_memory_equal(t->rsp, want, n);
}
#define ASSERT_RSP(t, ...) assert_rsp((t), BYTES(__VA_ARGS__))

static void restart(struct t *t)
{
	t->bmc = fake_restart(&t->fp, t->bmc);
}

static const struct fake_rec *find_rec(const struct t *t, uint16_t type, uint16_t key)
{
	return fake_find_rec(&t->fp, type, key);
}

static bool access_equal(const struct bmc_chan_access *a, const struct bmc_chan_access *b)
{
	return a->mode == b->mode && a->priv_limit == b->priv_limit && a->alerting_disabled == b->alerting_disabled &&
	       a->per_msg_auth_disabled == b->per_msg_auth_disabled && a->user_auth_disabled == b->user_auth_disabled;
}

/* ---- Get Channel Info ---- */

static void channel_info(void **state)
{
	struct t *t = *state;
	/* LAN: 802.3, IPMB-1.0, multi-session with 0 active, IPMI forum IANA, aux 0 */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_INFO, 0x01), CC_OK);
	ASSERT_RSP(t, 0x01, 0x04, 0x01, 0x80, 0xF2, 0x1B, 0x00, 0x00, 0x00);
	/* 0Eh = the channel the request came on */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_INFO, 0x0E), CC_OK);
	ASSERT_RSP(t, 0x01, 0x04, 0x01, 0x80, 0xF2, 0x1B, 0x00, 0x00, 0x00);
	/* system interface: KCS, session-less, interrupts unspecified */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_INFO, 0x0F), CC_OK);
	ASSERT_RSP(t, 0x0F, 0x0C, 0x05, 0x00, 0xF2, 0x1B, 0x00, 0xFF, 0xFF);
	assert_int_equal(call_on(t, CHANNEL_SYSTEM, CMD_GET_CHANNEL_INFO, PRIV_USER, BYTES(0x0E)), CC_OK);
	assert_int_equal(t->rsp[0], 0x0F);
	/* active sessions are counted, half-open ones are not */
	t->bmc->sessions[0].state = SESS_ACTIVE;
	t->bmc->sessions[0].channel = CHANNEL_LAN;
	t->bmc->sessions[3].state = SESS_ACTIVE;
	t->bmc->sessions[3].channel = CHANNEL_LAN;
	t->bmc->sessions[5].state = SESS_RAKP2;
	t->bmc->sessions[5].channel = CHANNEL_LAN;
	assert_int_equal(call_on(t, CHANNEL_LAN, CMD_GET_CHANNEL_INFO, PRIV_USER, BYTES(0x01)), CC_OK);
	ASSERT_RSP(t, 0x01, 0x04, 0x01, 0x82, 0xF2, 0x1B, 0x00, 0x00, 0x00);
}

static void channel_info_errors(void **state)
{
	struct t *t = *state;
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_INFO, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_INFO, 0x02), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_INFO, 0x07), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_INFO, 0x11), CC_INVALID_FIELD); /* reserved bits */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_INFO, 0x01, 0x00), CC_REQ_LEN_INVALID);
	assert_int_equal(call_on(t, CHANNEL_LAN, CMD_GET_CHANNEL_INFO, PRIV_ADMIN, NULL, 0), CC_REQ_LEN_INVALID);
	assert_int_equal(call_on(t, CHANNEL_LAN, CMD_GET_CHANNEL_INFO, PRIV_CALLBACK, BYTES(0x01)),
			 CC_INSUFFICIENT_PRIV);
	assert_int_equal(t->rsp_len, 0);
}

/* ---- Get Channel Access ---- */

static void channel_access_defaults(void **state)
{
	struct t *t = *state;
	/* always available, alerting disabled, per-message and user-level auth on, ADMIN */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x40), CC_OK);
	ASSERT_RSP(t, 0x22, 0x04);
	assert_int_equal(call_on(t, CHANNEL_LAN, CMD_GET_CHANNEL_ACCESS, PRIV_USER, BYTES(0x0E, 0x80)), CC_OK);
	ASSERT_RSP(t, 0x22, 0x04);
	assert_true(bmc_channel_enabled(t->bmc, CHANNEL_LAN));
	assert_int_equal(bmc_channel_priv_limit(t->bmc, CHANNEL_LAN), PRIV_ADMIN);
	assert_true(bmc_channel_exists(t->bmc, CHANNEL_SYSTEM));
	assert_false(bmc_channel_exists(t->bmc, 2));
	assert_false(bmc_channel_exists(t->bmc, 200));
	assert_false(bmc_channel_enabled(t->bmc, 2));
	assert_int_equal(bmc_channel_priv_limit(t->bmc, 2), PRIV_NONE);
	assert_int_equal(bmc_channel_priv_limit(t->bmc, 200), PRIV_NONE);
}

static void channel_access_get_errors(void **state)
{
	struct t *t = *state;
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x00), CC_INVALID_FIELD); /* reserved selector */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0xC0), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x41), CC_INVALID_FIELD); /* reserved bits */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x21, 0x40), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x03, 0x40), CC_INVALID_FIELD); /* no channel 3 */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x0F, 0x40), 0x82);             /* session-less */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01), CC_REQ_LEN_INVALID);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x40, 0x00), CC_REQ_LEN_INVALID);
	assert_int_equal(call_on(t, CHANNEL_LAN, CMD_GET_CHANNEL_ACCESS, PRIV_CALLBACK, BYTES(0x01, 0x40)),
			 CC_INSUFFICIENT_PRIV);
}

/* ---- Set Channel Access ---- */

static void set_volatile_only(void **state)
{
	struct t *t = *state;
	struct bmc_chan_access nv = t->bmc->chans[CHANNEL_LAN].nv;
	/* volatile: disable the channel, alerting on; volatile privilege limit USER */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x80, 0x82), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x80), CC_OK);
	ASSERT_RSP(t, 0x00, 0x02);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x40), CC_OK);
	ASSERT_RSP(t, 0x22, 0x04);
	assert_true(access_equal(&nv, &t->bmc->chans[CHANNEL_LAN].nv));
	assert_false(bmc_channel_enabled(t->bmc, CHANNEL_LAN));
	assert_int_equal(bmc_users_priv(t->bmc, 2, CHANNEL_LAN), PRIV_NO_ACCESS);
	/* nothing was stored, and a restart brings the non-volatile setting back */
	assert_null(find_rec(t, STORE_CHANNEL_ACCESS, CHANNEL_LAN));
	restart(t);
	assert_true(bmc_channel_enabled(t->bmc, CHANNEL_LAN));
	assert_int_equal(bmc_users_priv(t->bmc, 2, CHANNEL_LAN), PRIV_ADMIN);
}

static void set_non_volatile_persists(void **state)
{
	struct t *t = *state;
	/* non-volatile: pre-boot only, per-message auth off; non-volatile limit OPERATOR */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x51, 0x43), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x40), CC_OK);
	ASSERT_RSP(t, 0x11, 0x03);
	/* the volatile copy is untouched until a restart */
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x80), CC_OK);
	ASSERT_RSP(t, 0x22, 0x04);
	const struct fake_rec *r = find_rec(t, STORE_CHANNEL_ACCESS, CHANNEL_LAN);
	assert_non_null(r);
	assert_int_equal(r->len, 3);
	assert_int_equal(r->value[0], 1); /* version */
	assert_int_equal(r->value[1], 0x11);
	assert_int_equal(r->value[2], 0x03);
	restart(t);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x80), CC_OK);
	ASSERT_RSP(t, 0x11, 0x03);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x40), CC_OK);
	ASSERT_RSP(t, 0x11, 0x03);
	assert_int_equal(bmc_users_priv(t->bmc, 2, CHANNEL_LAN), PRIV_OPERATOR);
}

static void disable_lan_persistently(void **state)
{
	struct t *t = *state;
	/* both copies disabled in one request each (as ipmi-config commits them) */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x60, 0x00), CC_OK);
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0xA0, 0x00), CC_OK);
	assert_false(bmc_channel_enabled(t->bmc, CHANNEL_LAN));
	restart(t);
	assert_false(bmc_channel_enabled(t->bmc, CHANNEL_LAN));
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x80), CC_OK);
	ASSERT_RSP(t, 0x20, 0x04);
	assert_int_equal(bmc_users_priv(t->bmc, 2, CHANNEL_LAN), PRIV_NO_ACCESS);
	/* and back on */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x62, 0x00), CC_OK);
	restart(t);
	assert_true(bmc_channel_enabled(t->bmc, CHANNEL_LAN));
}

static void dont_set_codes(void **state)
{
	struct t *t = *state;
	struct bmc_channel before = t->bmc->chans[CHANNEL_LAN];
	/* 00b selectors: the rest of the byte is ignored, even nonsense */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x3F, 0x0F), CC_OK);
	assert_true(access_equal(&before.nv, &t->bmc->chans[CHANNEL_LAN].nv));
	assert_true(access_equal(&before.vol, &t->bmc->chans[CHANNEL_LAN].vol));
	assert_null(find_rec(t, STORE_CHANNEL_ACCESS, CHANNEL_LAN));
	/* only the privilege limit, volatile; and mixed: access non-volatile + limit volatile */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x0E, 0x07, 0x85), CC_OK);
	assert_int_equal(t->bmc->chans[CHANNEL_LAN].vol.priv_limit, PRIV_OEM);
	assert_int_equal(t->bmc->chans[CHANNEL_LAN].vol.mode, 2);
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x7B, 0x81), CC_OK);
	assert_int_equal(t->rsp_len, 0);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x40), CC_OK);
	ASSERT_RSP(t, 0x3B, 0x04);
	assert_int_equal(CALL(t, CMD_GET_CHANNEL_ACCESS, 0x01, 0x80), CC_OK);
	ASSERT_RSP(t, 0x22, 0x01);
}

static void set_errors(void **state)
{
	struct t *t = *state;
	struct bmc_channel before = t->bmc->chans[CHANNEL_LAN];
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0xC2, 0x00), CC_INVALID_FIELD); /* 11b */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x00, 0xC4), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x44, 0x00), CC_INVALID_FIELD); /* mode 4 */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x87, 0x00), CC_INVALID_FIELD); /* mode 7 */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x00, 0x40), CC_INVALID_FIELD); /* priv 0 */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x00, 0x86), CC_INVALID_FIELD); /* priv 6 */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x00, 0x8F), CC_INVALID_FIELD); /* NO ACCESS */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x00, 0x94), CC_INVALID_FIELD); /* reserved */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x11, 0x82, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x02, 0x82, 0x00), CC_INVALID_FIELD); /* no channel 2 */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x0F, 0x82, 0x00), 0x82);             /* session-less */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x80), CC_REQ_LEN_INVALID);
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x80, 0x84, 0x00), CC_REQ_LEN_INVALID);
	assert_int_equal(call_on(t, CHANNEL_LAN, CMD_SET_CHANNEL_ACCESS, PRIV_OPERATOR, BYTES(0x01, 0x80, 0x00)),
			 CC_INSUFFICIENT_PRIV);
	assert_true(access_equal(&before.nv, &t->bmc->chans[CHANNEL_LAN].nv));
	assert_true(access_equal(&before.vol, &t->bmc->chans[CHANNEL_LAN].vol));
}

static void store_failure_changes_nothing(void **state)
{
	struct t *t = *state;
	struct bmc_channel before = t->bmc->chans[CHANNEL_LAN];
	t->fp.store_fail = 1;
	/* non-volatile access + volatile limit: the store fails, so neither changes */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x40, 0x82), CC_UNSPECIFIED);
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x00, 0x42), CC_UNSPECIFIED);
	assert_true(access_equal(&before.nv, &t->bmc->chans[CHANNEL_LAN].nv));
	assert_true(access_equal(&before.vol, &t->bmc->chans[CHANNEL_LAN].vol));
	assert_true(bmc_channel_enabled(t->bmc, CHANNEL_LAN));
	/* a volatile-only change needs no store */
	assert_int_equal(CALL(t, CMD_SET_CHANNEL_ACCESS, 0x01, 0x00, 0x83), CC_OK);
	assert_int_equal(t->bmc->chans[CHANNEL_LAN].vol.priv_limit, PRIV_OPERATOR);
	t->fp.store_fail = 0;
	restart(t);
	assert_true(access_equal(&before.nv, &t->bmc->chans[CHANNEL_LAN].nv));
	assert_true(access_equal(&before.vol, &t->bmc->chans[CHANNEL_LAN].vol));
}

static void malformed_records_rejected(void **state)
{
	struct t *t = *state;
	struct bmc_channel before = t->bmc->chans[CHANNEL_LAN];
	const uint8_t good[] = {1, 0x12, 0x03};
	const uint8_t *bad[] = {
		(const uint8_t[]){0, 0x12, 0x03},    /* version */
		(const uint8_t[]){2, 0x12, 0x03},    /* version */
		(const uint8_t[]){1, 0x14, 0x03},    /* mode 4 */
		(const uint8_t[]){1, 0x52, 0x03},    /* reserved bit 6 */
		(const uint8_t[]){1, 0x92, 0x03},    /* reserved bit 7 */
		(const uint8_t[]){1, 0x12, 0x00},    /* privilege 0 */
		(const uint8_t[]){1, 0x12, 0x06},    /* privilege 6 */
		(const uint8_t[]){1, 0x12, 0x0F},    /* NO ACCESS is no channel limit */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(bmc_channels_apply(t->bmc, CHANNEL_LAN, bad[i], 3), -1);
	assert_int_equal(bmc_channels_apply(t->bmc, CHANNEL_LAN, good, 2), -1);
	assert_int_equal(bmc_channels_apply(t->bmc, CHANNEL_LAN, BYTES(1, 0x12, 0x03, 0x00)), -1);
	assert_int_equal(bmc_channels_apply(t->bmc, CHANNEL_LAN, NULL, 0), -1);
	assert_int_equal(bmc_channels_apply(t->bmc, 2, good, 3), -1);      /* no such channel */
	assert_int_equal(bmc_channels_apply(t->bmc, 0x0F, good, 3), -1);   /* session-less */
	assert_int_equal(bmc_channels_apply(t->bmc, 0x101, good, 3), -1);  /* not a channel */
	assert_true(access_equal(&before.nv, &t->bmc->chans[CHANNEL_LAN].nv));
	assert_true(access_equal(&before.vol, &t->bmc->chans[CHANNEL_LAN].vol));
	/* the good one sets both copies */
	assert_int_equal(bmc_channels_apply(t->bmc, CHANNEL_LAN, good, 3), 0);
	assert_int_equal(t->bmc->chans[CHANNEL_LAN].nv.mode, 2);
	assert_true(t->bmc->chans[CHANNEL_LAN].nv.per_msg_auth_disabled);
	assert_false(t->bmc->chans[CHANNEL_LAN].nv.alerting_disabled);
	assert_int_equal(t->bmc->chans[CHANNEL_LAN].nv.priv_limit, PRIV_OPERATOR);
	assert_true(access_equal(&t->bmc->chans[CHANNEL_LAN].nv, &t->bmc->chans[CHANNEL_LAN].vol));

	/* through a restart: a corrupt stored record is ignored, defaults stay */
	assert_int_equal(t->bmc->plat.store_put(t->bmc->plat.ctx, STORE_CHANNEL_ACCESS, CHANNEL_LAN, bad[2], 3), 0);
	restart(t);
	assert_true(access_equal(&before.nv, &t->bmc->chans[CHANNEL_LAN].nv));
	assert_true(bmc_channel_enabled(t->bmc, CHANNEL_LAN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(channel_info, setup, teardown),
		cmocka_unit_test_setup_teardown(channel_info_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(channel_access_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(channel_access_get_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(set_volatile_only, setup, teardown),
		cmocka_unit_test_setup_teardown(set_non_volatile_persists, setup, teardown),
		cmocka_unit_test_setup_teardown(disable_lan_persistently, setup, teardown),
		cmocka_unit_test_setup_teardown(dont_set_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(set_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(store_failure_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_records_rejected, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

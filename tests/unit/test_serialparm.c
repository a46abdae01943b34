/* Set/Get Serial/Modem Configuration and Set Serial/Modem Mux (IPMI 2.0 §25.1-25.3):
 * defaults, validation (C7h, CCh, 80h, 82h), set-in-progress, privilege, persistence
 * and replay, and that the channel is refused while serial is off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bmc/store.h"
#include "dispatch.h"
#include "fake_platform.h"

#define PARAM_GET_CMD CMD_GET_SERIAL_CONFIG
#define PARAM_SET_CMD CMD_SET_SERIAL_CONFIG
#define PARAM_GET_PRIV PRIV_OPERATOR
#define PARAM_SET_PRIV PRIV_ADMIN
#define PARAM_CHAN CHANNEL_SERIAL
#include "param_client.h"

struct t {
	struct fake_platform fp;
	struct bmc *bmc;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof *t);
	struct bmc_config cfg;
	assert_non_null(t);
	bmc_config_defaults(&cfg);
	cfg.serial_enabled = true;
	cfg.serial_baud = 57600;
	t->fp.quiet = true;
	t->bmc = fake_bmc_new(&t->fp, &cfg, true);
	t->fp.quiet = true;
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

static struct rsp xfer(struct bmc *bmc, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	return xfer_on(bmc, NETFN_TRANSPORT, cmd, priv, CHANNEL_LAN, data, len);
}

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static void test_defaults(void **state)
{
	struct t *t = *state;
	EXPECT(t->bmc, SERP_SET_IN_PROGRESS, 0x00);
	EXPECT(t->bmc, SERP_AUTH_SUPPORT, 0x10);
	EXPECT(t->bmc, SERP_AUTH_ENABLES, 0x10, 0x10, 0x10, 0x10, 0x00);
	EXPECT(t->bmc, SERP_CONN_MODE, 0x85);
	EXPECT(t->bmc, SERP_INACTIVITY, 0x02);
	EXPECT(t->bmc, SERP_CALLBACK, 0, 0, 0, 0, 0);
	EXPECT(t->bmc, SERP_TERMINATION, 0x01);
	EXPECT(t->bmc, SERP_COMM, 0x00, 0x09); /* 57600 from the configuration */
	EXPECT(t->bmc, SERP_MUX_CONTROL, 0, 0);
	EXPECT(t->bmc, SERP_TERM_CONFIG, 0x27, 0x11);
	assert_int_equal(bmc_serial_baud(t->bmc), 57600);
}

static void test_bad_requests(void **state)
{
	struct t *t = *state;
	/* 80h: a parameter bmcd does not have (modem init string, PPP, OEM). */
	assert_int_equal(get(t->bmc, 10).cc, 0x80);
	assert_int_equal(get(t->bmc, 200).cc, 0x80);
	assert_int_equal(set(t->bmc, 30, BYTES(0)), 0x80);
	/* 82h: read-only. */
	assert_int_equal(set(t->bmc, SERP_AUTH_SUPPORT, BYTES(0x10)), 0x82);
	/* C7h: wrong length for the parameter, or for the command. */
	assert_int_equal(set(t->bmc, SERP_COMM, BYTES(0x00)), CC_REQ_LEN_INVALID);
	assert_int_equal(set(t->bmc, SERP_AUTH_ENABLES, BYTES(0x10, 0x10)), CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(t->bmc, CMD_GET_SERIAL_CONFIG, PRIV_ADMIN, BYTES(2, 3, 0)).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(t->bmc, CMD_SET_SERIAL_CONFIG, PRIV_ADMIN, BYTES(2, 3)).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(xfer(t->bmc, CMD_SET_SERIAL_MUX, PRIV_ADMIN, BYTES(2)).cc, CC_REQ_LEN_INVALID);
	/* CCh: a channel that is not serial, reserved bits, values out of range. */
	const uint8_t q[4] = {CHANNEL_LAN, SERP_CONN_MODE, 0, 0};
	assert_int_equal(xfer(t->bmc, CMD_GET_SERIAL_CONFIG, PRIV_ADMIN, q, 4).cc, CC_INVALID_FIELD);
	assert_int_equal(xfer(t->bmc, CMD_GET_SERIAL_CONFIG, PRIV_ADMIN, BYTES(2, 3, 1, 0)).cc, CC_INVALID_FIELD);
	assert_int_equal(set(t->bmc, SERP_CONN_MODE, BYTES(0x87)), CC_INVALID_FIELD); /* PPP */
	assert_int_equal(set(t->bmc, SERP_CONN_MODE, BYTES(0x05)), CC_INVALID_FIELD); /* modem */
	assert_int_equal(set(t->bmc, SERP_CONN_MODE, BYTES(0x80)), CC_INVALID_FIELD); /* no mode */
	assert_int_equal(set(t->bmc, SERP_INACTIVITY, BYTES(0x12)), CC_INVALID_FIELD);
	assert_int_equal(set(t->bmc, SERP_CALLBACK, BYTES(1, 0, 0, 0, 0)), CC_INVALID_FIELD);
	assert_int_equal(set(t->bmc, SERP_TERMINATION, BYTES(0x04)), CC_INVALID_FIELD);
	assert_int_equal(set(t->bmc, SERP_COMM, BYTES(0x00, 0x05)), CC_INVALID_FIELD); /* 4800 */
	assert_int_equal(set(t->bmc, SERP_COMM, BYTES(0xC0, 0x0A)), CC_INVALID_FIELD);
	assert_int_equal(set(t->bmc, SERP_COMM, BYTES(0x01, 0x0A)), CC_INVALID_FIELD);
	assert_int_equal(set(t->bmc, SERP_TERM_CONFIG, BYTES(0x2B, 0x11)), CC_INVALID_FIELD); /* delete 10b */
	assert_int_equal(set(t->bmc, SERP_TERM_CONFIG, BYTES(0x27, 0x13)), CC_INVALID_FIELD);
	assert_int_equal(set(t->bmc, SERP_TERM_CONFIG, BYTES(0x27, 0x61)), CC_INVALID_FIELD);
	assert_int_equal(set(t->bmc, SERP_AUTH_ENABLES, BYTES(0x14, 0, 0, 0, 0)), CC_INVALID_FIELD); /* MD5 */
	assert_int_equal(xfer(t->bmc, CMD_SET_SERIAL_MUX, PRIV_ADMIN, BYTES(2, 9)).cc, CC_INVALID_FIELD);
	/* Privilege: Set needs ADMINISTRATOR, Get and the mux OPERATOR (D4h). */
	const uint8_t s[3] = {CHANNEL_SERIAL, SERP_INACTIVITY, 1};
	assert_int_equal(xfer(t->bmc, CMD_SET_SERIAL_CONFIG, PRIV_OPERATOR, s, 3).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(t->bmc, CMD_GET_SERIAL_CONFIG, PRIV_USER, BYTES(2, 3, 0, 0)).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(xfer(t->bmc, CMD_SET_SERIAL_MUX, PRIV_USER, BYTES(2, 0)).cc, CC_INSUFFICIENT_PRIV);
	/* Nothing was stored. */
	for (uint16_t p = 0; p < 64; p++)
		assert_null(fake_find_rec(&t->fp, STORE_SERIALPARM, p));
}

static void test_set_persist_replay(void **state)
{
	struct t *t = *state;
	assert_int_equal(set(t->bmc, SERP_SET_IN_PROGRESS, BYTES(1)), CC_OK);
	assert_int_equal(set(t->bmc, SERP_SET_IN_PROGRESS, BYTES(1)), 0x81);
	assert_int_equal(set(t->bmc, SERP_CONN_MODE, BYTES(0x84)), CC_OK);
	assert_int_equal(set(t->bmc, SERP_INACTIVITY, BYTES(0x0F)), CC_OK);
	assert_int_equal(set(t->bmc, SERP_COMM, BYTES(0x40, 0x07)), CC_OK);
	assert_int_equal(set(t->bmc, SERP_MUX_CONTROL, BYTES(0x12, 0x34)), CC_OK);
	assert_int_equal(set(t->bmc, SERP_TERM_CONFIG, BYTES(0x20, 0x51)), CC_OK);
	assert_int_equal(set(t->bmc, SERP_SET_IN_PROGRESS, BYTES(2)), CC_OK);
	assert_int_equal(set(t->bmc, SERP_SET_IN_PROGRESS, BYTES(0)), CC_OK);
	assert_int_equal(set(t->bmc, SERP_SET_IN_PROGRESS, BYTES(3)), CC_INVALID_FIELD);
	EXPECT(t->bmc, SERP_CONN_MODE, 0x84);
	/* Revision only. */
	struct rsp r = xfer(t->bmc, CMD_GET_SERIAL_CONFIG, PRIV_OPERATOR, BYTES(0x82, 3, 0, 0));
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 1);
	/* A store failure changes nothing. */
	t->fp.store_fail = 1;
	assert_int_equal(set(t->bmc, SERP_INACTIVITY, BYTES(0x01)), CC_UNSPECIFIED);
	t->fp.store_fail = 0;
	EXPECT(t->bmc, SERP_INACTIVITY, 0x0F);

	t->bmc = fake_restart(&t->fp, t->bmc);
	EXPECT(t->bmc, SERP_SET_IN_PROGRESS, 0x00);
	EXPECT(t->bmc, SERP_CONN_MODE, 0x84);
	EXPECT(t->bmc, SERP_INACTIVITY, 0x0F);
	EXPECT(t->bmc, SERP_COMM, 0x40, 0x07);
	EXPECT(t->bmc, SERP_MUX_CONTROL, 0x12, 0x34);
	EXPECT(t->bmc, SERP_TERM_CONFIG, 0x20, 0x51);
	assert_int_equal(bmc_serial_baud(t->bmc), 19200);
	/* Basic Mode is off now: a Basic Mode packet gets no answer. */
	unsigned before = t->fp.sent_count;
	const uint8_t pkt[] = {0xA0, 0x20, 0x18, 0xC8, 0x81, 0x04, 0x01, 0x7A, 0xA5};
	bmc_serial_input(t->bmc, pkt, sizeof pkt);
	assert_int_equal(t->fp.sent_count, before);
}

static void test_malformed_records_ignored(void **state)
{
	struct t *t = *state;
	bmc_store_apply(t->bmc, STORE_SERIALPARM, SERP_CONN_MODE, (const uint8_t[]){0x02}, 1);
	bmc_store_apply(t->bmc, STORE_SERIALPARM, SERP_COMM, (const uint8_t[]){0x00}, 1);
	bmc_store_apply(t->bmc, STORE_SERIALPARM, SERP_AUTH_SUPPORT, (const uint8_t[]){0x10}, 1);
	bmc_store_apply(t->bmc, STORE_SERIALPARM, 0x1234, (const uint8_t[]){0x10}, 1);
	EXPECT(t->bmc, SERP_CONN_MODE, 0x85);
	EXPECT(t->bmc, SERP_COMM, 0x00, 0x09);
}

static void test_mux(void **state)
{
	struct t *t = *state;
	struct rsp r = xfer(t->bmc, CMD_SET_SERIAL_MUX, PRIV_OPERATOR, BYTES(2, 0));
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.data[0], 0x03); /* accepted, mux at the BMC */
	/* Block requests to the system: a request is then rejected, a force is not. */
	r = xfer(t->bmc, CMD_SET_SERIAL_MUX, PRIV_OPERATOR, BYTES(2, 5));
	assert_int_equal(r.data[0], 0x83);
	r = xfer(t->bmc, CMD_SET_SERIAL_MUX, PRIV_OPERATOR, BYTES(2, 1));
	assert_int_equal(r.data[0], 0x81);
	r = xfer(t->bmc, CMD_SET_SERIAL_MUX, PRIV_OPERATOR, BYTES(2, 3));
	assert_int_equal(r.data[0], 0x82);
	/* With the mux at the system, serial input is ignored. */
	unsigned before = t->fp.sent_count;
	bmc_serial_input(t->bmc, "[18 00 01]\r", 11);
	assert_int_equal(t->fp.sent_count, before);
	r = xfer(t->bmc, CMD_SET_SERIAL_MUX, PRIV_OPERATOR, BYTES(2, 2));
	assert_int_equal(r.data[0], 0x83);
	bmc_serial_input(t->bmc, "[18 00 01]\r", 11);
	assert_true(t->fp.sent_count > before);
}

static void test_serial_off(void **state)
{
	(void)state;
	struct fake_platform *fp = calloc(1, sizeof *fp);
	fp->quiet = true;
	struct bmc *bmc = fake_bmc_new(fp, NULL, true);
	assert_int_equal(get(bmc, SERP_CONN_MODE).cc, CC_INVALID_FIELD);
	assert_int_equal(xfer(bmc, CMD_SET_SERIAL_MUX, PRIV_ADMIN, BYTES(2, 0)).cc, CC_INVALID_FIELD);
	assert_int_equal(bmc_serial_baud(bmc), 0);
	free(bmc);
	free(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_persist_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_records_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mux, setup, teardown),
		cmocka_unit_test(test_serial_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

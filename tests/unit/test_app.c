/* App commands: Get Device ID, resets, self test, device GUID, BMC global enables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dispatch.h"
#include "fake_platform.h"

static struct rsp call_priv(struct bmc *bmc, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	struct bmc_req req = {
		.netfn = NETFN_APP, .cmd = cmd, .channel = CHANNEL_LAN, .priv = priv, .data = data, .len = len,
	};
	return fake_dispatch(bmc, &req, 0);
}

static struct rsp call(struct bmc *bmc, uint8_t cmd, const uint8_t *data, size_t len)
{
	return call_priv(bmc, cmd, PRIV_ADMIN, data, len);
}

static void device_id_exact_bytes(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.device_id = 0x20;
	cfg.device_rev = 0xF3;          /* only [3:0] is the revision */
	cfg.fw_major = 0x81;            /* 7 bits: bit 7 is "device available" */
	cfg.fw_minor = 0x23;
	cfg.manufacturer_id = 0xF12345; /* 20 bits */
	cfg.product_id = 0xBEEF;
	const uint8_t aux[4] = {1, 2, 3, 4};
	memcpy(cfg.aux_fw, aux, 4);
	struct bmc *bmc = fake_bmc_new(&fp, &cfg, true);

	struct rsp r = call_priv(bmc, CMD_GET_DEVICE_ID, PRIV_USER, NULL, 0);
	const uint8_t want[] = {0x20, 0x03, 0x01, 0x23, 0x02, 0x9F, 0x45, 0x23, 0x01, 0xEF, 0xBE, 1, 2, 3, 4};
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, sizeof want);
	assert_memory_equal(r.data, want, sizeof want);
	free(bmc);
}

static void device_id_defaults(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, true);
	struct rsp r = call(bmc, CMD_GET_DEVICE_ID, NULL, 0);
	const uint8_t want[] = {0x20, 0x01, 0x00, 0x10, 0x02, 0x9F, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 0};
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, sizeof want);
	assert_memory_equal(r.data, want, sizeof want);
	free(bmc);
}

static void device_id_length_and_privilege(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, true);
	const uint8_t extra[1] = {0};
	struct rsp r = call(bmc, CMD_GET_DEVICE_ID, extra, 1);
	assert_int_equal(r.cc, CC_REQ_LEN_INVALID);
	assert_int_equal(r.len, 0);
	assert_int_equal(call_priv(bmc, CMD_GET_DEVICE_ID, PRIV_CALLBACK, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(call_priv(bmc, CMD_GET_DEVICE_ID, PRIV_NONE, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	free(bmc);
}

static void resets_call_platform(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, true);
	const uint8_t extra[1] = {0};

	struct rsp r = call(bmc, CMD_COLD_RESET, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 0);
	assert_int_equal(fp.resets, 1);
	r = call(bmc, CMD_WARM_RESET, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 0);
	assert_int_equal(fp.resets, 2);

	/* refused requests reset nothing */
	assert_int_equal(call_priv(bmc, CMD_COLD_RESET, PRIV_OPERATOR, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(call_priv(bmc, CMD_WARM_RESET, PRIV_OPERATOR, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(call(bmc, CMD_COLD_RESET, extra, 1).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(call(bmc, CMD_WARM_RESET, extra, 1).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(fp.resets, 2);
	free(bmc);
}

static enum bmc_reset_kind last_kind;
static int kind_calls;
static void record_kind(void *ctx, enum bmc_reset_kind kind)
{
	(void)ctx;
	last_kind = kind;
	kind_calls++;
}

static void reset_kinds_are_distinct(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, true);
	bmc->plat.reset = record_kind;
	kind_calls = 0;
	assert_int_equal(call(bmc, CMD_WARM_RESET, NULL, 0).cc, CC_OK);
	assert_int_equal(last_kind, BMC_RESET_WARM);
	assert_int_equal(call(bmc, CMD_COLD_RESET, NULL, 0).cc, CC_OK);
	assert_int_equal(last_kind, BMC_RESET_COLD);
	assert_int_equal(kind_calls, 2);
	free(bmc);
}

static void reset_without_platform_op_is_refused(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, true);
	bmc->plat.reset = NULL;
	assert_int_equal(call(bmc, CMD_COLD_RESET, NULL, 0).cc, CC_INVALID_CMD);
	assert_int_equal(call(bmc, CMD_WARM_RESET, NULL, 0).cc, CC_INVALID_CMD);
	assert_int_equal(fp.resets, 0);
	free(bmc);
}

static void self_test_passes(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, true);
	struct rsp r = call_priv(bmc, CMD_GET_SELF_TEST, PRIV_USER, NULL, 0);
	const uint8_t want[] = {0x55, 0x00};
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 2);
	assert_memory_equal(r.data, want, 2);
	const uint8_t extra[1] = {0};
	assert_int_equal(call(bmc, CMD_GET_SELF_TEST, extra, 1).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(call_priv(bmc, CMD_GET_SELF_TEST, PRIV_CALLBACK, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	free(bmc);
}

static void device_guid_is_system_guid(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	for (int i = 0; i < 16; i++)
		cfg.system_guid[i] = (uint8_t)(0xA0 + i);
	struct bmc *bmc = fake_bmc_new(&fp, &cfg, true);
	struct rsp r = call_priv(bmc, CMD_GET_DEVICE_GUID, PRIV_USER, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 16);
	assert_memory_equal(r.data, cfg.system_guid, 16);
	const uint8_t extra[1] = {0};
	assert_int_equal(call(bmc, CMD_GET_DEVICE_GUID, extra, 1).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(call_priv(bmc, CMD_GET_DEVICE_GUID, PRIV_CALLBACK, NULL, 0).cc, CC_INSUFFICIENT_PRIV);
	free(bmc);

	/* a random GUID made at start-up is reported too */
	bmc = fake_bmc_new(&fp, NULL, true);
	r = call(bmc, CMD_GET_DEVICE_GUID, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_memory_equal(r.data, bmc->system_guid, 16);
	free(bmc);
}

static uint8_t get_ge(struct bmc *bmc)
{
	struct rsp r = call_priv(bmc, CMD_GET_BMC_GLOBAL_ENABLES, PRIV_USER, NULL, 0);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 1);
	return r.data[0];
}

static void global_enables(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, true);

	assert_int_equal(get_ge(bmc), 0x0C); /* event message buffer, SEL logging */
	uint8_t v = 0x0F;
	struct rsp r = call(bmc, CMD_SET_BMC_GLOBAL_ENABLES, &v, 1);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, 0);
	assert_int_equal(get_ge(bmc), 0x0F);
	v = 0x00;
	assert_int_equal(call(bmc, CMD_SET_BMC_GLOBAL_ENABLES, &v, 1).cc, CC_OK);
	assert_int_equal(get_ge(bmc), 0x00);

	/* reserved bit 4 and the OEM bits are refused and change nothing */
	const uint8_t bad[] = {0x10, 0x20, 0x40, 0x80, 0xFF, 0x1C};
	for (size_t i = 0; i < sizeof bad; i++) {
		assert_int_equal(call(bmc, CMD_SET_BMC_GLOBAL_ENABLES, &bad[i], 1).cc, CC_INVALID_FIELD);
		assert_int_equal(get_ge(bmc), 0x00);
	}

	const uint8_t two[2] = {0x0C, 0};
	assert_int_equal(call(bmc, CMD_SET_BMC_GLOBAL_ENABLES, NULL, 0).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(call(bmc, CMD_SET_BMC_GLOBAL_ENABLES, two, 2).cc, CC_REQ_LEN_INVALID);
	assert_int_equal(call(bmc, CMD_GET_BMC_GLOBAL_ENABLES, two, 1).cc, CC_REQ_LEN_INVALID);
	v = 0x0C;
	assert_int_equal(call_priv(bmc, CMD_SET_BMC_GLOBAL_ENABLES, PRIV_OPERATOR, &v, 1).cc, CC_INSUFFICIENT_PRIV);
	assert_int_equal(call_priv(bmc, CMD_GET_BMC_GLOBAL_ENABLES, PRIV_CALLBACK, NULL, 0).cc,
			 CC_INSUFFICIENT_PRIV);
	assert_int_equal(get_ge(bmc), 0x00);
	free(bmc);
}

static void unknown_app_command(void **state)
{
	(void)state;
	struct fake_platform fp;
	struct bmc *bmc = fake_bmc_new(&fp, NULL, true);
	assert_int_equal(call(bmc, 0x05, NULL, 0).cc, CC_INVALID_CMD); /* Manufacturing Test On */
	free(bmc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_id_exact_bytes),
		cmocka_unit_test(device_id_defaults),
		cmocka_unit_test(device_id_length_and_privilege),
		cmocka_unit_test(resets_call_platform),
		cmocka_unit_test(reset_kinds_are_distinct),
		cmocka_unit_test(reset_without_platform_op_is_refused),
		cmocka_unit_test(self_test_passes),
		cmocka_unit_test(device_guid_is_system_guid),
		cmocka_unit_test(global_enables),
		cmocka_unit_test(unknown_app_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Users: Set/Get User Access, Name, Password, Payload Access through bmc_dispatch;
 * lookup and privilege rules; persistence, store failure and malformed records. */
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

#define CMD_SET_PAYLOAD 0x4C
#define CMD_GET_PAYLOAD 0x4D

struct t {
	struct fake_platform fp;
	struct bmc *bmc;
	uint8_t rsp[64];
	size_t rsp_len;
	char log[4096]; /* every log line, newline separated */
};

/* The platform's ctx is the fake_platform, so the log capture finds its test here. */
static struct t *g_t;

static void log_shim(void *ctx, enum bmc_log_level level, const char *msg)
{
	(void)ctx;
	(void)level;
	size_t used = strlen(g_t->log), n = strlen(msg);
	assert_true(used + n + 2 < sizeof g_t->log);
	memcpy(g_t->log + used, msg, n);
	g_t->log[used + n] = '\n';
}

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->bmc = fake_bmc_new(&t->fp, NULL, true);
	g_t = t;
	t->bmc->plat.log = log_shim;
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

static uint8_t call_priv(struct t *t, uint8_t cmd, uint8_t priv, const uint8_t *data, size_t len)
{
	struct bmc_req req = {
		.netfn = NETFN_APP, .cmd = cmd, .channel = CHANNEL_LAN, .priv = priv, .data = data, .len = len,
	};
	struct bmc_writer w;
	wr_init(&w, t->rsp, sizeof t->rsp);
	uint8_t cc = bmc_dispatch(t->bmc, &req, &w);
	t->rsp_len = wr_len(&w);
	return cc;
}

static uint8_t call(struct t *t, uint8_t cmd, const uint8_t *data, size_t len)
{
	return call_priv(t, cmd, PRIV_ADMIN, data, len);
}

/* A request from literal bytes: CALL(t, cmd, b1, b2, ...). */
#define CALL(t, cmd, ...)                                                                                      \
	call((t), (cmd), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void assert_rsp(struct t *t, const uint8_t *want, size_t n)
{
	assert_int_equal(t->rsp_len, n);
	assert_memory_equal(t->rsp, want, n);
}

#define ASSERT_RSP(t, ...)                                                                                     \
	assert_rsp((t), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

/* Set User Name request: user id then 16 bytes NUL padded. */
static uint8_t set_name(struct t *t, uint8_t uid, const char *name)
{
	uint8_t d[17] = {uid};
	memcpy(d + 1, name, strlen(name));
	return call(t, CMD_SET_USER_NAME, d, sizeof d);
}

/* Set User Password request in ipmitool's shape: 16- or 20-byte password field. */
static uint8_t password_op(struct t *t, uint8_t uid, uint8_t op, const char *pw, bool is20)
{
	uint8_t d[22] = {(uint8_t)(uid | (is20 ? 0x80 : 0)), op};
	if (pw)
		memcpy(d + 2, pw, strlen(pw));
	return call(t, CMD_SET_USER_PASSWORD, d, is20 ? 22 : 18);
}

/* bob: user 3, password "secret", enabled, OPERATOR on channel 1. */
static void make_bob(struct t *t)
{
	assert_int_equal(set_name(t, 3, "bob"), CC_OK);
	assert_int_equal(password_op(t, 3, 2, "secret", false), CC_OK);
	assert_int_equal(password_op(t, 3, 1, NULL, false), CC_OK);
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, PRIV_OPERATOR, 0x00), CC_OK);
}

/* A new bmc replaying what the old one stored, as a restart would. */
static void restart(struct t *t)
{
	t->bmc = fake_restart(&t->fp, t->bmc);
}

static const struct fake_rec *find_rec(const struct t *t, uint16_t type, uint16_t key)
{
	return fake_find_rec(&t->fp, type, key);
}

/* ---- Set / Get User Name ---- */

static void user_name_set_and_get(void **state)
{
	struct t *t = *state;
	assert_int_equal(set_name(t, 3, "bob"), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_USER_NAME, 0x03), CC_OK);
	ASSERT_RSP(t, 'b', 'o', 'b', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	/* a 16-character name has no NUL */
	assert_int_equal(set_name(t, 4, "abcdefghijklmnop"), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_USER_NAME, 0x04), CC_OK);
	ASSERT_RSP(t, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p');
	assert_string_equal(t->bmc->users[4].name, "abcdefghijklmnop");
	/* the provisioned admin and the null user */
	assert_int_equal(CALL(t, CMD_GET_USER_NAME, 0x02), CC_OK);
	ASSERT_RSP(t, 'a', 'd', 'm', 'i', 'n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(CALL(t, CMD_GET_USER_NAME, 0x01), CC_OK);
	ASSERT_RSP(t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_non_null(strstr(t->log, "audit: user 3 name set to \"bob\""));
}

static void user_name_duplicates(void **state)
{
	struct t *t = *state;
	assert_int_equal(set_name(t, 3, "bob"), CC_OK);
	/* ipmitool run twice: same name on the same user succeeds */
	assert_int_equal(set_name(t, 3, "bob"), CC_OK);
	/* another user's name is refused, and nothing changes */
	assert_int_equal(set_name(t, 4, "bob"), CC_INVALID_FIELD);
	assert_string_equal(t->bmc->users[4].name, "");
	assert_int_equal(set_name(t, 4, "admin"), CC_INVALID_FIELD);
	/* empty names are not duplicates of each other */
	assert_int_equal(set_name(t, 5, ""), CC_OK);
	assert_int_equal(set_name(t, 6, ""), CC_OK);
	/* renaming frees the old name */
	assert_int_equal(set_name(t, 3, "robert"), CC_OK);
	assert_int_equal(set_name(t, 4, "bob"), CC_OK);
}

static void user_name_bad_requests(void **state)
{
	struct t *t = *state;
	assert_int_equal(set_name(t, 1, "x"), CC_INVALID_FIELD); /* fixed null name */
	assert_int_equal(set_name(t, 1, ""), CC_INVALID_FIELD);
	assert_int_equal(set_name(t, 0, "x"), CC_INVALID_FIELD);
	assert_int_equal(set_name(t, BMC_MAX_USERS + 1, "x"), CC_INVALID_FIELD);
	assert_int_equal(set_name(t, 0x43, "x"), CC_INVALID_FIELD); /* reserved bit 6 */
	assert_int_equal(set_name(t, 3, "a\nb"), CC_INVALID_FIELD); /* control character */
	assert_int_equal(set_name(t, 3, "caf\xc3\xa9"), CC_INVALID_FIELD);
	/* a byte after the terminating NUL */
	uint8_t junk[17] = {3, 'a', 0, 'b'};
	assert_int_equal(call(t, CMD_SET_USER_NAME, junk, sizeof junk), CC_INVALID_FIELD);
	assert_string_equal(t->bmc->users[3].name, "");
	/* lengths: exactly 17 */
	uint8_t d[18] = {3, 'x'};
	assert_int_equal(call(t, CMD_SET_USER_NAME, d, 16), CC_REQ_LEN_INVALID);
	assert_int_equal(call(t, CMD_SET_USER_NAME, d, 18), CC_REQ_LEN_INVALID);
	assert_int_equal(call_priv(t, CMD_SET_USER_NAME, PRIV_OPERATOR, d, 17), CC_INSUFFICIENT_PRIV);
	/* Get User Name */
	assert_int_equal(CALL(t, CMD_GET_USER_NAME, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_USER_NAME, 0x11), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_USER_NAME, 0x82), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_USER_NAME, 0x02, 0x00), CC_REQ_LEN_INVALID);
	assert_int_equal(call(t, CMD_GET_USER_NAME, d, 0), CC_REQ_LEN_INVALID);
	const uint8_t two = 2;
	assert_int_equal(call_priv(t, CMD_GET_USER_NAME, PRIV_USER, &two, 1), CC_INSUFFICIENT_PRIV);
	assert_int_equal(call_priv(t, CMD_GET_USER_NAME, PRIV_OPERATOR, &two, 1), CC_OK);
}

/* ---- Set User Password ---- */

static void password_set_and_test_16(void **state)
{
	struct t *t = *state;
	assert_int_equal(password_op(t, 3, 2, "secret", false), CC_OK);
	assert_true(t->bmc->users[3].has_password);
	assert_false(t->bmc->users[3].pw20);
	assert_int_equal(password_op(t, 3, 3, "secret", false), CC_OK);
	assert_int_equal(password_op(t, 3, 3, "Secret", false), 0x80);
	assert_int_equal(password_op(t, 3, 3, "secret", true), 0x81); /* 20-byte test of a 16-byte one */
	uint8_t key[20], want[20] = {'s', 'e', 'c', 'r', 'e', 't'};
	bmc_users_key(t->bmc, 3, key);
	assert_memory_equal(key, want, 20);
	/* the password is audited as set, never logged */
	assert_non_null(strstr(t->log, "audit: user 3 password set (16-byte form)"));
	assert_null(strstr(t->log, "secret"));
}

static void password_set_and_test_20(void **state)
{
	struct t *t = *state;
	const char *pw = "0123456789abcdefghij";
	assert_int_equal(password_op(t, 3, 2, pw, true), CC_OK);
	assert_true(t->bmc->users[3].pw20);
	assert_int_equal(password_op(t, 3, 3, pw, true), CC_OK);
	assert_int_equal(password_op(t, 3, 3, "0123456789abcdefghiX", true), 0x80);
	assert_int_equal(password_op(t, 3, 3, "0123456789abcdef", false), 0x81); /* and vice versa */
	uint8_t key[20];
	bmc_users_key(t->bmc, 3, key);
	assert_memory_equal(key, pw, 20);
	/* a short password set with the 20-byte form is still a 20-byte password */
	assert_int_equal(password_op(t, 3, 2, "pw", true), CC_OK);
	assert_int_equal(password_op(t, 3, 3, "pw", false), 0x81);
	assert_int_equal(password_op(t, 3, 3, "pw", true), CC_OK);
	assert_null(strstr(t->log, "0123456789"));
}

static void password_test_without_password(void **state)
{
	struct t *t = *state;
	/* nothing set: even the all-zero password does not "match" */
	assert_int_equal(password_op(t, 5, 3, "", false), 0x80);
	assert_int_equal(password_op(t, 5, 3, "", true), 0x80);
	/* a password on a user with no name is allowed */
	assert_int_equal(password_op(t, 5, 2, "x", false), CC_OK);
	assert_int_equal(password_op(t, 5, 3, "x", false), CC_OK);
	/* the null user may be given a password too */
	assert_int_equal(password_op(t, 1, 2, "anon", false), CC_OK);
}

static void enable_disable(void **state)
{
	struct t *t = *state;
	make_bob(t);
	assert_true(t->bmc->users[3].enabled);
	assert_int_equal(bmc_users_lookup(t->bmc, "bob", 3), 3);
	/* ipmitool: 18 bytes with a zero password */
	assert_int_equal(password_op(t, 3, 0, NULL, false), CC_OK);
	assert_false(t->bmc->users[3].enabled);
	assert_int_equal(bmc_users_lookup(t->bmc, "bob", 3), 0);
	assert_non_null(strstr(t->log, "audit: user 3 disabled"));
	/* FreeIPMI: 2 bytes, no password */
	assert_int_equal(CALL(t, CMD_SET_USER_PASSWORD, 0x03, 0x01), CC_OK);
	assert_true(t->bmc->users[3].enabled);
	assert_int_equal(CALL(t, CMD_SET_USER_PASSWORD, 0x03, 0x00), CC_OK);
	assert_false(t->bmc->users[3].enabled);
	assert_int_equal(password_op(t, 3, 1, NULL, true), CC_OK); /* 22 bytes, 20-byte flag */
	assert_true(t->bmc->users[3].enabled);
	assert_non_null(strstr(t->log, "audit: user 3 enabled"));
	/* enabling does not touch the password */
	assert_int_equal(password_op(t, 3, 3, "secret", false), CC_OK);
}

static void password_bad_requests(void **state)
{
	struct t *t = *state;
	uint8_t d[23] = {3, 2};
	/* set / test need exactly the password size bit 7 names */
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 2), CC_REQ_LEN_INVALID);
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 22), CC_REQ_LEN_INVALID);
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 10), CC_REQ_LEN_INVALID);
	d[0] = 0x83;
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 18), CC_REQ_LEN_INVALID);
	d[1] = 3;
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 18), CC_REQ_LEN_INVALID);
	/* enable with a password field of the wrong size */
	d[0] = 3;
	d[1] = 1;
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 10), CC_REQ_LEN_INVALID);
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 22), CC_REQ_LEN_INVALID);
	/* dispatch bounds */
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 1), CC_REQ_LEN_INVALID);
	assert_int_equal(call(t, CMD_SET_USER_PASSWORD, d, 23), CC_REQ_LEN_INVALID);
	assert_false(t->bmc->users[3].enabled);
	/* fields */
	assert_int_equal(password_op(t, 0, 2, "x", false), CC_INVALID_FIELD);
	assert_int_equal(password_op(t, BMC_MAX_USERS + 1, 2, "x", false), CC_INVALID_FIELD);
	assert_int_equal(password_op(t, 0x43, 2, "x", false), CC_INVALID_FIELD); /* bit 6 reserved */
	assert_int_equal(password_op(t, 3, 0x06, "x", false), CC_INVALID_FIELD); /* bits 7:2 reserved */
	assert_false(t->bmc->users[3].has_password);
	uint8_t p[18] = {3, 2, 'x'};
	assert_int_equal(call_priv(t, CMD_SET_USER_PASSWORD, PRIV_OPERATOR, p, sizeof p), CC_INSUFFICIENT_PRIV);
	assert_false(t->bmc->users[3].has_password);
}

/* ---- Set / Get User Access ---- */

static void user_access_set_and_get(void **state)
{
	struct t *t = *state;
	make_bob(t);
	/* ipmitool "user priv 3 4 1": bit 7 clear, only the limit changes */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, 0x04, 0x00), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x01, 0x03), CC_OK);
	/* 16 ids; enabled (01b) and 2 enabled ids; 1 fixed name; messaging on, ADMIN */
	ASSERT_RSP(t, 0x10, 0x42, 0x01, 0x14);
	assert_int_equal(bmc_users_priv(t->bmc, 3, CHANNEL_LAN), PRIV_ADMIN);
	/* change bits: restricted to callback, link auth, IPMI messaging; OPERATOR */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0xF1, 0x03, 0x03, 0x00), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x01, 0x03), CC_OK);
	ASSERT_RSP(t, 0x10, 0x42, 0x01, 0x73);
	/* 3 bytes (no session limit) and channel 0Eh = this channel (1) */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x8E, 0x03, 0x02), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x0E, 0x03), CC_OK);
	ASSERT_RSP(t, 0x10, 0x42, 0x01, 0x02);
	assert_false(t->bmc->users[3].chan[CHANNEL_LAN].ipmi_msg);
	assert_non_null(strstr(t->log, "audit: user 3 access on channel 1 set to 0x02"));
	/* a disabled, unnamed slot */
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x01, 0x09), CC_OK);
	ASSERT_RSP(t, 0x10, 0x82, 0x01, 0x1F);
	/* the system interface has user access too */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x0F, 0x03, 0x0F, 0x00), CC_OK);
	const uint8_t q[] = {0x0F, 0x03};
	assert_int_equal(call_priv(t, CMD_GET_USER_ACCESS, PRIV_OPERATOR, q, 2), CC_OK);
	ASSERT_RSP(t, 0x10, 0x42, 0x01, 0x1F);
}

static void user_access_bad_requests(void **state)
{
	struct t *t = *state;
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, 0x00), CC_INVALID_FIELD);  /* priv 0 */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, 0x06), CC_INVALID_FIELD);  /* priv 6 */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, 0x0E), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, 0x14), CC_INVALID_FIELD);  /* reserved */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, 0x04, 0x10), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x00, 0x04), CC_INVALID_FIELD);  /* uid 0 */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x11, 0x04), CC_INVALID_FIELD);  /* uid 17 */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x43, 0x04), CC_INVALID_FIELD);  /* reserved */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x02, 0x03, 0x04), CC_INVALID_FIELD);  /* no ch 2 */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03), CC_REQ_LEN_INVALID);
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, 0x04, 0x00, 0x00), CC_REQ_LEN_INVALID);
	const uint8_t s[] = {0x01, 0x03, 0x04};
	assert_int_equal(call_priv(t, CMD_SET_USER_ACCESS, PRIV_OPERATOR, s, 3), CC_INSUFFICIENT_PRIV);
	assert_int_equal(t->bmc->users[3].chan[CHANNEL_LAN].priv, PRIV_NO_ACCESS);

	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x01, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x01, 0x11), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x11, 0x02), CC_INVALID_FIELD); /* reserved */
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x05, 0x02), CC_INVALID_FIELD); /* no ch 5 */
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x01), CC_REQ_LEN_INVALID);
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x01, 0x02, 0x00), CC_REQ_LEN_INVALID);
	const uint8_t g[] = {0x01, 0x02};
	assert_int_equal(call_priv(t, CMD_GET_USER_ACCESS, PRIV_USER, g, 2), CC_INSUFFICIENT_PRIV);
}

/* ---- Set / Get User Payload Access ---- */

static void payload_access(void **state)
{
	struct t *t = *state;
	assert_int_equal(CALL(t, CMD_GET_PAYLOAD, 0x01, 0x03), CC_OK);
	ASSERT_RSP(t, 0x00, 0x00, 0x00, 0x00);
	/* FreeIPMI SOL_Payload_Access=Yes: enable standard payload 1 */
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x03, 0x02, 0x00, 0x00, 0x00), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_PAYLOAD, 0x01, 0x03), CC_OK);
	ASSERT_RSP(t, 0x02, 0x00, 0x00, 0x00);
	assert_true(bmc_users_payload_enabled(t->bmc, 3, CHANNEL_LAN, PAYLOAD_SOL));
	assert_false(bmc_users_payload_enabled(t->bmc, 3, CHANNEL_SYSTEM, PAYLOAD_SOL));
	/* enabling more ORs in; OEM payloads 20h and 27h */
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x0E, 0x03, 0x80, 0x00, 0x81, 0x00), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_PAYLOAD, 0x01, 0x03), CC_OK);
	ASSERT_RSP(t, 0x82, 0x00, 0x81, 0x00);
	assert_true(bmc_users_payload_enabled(t->bmc, 3, CHANNEL_LAN, 0x27));
	assert_false(bmc_users_payload_enabled(t->bmc, 3, CHANNEL_LAN, 0x21));
	assert_false(bmc_users_payload_enabled(t->bmc, 3, CHANNEL_LAN, 0x00));
	/* disable (operation 01b) clears only the named bits */
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x43, 0x02, 0x00, 0x01, 0x00), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_PAYLOAD, 0x01, 0x03), CC_OK);
	ASSERT_RSP(t, 0x80, 0x00, 0x80, 0x00);
	assert_non_null(strstr(t->log, "audit: user 3 payload access on channel 1"));
	/* errors */
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x83, 0x02, 0x00, 0x00, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x03, 0x01, 0x00, 0x00, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x03, 0x02, 0x01, 0x00, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x03, 0x02, 0x00, 0x00, 0x01), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x11, 0x03, 0x02, 0x00, 0x00, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x03, 0x03, 0x02, 0x00, 0x00, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x03, 0x02, 0x00, 0x00), CC_REQ_LEN_INVALID);
	assert_int_equal(CALL(t, CMD_GET_PAYLOAD, 0x01, 0x43), CC_INVALID_FIELD);
	assert_int_equal(CALL(t, CMD_GET_PAYLOAD, 0x01), CC_REQ_LEN_INVALID);
	const uint8_t s[] = {0x01, 0x03, 0x02, 0x00, 0x00, 0x00};
	assert_int_equal(call_priv(t, CMD_SET_PAYLOAD, PRIV_OPERATOR, s, sizeof s), CC_INSUFFICIENT_PRIV);
	assert_int_equal(call_priv(t, CMD_GET_PAYLOAD, PRIV_USER, s, 2), CC_INSUFFICIENT_PRIV);
	assert_int_equal(call_priv(t, CMD_GET_PAYLOAD, PRIV_OPERATOR, s, 2), CC_OK);
	ASSERT_RSP(t, 0x80, 0x00, 0x80, 0x00);
}

/* ---- lookup, privilege, key ---- */

static void lookup_rules(void **state)
{
	struct t *t = *state;
	assert_int_equal(bmc_users_lookup(t->bmc, "admin", 5), 2);
	assert_int_equal(bmc_users_lookup(t->bmc, "admin", 4), 0);
	assert_int_equal(bmc_users_lookup(t->bmc, "admin\0", 6), 0);
	assert_int_equal(bmc_users_lookup(t->bmc, "Admin", 5), 0);
	assert_int_equal(bmc_users_lookup(t->bmc, "adminx", 6), 0);
	/* named and enabled but without a password: not found (all-zero key) */
	assert_int_equal(set_name(t, 3, "carol"), CC_OK);
	assert_int_equal(password_op(t, 3, 1, NULL, false), CC_OK);
	assert_int_equal(bmc_users_lookup(t->bmc, "carol", 5), 0);
	assert_int_equal(password_op(t, 3, 2, "pw", false), CC_OK);
	assert_int_equal(bmc_users_lookup(t->bmc, "carol", 5), 3);
	/* a 16-byte name */
	assert_int_equal(set_name(t, 4, "abcdefghijklmnop"), CC_OK);
	assert_int_equal(password_op(t, 4, 2, "pw", false), CC_OK);
	assert_int_equal(password_op(t, 4, 1, NULL, false), CC_OK);
	assert_int_equal(bmc_users_lookup(t->bmc, "abcdefghijklmnop", 16), 4);
	assert_int_equal(bmc_users_lookup(t->bmc, "abcdefghijklmnopq", 17), 0);
	/* an enabled slot with a password but an empty name is not the null user */
	assert_int_equal(password_op(t, 5, 2, "pw", false), CC_OK);
	assert_int_equal(password_op(t, 5, 1, NULL, false), CC_OK);
	assert_int_equal(bmc_users_lookup(t->bmc, "", 0), 0);
	/* the null user: needs anonymous_enabled, enabled, and a password */
	assert_int_equal(password_op(t, 1, 1, NULL, false), CC_OK);
	assert_int_equal(password_op(t, 1, 2, "anon", false), CC_OK);
	assert_int_equal(bmc_users_lookup(t->bmc, "", 0), 0); /* anonymous off by default */
	t->bmc->cfg.anonymous_enabled = true;
	assert_int_equal(bmc_users_lookup(t->bmc, "", 0), 1);
	assert_int_equal(password_op(t, 1, 0, NULL, false), CC_OK);
	assert_int_equal(bmc_users_lookup(t->bmc, "", 0), 0);
}

static void lookup_null_user_needs_password(void **state)
{
	struct t *t = *state;
	t->bmc->cfg.anonymous_enabled = true;
	assert_int_equal(password_op(t, 1, 1, NULL, false), CC_OK);
	assert_int_equal(bmc_users_lookup(t->bmc, "", 0), 0);
	assert_int_equal(password_op(t, 1, 2, "", false), CC_OK); /* an explicit empty password */
	assert_int_equal(bmc_users_lookup(t->bmc, "", 0), 1);
}

static void priv_rules(void **state)
{
	struct t *t = *state;
	make_bob(t);
	assert_int_equal(bmc_users_priv(t->bmc, 2, CHANNEL_LAN), PRIV_ADMIN);
	assert_int_equal(bmc_users_priv(t->bmc, 3, CHANNEL_LAN), PRIV_OPERATOR);
	/* the channel limit caps it */
	t->bmc->chans[CHANNEL_LAN].vol.priv_limit = PRIV_USER;
	assert_int_equal(bmc_users_priv(t->bmc, 2, CHANNEL_LAN), PRIV_USER);
	t->bmc->chans[CHANNEL_LAN].vol.priv_limit = PRIV_ADMIN;
	/* IPMI messaging off on the channel: no access */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0xA1, 0x03, PRIV_OPERATOR), CC_OK);
	assert_int_equal(bmc_users_priv(t->bmc, 3, CHANNEL_LAN), PRIV_NO_ACCESS);
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x91, 0x03, PRIV_OPERATOR), CC_OK);
	assert_int_equal(bmc_users_priv(t->bmc, 3, CHANNEL_LAN), PRIV_OPERATOR);
	/* NO ACCESS limit */
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, PRIV_NO_ACCESS), CC_OK);
	assert_int_equal(bmc_users_priv(t->bmc, 3, CHANNEL_LAN), PRIV_NO_ACCESS);
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x01, 0x03, PRIV_OPERATOR), CC_OK);
	/* disabled user */
	assert_int_equal(password_op(t, 3, 0, NULL, false), CC_OK);
	assert_int_equal(bmc_users_priv(t->bmc, 3, CHANNEL_LAN), PRIV_NO_ACCESS);
	assert_int_equal(password_op(t, 3, 1, NULL, false), CC_OK);
	/* disabled channel */
	t->bmc->chans[CHANNEL_LAN].vol.mode = 0;
	assert_int_equal(bmc_users_priv(t->bmc, 2, CHANNEL_LAN), PRIV_NO_ACCESS);
	t->bmc->chans[CHANNEL_LAN].vol.mode = 2;
	/* nonsense ids and channels */
	assert_int_equal(bmc_users_priv(t->bmc, 0, CHANNEL_LAN), PRIV_NO_ACCESS);
	assert_int_equal(bmc_users_priv(t->bmc, BMC_MAX_USERS + 1, CHANNEL_LAN), PRIV_NO_ACCESS);
	assert_int_equal(bmc_users_priv(t->bmc, 2, 2), PRIV_NO_ACCESS);
	assert_int_equal(bmc_users_priv(t->bmc, 2, 200), PRIV_NO_ACCESS);
	assert_int_equal(bmc_users_priv(t->bmc, 3, CHANNEL_LAN), PRIV_OPERATOR);
}

static void enabled_count(void **state)
{
	struct t *t = *state;
	assert_int_equal(bmc_users_enabled_count(t->bmc), 1);
	make_bob(t);
	assert_int_equal(bmc_users_enabled_count(t->bmc), 2);
	uint8_t key[20] = {1};
	bmc_users_key(t->bmc, 0, key);
	uint8_t zero[20] = {0};
	assert_memory_equal(key, zero, 20);
}

/* ---- persistence ---- */

static void changes_survive_restart(void **state)
{
	struct t *t = *state;
	make_bob(t);
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0xB1, 0x03, PRIV_USER, 0x00), CC_OK);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x03, 0x02, 0x00, 0x04, 0x00), CC_OK);
	assert_int_equal(set_name(t, 4, "dave"), CC_OK);
	assert_int_equal(password_op(t, 4, 2, "0123456789abcdefghij", true), CC_OK);
	assert_non_null(find_rec(t, STORE_USER, 3));
	restart(t);
	assert_string_equal(t->bmc->users[3].name, "bob");
	assert_true(t->bmc->users[3].enabled);
	assert_int_equal(password_op(t, 3, 3, "secret", false), CC_OK);
	assert_int_equal(CALL(t, CMD_GET_USER_ACCESS, 0x01, 0x03), CC_OK);
	ASSERT_RSP(t, 0x10, 0x42, 0x01, 0x32);
	assert_int_equal(CALL(t, CMD_GET_PAYLOAD, 0x01, 0x03), CC_OK);
	ASSERT_RSP(t, 0x02, 0x00, 0x04, 0x00);
	assert_int_equal(bmc_users_lookup(t->bmc, "bob", 3), 3);
	assert_int_equal(bmc_users_lookup(t->bmc, "admin", 5), 2);
	assert_false(t->bmc->users[4].enabled);
	assert_int_equal(password_op(t, 4, 3, "0123456789abcdefghij", true), CC_OK);
	assert_int_equal(password_op(t, 4, 3, "0123456789abcdef", false), 0x81);
	/* a disable survives too */
	assert_int_equal(password_op(t, 3, 0, NULL, false), CC_OK);
	restart(t);
	assert_false(t->bmc->users[3].enabled);
	assert_false(bmc_needs_admin(t->bmc));
}

static void store_failure_changes_nothing(void **state)
{
	struct t *t = *state;
	make_bob(t);
	struct bmc_user before = t->bmc->users[3];
	t->fp.store_fail = 1;
	assert_int_equal(set_name(t, 3, "robert"), CC_UNSPECIFIED);
	assert_int_equal(password_op(t, 3, 2, "other", false), CC_UNSPECIFIED);
	assert_int_equal(password_op(t, 3, 0, NULL, false), CC_UNSPECIFIED);
	assert_int_equal(CALL(t, CMD_SET_USER_ACCESS, 0x81, 0x03, PRIV_ADMIN), CC_UNSPECIFIED);
	assert_int_equal(CALL(t, CMD_SET_PAYLOAD, 0x01, 0x03, 0x02, 0x00, 0x00, 0x00), CC_UNSPECIFIED);
	assert_true(memcmp(&before, &t->bmc->users[3], sizeof before) == 0);
	/* a test is not a change and does not need the store */
	assert_int_equal(password_op(t, 3, 3, "secret", false), CC_OK);
	assert_null(strstr(t->log, "robert"));
	t->fp.store_fail = 0;
	restart(t);
	assert_string_equal(t->bmc->users[3].name, "bob");
	assert_true(t->bmc->users[3].enabled);
	assert_int_equal(password_op(t, 3, 3, "secret", false), CC_OK);
}

/* The stored record of the provisioned admin, to corrupt. */
static void admin_record(struct t *t, uint8_t *rec, size_t *len)
{
	const struct fake_rec *r = find_rec(t, STORE_USER, 2);
	assert_non_null(r);
	assert_true(r->len <= 128);
	memcpy(rec, r->value, r->len);
	*len = r->len;
}

static void malformed_records_rejected(void **state)
{
	struct t *t = *state;
	uint8_t good[128], rec[129];
	size_t len;
	admin_record(t, good, &len);
	assert_int_equal(len, 86);
	struct bmc_user before = t->bmc->users[5];

	/* the good record applies, to any slot but 1 (it has a name) */
	assert_int_equal(bmc_users_apply(t->bmc, 5, good, len), 0);
	assert_string_equal(t->bmc->users[5].name, "admin");
	assert_int_equal(bmc_users_apply(t->bmc, 1, good, len), -1);
	bmc_users_apply(t->bmc, 5, NULL, 0); /* a deletion empties the slot */
	assert_true(memcmp(&before, &t->bmc->users[5], sizeof before) == 0);

	struct {
		size_t off;
		uint8_t val;
	} bad[] = {
		{0, 2},       /* version */
		{0, 0},       /* version */
		{1, 0x08},    /* unknown flag */
		{1, 0x05},    /* 20-byte form without a password */
		{1, 0x01},    /* no password but password bytes */
		{2, 0x01},    /* control character in the name */
		{8, 'x'},     /* a byte after the name's NUL */
		{34, 'x'},    /* 16-byte password with bytes 16..19 non-zero */
		{38 + 1, 0x00},  /* privilege 0 */
		{38 + 1, 0x06},  /* privilege 6 */
		{38 + 1, 0x94},  /* reserved bit 7 */
		{54 + 1, 0x03},  /* payload bit 0 reserved */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memcpy(rec, good, len);
		rec[bad[i].off] = bad[i].val;
		assert_int_equal(bmc_users_apply(t->bmc, 5, rec, len), -1);
		assert_true(memcmp(&before, &t->bmc->users[5], sizeof before) == 0);
	}
	/* lengths and keys */
	assert_int_equal(bmc_users_apply(t->bmc, 5, good, len - 1), -1);
	memcpy(rec, good, len);
	rec[len] = 0;
	assert_int_equal(bmc_users_apply(t->bmc, 5, rec, len + 1), -1);
	assert_int_equal(bmc_users_apply(t->bmc, 5, good, 1), -1);
	assert_int_equal(bmc_users_apply(t->bmc, 0, good, len), -1);
	assert_int_equal(bmc_users_apply(t->bmc, BMC_MAX_USERS + 1, good, len), -1);
	assert_int_equal(bmc_users_apply(t->bmc, 0xFFFF, good, len), -1);
	assert_true(memcmp(&before, &t->bmc->users[5], sizeof before) == 0);

	/* through the store replay: a corrupt record is ignored, the rest still loads */
	memcpy(rec, good, len);
	rec[0] = 9;
	assert_int_equal(t->bmc->plat.store_put(t->bmc->plat.ctx, STORE_USER, 6, rec, len), 0);
	restart(t);
	assert_int_equal(bmc_users_lookup(t->bmc, "admin", 5), 2);
	assert_string_equal(t->bmc->users[6].name, "");
	assert_false(t->bmc->users[6].enabled);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(user_name_set_and_get, setup, teardown),
		cmocka_unit_test_setup_teardown(user_name_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(user_name_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(password_set_and_test_16, setup, teardown),
		cmocka_unit_test_setup_teardown(password_set_and_test_20, setup, teardown),
		cmocka_unit_test_setup_teardown(password_test_without_password, setup, teardown),
		cmocka_unit_test_setup_teardown(enable_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(password_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(user_access_set_and_get, setup, teardown),
		cmocka_unit_test_setup_teardown(user_access_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(payload_access, setup, teardown),
		cmocka_unit_test_setup_teardown(lookup_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(lookup_null_user_needs_password, setup, teardown),
		cmocka_unit_test_setup_teardown(priv_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(enabled_count, setup, teardown),
		cmocka_unit_test_setup_teardown(changes_survive_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(store_failure_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_records_rejected, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

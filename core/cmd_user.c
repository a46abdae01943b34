/* User commands, netfn App: Set/Get User Access, Set/Get User Name, Set User Password
 * (IPMI 2.0 §22.26-22.30) and Set/Get User Payload Access (§24.6-24.7).
 *
 * Every change is made on a copy of the user, stored, and only then made visible
 * (bmc_users_commit), so a store failure answers FFh and changes nothing. Every change
 * is audited; a password never reaches a log. */
#include <string.h>

#include "channels.h"
#include "dispatch.h"
#include "users.h"

/* Not in wire.h yet: RMCP+ payload commands, IPMI 2.0 appendix G. */
enum {
	UCMD_SET_USER_PAYLOAD_ACCESS = 0x4C,
	UCMD_GET_USER_PAYLOAD_ACCESS = 0x4D,
};

/* Set User Password operations and completion codes, §22.30. */
enum {
	PW_OP_DISABLE = 0,
	PW_OP_ENABLE = 1,
	PW_OP_SET = 2,
	PW_OP_TEST = 3,
	CC_PW_TEST_FAILED = 0x80,
	CC_PW_WRONG_SIZE = 0x81,
};

/* Resolves the channel number in bits 3:0 of b (0Eh = this channel); false for a
 * channel bmcd does not have. Bits 7:4 are the caller's to check. */
static bool channel_field(const struct bmc *bmc, const struct bmc_req *req, uint8_t b, uint8_t *ch)
{
	*ch = bmc_req_channel(req, b & 0x0F);
	return bmc_channel_exists(bmc, *ch);
}

/* A "user ID" byte: bits 5:0 the id, bits 7:6 reserved (must be 0). */
static bool user_field(uint8_t b, uint8_t *uid)
{
	*uid = b & 0x3F;
	return !(b & 0xC0) && bmc_users_id_ok(*uid);
}

/* IPMI 2.0 §22.26 Set User Access */
static uint8_t set_user_access(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	uint8_t ch, uid;
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r), b2 = rd_u8(&r), b3 = rd_u8(&r);
	/* Byte 4, the session limit, is optional. bmcd has no per-user session limit
	 * (the channel's limit applies), so it is checked and otherwise ignored. */
	uint8_t b4 = rd_left(&r) ? rd_u8(&r) : 0;
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (!channel_field(bmc, req, b1, &ch) || !user_field(b2, &uid) || (b3 & 0xF0) || (b4 & 0xF0) ||
	    !bmc_users_priv_ok(b3 & 0x0F))
		return CC_INVALID_FIELD;

	struct bmc_user nu = bmc->users[uid];
	struct bmc_user_chan *c = &nu.chan[ch];
	/* Bit 7 says whether bits 6:4 are meant; the privilege limit is always set. */
	if (b1 & 0x80) {
		c->callin = !(b1 & 0x40);
		c->link_auth = b1 & 0x20;
		c->ipmi_msg = b1 & 0x10;
	}
	c->priv = b3 & 0x0F;
	uint8_t access = bmc_users_access_byte(c);
	int rc = bmc_users_commit(bmc, uid, &nu);
	bmc_wipe(&nu, sizeof nu);
	if (rc != 0)
		return CC_UNSPECIFIED;
	bmc_logf(bmc, BMC_LOG_INFO, "audit: user %u access on channel %u set to 0x%02x", (unsigned)uid,
		 (unsigned)ch, (unsigned)access);
	return CC_OK;
}

/* The request both Get User Access and Get User Payload Access take: a channel byte
 * (upper nibble reserved) and a user id byte. */
static uint8_t read_channel_user(struct bmc *bmc, const struct bmc_req *req, uint8_t *ch, uint8_t *uid)
{
	struct bmc_reader r;
	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r), b2 = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if ((b1 & 0xF0) || !channel_field(bmc, req, b1, ch) || !user_field(b2, uid))
		return CC_INVALID_FIELD;
	return CC_OK;
}

/* IPMI 2.0 §22.27 Get User Access */
static uint8_t get_user_access(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	uint8_t ch, uid;
	uint8_t cc = read_channel_user(bmc, req, &ch, &uid);
	if (cc != CC_OK)
		return cc;

	const struct bmc_user *u = &bmc->users[uid];
	/* Byte 3 bits 7:6: 01b enabled / 10b disabled via Set User Password (errata 3+);
	 * FreeIPMI's Enable_User checkout reads it. */
	uint8_t status = u->enabled ? 0x40 : 0x80;
	wr_u8(rsp, BMC_MAX_USERS);
	wr_u8(rsp, (uint8_t)(status | (bmc_users_enabled_count(bmc) & 0x3F)));
	wr_u8(rsp, BMC_USERS_FIXED_NAMES);
	wr_u8(rsp, bmc_users_access_byte(&u->chan[ch]));
	return CC_OK;
}

/* IPMI 2.0 §22.28 Set User Name */
static uint8_t set_user_name(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	uint8_t uid, raw[16];
	char name[17];
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r);
	rd_bytes(&r, raw, sizeof raw);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	int len = bmc_users_name_parse(raw, name);
	/* User 1's name is fixed (null), §6.9.1. */
	if (!user_field(b1, &uid) || uid == 1 || len < 0)
		return CC_INVALID_FIELD;
	/* Names identify users at login (RAKP 1): two users with one name would make
	 * the second unreachable, so refuse. Re-setting a user's own name is fine. */
	for (uint8_t other = 2; len > 0 && other <= BMC_MAX_USERS; other++)
		if (other != uid && strcmp(bmc->users[other].name, name) == 0)
			return CC_INVALID_FIELD;

	struct bmc_user nu = bmc->users[uid];
	memcpy(nu.name, name, sizeof nu.name);
	int rc = bmc_users_commit(bmc, uid, &nu);
	bmc_wipe(&nu, sizeof nu);
	if (rc != 0)
		return CC_UNSPECIFIED;
	/* The name is printable ASCII (checked above), so it is safe to log. */
	bmc_logf(bmc, BMC_LOG_INFO, "audit: user %u name set to \"%s\"", (unsigned)uid, name);
	return CC_OK;
}

/* IPMI 2.0 §22.29 Get User Name */
static uint8_t get_user_name(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	uint8_t uid, out[16] = {0};

	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	if (!user_field(b1, &uid))
		return CC_INVALID_FIELD;
	const char *name = bmc->users[uid].name;
	memcpy(out, name, strlen(name));
	wr_bytes(rsp, out, sizeof out);
	return CC_OK;
}

/* Test Password, §22.30: 80h when wrong, 81h when tested with the other size than
 * the one it was set with. */
static uint8_t test_password(struct bmc *bmc, uint8_t uid, bool is20, const uint8_t pw[20])
{
	const struct bmc_user *u = &bmc->users[uid];
	uint8_t cc;

	if (!u->has_password)
		cc = CC_PW_TEST_FAILED;
	else if (u->pw20 != is20)
		cc = CC_PW_WRONG_SIZE;
	else
		cc = bmc_ct_equal(pw, u->password, 20) ? CC_OK : CC_PW_TEST_FAILED;
	bmc_logf(bmc, BMC_LOG_INFO, "audit: user %u password test %s", (unsigned)uid,
		 cc == CC_OK ? "passed" : "failed");
	return cc;
}

static uint8_t change_password_state(struct bmc *bmc, uint8_t uid, uint8_t op, bool is20, const uint8_t pw[20])
{
	struct bmc_user nu = bmc->users[uid];
	if (op == PW_OP_SET) {
		memcpy(nu.password, pw, sizeof nu.password);
		nu.has_password = true;
		nu.pw20 = is20;
	} else {
		nu.enabled = op == PW_OP_ENABLE;
	}
	int rc = bmc_users_commit(bmc, uid, &nu);
	bmc_wipe(&nu, sizeof nu);
	if (rc != 0)
		return CC_UNSPECIFIED;
	if (op == PW_OP_SET)
		bmc_logf(bmc, BMC_LOG_INFO, "audit: user %u password set (%u-byte form)", (unsigned)uid,
			 is20 ? 20u : 16u);
	else
		bmc_logf(bmc, BMC_LOG_INFO, "audit: user %u %s", (unsigned)uid,
			 op == PW_OP_ENABLE ? "enabled" : "disabled");
	return CC_OK;
}

/* IPMI 2.0 §22.30 Set User Password */
static uint8_t set_user_password(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	uint8_t pw[20] = {0};
	uint8_t cc;
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r), b2 = rd_u8(&r);
	bool is20 = b1 & 0x80;
	uint8_t op = b2 & 0x03;
	size_t pwlen = is20 ? 20 : 16, left = rd_left(&r);
	/* Set and test need the password of the size bit 7 names. Enable and disable
	 * ignore it: FreeIPMI sends none, ipmitool sends a zero one of the named size. */
	bool needs_pw = op == PW_OP_SET || op == PW_OP_TEST;
	if (!rd_ok(&r) || (left != pwlen && (needs_pw || left != 0)))
		return CC_REQ_LEN_INVALID;
	rd_bytes(&r, pw, left);
	uint8_t uid = b1 & 0x3F;
	if ((b1 & 0x40) || (b2 & 0xFC) || !bmc_users_id_ok(uid)) {
		cc = CC_INVALID_FIELD;
		goto out;
	}
	if (op == PW_OP_TEST)
		cc = test_password(bmc, uid, is20, pw);
	else
		cc = change_password_state(bmc, uid, op, is20, pw);
out:
	bmc_wipe(pw, sizeof pw);
	return cc;
}

/* IPMI 2.0 §24.6 Set User Payload Access */
static uint8_t set_user_payload_access(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	struct bmc_reader r;
	uint8_t ch, uid;
	(void)rsp;

	rd_init(&r, req->data, req->len);
	uint8_t b1 = rd_u8(&r), b2 = rd_u8(&r);
	uint8_t std = rd_u8(&r), std2 = rd_u8(&r), oem = rd_u8(&r), oem2 = rd_u8(&r);
	if (!rd_done(&r))
		return CC_REQ_LEN_INVALID;
	/* Byte 2 bits 7:6 are the operation (00b enable, 01b disable), 5:0 the user. */
	uint8_t op = b2 >> 6;
	uid = b2 & 0x3F;
	if ((b1 & 0xF0) || !channel_field(bmc, req, b1, &ch) || !bmc_users_id_ok(uid) || op > 1 ||
	    (std & 0x01) || std2 || oem2)
		return CC_INVALID_FIELD;

	struct bmc_user nu = bmc->users[uid];
	if (op == 0) {
		nu.payload_std[ch] |= std;
		nu.payload_oem[ch] |= oem;
	} else {
		nu.payload_std[ch] &= (uint8_t)~std;
		nu.payload_oem[ch] &= (uint8_t)~oem;
	}
	uint8_t now_std = nu.payload_std[ch], now_oem = nu.payload_oem[ch];
	int rc = bmc_users_commit(bmc, uid, &nu);
	bmc_wipe(&nu, sizeof nu);
	if (rc != 0)
		return CC_UNSPECIFIED;
	bmc_logf(bmc, BMC_LOG_INFO, "audit: user %u payload access on channel %u set to std 0x%02x oem 0x%02x",
		 (unsigned)uid, (unsigned)ch, (unsigned)now_std, (unsigned)now_oem);
	return CC_OK;
}

/* IPMI 2.0 §24.7 Get User Payload Access */
static uint8_t get_user_payload_access(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp)
{
	uint8_t ch, uid;
	uint8_t cc = read_channel_user(bmc, req, &ch, &uid);
	if (cc != CC_OK)
		return cc;
	const struct bmc_user *u = &bmc->users[uid];
	wr_u8(rsp, u->payload_std[ch]);
	wr_u8(rsp, 0x00);
	wr_u8(rsp, u->payload_oem[ch]);
	wr_u8(rsp, 0x00);
	return CC_OK;
}

/* Lengths are the spec's exact request sizes; Set User Access has an optional
 * byte 4, Set User Password an optional 16- or 20-byte password. */
const struct bmc_cmd bmc_cmds_user[] = {
	{NETFN_APP, CMD_SET_USER_ACCESS, 3, 4, PRIV_ADMIN, set_user_access},
	{NETFN_APP, CMD_GET_USER_ACCESS, 2, 2, PRIV_OPERATOR, get_user_access},
	{NETFN_APP, CMD_SET_USER_NAME, 17, 17, PRIV_ADMIN, set_user_name},
	{NETFN_APP, CMD_GET_USER_NAME, 1, 1, PRIV_OPERATOR, get_user_name},
	{NETFN_APP, CMD_SET_USER_PASSWORD, 2, 22, PRIV_ADMIN, set_user_password},
	{NETFN_APP, UCMD_SET_USER_PAYLOAD_ACCESS, 6, 6, PRIV_ADMIN, set_user_payload_access},
	{NETFN_APP, UCMD_GET_USER_PAYLOAD_ACCESS, 2, 2, PRIV_OPERATOR, get_user_payload_access},
	{0},
};

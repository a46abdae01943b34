/* Serial/Modem configuration parameters of channel 2, IPMI 2.0 §25.1-25.2 (table 25-4),
 * and the Set Serial/Modem Mux status byte (§25.3).
 *
 * As for the LAN parameters (lanparm.c) one table gives each parameter's exact length,
 * its bytes in struct bmc_serialparm and a validator; Get, Set, "set in progress" and
 * replay are the shared engine's (paramtab.c).
 * bmcd has no modem, no PPP and no alerting over serial, so only the parameters of a
 * direct-connect port exist; the others answer 80h (not supported). */
#include <stddef.h>
#include <string.h>

#include "bmc/store.h"
#include "channels.h"
#include "lanparm.h" /* CC_LANP_*: the same command-specific codes */
#include "paramtab.h"
#include "serial.h"
#include "state.h"

#define RO BMC_PARAM_RO
#define NO_FIELD BMC_PARAM_NO_FIELD

_Static_assert(sizeof(struct bmc_serialparm) < NO_FIELD, "field offsets must fit in a byte");

/* Auth type bits of params 1 and 2 (§25.2, as LAN §23.2): [0] none, [4] straight
 * password. */
#define AUTH_NONE 0x01
#define AUTH_PASSWORD 0x10

/* What a serial login can use: [SYS PWD] sends the password in the clear (straight
 * password); "none" is the session-less access the configuration may allow. bmcd
 * has no Activate Session on serial, so MD5 is not offered. */
static uint8_t auth_support(const struct bmc *bmc)
{
	return (uint8_t)(AUTH_PASSWORD | (bmc->cfg.serial_priv != PRIV_NONE ? AUTH_NONE : 0));
}

static void get_auth_support(const struct bmc *bmc, struct bmc_writer *w)
{
	wr_u8(w, auth_support(bmc));
}

static uint8_t check_auth_enables(const struct bmc *bmc, struct bmc_reader *r)
{
	return bmc_paramtab_check_auth_enables(r, auth_support(bmc));
}

/* Param 3: PPP and modem connect mode do not exist here, and a port with neither
 * Basic nor Terminal Mode would lock every serial client out. */
static uint8_t check_conn_mode(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t v = rd_u8(r);
	if (v & (uint8_t)~(SERP_CONN_BASIC | SERP_CONN_TERMINAL | SERP_CONN_DIRECT))
		return CC_INVALID_FIELD;
	if (!(v & SERP_CONN_DIRECT) || !(v & (SERP_CONN_BASIC | SERP_CONN_TERMINAL)))
		return CC_INVALID_FIELD;
	return CC_OK;
}

/* Param 4: [7:4] reserved. */
static uint8_t check_inactivity(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	return rd_u8(r) & 0xF0 ? CC_INVALID_FIELD : CC_OK;
}

/* Param 5 byte 1 [0] enables callback: bmcd cannot call back, so it stays clear. */
static uint8_t check_callback(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t enables = rd_u8(r);
	rd_skip(r, 4);
	return enables & 0x01 ? CC_INVALID_FIELD : CC_OK;
}

/* Param 6: [7:2] reserved. */
static uint8_t check_termination(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	return rd_u8(r) & 0xFC ? CC_INVALID_FIELD : CC_OK;
}

/* Param 7: byte 1 [7:6] flow control (11b reserved), [5] DTR hang-up, [4:0] reserved;
 * byte 2 [7:4] reserved, [3:0] bit rate 6h (9600) .. Ah (115200). */
static uint8_t check_comm(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t b1 = rd_u8(r), b2 = rd_u8(r);
	if ((b1 & 0x1F) || (b1 & 0xC0) == 0xC0 || (b2 & 0xF0))
		return CC_INVALID_FIELD;
	return b2 >= 6 && b2 <= 0x0A ? CC_OK : CC_INVALID_FIELD;
}

/* Param 29: byte 1 [7:6] and [4] reserved, delete control 00b or 01b; byte 2 output
 * newline 0h..5h, input newline 1h (<CR>) or 2h (<NUL>). */
static uint8_t check_term_config(const struct bmc *bmc, struct bmc_reader *r)
{
	(void)bmc;
	uint8_t b1 = rd_u8(r), b2 = rd_u8(r);
	if ((b1 & 0xD0) || (b1 & SERP_TM_DEL_MASK) > 0x04)
		return CC_INVALID_FIELD;
	uint8_t out = b2 >> 4, in = b2 & 0x0F;
	return out <= 5 && (in == 1 || in == 2) ? CC_OK : CC_INVALID_FIELD;
}

#define FIELD(m) ((uint8_t)offsetof(struct bmc_serialparm, m))

static const struct bmc_paramdef params[] = {
	{.id = SERP_SET_IN_PROGRESS, .len = 1, .off = FIELD(set_in_progress)},
	{.id = SERP_AUTH_SUPPORT, .len = 1, .off = NO_FIELD, .flags = RO, .get = get_auth_support},
	{.id = SERP_AUTH_ENABLES, .len = 5, .off = FIELD(auth_enables), .check = check_auth_enables},
	{.id = SERP_CONN_MODE, .len = 1, .off = FIELD(conn_mode), .check = check_conn_mode},
	{.id = SERP_INACTIVITY, .len = 1, .off = FIELD(inactivity), .check = check_inactivity},
	{.id = SERP_CALLBACK, .len = 5, .off = FIELD(callback), .check = check_callback},
	{.id = SERP_TERMINATION, .len = 1, .off = FIELD(termination), .check = check_termination},
	{.id = SERP_COMM, .len = 2, .off = FIELD(comm), .check = check_comm},
	{.id = SERP_MUX_CONTROL, .len = 2, .off = FIELD(mux_control)},
	{.id = SERP_TERM_CONFIG, .len = 2, .off = FIELD(term_config), .check = check_term_config},
};

/* The store key is the parameter alone: serial parameters belong to one channel. */
static const struct bmc_paramtab serial_tab = {
	.defs = params,
	.count = sizeof params / sizeof params[0],
	.state_off = offsetof(struct bmc, serial.parm),
	.name = "serial",
	.revision = BMC_SERIALPARM_REVISION,
	.cc_not_supported = CC_LANP_NOT_SUPPORTED,
	.cc_set_in_progress = CC_LANP_SET_IN_PROGRESS,
	.cc_read_only = CC_LANP_READ_ONLY,
	.store_type = STORE_SERIALPARM,
	.key_has_channel = false,
};

uint8_t bmc_serial_rate_code(uint32_t bps)
{
	static const uint32_t rates[] = {9600, 19200, 38400, 57600, 115200};
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
		if (rates[i] == bps)
			return (uint8_t)(6 + i);
	return 0;
}

uint32_t bmc_serial_baud(const struct bmc *bmc)
{
	static const uint32_t rates[] = {9600, 19200, 38400, 57600, 115200};
	uint8_t code = bmc->serial.parm.comm[1] & 0x0F;
	if (!bmc->cfg.serial_enabled || code < 6 || code > 0x0A)
		return 0;
	return rates[code - 6];
}

void bmc_serial_defaults(struct bmc *bmc)
{
	struct bmc_serial *s = &bmc->serial;
	struct bmc_serialparm *p = &s->parm;

	memset(s, 0, sizeof *s);
	for (int i = 0; i < 4; i++)
		p->auth_enables[i] = auth_support(bmc);
	p->conn_mode = SERP_CONN_DIRECT;
	if (bmc->cfg.serial_mode != BMC_SERIAL_TERMINAL)
		p->conn_mode |= SERP_CONN_BASIC;
	if (bmc->cfg.serial_mode != BMC_SERIAL_BASIC)
		p->conn_mode |= SERP_CONN_TERMINAL;
	p->inactivity = 2; /* one minute, as the LAN channel's default */
	p->termination = SERP_TERM_INACTIVITY;
	uint8_t code = bmc_serial_rate_code(bmc->cfg.serial_baud);
	p->comm[1] = code ? code : 0x0A;
	/* Factory defaults of §25.2 param 29: line editing, <BKSP><SP><BKSP>, echo,
	 * handshake; output newline <CR-LF>, input newline <CR>. */
	p->term_config[0] = SERP_TM_EDIT | 0x04 | SERP_TM_ECHO | SERP_TM_HANDSHAKE;
	p->term_config[1] = 0x11;
}

uint8_t bmc_serialparm_get(struct bmc *bmc, uint8_t param, uint8_t set_sel, uint8_t block_sel, bool rev_only,
			   struct bmc_writer *w)
{
	return bmc_paramtab_get(bmc, &serial_tab, param, set_sel, block_sel, rev_only, w);
}

uint8_t bmc_serialparm_set(struct bmc *bmc, uint8_t param, const uint8_t *data, size_t len)
{
	return bmc_paramtab_set(bmc, &serial_tab, CHANNEL_SERIAL, param, data, len);
}

int bmc_serialparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	return bmc_paramtab_apply(bmc, &serial_tab, key, value, len);
}

uint8_t bmc_serial_mux_byte(const struct bmc *bmc, bool accepted)
{
	const struct bmc_serial *s = &bmc->serial;
	/* §25.3 response byte 2: [7] requests to switch to the system blocked, [6] to the
	 * BMC blocked, [3] alert in progress (never), [2] IPMI / Terminal Mode messaging
	 * active, [1] request accepted, [0] mux set to the BMC. */
	return (uint8_t)((s->block_to_system ? 0x80 : 0) | (s->block_to_bmc ? 0x40 : 0) |
			 (s->sess.active ? 0x04 : 0) | (accepted ? 0x02 : 0) | (s->mux_system ? 0 : 0x01));
}

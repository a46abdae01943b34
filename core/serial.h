/* The serial interface, channel 2: IPMI Basic Mode (IPMI 2.0 §14.4) and Terminal Mode
 * (§14.7) framing on one byte stream, the single serial session, the Serial/Modem
 * configuration parameters (§25.1-25.2) and the mux (§25.3).
 *
 * Bytes arrive in arbitrary chunks (bmc_serial_input); one state machine, with one
 * bounded buffer, assembles whichever message is in progress: a Basic Mode packet
 * begins with A0h, a Terminal Mode message with '['. With [serial] mode = auto both are
 * accepted, told apart per message by that first character. Messages go through the
 * same dispatch as LAN (bmc_msg_process) on CHANNEL_SERIAL; replies leave through the
 * platform's send op on channel 2 with a peer of family 0. */
#ifndef BMC_CORE_SERIAL_H
#define BMC_CORE_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/buf.h"

struct bmc;

/* One Basic Mode message, unescaped: 7 header/checksum bytes and up to 57 data bytes,
 * more than the 40-byte transactions §14.4 requires. */
#define BMC_SERIAL_BASIC_MAX 64
/* Terminal Mode messages are at most 122 characters including both brackets, not
 * counting line continuations (§14.7.2). */
#define BMC_SERIAL_TERM_MAX 120
/* Bytes collected for one platform send; larger output goes out in several. */
#define BMC_SERIAL_OUT 512

/* Serial/Modem configuration parameters bmcd implements (§25.2 table 25-4). */
enum {
	SERP_SET_IN_PROGRESS = 0,
	SERP_AUTH_SUPPORT = 1,
	SERP_AUTH_ENABLES = 2,
	SERP_CONN_MODE = 3,
	SERP_INACTIVITY = 4,
	SERP_CALLBACK = 5,
	SERP_TERMINATION = 6,
	SERP_COMM = 7,
	SERP_MUX_CONTROL = 8,
	SERP_TERM_CONFIG = 29,
};

/* Param 3 bits: [7] direct connect, [2] terminal, [1] PPP, [0] basic mode enable. */
#define SERP_CONN_BASIC 0x01
#define SERP_CONN_PPP 0x02
#define SERP_CONN_TERMINAL 0x04
#define SERP_CONN_DIRECT 0x80
/* Param 6: [0] session inactivity timeout enabled, [1] close the session on DCD loss. */
#define SERP_TERM_INACTIVITY 0x01
#define SERP_TERM_DCD 0x02
/* Param 29 byte 1: [5] line editing, [3:2] delete control, [1] echo, [0] handshake. */
#define SERP_TM_EDIT 0x20
#define SERP_TM_DEL_MASK 0x0C
#define SERP_TM_ECHO 0x02
#define SERP_TM_HANDSHAKE 0x01

struct bmc_serialparm {
	uint8_t set_in_progress; /* param 0, volatile */
	uint8_t auth_enables[5]; /* param 2 */
	uint8_t conn_mode;       /* param 3 */
	uint8_t inactivity;      /* param 4: [3:0] 30-second units, 0 = none */
	uint8_t callback[5];     /* param 5: kept, bmcd never calls back */
	uint8_t termination;     /* param 6 */
	uint8_t comm[2];         /* param 7: flow control / DTR, bit rate */
	uint8_t mux_control[2];  /* param 8: kept; the port has no shared mux to drive */
	uint8_t term_config[2];  /* param 29 */
};

/* The one session a single-session channel holds (§6.12.1 / table 6-4). */
struct bmc_serial_session {
	bool active;
	uint8_t user_id;
	uint8_t priv;
	uint64_t last_ms;
	char uname[17];
};

struct bmc_serial {
	uint8_t state;       /* framer state, see serial.c */
	uint8_t len;         /* bytes (basic) or characters (terminal) in buf */
	uint8_t buf[BMC_SERIAL_TERM_MAX > BMC_SERIAL_BASIC_MAX ? BMC_SERIAL_TERM_MAX : BMC_SERIAL_BASIC_MAX];
	uint8_t out[BMC_SERIAL_OUT];
	size_t out_len;
	bool mux_system;     /* the mux hands the port to the system: input is ignored */
	bool block_to_system, block_to_bmc;
	struct bmc_serial_session sess;
	struct bmc_serialparm parm;
};

/* Fills bmc->serial from bmc->cfg (mode, bit rate) and the spec's defaults. */
void bmc_serial_defaults(struct bmc *bmc);
/* Ends the serial session after its inactivity timeout (params 4 and 6). */
void bmc_serial_tick(struct bmc *bmc);
/* Replays a STORE_SERIALPARM record (key = parameter). Returns 0 or negative. */
int bmc_serialparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len);
/* Writes the revision byte and, unless rev_only, the parameter's data. Returns an IPMI
 * completion code. */
uint8_t bmc_serialparm_get(struct bmc *bmc, uint8_t param, uint8_t set_sel, uint8_t block_sel, bool rev_only,
			   struct bmc_writer *w);
/* Validates, persists and applies a write of len bytes. Returns a completion code. */
uint8_t bmc_serialparm_set(struct bmc *bmc, uint8_t param, const uint8_t *data, size_t len);
/* Param 7's bit rate code (6h..Ah) for bps, or 0 when the rate has none. */
uint8_t bmc_serial_rate_code(uint32_t bps);
/* The mux setting byte of Set Serial/Modem Mux (§25.3), with `accepted` in bit 1. */
uint8_t bmc_serial_mux_byte(const struct bmc *bmc, bool accepted);
/* Ends the serial session, if any, naming why in the audit log. */
void bmc_serial_session_end(struct bmc *bmc, const char *why);

/* Present / oldest parameter revision (§25.2): 1.1. */
#define BMC_SERIALPARM_REVISION 0x11

/* Transport commands, appendix G. */
enum {
	CMD_SET_SERIAL_CONFIG = 0x10,
	CMD_GET_SERIAL_CONFIG = 0x11,
	CMD_SET_SERIAL_MUX = 0x12,
};

#endif

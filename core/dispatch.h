/* Command dispatch: a table per command group, checked for length and privilege before
 * any handler runs. DESIGN.md §4. */
#ifndef BMC_CORE_DISPATCH_H
#define BMC_CORE_DISPATCH_H

#include "state.h"

struct bmc_req {
	uint8_t netfn; /* request netfn (even) */
	uint8_t cmd;
	uint8_t lun;
	uint8_t channel;              /* the channel the request arrived on */
	uint8_t priv;                 /* current privilege; PRIV_NONE outside a session */
	struct bmc_session *session;  /* NULL outside a session */
	const uint8_t *data;
	size_t len;
	const struct bmc_peer *peer;  /* the remote end, NULL where there is none */
	uint8_t rq_addr;              /* requester's slave address or software id (message header) */
	uint8_t rq_lun;
};

/* Writes the response data (after the completion code) to rsp and returns the
 * completion code. Data written is discarded when the code is not CC_OK. */
typedef uint8_t bmc_handler_fn(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp);

struct bmc_cmd {
	uint8_t netfn;
	uint8_t cmd;
	uint8_t min_len;
	uint8_t max_len;
	uint8_t min_priv; /* PRIV_NONE: may run outside a session */
	bmc_handler_fn *fn;
};

/* Each command group's table, terminated by an entry with fn == NULL. */
extern const struct bmc_cmd bmc_cmds_app[];
extern const struct bmc_cmd bmc_cmds_user[];
extern const struct bmc_cmd bmc_cmds_channel[];
extern const struct bmc_cmd bmc_cmds_session[];
extern const struct bmc_cmd bmc_cmds_transport[];
extern const struct bmc_cmd bmc_cmds_sel[];
extern const struct bmc_cmd bmc_cmds_sdr[];
extern const struct bmc_cmd bmc_cmds_sensor[];
extern const struct bmc_cmd bmc_cmds_fru[];
extern const struct bmc_cmd bmc_cmds_chassis[];
extern const struct bmc_cmd bmc_cmds_watchdog[];
extern const struct bmc_cmd bmc_cmds_msg[];
extern const struct bmc_cmd bmc_cmds_payload[]; /* cmd_payload.c */
extern const struct bmc_cmd bmc_cmds_serial[];
extern const struct bmc_cmd bmc_cmds_sol[];          /* cmd_solparm.c */
extern const struct bmc_cmd bmc_cmds_payload_info[]; /* cmd_payload_info.c */

/* Finds the command, checks length and privilege, runs it. Returns the completion code;
 * rsp then holds the response data (empty unless CC_OK). */
uint8_t bmc_dispatch(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp);

/* The table entry of (netfn, cmd), or NULL. */
const struct bmc_cmd *bmc_dispatch_find(uint8_t netfn, uint8_t cmd);

/* The i-th command of all tables together (for tests and listings), or NULL past the
 * last. */
const struct bmc_cmd *bmc_dispatch_entry(size_t i);

/* The request of Set/Get LAN (§23.1-23.2), Serial/Modem (§25.1-25.2) and SOL
 * (§26.2-26.3) Configuration Parameters, which share one layout. */
struct bmc_param_req {
	uint8_t channel;   /* [3:0] of byte 1, CHANNEL_CURRENT not yet resolved */
	bool rev_only;     /* Get: [7] of byte 1, only the parameter revision */
	uint8_t param, set_sel, block_sel;
	const uint8_t *data; /* Set: the parameter data */
	size_t len;
};
/* Set: channel ([7:4] reserved), parameter, data. Get: channel ([7] revision only,
 * [6:4] reserved), parameter, set selector, block selector. Return CC_OK, C7h for a
 * bad length, CCh for reserved bits set. */
uint8_t bmc_param_set_req(const struct bmc_req *req, struct bmc_param_req *out);
uint8_t bmc_param_get_req(const struct bmc_req *req, struct bmc_param_req *out);

/* Resolves CHANNEL_CURRENT (0x0E) to the channel the request came in on. */
uint8_t bmc_req_channel(const struct bmc_req *req, uint8_t channel);

#endif

/* SOL configuration parameters, IPMI 2.0 §26.2-26.3 (table 26-5), and the settings the
 * SOL data path reads from them. */
#ifndef BMC_CORE_SOLPARM_H
#define BMC_CORE_SOLPARM_H

#include "state.h"

/* Present parameter revision of Get SOL Configuration Parameters (§26.3): 11h, "present
 * revision 1.1, backward compatible with 1.1", as for the LAN parameters. */
#define BMC_SOLPARM_REVISION 0x11

/* Command-specific completion codes of Set/Get SOL Configuration Parameters (§26.2). */
enum {
	CC_SOLP_NOT_SUPPORTED = 0x80,
	CC_SOLP_SET_IN_PROGRESS = 0x81, /* "set in progress" while not "set complete" */
	CC_SOLP_READ_ONLY = 0x82,
};

/* Parameter selectors, table 26-5. */
enum {
	SOLP_SET_IN_PROGRESS = 0,
	SOLP_ENABLE = 1,
	SOLP_AUTH = 2,
	SOLP_ACCUMULATE = 3,
	SOLP_RETRY = 4,
	SOLP_NV_BIT_RATE = 5,
	SOLP_V_BIT_RATE = 6,
	SOLP_PAYLOAD_CHANNEL = 7,
	SOLP_PAYLOAD_PORT = 8,
};

/* Parameter 2 bits. */
#define SOLP_AUTH_FORCE_ENCRYPTION 0x80
#define SOLP_AUTH_FORCE_AUTHENTICATION 0x40
#define SOLP_AUTH_PRIV_MASK 0x0F

/* Fills bmc->solparm with bmcd's defaults: SOL enabled, encryption and authentication
 * forced, USER privilege, 60 ms / 96 characters, 7 retries 100 ms apart, 115200 bit/s. */
void bmc_solparm_defaults(struct bmc *bmc);
/* Replays a STORE_SOLPARM record (key = channel << 8 | parameter, value = the data as
 * written). Returns 0, or negative for a record that cannot be valid. */
int bmc_solparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len);

/* Writes the revision byte and, unless rev_only, the data of SOL parameter `param` (of
 * the LAN channel, the only one with SOL) to w. Returns an IPMI completion code. */
uint8_t bmc_solparm_get(struct bmc *bmc, uint8_t param, uint8_t set_sel, uint8_t block_sel, bool rev_only,
			struct bmc_writer *w);
/* Validates, persists and then applies a write of `len` data bytes to parameter `param`.
 * Returns an IPMI completion code; memory is unchanged unless CC_OK. */
uint8_t bmc_solparm_set(struct bmc *bmc, uint8_t param, const uint8_t *data, size_t len);

/* ---- what the SOL data path reads (IPMI 2.0 §15, §24.1, §26) ------------------------ */

/* Param 1: the SOL payload may be activated. */
bool bmc_solparm_enabled(const struct bmc *bmc);
/* Param 2 bit 7 / bit 6: SOL payloads must be encrypted / authenticated (Activate
 * Payload refuses a request, or forces the bits, accordingly, §24.1). */
bool bmc_solparm_force_encryption(const struct bmc *bmc);
bool bmc_solparm_force_authentication(const struct bmc *bmc);
/* Param 2 [3:0]: the least privilege a session needs to activate SOL (PRIV_CALLBACK ..
 * PRIV_OEM). */
uint8_t bmc_solparm_privilege(const struct bmc *bmc);
/* Param 3: how long to hold a partial packet of host output (5..1275 ms), and how many
 * characters make a packet worth sending at once (1..255). */
uint32_t bmc_solparm_accumulate_ms(const struct bmc *bmc);
uint8_t bmc_solparm_send_threshold(const struct bmc *bmc);
/* Param 4: retries after the first transmission of a packet (0..7), and the time
 * between them (0..2550 ms; 0 = back to back). */
uint8_t bmc_solparm_retry_count(const struct bmc *bmc);
uint32_t bmc_solparm_retry_interval_ms(const struct bmc *bmc);
/* Param 6 (volatile) as bits per second; 0 = "use the serial channel's setting". */
uint32_t bmc_solparm_bit_rate(const struct bmc *bmc);

#endif

/* One engine for the three configuration-parameter commands of IPMI 2.0: LAN (§23.1-
 * 23.2), Serial/Modem (§25.1-25.2) and SOL (§26.2-26.3). The spec gives them the same
 * shape (a selector, exact-length data, revision byte, parameter 0 "set in progress",
 * completion codes 80h-82h), so a module supplies only a table and a descriptor.
 *
 * Writes take effect when they are answered: bmcd implements no roll-back, so "set in
 * progress" is the advisory lock the spec describes and "commit write" has nothing left
 * to do. Every accepted write of a stored parameter is durable (bmc_persist) before it
 * changes memory, so a failed store leaves the old value in force (DESIGN.md §6). */
#ifndef BMC_CORE_PARAMTAB_H
#define BMC_CORE_PARAMTAB_H

#include <stddef.h>

#include "state.h"

/* Parameter 0 of all three tables. */
#define BMC_PARAM_SET_IN_PROGRESS 0

#define BMC_PARAM_NO_FIELD 0xFF /* bytes come from get / go to put */
#define BMC_PARAM_RO 0x01       /* Set answers the read-only code */
#define BMC_PARAM_VOLATILE 0x02 /* never stored; back to its start value after a restart */

/* The longest stored form of a write the engine accepts (LAN param 24 is 8 + 16). */
#define BMC_PARAM_REC_MAX 32

/* Reads exactly the parameter's length from r; returns CC_OK or the code to answer. */
typedef uint8_t bmc_param_check_fn(const struct bmc *bmc, struct bmc_reader *r);
/* Writes the wire form of a computed parameter. */
typedef void bmc_param_get_fn(const struct bmc *bmc, struct bmc_writer *w);
/* Stores a validated write whose memory form is not the wire form. */
typedef void bmc_param_put_fn(struct bmc *bmc, struct bmc_reader *r);
/* Writes the store record of a validated write whose stored form is not the wire form. */
typedef void bmc_param_record_fn(const struct bmc *bmc, struct bmc_reader *r, struct bmc_writer *rec);
/* Replays such a record in place of check + put. Returns 0 or negative. */
typedef int bmc_param_replay_fn(struct bmc *bmc, const uint8_t *value, size_t len);

struct bmc_paramdef {
	uint8_t id;
	uint8_t len;   /* exact data length of a write (and of a read, unless get says otherwise) */
	uint8_t off;   /* offset of the bytes in the module's state, or BMC_PARAM_NO_FIELD */
	uint8_t flags; /* BMC_PARAM_RO, BMC_PARAM_VOLATILE */
	bmc_param_check_fn *check;
	bmc_param_get_fn *get;
	bmc_param_put_fn *put;
	bmc_param_record_fn *record;
	bmc_param_replay_fn *replay;
};

/* What makes one module's parameters: the table (which must hold parameter 0 as a
 * one-byte field), where its state lives in struct bmc, its revision and command-specific
 * completion codes, and how its writes are stored. */
struct bmc_paramtab {
	const struct bmc_paramdef *defs;
	size_t count;
	size_t state_off; /* offsetof(struct bmc, <the module's parameter struct>) */
	const char *name; /* for the audit line "<name> param N set" */
	uint8_t revision;
	uint8_t cc_not_supported;
	uint8_t cc_set_in_progress;
	uint8_t cc_read_only;
	uint16_t store_type;  /* STORE_* */
	bool key_has_channel; /* key = channel << 8 | param, else key = param */
	uint8_t channel;      /* with key_has_channel: the only channel a record may name */
};

/* Get, §23.2 / §25.2 / §26.3: the revision and, unless rev_only, the data. Returns an
 * IPMI completion code. */
uint8_t bmc_paramtab_get(struct bmc *bmc, const struct bmc_paramtab *t, uint8_t param, uint8_t set_sel,
			 uint8_t block_sel, bool rev_only, struct bmc_writer *w);
/* Set: validates, persists (unless volatile) and then applies `len` data bytes. `channel`
 * goes into the store key when the table keys by channel. Returns an IPMI completion
 * code; memory is unchanged unless CC_OK. */
uint8_t bmc_paramtab_set(struct bmc *bmc, const struct bmc_paramtab *t, uint8_t channel, uint8_t param,
			 const uint8_t *data, size_t len);
/* Replays a stored record of the table's store type. Returns 0, or negative for a record
 * that cannot be valid (wrong channel, unknown, volatile or read-only parameter, or data
 * the validator refuses). */
int bmc_paramtab_apply(struct bmc *bmc, const struct bmc_paramtab *t, uint16_t key, const uint8_t *value,
		       size_t len);

/* Auth type enables (LAN param 2, Serial/Modem param 2): five bytes, one per privilege
 * level (callback, user, operator, admin, OEM), each a subset of `allowed`. */
uint8_t bmc_paramtab_check_auth_enables(struct bmc_reader *r, uint8_t allowed);

#endif

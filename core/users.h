/* Users: names, passwords, per-channel access. IPMI 2.0 §6.9, §22.26-22.30, §24.6-24.7. */
#ifndef BMC_CORE_USERS_H
#define BMC_CORE_USERS_H

#include "state.h"

/* Sets the table to "no users": every slot empty, disabled, NO ACCESS. */
void bmc_users_defaults(struct bmc *bmc);
/* Replays a STORE_USER record (key = user id). Returns 0, or negative when malformed. */
int bmc_users_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len);
/* Writes user uid to the store. Returns 0 or negative. */
int bmc_users_persist(struct bmc *bmc, uint8_t uid);
/* Finds the enabled user that RAKP 1 / Activate Session names: name of len bytes
 * (not NUL-terminated; len 0 = the null user). Returns the user id, or 0. A disabled
 * user, or the null user while anonymous login is off, is not found. */
uint8_t bmc_users_lookup(const struct bmc *bmc, const char *name, size_t len);
/* The highest privilege user uid may have on channel: the lower of the user's channel
 * limit and the channel's privilege limit; PRIV_NO_ACCESS when none. */
uint8_t bmc_users_priv(const struct bmc *bmc, uint8_t uid, uint8_t channel);
/* The 20-byte key Kuid: the password zero-padded. */
void bmc_users_key(const struct bmc *bmc, uint8_t uid, uint8_t key[20]);
/* Number of user ids (BMC_MAX_USERS) and of those enabled / with fixed names. */
uint8_t bmc_users_enabled_count(const struct bmc *bmc);

/* --- added by the users module --- */

/* Number of user ids with fixed names: only user 1, the null user (IPMI 2.0 §22.27). */
#define BMC_USERS_FIXED_NAMES 1

/* True for a user id bmcd has a slot for (1..BMC_MAX_USERS). */
bool bmc_users_id_ok(uint8_t uid);
/* True for a privilege value a user's channel limit may take: 1..5 or 0x0F. */
bool bmc_users_priv_ok(uint8_t priv);
/* Parses a 16-byte name field (NUL padded; no NUL when 16 characters long) into out
 * (NUL-terminated). Returns the name's length, or -1 when it holds a character that is
 * not printable ASCII or a non-NUL byte after the terminating NUL. */
int bmc_users_name_parse(const uint8_t raw[16], char out[17]);
/* The per-channel access byte of Get User Access (IPMI 2.0 §22.27 byte 5):
 * bit 6 restricted to callback, 5 link auth, 4 IPMI messaging, 3:0 privilege limit. */
uint8_t bmc_users_access_byte(const struct bmc_user_chan *c);
/* Makes nu the new state of user uid: persists it first and changes memory only once
 * the store has it. Returns 0, or negative (nothing changed) when the store fails. */
int bmc_users_commit(struct bmc *bmc, uint8_t uid, const struct bmc_user *nu);
/* True when user uid may activate payload type `payload` (01h-07h standard, 20h-27h
 * OEM) on channel, per Set User Payload Access. Does not check privilege. */
bool bmc_users_payload_enabled(const struct bmc *bmc, uint8_t uid, uint8_t channel, uint8_t payload);

#endif

/* Bad-password lock-out, LAN configuration parameter 26 (IPMI 2.0 §23.2 table 23-4,
 * "Bad Password Threshold"): after `threshold` bad passwords for one user within the
 * attempt count reset interval, the user is locked out for the user lockout interval.
 * A locked-out user's logins fail exactly like a wrong password (rakp.c, lan15.c), so
 * the lock-out itself tells an attacker nothing. The state is in RAM: a restart, or
 * an administrator enabling the user or setting its password, ends a lock-out. */
#ifndef BMC_CORE_LOCKOUT_H
#define BMC_CORE_LOCKOUT_H

#include <stdbool.h>
#include <stdint.h>

struct bmc;

struct bmc_lockout {
	uint8_t fails;       /* bad passwords counted since first_ms */
	bool locked;
	uint64_t first_ms;   /* time of the first counted bad password */
	uint64_t until_ms;   /* end of the lock-out; 0 = until re-enabled */
};

/* Parameter 26 byte 1 bit 0: generate Session Audit events. */
bool bmc_lockout_audit_enabled(const struct bmc *bmc);
/* True while user uid is locked out (ends an expired lock-out first). */
bool bmc_lockout_locked(struct bmc *bmc, uint8_t uid);
/* Counts one bad password for uid. Returns true when this one locked the user out. */
bool bmc_lockout_fail(struct bmc *bmc, uint8_t uid);
/* A successful login: the count starts again. */
void bmc_lockout_success(struct bmc *bmc, uint8_t uid);
/* Ends a lock-out and the count (user enabled again or given a new password). */
void bmc_lockout_clear(struct bmc *bmc, uint8_t uid);
/* Seconds of the lock-out that would start now (0: until re-enabled). */
uint32_t bmc_lockout_interval_s(const struct bmc *bmc);

#endif

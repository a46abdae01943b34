/* Audit of logins (DESIGN.md §5): log lines, the lock-out counter and SEL "Session
 * Audit" events (sensor type 2Ah, IPMI 2.0 §42.2 table 42-3), within rate limits
 * (ratelimit.h) so that a failed-login storm can neither fill the SEL nor the log. */
#ifndef BMC_CORE_AUDIT_H
#define BMC_CORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "bmc/platform.h"

struct bmc;
struct bmc_session;

/* Table 42-3, sensor type 2Ah offsets. */
enum {
	AUDIT_SESSION_ACTIVATED = 0x00,
	AUDIT_SESSION_DEACTIVATED = 0x01,
	AUDIT_INVALID_LOGIN = 0x02,  /* invalid username or password */
	AUDIT_PASSWORD_DISABLE = 0x03, /* user disabled after bad passwords */
};

/* A login through set-up s failed. bad_password: the failure is a wrong password or
 * unknown / unusable / locked-out user (it counts towards the user's lock-out and is
 * a Session Audit "invalid username or password" event), not e.g. a refused role. */
void bmc_audit_login_failed(struct bmc *bmc, const struct bmc_session *s, const char *why, bool bad_password);
/* A login through s succeeded: the user's bad-password count starts again. */
void bmc_audit_login_ok(struct bmc *bmc, const struct bmc_session *s);
/* Logs a Session Audit event to the SEL when parameter 26 asks for it, the backend
 * has a Session Audit sensor, and the rate limits allow (peer: the source it is about,
 * NULL for none). Event data 2 = user id [5:0], data 3 = cause [5:4] | channel [3:0]. */
void bmc_audit_sel(struct bmc *bmc, uint8_t offset, uint8_t uid, uint8_t channel, uint8_t cause,
		   const struct bmc_peer *peer);

#endif

/* The session table: set-up slots and active sessions, timeouts, lookup. */
#ifndef BMC_CORE_SESSION_H
#define BMC_CORE_SESSION_H

#include "state.h"

/* Closes idle sessions and stale half-open set-ups. */
void bmc_sessions_tick(struct bmc *bmc);

#endif

/* The session table: set-up slots and active sessions, timeouts, lookup. */
#ifndef BMC_CORE_SESSION_H
#define BMC_CORE_SESSION_H

#include "state.h"

/* Half-open set-ups one source address may hold at once. */
#define BMC_HALF_OPEN_PER_SOURCE 4
/* A set-up not finished within this time is dropped. */
#define BMC_SETUP_TIMEOUT_MS 10000u

/* Takes a free slot for a new set-up from peer, with a fresh random non-zero session
 * id. Never evicts an active session. NULL when the peer is over its quota or no slot
 * can be had. */
struct bmc_session *bmc_session_alloc(struct bmc *bmc, const struct bmc_peer *peer, uint8_t channel);
/* The session (any state but free) with our session id sid, or NULL. */
struct bmc_session *bmc_session_find(struct bmc *bmc, uint32_t sid);
/* The active session with handle h, or NULL. */
struct bmc_session *bmc_session_by_handle(struct bmc *bmc, uint8_t handle);
/* Makes a set-up slot active: assigns a handle, resets sequence numbers. */
void bmc_session_activate(struct bmc *bmc, struct bmc_session *s);
/* Ends a session (any state): audits active ones with the reason, wipes keys. */
void bmc_session_close(struct bmc *bmc, struct bmc_session *s, const char *why);
/* True when another session may become active: below the limit, or after ending an
 * activated-but-never-used session (a failed two-key login) from the same host. */
bool bmc_session_make_room(struct bmc *bmc, const struct bmc_peer *peer);
/* Ends every session (cold reset). */
void bmc_sessions_close_all(struct bmc *bmc, const char *why);
unsigned bmc_sessions_active(const struct bmc *bmc);
/* Closes idle sessions and stale half-open set-ups. */
void bmc_sessions_tick(struct bmc *bmc);

bool bmc_peer_same_host(const struct bmc_peer *a, const struct bmc_peer *b);
bool bmc_peer_equal(const struct bmc_peer *a, const struct bmc_peer *b);
/* "127.0.0.1:623" / "[::1]:623" for logs. */
void bmc_peer_format(const struct bmc_peer *p, char *buf, size_t len);

/* A user name from the wire or the user table, safe to log: printable ASCII only. */
void bmc_printable(const char *in, size_t len, char out[17]);

#endif

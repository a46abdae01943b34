/* What an unauthenticated source may cost bmcd (DESIGN.md §5): the LAN source
 * allow-list, a bounded table of recently seen source hosts with token buckets for
 * session set-up requests, pre-authentication replies and audit events, and the
 * amplification bound on pre-authentication replies.
 *
 * The table is fixed-size (BMC_MAX_SOURCES) with least-recently-seen eviction: a
 * flood of spoofed addresses can only evict entries, and a new entry starts with full
 * buckets, so eviction never makes bmcd stricter with anyone. Time comes from the
 * platform's monotonic now_ms; nothing here allocates or sleeps. */
#ifndef BMC_CORE_RATELIMIT_H
#define BMC_CORE_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/platform.h"

struct bmc;
struct bmc_cidr;

#define BMC_MAX_SOURCES 64

/* Defaults of [lan] setup_limit / reply_limit (per source, per second; the burst is
 * twice the rate). Generous for real consoles (a login is one Open Session, one RAKP
 * 1, one RAKP 3 and about five pre-session replies) and small for a flood. */
#define BMC_SETUP_RATE_DEFAULT 20u
#define BMC_REPLY_RATE_DEFAULT 50u
/* Default of [lan] setup_limit_total (all sources together; burst twice that): about
 * 330 logins a second, a few per cent of one core for bmcd's crypto. */
#define BMC_SETUP_TOTAL_DEFAULT 1000u
/* Session Audit SEL events: per source a burst of 3 and one per 20 s; in all a burst
 * of 16 and one per minute, so that a failed-login storm cannot fill the SEL. */
#define BMC_AUDIT_SRC_BURST 3u
#define BMC_AUDIT_SRC_MS 20000u
#define BMC_AUDIT_ALL_BURST 16u
#define BMC_AUDIT_ALL_MS 60000u
/* Audit log lines about failed logins: per source a burst of 20 and two per second. */
#define BMC_AUDIT_LOG_BURST 20u
#define BMC_AUDIT_LOG_MS 500u
/* An ASF pong (28 bytes) answers a 12-byte ping: the one pre-authentication reply
 * allowed to exceed twice its request (its size is fixed by DSP0136 §3.2.4.3). */
#define BMC_PONG_LEN 28u

/* A token bucket kept as credit in milliseconds: a token costs cost_ms of credit,
 * credit grows by one per elapsed millisecond up to burst * cost_ms. */
struct bmc_bucket {
	uint32_t credit_ms;
};

struct bmc_source {
	bool used;
	uint8_t family;
	uint8_t addr[16];
	uint64_t seen_ms; /* last packet: LRU order and the buckets' refill time */
	struct bmc_bucket setup, reply, sel, log;
	uint32_t sel_suppressed; /* Session Audit events not logged since the last one */
	uint32_t log_suppressed; /* audit lines not written since the last one */
};

struct bmc_sources {
	struct bmc_source tab[BMC_MAX_SOURCES];
	struct bmc_bucket setup_all; /* set-up messages from all sources */
	uint64_t setup_all_ms;
	bool setup_all_init;
	struct bmc_bucket sel_all; /* Session Audit events from all sources */
	uint64_t sel_all_ms;
	bool sel_all_init;
	size_t rx_len; /* length of the datagram being handled; 0 outside bmc_input */
};

/* True when peer may talk to the LAN channel: the allow-list is empty (allow all) or
 * one of its prefixes covers the address. An IPv4-mapped IPv6 address also matches
 * IPv4 prefixes. */
bool bmc_allow_match(const struct bmc_cidr *list, unsigned n, const struct bmc_peer *peer);
/* True when the address of peer lies in prefix c. */
bool bmc_cidr_match(const struct bmc_cidr *c, const struct bmc_peer *peer);

/* The entry for peer's host, made (evicting the least recently seen) when missing,
 * with its buckets refilled to now. Never NULL. */
struct bmc_source *bmc_source_get(struct bmc *bmc, const struct bmc_peer *peer);
/* Takes one token from b (cost_ms per token, burst tokens at most). True when it had one. */
bool bmc_bucket_take(struct bmc_bucket *b, uint32_t cost_ms);

/* Session set-up request (Open Session, RAKP 1, RAKP 3, Get Session Challenge) from
 * peer: true when within the source's rate and the rate of all sources together,
 * checked before any crypto. */
bool bmc_ratelimit_setup(struct bmc *bmc, const struct bmc_peer *peer);
/* Sends a reply outside an authenticated session: dropped (and counted) when it is
 * more than twice the size of the request being handled (pong: BMC_PONG_LEN at most)
 * or over the source's reply rate. */
void bmc_preauth_send(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		      size_t len, bool pong);
/* One Session Audit SEL event from peer (NULL: not from the network, e.g. a lock-out
 * found by a timer) within the per-source and global limits? Counts suppressed ones. */
bool bmc_ratelimit_sel(struct bmc *bmc, const struct bmc_peer *peer, bool per_source);
/* One audit log line about peer within its limit? *suppressed receives (and resets) the
 * number of lines held back since the last one that was written. */
bool bmc_ratelimit_log(struct bmc *bmc, const struct bmc_peer *peer, uint32_t *suppressed);

#endif

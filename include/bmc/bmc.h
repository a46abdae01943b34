/* The portable BMC core. The caller owns the memory of struct bmc (bmc_size() bytes,
 * suitably aligned for any type); the core allocates nothing after init.
 *
 *   bmc_config_defaults(&cfg);  ... adjust cfg ...
 *   bmc_init(bmc, &platform, &backend, &cfg);
 *   for each stored record: bmc_store_apply(bmc, type, key, value, len);
 *   bmc_start(bmc);
 *   loop: bmc_input(bmc, channel, &peer, bytes, len); bmc_tick(bmc);
 */
#ifndef BMC_BMC_H
#define BMC_BMC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/backend.h"
#include "bmc/platform.h"

#define BMC_VERSION "0.1.0"

struct bmc;

/* The most SEL entries a BMC can hold (core/sel.h BMC_SEL_MAX). */
#define BMC_SEL_CAPACITY_MAX 4096

/* An address prefix (CIDR) of the LAN source allow-list: family 4 or 6, prefix length
 * 0..32 / 0..128, the address in network byte order (bits past the prefix are zero). */
#define BMC_MAX_ALLOW 16
#define BMC_RATE_UNLIMITED 0xFFFFu
struct bmc_cidr {
	uint8_t family;
	uint8_t prefix;
	uint8_t addr[16];
};

struct bmc_config {
	/* Get Device ID, IPMI 2.0 §20.1 */
	uint8_t device_id;
	uint8_t device_rev;
	uint8_t fw_major;       /* 7 bits */
	uint8_t fw_minor;       /* BCD */
	uint32_t manufacturer_id; /* 20-bit IANA number */
	uint16_t product_id;
	uint8_t aux_fw[4];
	/* Identities. A zero system GUID means: make a random one on first start and store it. */
	uint8_t system_guid[16];
	/* LAN channel 1 */
	uint32_t cipher_suites;   /* bit n set: cipher suite n may be negotiated */
	bool ipmi15_enabled;      /* IPMI 1.5 sessions (Activate Session) */
	bool anonymous_enabled;   /* null user name / null password logins */
	uint32_t session_timeout_s;
	uint8_t max_sessions;
	uint8_t mac[6];
	uint8_t ip[4];
	uint8_t netmask[4];
	uint8_t gateway[4];
	/* UDP port RMCP+ is served on, reported as the SOL payload port (IPMI 2.0 §26.3
	 * parameter 8): SOL travels in the same sessions. 0 means 623. */
	uint16_t lan_port;
	/* Sources the LAN channel answers ([lan] allow): checked before anything else in
	 * bmc_input; none = every source. */
	struct bmc_cidr lan_allow[BMC_MAX_ALLOW];
	uint8_t lan_allow_count;
	/* Per-source limits before authentication (core/ratelimit.h), per second, burst
	 * twice that: session set-up requests and pre-session replies. 0 = the default;
	 * BMC_RATE_UNLIMITED = no limit (benchmarks). */
	uint16_t setup_limit;
	uint16_t reply_limit;
	/* Set-up messages per second from all sources together (0: default 1,000;
	 * BMC_RATE_UNLIMITED: none): many sources, each within its own limit (or an IPv6
	 * host rotating addresses), cannot make bmcd spend more than this on logins. */
	uint16_t setup_limit_total;
	/* BMC key Kg for two-key logins (IPMI 2.0 §13.31); all zero = none (one-key). */
	uint8_t kg[20];
	/* System Event Log entries kept (16 bytes each): 1..BMC_SEL_MAX (4096, the default;
	 * 0 also means the default). When the SEL is full new events are dropped and the
	 * overflow flag is set (IPMI 2.0 §31.2). */
	uint16_t sel_capacity;
	/* Event receiver at start-up (IPMI 2.0 §30.1): 0x20, the BMC itself, by default;
	 * 0xFF turns event generation off. Set Event Receiver changes and stores it. */
	uint8_t event_receiver;
	/* This controller's IPMB slave address (IPMI 2.0 §5.4): 20h for the BMC; a
	 * satellite controller built on this core has its own (for example 2Ch). Its own
	 * sensors are the backend's sensors with this owner; sensors of other owners are
	 * published in the SDR repository and read by bridging. */
	uint8_t slave_addr;
	/* Serial channel 2 (IPMI 2.0 §14): off unless the port has a device for it. */
	bool serial_enabled;
	uint8_t serial_mode;   /* enum bmc_serial_mode: which framings are accepted */
	/* Privilege of requests outside a serial session (direct connect without login):
	 * PRIV_NONE, the default, means a session ([SYS PWD]) is required as §14 says. */
	uint8_t serial_priv;
	uint32_t serial_baud;  /* initial bit rate of Serial/Modem parameter 7 */
};

enum bmc_serial_mode {
	BMC_SERIAL_AUTO = 0,     /* Basic and Terminal Mode, told apart per message */
	BMC_SERIAL_BASIC = 1,    /* IPMI 2.0 §14.4 only */
	BMC_SERIAL_TERMINAL = 2, /* IPMI 2.0 §14.7 only */
};

size_t bmc_size(void);
void bmc_config_defaults(struct bmc_config *cfg);
/* Returns 0, or a negative value when cfg is unusable (the reason is logged). */
int bmc_init(struct bmc *bmc, const struct bmc_platform *platform, const struct bmc_backend *backend,
	     const struct bmc_config *cfg);
/* The same for memory the caller knows to be all zero (fresh mmap or calloc pages):
 * nothing is cleared, so the pages of table entries the BMC never uses (most of the SEL,
 * unused sensor slots) are never touched and stay out of the process's resident memory. */
int bmc_init_zeroed(struct bmc *bmc, const struct bmc_platform *platform, const struct bmc_backend *backend,
		    const struct bmc_config *cfg);
/* Replays one stored record at start-up, before bmc_start. Unknown or malformed records
 * are logged and ignored. */
void bmc_store_apply(struct bmc *bmc, uint16_t type, uint16_t key, const void *value, size_t len);
/* Finishes start-up once the store is replayed. Returns 0 or negative. */
int bmc_start(struct bmc *bmc);
/* True when no enabled user with a password exists: the port must provision one. */
bool bmc_needs_admin(const struct bmc *bmc);
/* Creates user 2 with the given name, password (<= 20 bytes) and ADMINISTRATOR access on
 * every channel, enabled, and stores it. Returns 0 or negative. */
int bmc_provision_admin(struct bmc *bmc, const char *name, const char *password);
/* One datagram / frame from peer on channel. */
void bmc_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const void *buf, size_t len);
/* Bytes read from the serial device (channel 2), in any chunking. Replies go out
 * through platform send(channel 2, peer of family 0). */
void bmc_serial_input(struct bmc *bmc, const void *buf, size_t len);
/* The serial bit rate in bits/s that Serial/Modem parameter 7 holds (0 when serial is
 * off): the port sets its device to it after bmc_start. */
uint32_t bmc_serial_baud(const struct bmc *bmc);
/* Runs timers; call at least once a second, and at bmc_next_deadline. */
void bmc_tick(struct bmc *bmc);
/* The monotonic time (platform now_ms) at which bmc_tick has work that cannot wait
 * for the next once-a-second call (SOL retransmissions, accumulated console output),
 * or 0 when there is none. */
uint64_t bmc_next_deadline(const struct bmc *bmc);
/* Host console output for Serial over LAN (IPMI 2.0 §15). Returns how many bytes the
 * core took: all of them while no SOL session is active (they are not kept), fewer
 * when its buffer is full; the port keeps the rest and offers it again later (and
 * meanwhile stops reading the host, as flow control would). */
size_t bmc_sol_host_output(struct bmc *bmc, const void *buf, size_t len);

/* What the port's control interface (bmcctl) can do. */

/* Sensors, named by their SDR ID string: the index, or -1. */
int bmc_sensor_lookup(const struct bmc *bmc, const char *id);
/* Re-reads sensor `index` (every sensor when -1) and raises its events now. */
void bmc_sensor_refresh(struct bmc *bmc, int index);
/* SEL: adds a 16-byte record (record id and, for timestamped types, the time stamp
 * are filled in); durable on return. Returns the record id, or negative. */
int bmc_sel_add_record(struct bmc *bmc, const uint8_t rec[16]);
unsigned bmc_sel_entries(const struct bmc *bmc);
/* The nth entry (0 = oldest). Returns 0, or negative past the end. */
int bmc_sel_entry(const struct bmc *bmc, unsigned nth, uint8_t rec[16]);
int bmc_sel_clear_all(struct bmc *bmc);
/* Performs a chassis action as Chassis Control would (restart cause, events). */
int bmc_chassis_do(struct bmc *bmc, enum bmc_chassis_action action);

struct bmc_session_info {
	uint8_t handle;
	uint8_t user_id;
	char user[17];
	uint8_t priv;
	uint8_t channel;
	bool ipmi15;
	struct bmc_peer peer;
	uint32_t age_s;
	uint32_t idle_s;
};
/* Fills out[] with up to max active sessions; returns how many there are in all. */
unsigned bmc_session_list(const struct bmc *bmc, struct bmc_session_info *out, unsigned max);
/* Ends the active session with this handle (audited). Returns 0, or -1 if none. */
int bmc_session_end(struct bmc *bmc, uint8_t handle);

/* Counters for logging and tests. */
struct bmc_stats {
	uint64_t rx, tx, dropped_malformed, dropped_auth, dropped_replay, sessions_opened, sessions_closed,
		sessions_timed_out, login_failures;
	/* issue 6: source not allowed or LAN channel disabled; over a per-source rate;
	 * a pre-session reply larger than its bound; Session Audit SEL events held back by
	 * their rate limit; users locked out after bad passwords. */
	uint64_t dropped_denied, dropped_ratelimit, dropped_amplification, audit_suppressed, lockouts;
};
void bmc_get_stats(const struct bmc *bmc, struct bmc_stats *out);

#endif

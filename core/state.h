/* The complete state of one BMC. Internal to core/ (and its unit tests); the public
 * API sees struct bmc as opaque. Fixed-size tables only: DESIGN.md §4. */
#ifndef BMC_CORE_STATE_H
#define BMC_CORE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "bmc/bmc.h"
#include "bmc/buf.h"
#include "bmc/crypto.h"
#include "bmc/wire.h"
#include "chassis.h"
#include "fru.h"
#include "ipmb.h"
#include "sol.h"
#include "lockout.h"
#include "ratelimit.h"
#include "sel.h"
#include "sensor.h"
#include "serial.h"

/* User IDs 1..BMC_MAX_USERS; id 1 is the null user (IPMI 2.0 §6.9.1). */
#define BMC_MAX_USERS 16
/* Channel numbers 0..15; only some exist (see channels.c). */
#define BMC_NUM_CHANNELS 16
#define BMC_MAX_SESSIONS 16
/* Sessions in set-up (after Open Session, before RAKP 3 is verified). */
#define BMC_MAX_HALF_OPEN 32
#define BMC_MAX_MSG 256

/* Per-user, per-channel access. IPMI 2.0 §22.26 */
struct bmc_user_chan {
	uint8_t priv;     /* PRIV_CALLBACK..PRIV_OEM, or PRIV_NO_ACCESS */
	bool callin;      /* "callback" restriction is the inverse: callin true = not restricted */
	bool link_auth;
	bool ipmi_msg;
};

struct bmc_user {
	char name[17];        /* NUL-terminated; empty for the null user */
	uint8_t password[20]; /* zero padded */
	bool has_password;    /* a password has been set (any value, even all zeros) */
	bool pw20;            /* set with the 20-byte form */
	bool enabled;
	struct bmc_user_chan chan[BMC_NUM_CHANNELS];
	/* Set/Get User Payload Access, IPMI 2.0 §24.6-24.7, per channel, in the command's
	 * own bit layout: payload_std bit n = standard payload n (1..7, 1 = SOL; bit 0
	 * reserved), payload_oem bit n = OEM payload type 20h + n. */
	uint8_t payload_std[BMC_NUM_CHANNELS];
	uint8_t payload_oem[BMC_NUM_CHANNELS];
};

/* Channel access, one copy non-volatile and one volatile. IPMI 2.0 §22.22 */
struct bmc_chan_access {
	uint8_t mode; /* 0 disabled, 1 pre-boot only, 2 always available, 3 shared */
	bool user_auth_disabled;
	bool per_msg_auth_disabled;
	bool alerting_disabled;
	uint8_t priv_limit;
};

struct bmc_channel {
	bool present;
	uint8_t medium;   /* IPMI 2.0 table 6-3: 4 = 802.3 LAN, 5 = async serial, 0x0C = system interface */
	uint8_t protocol; /* table 6-2: 1 = IPMB, 2 = ICMB, 5 = IPMI-SMBus... 4 = ... */
	uint8_t session_support; /* 0 sessionless, 1 single, 2 multi, 3 session-based */
	struct bmc_chan_access nv, vol;
};

/* LAN configuration parameters, channel 1. IPMI 2.0 §23.2. Only what bmcd supports. */
struct bmc_lanparm {
	uint8_t set_in_progress;    /* param 0 */
	uint8_t auth_enables[5];    /* param 2: callback, user, operator, admin, OEM */
	uint8_t ip[4];              /* param 3 */
	uint8_t ip_source;          /* param 4 */
	uint8_t mac[6];             /* param 5 */
	uint8_t netmask[4];         /* param 6 */
	uint8_t ipv4_hdr[3];        /* param 7: TTL, flags, precedence/TOS */
	uint8_t gw_ip[4];           /* param 12 */
	uint8_t gw_mac[6];          /* param 13 */
	uint8_t bgw_ip[4];          /* param 14 */
	uint8_t bgw_mac[6];         /* param 15 */
	uint8_t community[18];      /* param 16 */
	uint16_t vlan_id;           /* param 20: bit 15 enable, 11:0 id */
	uint8_t vlan_prio;          /* param 21 */
	uint8_t suite_priv[8];      /* param 24: max privilege per cipher suite entry, nibbles */
	uint8_t bad_pw[6];          /* param 26: threshold and intervals */
	uint8_t arp_ctl;            /* param 10: BMC-generated ARP control (stored for the port) */
	uint8_t garp_interval;      /* param 11: gratuitous ARP interval, 500 ms units */
};

/* SOL configuration parameters, LAN channel 1. IPMI 2.0 §26.3 table 26-5, in wire form. */
struct bmc_solparm {
	uint8_t set_in_progress;    /* param 0 (volatile) */
	uint8_t enable;             /* param 1: [0] SOL enable */
	uint8_t auth;               /* param 2: [7] force encryption, [6] force authentication, [3:0] privilege */
	uint8_t accumulate[2];      /* param 3: interval (5 ms units), send threshold (characters) */
	uint8_t retry[2];           /* param 4: count [2:0], interval (10 ms units) */
	uint8_t nv_bit_rate;        /* param 5 */
	uint8_t v_bit_rate;         /* param 6 (volatile: the non-volatile rate at start) */
};

enum bmc_session_state {
	SESS_FREE = 0,
	SESS_OPENED,   /* Open Session answered; waiting for RAKP 1 */
	SESS_RAKP2,    /* RAKP 2 sent; waiting for RAKP 3 */
	SESS_ACTIVE,
};

struct bmc_session {
	enum bmc_session_state state;
	uint8_t channel;
	uint8_t handle;          /* 1..255, for Get Session Info */
	struct bmc_peer peer;
	uint32_t bmc_sid;        /* ours, never 0 */
	uint32_t console_sid;    /* the remote console's */
	uint8_t suite;           /* cipher suite id negotiated */
	uint8_t auth_alg, integ_alg, conf_alg;
	uint8_t max_priv_req;    /* Open Session requested maximum privilege */
	uint8_t role;            /* RAKP 1 requested role byte (privilege + name-only bit) */
	uint8_t user_id;         /* 0 while unknown */
	bool user_valid;         /* RAKP 1 named a usable user */
	char uname[17];
	uint8_t uname_len;
	uint8_t priv_limit;      /* the most this session may reach */
	uint8_t priv;            /* current privilege */
	uint8_t rm[16], rc[16];
	uint8_t sik[BMC_HASH_MAX];
	uint8_t k1[BMC_HASH_MAX];
	uint8_t k2[BMC_HASH_MAX];
	uint32_t in_seq_top;     /* highest inbound sequence number accepted */
	uint32_t in_seq_mask;    /* bit i: in_seq_top - i - 1 seen */
	uint32_t out_seq;
	uint64_t last_ms;
	uint64_t opened_ms;
	bool close_after_reply;  /* Close Session: the reply still goes out under this session */
	uint8_t hash_len;        /* 20 (SHA1) or 32 (SHA256): RAKP HMAC and key length */
	uint8_t icv_len;         /* integrity check value length: 12 or 16; 0 without integrity */
	bool confirmed;          /* an authenticated packet arrived after activation */
	bool role_denied;        /* RAKP 1 asked for more than the user may have */
	bool v15;                /* an IPMI 1.5 session (Get Session Challenge / Activate Session) */
	uint8_t authtype15;      /* its authentication type (MD5) */
	uint8_t challenge[16];
	bool locked;             /* RAKP 1 named a user that is locked out (lockout.h) */
};

struct bmc {
	struct bmc_platform plat;
	struct bmc_backend backend;
	struct bmc_config cfg;
	bool started;
	bool init_zeroed; /* during bmc_init_zeroed: the memory is known to be zero */
	uint8_t system_guid[16];
	uint8_t boot_secret[32]; /* per-boot key for unknown-user RAKP 2 answers */
	uint8_t global_enables;
	struct bmc_user users[BMC_MAX_USERS + 1]; /* index = user id; [0] unused */
	struct bmc_channel chans[BMC_NUM_CHANNELS];
	struct bmc_lanparm lan;
	struct bmc_solparm solparm;
	uint8_t kg[20];
	bool kg_set;
	struct bmc_session sessions[BMC_MAX_SESSIONS + BMC_MAX_HALF_OPEN];
	uint8_t next_handle;
	struct bmc_stats stats;
	struct bmc_sel sel;
	struct bmc_sensors sensors;
	struct bmc_fru fru;
	struct bmc_chassis chassis;
	struct bmc_ipmb ipmb;
	struct bmc_sol sol;
	uint16_t rx_disabled;     /* Enable Message Channel Receive: bit n = channel n off */
	bool wdt_pretimeout_flag; /* Get Message Flags bit 3, until Clear Message Flags */
	struct bmc_serial serial;
	struct bmc_sources sources;                         /* ratelimit.h */
	struct bmc_lockout lockout[BMC_MAX_USERS + 1];      /* index = user id */
};

/* core/bmc.c helpers used across the core */
void bmc_logf(struct bmc *bmc, enum bmc_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Persists (type, key) -> value through the platform. Returns 0 or negative. */
int bmc_persist(struct bmc *bmc, uint16_t type, uint16_t key, const void *value, size_t len);
uint64_t bmc_now(struct bmc *bmc);
int bmc_random(struct bmc *bmc, void *buf, size_t len);
/* Resolves CHANNEL_CURRENT (0x0E) to the request's channel; other values pass through. */

#endif

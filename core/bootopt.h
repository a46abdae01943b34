/* System boot options, IPMI 2.0 §28.12-28.13 (table 28-14): the parameters a remote
 * console sets so the BIOS boots from a chosen device on the next (or every) boot. */
#ifndef BMC_CORE_BOOTOPT_H
#define BMC_CORE_BOOTOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bmc;
struct bmc_req;
struct bmc_writer;

/* Boot initiator mailbox (parameter 7): the spec's minimum of five 16-byte blocks. */
#define BMC_BOOTOPT_MBOX_BLOCKS 5
#define BMC_BOOTOPT_REVISION 0x01
/* §28.12: without a Chassis Control command, the valid bit clears after 60 s. */
#define BMC_BOOTOPT_VALID_TIMEOUT_MS 60000u

/* Parameter selectors (table 28-14). */
enum {
	BOOTP_SET_IN_PROGRESS = 0,
	BOOTP_SVC_PART_SEL = 1,
	BOOTP_SVC_PART_SCAN = 2,
	BOOTP_VALID_CLEAR = 3,
	BOOTP_INFO_ACK = 4,
	BOOTP_FLAGS = 5,
	BOOTP_INITIATOR_INFO = 6,
	BOOTP_MAILBOX = 7,
	BOOTP_COUNT = 8,
};

/* Command-specific completion codes of Set/Get System Boot Options (§28.12-28.13). */
enum {
	CC_BOOTP_NOT_SUPPORTED = 0x80,
	CC_BOOTP_SET_IN_PROGRESS = 0x81,
	CC_BOOTP_READ_ONLY = 0x82,
};

/* Boot flags byte 1 (parameter 5). */
#define BOOTF_VALID 0x80
#define BOOTF_PERSISTENT 0x40
#define BOOTF_EFI 0x20

/* Parameter 3 bits: "don't clear the valid bit on ..." */
#define BOOTVC_NO_CLEAR_PEF 0x10
#define BOOTVC_NO_CLEAR_TIMEOUT 0x08
#define BOOTVC_NO_CLEAR_WATCHDOG 0x04
#define BOOTVC_NO_CLEAR_RESET 0x02
#define BOOTVC_NO_CLEAR_POWERUP 0x01

struct bmc_bootopt {
	uint8_t set_in_progress;   /* 0: volatile */
	uint8_t invalid;           /* bit n: parameter n marked invalid / locked (Set byte 1 bit 7) */
	uint8_t svc_part_sel;      /* 1 */
	uint8_t svc_part_scan;     /* 2 */
	uint8_t valid_clear;       /* 3 */
	uint8_t ack;               /* 4: volatile */
	uint8_t flags[5];          /* 5 */
	uint8_t initiator[9];      /* 6: channel, session id, time stamp */
	uint8_t mbox[BMC_BOOTOPT_MBOX_BLOCKS][16]; /* 7 */
	bool valid_timer;          /* the 60 s valid-bit timer runs */
	uint64_t valid_since_ms;
};

void bmc_bootopt_init(struct bmc *bmc);
/* Replays a stored parameter (store key BMC_CHASSIS_KEY_BOOTOPT | selector). */
int bmc_bootopt_apply(struct bmc *bmc, uint8_t param, const uint8_t *value, size_t len);
void bmc_bootopt_start(struct bmc *bmc);
/* Command bodies of Set (0x08) and Get (0x09) System Boot Options. */
uint8_t bmc_bootopt_set(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp);
uint8_t bmc_bootopt_get(struct bmc *bmc, const struct bmc_req *req, struct bmc_writer *rsp);
/* A Chassis Control command arrived: the 60 s timer stops (§28.12). */
void bmc_bootopt_control_seen(struct bmc *bmc);
/* The system restarted (power up, cycle or reset) for restart cause `cause` (§28.11):
 * the boot flags have been used and their valid bit clears unless they are persistent
 * or parameter 3 says otherwise for that cause. */
void bmc_bootopt_restarted(struct bmc *bmc, uint8_t cause);
void bmc_bootopt_tick(struct bmc *bmc);

#endif

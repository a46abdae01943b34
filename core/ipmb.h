/* IPMB (IPMI 2.0 §6.12, IPMB v1.0): the bus between this controller and the other
 * management controllers of the chassis. Frames in and out, requests addressed to this
 * controller run through the same dispatch as every other channel, responses are
 * matched to the bridged requests they answer (Send Message with tracking, §22.7) or
 * queued for Get Message (§22.6). */
#ifndef BMC_CORE_IPMB_H
#define BMC_CORE_IPMB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bmc;
struct bmc_req;

/* IPMB messages are at most 32 bytes on the wire (IPMB v1.0 §2.1); a little room is
 * left for buses that allow more. Anything longer is dropped. */
#define BMC_IPMB_MAX_FRAME 64
/* Bridged requests awaiting their response. */
#define BMC_IPMB_PENDING 16
/* At most this many of them per session, so one console cannot take them all. */
#define BMC_IPMB_PENDING_PER_SESSION 4
/* The Receive Message Queue of Get Message (§6.13 asks for at least two entries). */
#define BMC_IPMB_RXQ 4
/* §6.12.5 / IPMB v1.0 §4.1: a requester may reuse a sequence number after 5 s, so a
 * response later than that cannot be matched safely. */
#define BMC_IPMB_EXPIRY_MS 5000

/* Smallest frame: rsSA netFn/LUN chk1 rqSA rqSeq/LUN cmd chk2. */
#define BMC_IPMB_MIN_FRAME 7

struct bmc_ipmb_pending {
	bool used;
	uint8_t channel;     /* IPMB channel it went out on */
	uint8_t rs_addr;     /* responder slave address */
	uint8_t netfn, cmd;  /* request netfn (even) and command */
	uint8_t seq;         /* our rqSeq on the bus (6 bits) */
	/* Where the answer goes: the LAN session, and the addressing of the request the
	 * console embedded, which the response gets back (§6.12.3). */
	uint32_t session_id; /* bmc_sid of the session; checked again on delivery */
	uint8_t orig_rq_addr, orig_seq_lun;
	uint64_t expires_ms;
};

struct bmc_ipmb_rxmsg {
	uint8_t channel;     /* [7:4] inferred privilege, [3:0] channel: Get Message byte 2 */
	uint8_t len;
	uint8_t data[BMC_IPMB_MAX_FRAME];
};

struct bmc_ipmb {
	uint8_t next_seq;
	struct bmc_ipmb_pending pend[BMC_IPMB_PENDING];
	struct bmc_ipmb_rxmsg rxq[BMC_IPMB_RXQ];
	uint8_t rx_head, rx_count;
	uint32_t dropped;    /* frames refused: malformed, misaddressed, unmatched, queue full */
};

/* True when the port gave the core an IPMB (platform.ipmb_send). */
bool bmc_ipmb_present(const struct bmc *bmc);
/* One frame from the bus. */
void bmc_ipmb_input(struct bmc *bmc, uint8_t channel, const uint8_t *frame, size_t len);
/* Forgets bridged requests whose response did not come in time. */
void bmc_ipmb_tick(struct bmc *bmc);
/* Forgets everything pending for a session that ended. */
void bmc_ipmb_session_gone(struct bmc *bmc, uint32_t session_id);

/* Send Message to an IPMB channel (§22.7): msg is the complete IPMB request (rsSA ..
 * chk2) as the requester built it. With track set the request goes out under this
 * controller's address and a sequence number of its own, and the response is sent
 * back to req's session as a response to the embedded request. Returns a completion
 * code for the Send Message response. */
uint8_t bmc_ipmb_bridge(struct bmc *bmc, const struct bmc_req *req, uint8_t channel, bool track, const uint8_t *msg,
			size_t len);
/* A request this controller originates (an event message to a remote event
 * receiver); its response is not awaited. Returns 0, or negative when the bus refused it. */
int bmc_ipmb_request(struct bmc *bmc, uint8_t channel, uint8_t rs_addr, uint8_t netfn, uint8_t rs_lun,
		     uint8_t rq_lun, uint8_t cmd, const uint8_t *data, size_t len);
/* Takes the oldest queued message for Get Message: returns its length, 0 when the queue
 * is empty. */
size_t bmc_ipmb_rx_pop(struct bmc *bmc, uint8_t *channel_byte, uint8_t *out, size_t cap);
bool bmc_ipmb_rx_waiting(const struct bmc *bmc);

#endif

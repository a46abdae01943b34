/* Serial over LAN, IPMI 2.0 §15 and §24: the SOL payload (type 01h) of one RMCP+
 * session carries the host's serial console. One instance (SOL is instance 1 on the
 * LAN channel). Host output is gathered into packets (character accumulate interval and
 * send threshold, SOL parameter 3), each sent until the console acknowledges it (retry
 * count and interval, parameter 4); console input goes to the host as far as it takes
 * it, and the acknowledgement says how much it took. */
#ifndef BMC_CORE_SOL_H
#define BMC_CORE_SOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bmc;
struct bmc_session;

/* Characters per SOL packet, each way (Activate Payload's payload sizes less the
 * 4-byte SOL header). Below the 256-byte message limit once encrypted. */
#define BMC_SOL_MAX_CHARS 200
#define BMC_SOL_HEADER 4
/* Host output waiting to be packed: a few packets' worth; the port holds the rest
 * (it stops reading the host while this is full). */
#define BMC_SOL_OUTBUF 2048

struct bmc_sol {
	bool active;
	uint32_t session_id;  /* bmc_sid of the session that activated it */
	/* BMC -> console */
	uint8_t out[BMC_SOL_OUTBUF];
	uint16_t out_head, out_len;
	uint64_t first_char_ms;   /* when the oldest unsent character arrived */
	uint8_t pkt[BMC_SOL_MAX_CHARS];
	uint8_t pkt_len;          /* characters in the packet in flight */
	uint8_t tx_seq;           /* its sequence number 1..15; 0: nothing in flight */
	uint8_t last_tx_seq;
	uint8_t tries_left;
	uint64_t retry_ms;        /* when to send it again */
	uint64_t last_tx_ms;      /* when a copy of it last went out */
	bool resent;              /* it went out more than once */
	uint64_t quiet_until;     /* no new packet before then (see pump) */
	uint32_t ack_sseq;        /* session sequence number of the last ACK that counted */
	uint8_t pending_status;   /* status bits for the next packet (break detected, overrun) */
	/* console -> BMC */
	bool rx_seen;
	uint8_t rx_seq;           /* last packet taken from the console */
	uint8_t rx_accepted;      /* and how many of its characters the host took */
	bool rx_nack;
	uint32_t retransmits, dropped_packets, duplicates;
};

/* Activate / Deactivate Payload for SOL (§24.1, §24.2); return completion codes. */
uint8_t bmc_sol_activate(struct bmc *bmc, struct bmc_session *s, uint8_t aux0);
uint8_t bmc_sol_deactivate(struct bmc *bmc, struct bmc_session *s);
/* A SOL packet from session s (authenticated and decrypted already), which came with
 * RMCP+ session sequence number session_seq. */
void bmc_sol_input(struct bmc *bmc, struct bmc_session *s, uint32_t session_seq, const uint8_t *p, size_t len);
/* The session is going away: its SOL instance is freed. */
void bmc_sol_session_gone(struct bmc *bmc, uint32_t session_id);
/* Retransmissions and accumulated output. */
void bmc_sol_tick(struct bmc *bmc);
/* When bmc_sol_tick wants to run next (absolute ms), or 0 for "nothing due". */
uint64_t bmc_sol_deadline(const struct bmc *bmc);

#endif

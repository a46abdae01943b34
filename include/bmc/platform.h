/* What a port supplies to the core: time, randomness, sending, logging, persistence. */
#ifndef BMC_PLATFORM_H
#define BMC_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* A remote endpoint, transport-neutral. port is in host byte order. */
struct bmc_peer {
	uint8_t family; /* 4 or 6; 0 for non-IP transports */
	uint8_t addr[16];
	uint16_t port;
	uint16_t endpoint; /* the port's tag for the local socket / device it came in on */
};

enum bmc_log_level {
	BMC_LOG_ERROR,
	BMC_LOG_WARN,
	BMC_LOG_INFO,
	BMC_LOG_DEBUG,
};

enum bmc_reset_kind {
	BMC_RESET_COLD,
	BMC_RESET_WARM,
};

struct bmc_platform {
	void *ctx;
	/* Monotonic milliseconds. */
	uint64_t (*now_ms)(void *ctx);
	/* Seconds since 1970, for SEL time stamps and audit. */
	int64_t (*wall_time)(void *ctx);
	/* Fills buf from a CSPRNG. Returns 0, or negative when no randomness could be had. */
	int (*random)(void *ctx, void *buf, size_t len);
	/* Sends one datagram / frame out of the channel the peer belongs to. */
	void (*send)(void *ctx, uint8_t channel, const struct bmc_peer *peer, const void *buf, size_t len);
	/* One formatted line, without a newline. */
	void (*log)(void *ctx, enum bmc_log_level level, const char *msg);
	/* Stores the newest value of record (type, key); len 0 deletes it. The record is
	 * durable when this returns 0. */
	int (*store_put)(void *ctx, uint16_t type, uint16_t key, const void *data, size_t len);
	/* Asks the port to reset the BMC after the current reply has been sent. May be NULL. */
	void (*reset)(void *ctx, enum bmc_reset_kind kind);
	/* Puts one frame on IPMB channel `channel` (channel 0, the primary IPMB); its first
	 * byte is the destination slave address. Returns 0 when a device acknowledged it,
	 * -1 when none did (NAK), -2 on a bus error. The frame must be delivered later, not
	 * from inside this call; frames for this controller come in through bmc_input on
	 * the same channel. NULL: this controller has no IPMB. */
	int (*ipmb_send)(void *ctx, uint8_t channel, const void *frame, size_t len);
};

#endif

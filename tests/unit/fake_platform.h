/* An in-memory platform for unit tests and fuzz targets: a settable clock, a
 * deterministic random stream, captured sends and an in-memory store. */
#ifndef BMC_FAKE_PLATFORM_H
#define BMC_FAKE_PLATFORM_H

#include "bmc/bmc.h"
#include "bmc/platform.h"
#include "dispatch.h"

#define FAKE_MAX_SENT 8
#define FAKE_MAX_RECS 8192

struct fake_rec {
	uint16_t type, key;
	uint8_t *value; /* from a static arena: never freed, never reported as a leak */
	size_t cap;
	size_t len;
	uint32_t seq; /* order of the last write: replay follows it, like the file store */
	bool used;
};

struct fake_platform {
	uint64_t now_ms;
	uint32_t rng_state;
	int store_fail;          /* store_put fails while non-zero */
	unsigned sent_count;     /* total sends */
	uint8_t sent[FAKE_MAX_SENT][1024];
	size_t sent_len[FAKE_MAX_SENT];
	unsigned nrecs;
	uint32_t seq;
	struct fake_rec recs[FAKE_MAX_RECS];
	bool quiet;              /* suppress log output */
	int resets;
	/* IPMB (fake_bmc_new_ipmb): frames sent, the newest FAKE_MAX_SENT kept, and the
	 * answer ipmb_send gives (0 ACK, -1 NAK, -2 bus error). */
	unsigned ipmb_count;
	uint8_t ipmb[FAKE_MAX_SENT][64];
	size_t ipmb_len[FAKE_MAX_SENT];
	int ipmb_rc;
};

/* Fills plat with ops bound to fp (zeroed first). */
void fake_platform_init(struct fake_platform *fp, struct bmc_platform *plat);
/* The newest datagram sent, or NULL; its length in *len. */
const uint8_t *fake_last_sent(const struct fake_platform *fp, size_t *len);
/* Replays every stored record into bmc (as a restart would). */
void fake_replay(const struct fake_platform *fp, struct bmc *bmc);
/* The stored record (type, key), or NULL. */
const struct fake_rec *fake_find_rec(const struct fake_platform *fp, uint16_t type, uint16_t key);
/* A restart: a new bmc with old's platform, backend and configuration, replaying what
 * fp stored, started; old is freed. Aborts if the new bmc does not start. */
struct bmc *fake_restart(const struct fake_platform *fp, struct bmc *old);
/* A bmc on the heap, initialised with cfg (defaults when NULL), started, and with user 2
 * "admin"/"password" provisioned when provision is true. */
struct bmc *fake_bmc_new(struct fake_platform *fp, const struct bmc_config *cfg, bool provision);
/* The same with a backend (copied); NULL backend = none. */
struct bmc *fake_bmc_new_with(struct fake_platform *fp, const struct bmc_config *cfg,
			      const struct bmc_backend *be, bool provision);
/* The same on a platform with an IPMB (channel 0): frames land in fp->ipmb. */
struct bmc *fake_bmc_new_ipmb(struct fake_platform *fp, const struct bmc_config *cfg,
			      const struct bmc_backend *be, bool provision);
/* The newest IPMB frame sent, or NULL. */
const uint8_t *fake_last_ipmb(const struct fake_platform *fp, size_t *len);

/* A command's answer as the unit tests look at it. */
struct rsp {
	uint8_t cc;
	uint8_t data[BMC_MAX_MSG];
	size_t len;
};
/* Dispatches req and returns the completion code and data, the response limited to cap
 * bytes (0: BMC_MAX_MSG), as a transport's buffer would limit it. */
struct rsp fake_dispatch(struct bmc *bmc, const struct bmc_req *req, size_t cap);

#endif

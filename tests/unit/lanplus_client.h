/* A minimal RMCP+ console for unit tests and fuzz seeds: builds and checks the bytes
 * a real console sends, driving a bmc through a fake platform. Written from the spec,
 * separately from core/; interoperability itself is proven by the real clients. */
#ifndef BMC_LANPLUS_CLIENT_H
#define BMC_LANPLUS_CLIENT_H

#include "bmc/bmc.h"
#include "bmc/crypto.h"
#include "fake_platform.h"

struct lc {
	struct bmc *bmc;
	struct fake_platform *fp;
	struct bmc_peer peer;
	uint8_t suite_auth, suite_integ, suite_conf;
	char user[17];
	char password[21];
	uint8_t kg[20];
	bool kg_set;
	uint8_t role;
	uint32_t csid, bsid;
	uint8_t rm[16], rc[16], guid[16];
	uint8_t sik[32], k1[32], k2[32];
	uint32_t seq;
	uint8_t rq_seq;
	uint8_t last_status; /* RMCP+ status of the last set-up reply */
	uint8_t last[1024];  /* last packet sent, for replay tests */
	size_t last_len;
};

/* suite: 3 or 17 (or any id whose algorithms the client knows). */
void lc_init(struct lc *c, struct bmc *bmc, struct fake_platform *fp, uint8_t suite, const char *user,
	     const char *password);
/* Sends raw bytes from the client's peer; returns the reply, or NULL if none came. */
const uint8_t *lc_xfer(struct lc *c, const uint8_t *pkt, size_t len, size_t *rlen);
/* Each step returns 0 when the reply arrived, had status 0 and verified; -1 otherwise
 * (c->last_status holds the RMCP+ status when a reply came). */
int lc_open_session(struct lc *c, uint8_t max_priv);
int lc_rakp1(struct lc *c, uint8_t role);  /* verifies RAKP 2's HMAC with the password */
int lc_rakp3(struct lc *c);                /* verifies RAKP 4 and derives the keys */
int lc_login(struct lc *c, uint8_t priv);  /* all of the above + Set Session Privilege */
/* Builds a bare IPMI request message (addresses, checksums, the client's rqSeq). */
size_t lc_msg(struct lc *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *out);
/* Builds an in-session request into out (also kept in c->last). */
size_t lc_build(struct lc *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *out,
		size_t cap);
/* Wraps an already built IPMI message (any bytes) as the next in-session packet. */
size_t lc_wrap(struct lc *c, const uint8_t *msg, size_t mlen, uint8_t *out, size_t cap);
/* The same for any payload type (01h: a SOL packet). */
size_t lc_wrap_payload(struct lc *c, uint8_t ptype, const uint8_t *msg, size_t mlen, uint8_t *out, size_t cap);
/* Sends an in-session request; writes the completion code and response data. Returns 0
 * when a valid, authenticated reply arrived. */
int lc_cmd(struct lc *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *cc,
	   uint8_t *rsp, size_t *rsp_len);
/* Verifies and decrypts one in-session packet from the BMC (for replies that come on
 * their own, such as a bridged response); writes the IPMI message. Returns 0 or -1. */
int lc_unwrap(struct lc *c, const uint8_t *pkt, size_t len, uint8_t *msg, size_t *msg_len);
/* Same, outside a session, in the IPMI 1.5 format (session id 0, auth type none). */
int lc_cmd15(struct lc *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *cc,
	     uint8_t *rsp, size_t *rsp_len);

#endif

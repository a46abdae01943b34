/* RMCP+ session set-up: Open Session and RAKP messages 1-4, IPMI 2.0 §13.17-13.24,
 * §13.31-13.32. */
#ifndef BMC_CORE_RAKP_H
#define BMC_CORE_RAKP_H

#include "state.h"

void bmc_rakp_open_session(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *p,
			   size_t len);
void bmc_rakp_1(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *p, size_t len);
void bmc_rakp_3(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *p, size_t len);

/* Key derivation, exposed for known-answer tests. hash_len is 20 or 32. */
void bmc_rakp_derive(enum bmc_hash h, const uint8_t *kg, size_t kg_len, const uint8_t rm[16],
		     const uint8_t rc[16], uint8_t role, const char *uname, uint8_t ulen, uint8_t sik[BMC_HASH_MAX],
		     uint8_t k1[BMC_HASH_MAX], uint8_t k2[BMC_HASH_MAX]);

void bmc_rakp2_code(enum bmc_hash h, const uint8_t key[20], uint32_t csid, uint32_t bsid, const uint8_t rm[16],
		    const uint8_t rc[16], const uint8_t guid[16], uint8_t role, const char *uname, uint8_t ulen,
		    uint8_t out[BMC_HASH_MAX]);
void bmc_rakp3_code(enum bmc_hash h, const uint8_t key[20], const uint8_t rc[16], uint32_t csid, uint8_t role,
		    const char *uname, uint8_t ulen, uint8_t out[BMC_HASH_MAX]);
void bmc_rakp4_icv(enum bmc_hash h, const uint8_t *sik, const uint8_t rm[16], uint32_t bsid, const uint8_t guid[16],
		   uint8_t out[BMC_HASH_MAX]);

#endif

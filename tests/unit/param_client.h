/* Client side of Get/Set LAN Configuration Parameters (IPMI 2.0 §23.1-23.2), Serial/Modem
 * Configuration (§25.1-25.2) and SOL Configuration Parameters (§26.2-26.3) for unit
 * tests: the three share one request layout and the revision byte 11h, so one set of
 * helpers drives any of them.
 *
 * Define these before including, then use get / get_sel / set / set_ch / expect and
 * EXPECT / SET / SET_CC:
 *   PARAM_GET_CMD, PARAM_SET_CMD    the command numbers (NetFn Transport)
 *   PARAM_GET_PRIV, PARAM_SET_PRIV  the privilege the requests are sent with
 *   PARAM_CHAN (optional)           the channel get / set name; 1 (LAN) unless defined */
#ifndef BMC_TEST_PARAM_CLIENT_H
#define BMC_TEST_PARAM_CLIENT_H

#include <string.h>

#include "fake_platform.h"

#ifndef PARAM_CHAN
#define PARAM_CHAN 1
#endif

static inline struct rsp xfer_on(struct bmc *bmc, uint8_t netfn, uint8_t cmd, uint8_t priv, uint8_t channel,
				 const uint8_t *data, size_t len)
{
	struct bmc_req req = {
		.netfn = netfn, .cmd = cmd, .channel = channel, .priv = priv, .data = data, .len = len,
	};
	return fake_dispatch(bmc, &req, 0);
}

static inline struct rsp get_sel(struct bmc *bmc, uint8_t chan, uint8_t param, uint8_t set_sel, uint8_t block_sel)
{
	const uint8_t q[4] = {chan, param, set_sel, block_sel};
	return xfer_on(bmc, NETFN_TRANSPORT, PARAM_GET_CMD, PARAM_GET_PRIV, CHANNEL_LAN, q, 4);
}

static inline struct rsp get(struct bmc *bmc, uint8_t param)
{
	return get_sel(bmc, PARAM_CHAN, param, 0, 0);
}

static inline uint8_t set_ch(struct bmc *bmc, uint8_t chan, uint8_t param, const uint8_t *data, size_t len)
{
	uint8_t q[64];
	assert_true(len + 2 <= sizeof q);
	q[0] = chan;
	q[1] = param;
	memcpy(q + 2, data, len);
	return xfer_on(bmc, NETFN_TRANSPORT, PARAM_SET_CMD, PARAM_SET_PRIV, CHANNEL_LAN, q, len + 2).cc;
}

static inline uint8_t set(struct bmc *bmc, uint8_t param, const uint8_t *data, size_t len)
{
	return set_ch(bmc, PARAM_CHAN, param, data, len);
}

/* Get must answer 00, revision 11h and exactly `want`. */
static inline void expect(struct bmc *bmc, uint8_t param, const uint8_t *want, size_t len)
{
	struct rsp r = get(bmc, param);
	assert_int_equal(r.cc, CC_OK);
	assert_int_equal(r.len, len + 1);
	assert_int_equal(r.data[0], 0x11);
	assert_memory_equal(r.data + 1, want, len);
}

#define EXPECT(bmc, param, ...)                                                                                \
	do {                                                                                                   \
		const uint8_t want_[] = {__VA_ARGS__};                                                         \
		expect(bmc, param, want_, sizeof want_);                                                       \
	} while (0)

#define SET(bmc, param, ...)                                                                                   \
	do {                                                                                                   \
		const uint8_t v_[] = {__VA_ARGS__};                                                            \
		assert_int_equal(set(bmc, param, v_, sizeof v_), CC_OK);                                       \
		expect(bmc, param, v_, sizeof v_);                                                             \
	} while (0)

#define SET_CC(bmc, cc, param, ...)                                                                            \
	do {                                                                                                   \
		const uint8_t v_[] = {__VA_ARGS__};                                                            \
		assert_int_equal(set(bmc, param, v_, sizeof v_), cc);                                          \
	} while (0)

#endif

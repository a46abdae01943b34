/* bmc_input: everything a network peer can send. The first byte picks the path:
 *   bits 0-1  0: one raw datagram before any session
 *             1: up to 8 datagrams, each prefixed by its length byte (multi-step set-up;
 *                session ids come from the fake platform's fixed random stream)
 *             2: log in (suite 17, ADMINISTRATOR), then the rest is one IPMI message
 *                sent correctly encrypted and authenticated: every handler, every field
 *             3: log in, then length-prefixed raw datagrams (the in-session parser)
 *   bit 2     weakened configuration: all suites, anonymous login, IPMI 1.5
 *   bit 3     the platform has an IPMB (channel 0): in mode 0 the bytes are one frame
 *             from the bus; in every mode each frame the BMC puts on the bus is
 *             answered by a made-up responder, so tracked responses are delivered
 * Each input gets a fresh BMC on a small scripted platform (two temperature sensors,
 * one discrete), so runs are independent and reproducible. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_backend.h"
#include "lanplus_client.h"

static void datagrams(struct lc *c, const uint8_t *p, size_t n)
{
	size_t rlen;
	for (int i = 0; i < 8 && n > 0; i++) {
		size_t len = p[0];
		p++;
		n--;
		if (len > n)
			len = n;
		lc_xfer(c, p, len, &rlen);
		p += len;
		n -= len;
	}
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return (uint8_t)-s;
}

/* Every request the BMC put on the bus gets a response from its responder: addresses
 * swapped, response netfn, completion code 00h and one data byte. */
static void answer_bus(struct bmc *bmc, struct fake_platform *fp)
{
	unsigned n = fp->ipmb_count < FAKE_MAX_SENT ? fp->ipmb_count : FAKE_MAX_SENT;
	struct bmc_peer bus = {0};
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *q = fp->ipmb[i];
		if (fp->ipmb_len[i] < 7)
			continue;
		uint8_t r[9] = {q[3], (uint8_t)(q[1] + 4), 0, q[0], q[4], q[5], 0x00, 0x42, 0};
		r[2] = sum(r, 2);
		r[8] = sum(r + 3, 5);
		bmc_input(bmc, 0, &bus, r, sizeof r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	data++;
	size--;

	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	if (sel & 4) {
		cfg.cipher_suites = 0xFFFFFFFFu;
		cfg.anonymous_enabled = true;
		cfg.ipmi15_enabled = true;
	}
	/* A small platform, so sensor, SDR, chassis, watchdog and FRU handlers have
	 * something to work on. */
	static struct fake_backend fb;
	struct bmc_backend be;
	fake_backend_init(&fb, &be);
	fake_add_temp(&fb, "CPU1 Temp", 1, 45);
	fake_add_temp(&fb, "CPU2 Temp", 2, 95);
	fake_add_discrete(&fb, "Intrusion", 3, 0x05, 0x0001);
	struct fake_platform *fp = calloc(1, sizeof *fp);
	bool ipmb = sel & 8;
	struct bmc *bmc = ipmb ? fake_bmc_new_ipmb(fp, &cfg, &be, true) : fake_bmc_new_with(fp, &cfg, &be, true);
	struct bmc_peer bus = {0};
	struct lc c;
	lc_init(&c, bmc, fp, 17, "admin", "password");
	size_t rlen;

	switch (sel & 3) {
	case 0:
		if (ipmb)
			bmc_input(bmc, 0, &bus, data, size);
		else
			lc_xfer(&c, data, size, &rlen);
		break;
	case 1:
		datagrams(&c, data, size);
		break;
	case 2: {
		uint8_t pkt[512];
		if (lc_login(&c, 4) != 0)
			abort(); /* the harness itself is broken */
		size_t n = lc_wrap(&c, data, size, pkt, sizeof pkt);
		if (n)
			lc_xfer(&c, pkt, n, &rlen);
		break;
	}
	default:
		if (lc_login(&c, 4) != 0)
			abort();
		datagrams(&c, data, size);
		break;
	}
	if (ipmb)
		answer_bus(bmc, fp);
	/* Time passes: timers must cope with whatever state the input left. */
	fp->now_ms += 120000;
	bmc_tick(bmc);
	free(bmc);
	free(fp);
	return 0;
}

/* The SOL data path (IPMI 2.0 §15): a console logged in with suite 17 activates SOL,
 * then the input is a script of steps, each a selector byte and a length byte:
 *   selector % 4 == 0: the next `length` bytes are a SOL packet from the console
 *                      (sent correctly encrypted and authenticated: every byte reaches
 *                      the SOL parser)
 *                  1: the next `length` bytes are host console output
 *                  2: time passes: length * 7 ms, then the timers run
 *                  3: the host takes at most `length` bytes per write from now on
 * Each input gets a fresh BMC, so runs are independent and reproducible. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_backend.h"
#include "lanplus_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_backend fb;
	struct bmc_backend be;
	fake_backend_init(&fb, &be);
	struct fake_platform *fp = calloc(1, sizeof *fp);
	struct bmc *bmc = fake_bmc_new_with(fp, NULL, &be, true);
	struct lc c;
	lc_init(&c, bmc, fp, 17, "admin", "password");
	uint8_t cc, rsp[64];
	size_t rl;
	const uint8_t act[6] = {0x01, 0x01, 0xC0, 0, 0, 0};
	if (lc_login(&c, 4) != 0 || lc_cmd(&c, 0x06, 0x48, act, sizeof act, &cc, rsp, &rl) != 0 || cc != 0)
		abort(); /* the harness itself is broken */

	for (int steps = 0; steps < 64 && size >= 2; steps++) {
		uint8_t sel = data[0], len = data[1];
		data += 2;
		size -= 2;
		size_t n = len < size ? len : size;
		switch (sel % 4) {
		case 0: {
			uint8_t pkt[512];
			size_t plen = lc_wrap_payload(&c, 0x01, data, n, pkt, sizeof pkt);
			if (plen)
				lc_xfer(&c, pkt, plen, &rl);
			data += n;
			size -= n;
			break;
		}
		case 1:
			bmc_sol_host_output(bmc, data, n);
			data += n;
			size -= n;
			break;
		case 2:
			fp->now_ms += (uint64_t)len * 7;
			bmc_tick(bmc);
			break;
		default:
			fb.console_take = len;
			break;
		}
	}
	fp->now_ms += 120000;
	bmc_tick(bmc);
	free(bmc);
	free(fp);
	return 0;
}

/* LAN configuration parameters, IPMI 2.0 §23.1-23.2. */
#ifndef BMC_CORE_LANPARM_H
#define BMC_CORE_LANPARM_H

#include "state.h"

/* Fills bmc->lan from bmc->cfg (MAC, IP, netmask, gateway) and spec defaults. */
void bmc_lanparm_defaults(struct bmc *bmc);
/* Replays a STORE_LANPARM record. Returns 0 or negative. */
int bmc_lanparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len);
/* The most a session using cipher suite id `suite` may reach (param 24): PRIV_CALLBACK..
 * PRIV_OEM, or PRIV_NO_ACCESS (0x0F) when the suite is not enabled or its entry is 0
 * ("reserved", which clients use for "unused"). PRIV_NO_ACCESS is numerically the
 * largest value: test for it before comparing privilege levels. */
uint8_t bmc_lanparm_suite_priv(const struct bmc *bmc, uint8_t suite);

/* Present parameter revision reported by Get LAN Configuration Parameters (§23.2). */
#define BMC_LANPARM_REVISION 0x11

/* Command-specific completion codes of Set/Get LAN Configuration Parameters (§23.1). */
enum {
	CC_LANP_NOT_SUPPORTED = 0x80,
	CC_LANP_SET_IN_PROGRESS = 0x81, /* "set in progress" while not "set complete" */
	CC_LANP_READ_ONLY = 0x82,
};

/* Parameter selectors bmcd implements (§23.2 table 23-4). */
enum {
	LANP_SET_IN_PROGRESS = 0,
	LANP_AUTH_SUPPORT = 1,
	LANP_AUTH_ENABLES = 2,
	LANP_IP = 3,
	LANP_IP_SOURCE = 4,
	LANP_MAC = 5,
	LANP_NETMASK = 6,
	LANP_IPV4_HDR = 7,
	LANP_ARP_CTL = 10,
	LANP_GARP_INTERVAL = 11,
	LANP_GW_IP = 12,
	LANP_GW_MAC = 13,
	LANP_BGW_IP = 14,
	LANP_BGW_MAC = 15,
	LANP_COMMUNITY = 16,
	LANP_VLAN_ID = 20,
	LANP_VLAN_PRIO = 21,
	LANP_SUITE_COUNT = 22,
	LANP_SUITE_IDS = 23,
	LANP_SUITE_PRIV = 24,
	LANP_BAD_PW = 26,
};

/* Writes the revision byte and, unless rev_only, the data of LAN parameter `param` of
 * channel 1 to w. Returns an IPMI completion code. */
uint8_t bmc_lanparm_get(struct bmc *bmc, uint8_t param, uint8_t set_sel, uint8_t block_sel, bool rev_only,
			struct bmc_writer *w);
/* Validates, persists and then applies a write of `len` data bytes to LAN parameter
 * `param` of `channel`. Returns an IPMI completion code; memory is unchanged unless
 * CC_OK. */
uint8_t bmc_lanparm_set(struct bmc *bmc, uint8_t channel, uint8_t param, const uint8_t *data, size_t len);

#endif

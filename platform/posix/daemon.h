/* One running bmcd: configuration, sockets, store and the core, and the steps that
 * bring the core up (again, on a BMC reset). */
#ifndef BMCD_DAEMON_H
#define BMCD_DAEMON_H

#include <stdbool.h>

#include "bmc/bmc.h"
#include "config.h"
#include "console.h"
#include "control.h"
#include "fleet.h"
#include "ipmb_bus.h"
#include "net.h"
#include "satellite.h"
#include "secrets.h"
#include "serial.h"
#include "sim.h"
#include "store_file.h"

struct daemon {
	struct daemon_config cfg;
	struct net net;
	struct serial_port serial; /* channel 2; fd -1 without --serial */
	struct store_file *store;
	struct secrets secrets; /* seals passwords and Kg in the stores (secrets.h) */
	struct bmc *bmc; /* bmc_size() bytes, allocated once */
	bool bmc_fresh;  /* bmc is still the zero memory calloc gave: bmc_init_zeroed may skip clearing */
	struct sim sim;
	struct bmc_backend backend;
	struct bmc_platform platform;
	struct control ctl; /* the bmcctl socket, opened by daemon_loop */
	struct ipmb_bus bus; /* the simulated chassis' IPMB: the BMC and its satellites */
	struct satellite sats[SATELLITES_MAX];
	unsigned nsats;
	struct console console; /* the host's serial console, opened by daemon_loop */
	bool reset_pending; /* set by the core's reset op, acted on after the reply is sent */
	enum bmc_reset_kind reset_kind; /* of the pending reset; cold wins over warm */
	struct fleet *fleet; /* fleet mode (fleet.h): the members; bmc, sim, console unused */
};

/* platform_ops.c: the struct bmc_platform whose ctx is d. */
void daemon_platform_init(struct daemon *d);

/* lifecycle.c: bmc_init, open and replay the store, bmc_start, provision the first admin.
 * Returns 0 or -1 (logged). */
int daemon_core_start(struct daemon *d);
/* Creates user 2 "admin" with a random password written first to DIR/initial-admin-password
 * (DESIGN.md §5). Returns 0 or -1 (logged). */
int daemon_provision_admin(struct bmc *bmc, const char *dir);
/* Closes the store; the core memory stays for a restart. */
void daemon_core_stop(struct daemon *d);
/* Acts on a pending BMC reset: a cold one re-initialises the core in place (sessions
 * end, sockets stay open); a warm one keeps the core as it is. */
int daemon_core_reset(struct daemon *d);

/* loop.c: runs until SIGTERM or SIGINT (returns 0) or a fatal error (returns -1). */
int daemon_loop(struct daemon *d);

#endif

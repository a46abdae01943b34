/* Bringing the core up: the order is fixed by include/bmc/bmc.h — bmc_init, replay
 * every stored record, bmc_start — and then, on an empty state, the first admin. The
 * same steps run again in place when a client resets the BMC. */
#include <string.h>

#include "bmc/crypto.h"
#include "bmc/store.h"
#include "daemon.h"
#include "log.h"
#include "password.h"

#define LAN_CHANNEL 1

static void replay(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	struct daemon *d = arg;
	bmc_store_apply(d->bmc, type, key, value, len);
}

/* The password goes to a file before the store learns it: a crash in between leaves a
 * file whose password never became valid, and the next start (still needing an admin)
 * replaces it. The other order could leave a valid password nobody can read. */
int daemon_provision_admin(struct bmc *bmc, const char *dir)
{
	char pw[PASSWORD_LEN + 1], err[1400];
	int rc = -1;

	if (password_generate(pw)) {
		log_error("no randomness for the initial admin password");
		goto out;
	}
	if (password_write(dir, pw, err, sizeof err)) {
		log_error("cannot write the initial admin password: %s", err);
		goto out;
	}
	if (bmc_provision_admin(bmc, "admin", pw)) {
		log_error("cannot create the admin user");
		password_remove(dir);
		goto out;
	}
	log_warn("created user 'admin'; its password is in %s/%s (mode 0600): read it, log in, change it",
		 dir, PASSWORD_FILE);
	rc = 0;
out:
	bmc_wipe(pw, sizeof pw);
	return rc;
}

int daemon_core_start(struct daemon *d)
{
	char err[1400];

	int rc = d->bmc_fresh ? bmc_init_zeroed(d->bmc, &d->platform, &d->backend, &d->cfg.bmc)
			      : bmc_init(d->bmc, &d->platform, &d->backend, &d->cfg.bmc);
	d->bmc_fresh = false; /* a reset's re-initialisation must clear */
	if (rc) {
		log_error("core initialisation failed");
		return -1;
	}
	/* The configured Kg is the initial value; a key a client stored later wins. */
	if (d->cfg.kg_set)
		bmc_store_apply(d->bmc, STORE_KG, LAN_CHANNEL, d->cfg.kg, sizeof d->cfg.kg);
	err[0] = '\0';
	if (store_file_open_sealed(&d->store, d->cfg.state_dir, &d->secrets, replay, d, err, sizeof err)) {
		log_error("store: %s", err);
		return -1;
	}
	if (err[0])
		log_warn("store: %s", err);
	/* The start-up records (the sensors' first events in the SEL; on a first start the
	 * GUID and the admin user) share one fdatasync instead of one each: nothing is
	 * answered before this returns, so DESIGN.md §6 holds. The password file keeps its
	 * own fsync, which orders it before the user's record. (A cold reset may run
	 * inside a batch that already defers: its state is put back.) */
	bool was_deferring = store_file_deferring();
	store_file_defer(true);
	rc = bmc_start(d->bmc);
	if (rc)
		log_error("core start failed");
	else if (bmc_needs_admin(d->bmc))
		rc = daemon_provision_admin(d->bmc, d->cfg.state_dir);
	store_file_defer(was_deferring);
	if (store_file_commit_all(false)) {
		log_error("store: the start-up records could not be made durable");
		rc = -1;
	}
	if (rc)
		goto fail;
	/* Serial/Modem parameter 7 may hold a bit rate a client set. */
	serial_set_baud(&d->serial, bmc_serial_baud(d->bmc));
	return 0;
fail:
	daemon_core_stop(d);
	return -1;
}

void daemon_core_stop(struct daemon *d)
{
	if (d->store) {
		store_file_close(d->store);
		d->store = NULL;
	}
}

int daemon_core_reset(struct daemon *d)
{
	d->reset_pending = false;
	if (d->reset_kind == BMC_RESET_WARM) {
		/* IPMI 2.0 §20.3: a warm reset leaves the configuration, volatile settings and
		 * sessions alone (core/cmd_app.c). This port's communication interfaces are
		 * sockets the kernel keeps, so nothing is left to reset. Dropping the sessions
		 * here made ipmitool's Close Session after `mc reset warm` go unanswered. */
		log_info("BMC warm reset: sessions and settings kept");
		return 0;
	}
	daemon_core_stop(d);
	/* Sessions, keys and volatile settings vanish as on a real BMC reset. */
	bmc_wipe(d->bmc, bmc_size());
	if (daemon_core_start(d))
		return -1;
	log_info("BMC reset: core re-initialised from the store");
	return 0;
}

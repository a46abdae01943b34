/* bmcd: parse the command line and configuration, bind, prepare the state directory,
 * drop privileges, bring up the core and run the event loop.
 *
 * Sockets are bound before anything touches the state directory: a busy port or a bad
 * address fails fast with no side effects, and root is then needed for nothing else, so
 * the store and the password file are created by the user bmcd runs as.
 *
 * Exit status: 0 after SIGTERM/SIGINT, 2 for a bad command line, configuration or
 * listen address, 1 for any other failure. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bmc/crypto.h"
#include "daemon.h"
#include "log.h"
#include "privdrop.h"
#include "sandbox.h"
#include "secrets.h"
#include "statedir.h"

#define EXIT_USAGE 2

static struct daemon d; /* large (receive buffers); one per process */

static int usage_error(const char *msg)
{
	fprintf(stderr, "bmcd: %s\n", msg);
	return EXIT_USAGE;
}

static void print_weak(void *arg, const char *msg)
{
	fprintf(arg, "WARNING: %s\n", msg);
}

/* bmcd --check-config, like sshd -T: the effective settings after the file and the
 * command line, then the same weakened-settings list the start-up logs. Touches no
 * file but the configuration and binds nothing. */
static int check_config(void)
{
	char key[CONFIG_PATH_MAX + 8];

	if (config_secrets_key(&d.cfg, key, sizeof key))
		return usage_error("secrets key: the default path beside the state directory does not fit; set "
				   "[daemon] secrets_key");
	config_print(&d.cfg, stdout);
	unsigned n = config_weak_each(&d.cfg, print_weak, stdout);
	if (!sandbox_available() && d.cfg.seccomp != CONFIG_SECCOMP_OFF)
		printf("NOTE: this bmcd was built without libseccomp: seccomp = %s has no effect\n",
		       d.cfg.seccomp == CONFIG_SECCOMP_KILL ? "kill" : "errno");
	if (fflush(stdout) != 0)
		return EXIT_FAILURE;
	return n ? 1 : 0;
}

/* The key that seals passwords in the store is read (or made) here, while bmcd may
 * still be root: the file can then belong to root and stay out of reach of the user
 * bmcd becomes. */
static int load_secrets(char *err, size_t errlen)
{
	char path[CONFIG_PATH_MAX + 8];
	bool sealed = false;

	if (config_secrets_key(&d.cfg, path, sizeof path)) {
		snprintf(err, errlen, "secrets key: no default path for state directory %s; set [daemon] secrets_key",
			 d.cfg.state_dir);
		return -1;
	}
	if (store_file_has_sealed(d.cfg.state_dir, &sealed)) {
		snprintf(err, errlen, "%s/store.log: cannot read it", d.cfg.state_dir);
		return -1;
	}
	/* Fleet members' stores are sealed with the same key. */
	if (!sealed && d.fleet && fleet_any_sealed(d.fleet, &sealed)) {
		snprintf(err, errlen, "%s/%s: a member's store.log cannot be read", d.cfg.state_dir, FLEET_DIR);
		return -1;
	}
	if (secrets_load(&d.secrets, path, sealed, err, errlen))
		return -1;
	if (d.secrets.created)
		log_info("created secrets key %s (mode 0600): back it up apart from the state directory", path);
	return 0;
}

/* Fleet mode: the members from --fleet or --fleet-file, bound like --listen addresses
 * (before the state directory is touched). */
static int setup_fleet(const struct args *a, char *err, size_t errlen)
{
	unsigned n = 0;
	int rc = -1;
	struct fleet_entry *e = calloc(FLEET_MAX, sizeof *e);

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (a->fleet_file) {
		if (fleet_file_load(a->fleet_file, e, FLEET_MAX, &n, err, errlen))
			goto out;
	} else {
		char *end;
		unsigned long count = strtoul(a->fleet_count, &end, 10);
		if (*end || a->fleet_count[0] < '0' || a->fleet_count[0] > '9' || count == 0 || count > FLEET_MAX) {
			snprintf(err, errlen, "--fleet: '%.20s' is not a member count 1..%d", a->fleet_count, FLEET_MAX);
			goto out;
		}
		if (fleet_generate((unsigned)count, a->fleet_base ? a->fleet_base : "127.0.4.1", a->fleet_ports, 1, e,
				   FLEET_MAX, &n, err, errlen))
			goto out;
	}
	if (fleet_check_unique(e, n, err, errlen))
		goto out;
	d.fleet = calloc(1, sizeof *d.fleet);
	if (!d.fleet) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (fleet_bind(d.fleet, &d, e, n, err, errlen))
		goto out;
	char first[ADDR_TEXT_MAX], last[ADDR_TEXT_MAX];
	addr_format(&e[0].addr, first, sizeof first);
	addr_format(&e[n - 1].addr, last, sizeof last);
	log_info("fleet: %u members listening (UDP) from %s (%s) to %s (%s)", n, e[0].name, first, e[n - 1].name, last);
	if (d.cfg.serial_device[0])
		log_warn("fleet mode: [serial] device ignored (members have no serial channel)");
	rc = 0;
out:
	free(e);
	return rc;
}

static int setup(int argc, char **argv, uid_t *uid, gid_t *gid, int *done)
{
	struct args a;
	char err[1400];

	*done = 0;
	if (args_parse(argc, argv, &a, err, sizeof err))
		return usage_error(err);
	if (a.help || a.version) {
		if (a.help)
			args_usage(stdout);
		else
			printf("bmcd %s\n", BMC_VERSION);
		*done = 1;
		return 0;
	}
	config_defaults(&d.cfg);
	if (a.config_path && config_load(&d.cfg, a.config_path, err, sizeof err))
		return usage_error(err);
	if (args_apply(&a, &d.cfg, err, sizeof err))
		return usage_error(err);
	if (a.check_config) {
		*done = 1;
		return check_config();
	}
	log_set_level(d.cfg.log_level);
	log_info("starting bmcd %s", BMC_VERSION);
	if (privdrop_lookup(d.cfg.user, uid, gid, err, sizeof err))
		return usage_error(err);
	config_warn_weak(&d.cfg);
	if (a.fleet_count || a.fleet_file) {
		if (setup_fleet(&a, err, sizeof err)) {
			if (d.fleet) {
				fleet_stop(d.fleet);
				free(d.fleet);
				d.fleet = NULL;
			}
			return usage_error(err);
		}
		d.serial.fd = -1;
		return 0;
	}
	if (net_open(&d.net, d.cfg.listen, d.cfg.nlisten, err, sizeof err))
		return usage_error(err);
	for (unsigned i = 0; i < d.net.n; i++) {
		char text[ADDR_TEXT_MAX];
		addr_format(&d.net.addr[i], text, sizeof text);
		log_info("listening on %s (UDP)", text);
	}
	/* Opened with the sockets, before privileges are dropped. */
	d.serial.fd = -1;
	if (d.cfg.serial_device[0]) {
		if (serial_open(&d.serial, d.cfg.serial_device, d.cfg.bmc.serial_baud, err, sizeof err)) {
			net_close(&d.net);
			return usage_error(err);
		}
		log_info("serial channel 2 on %s", d.cfg.serial_device);
	}
	/* SOL travels in the RMCP+ sessions of the first address (SOL parameter 8). */
	struct bmc_peer first;
	if (d.net.n && addr_to_peer(&d.net.addr[0].ss, 0, &first) == 0)
		d.cfg.bmc.lan_port = first.port;
	return 0;
}

/* Host console output goes to the SOL session, if any (core/sol.c). */
static size_t sol_sink(void *ctx, const uint8_t *buf, size_t len)
{
	struct daemon *dm = ctx;
	return bmc_sol_host_output(dm->bmc, buf, len);
}

int main(int argc, char **argv)
{
	sigset_t mask;
	uid_t uid;
	gid_t gid;
	char err[1400];
	int done, rc = EXIT_FAILURE;

	/* Block the loop's signals before anything else, so they queue for its signalfd. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	int st = setup(argc, argv, &uid, &gid, &done);
	if (st || done) {
		config_wipe(&d.cfg);
		return st;
	}
	if (statedir_prepare(d.cfg.state_dir, uid, gid, err, sizeof err) || load_secrets(err, sizeof err) ||
	    privdrop_apply(uid, gid, err, sizeof err)) {
		log_error("%s", err);
		goto out_net;
	}
	if (d.fleet) {
		/* The members start (in threads: fleet.h) after the privilege drop and before the
		 * filter; no datagram is read until the loop runs, under the filter. */
		daemon_platform_init(&d);
		if (fleet_start(d.fleet))
			goto out_net;
		if (sandbox_apply_flags(d.cfg.seccomp, SANDBOX_UDP_SOCKETS, err, sizeof err)) {
			log_error("%s", err);
			goto out_net;
		}
		if (daemon_loop(&d) == 0)
			rc = EXIT_SUCCESS;
		goto out_net;
	}
	if (sandbox_apply(d.cfg.seccomp, err, sizeof err)) {
		log_error("%s", err);
		goto out_net;
	}
	/* calloc: fresh zero pages, so that bmc_init_zeroed leaves the parts of the state
	 * nothing uses (most of a 4,096-entry SEL, the sensor slots) unmapped: idle RSS. */
	d.bmc = calloc(1, bmc_size());
	d.bmc_fresh = true;
	if (!d.bmc) {
		log_error("out of memory");
		goto out_net;
	}
	sim_init(&d.sim, &d.cfg.sim, &d.backend);
	console_init(&d.console, d.cfg.sol_console, &d.sim);
	console_bind_backend(&d.console, &d.backend);
	console_set_sink(&d.console, sol_sink, &d);
	daemon_platform_init(&d);
	ipmb_bus_init(&d.bus);
	if (daemon_core_start(&d) == 0) {
		if (ipmb_bus_attach(&d.bus, d.cfg.bmc.slave_addr, d.bmc) == 0 && satellites_start(&d) == 0 &&
		    daemon_loop(&d) == 0)
			rc = EXIT_SUCCESS;
		satellites_stop(&d);
		daemon_core_stop(&d);
	}
	bmc_wipe(d.bmc, bmc_size()); /* passwords and session keys */
	free(d.bmc);
out_net:
	if (d.fleet) {
		fleet_stop(d.fleet);
		free(d.fleet);
	}
	serial_close(&d.serial);
	net_close(&d.net);
	config_wipe(&d.cfg);
	secrets_wipe(&d.secrets);
	log_info("stopped");
	return rc;
}

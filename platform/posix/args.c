/* Command-line parsing with getopt_long; errors are reported by the caller, exit 2. */
#include "args.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

enum { OPT_HELP = 'h', OPT_VERSION = 'V', OPT_CONFIG = 'c', OPT_STATE = 's', OPT_LISTEN = 'l', OPT_FG = 'f',
       OPT_LOG = 'L', OPT_USER = 'u', OPT_SERIAL = 'S', OPT_KEY = 'K', OPT_CHECK = 'T',
       OPT_FLEET = 0x100, OPT_FLEET_BASE, OPT_FLEET_FILE, OPT_FLEET_PORTS };

static const struct option options[] = {
	{"config", required_argument, NULL, OPT_CONFIG},
	{"state-dir", required_argument, NULL, OPT_STATE},
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"foreground", no_argument, NULL, OPT_FG},
	{"log-level", required_argument, NULL, OPT_LOG},
	{"user", required_argument, NULL, OPT_USER},
	{"serial", required_argument, NULL, OPT_SERIAL},
	{"secrets-key", required_argument, NULL, OPT_KEY},
	{"check-config", no_argument, NULL, OPT_CHECK},
	{"fleet", required_argument, NULL, OPT_FLEET},
	{"fleet-base", required_argument, NULL, OPT_FLEET_BASE},
	{"fleet-file", required_argument, NULL, OPT_FLEET_FILE},
	{"fleet-ports", no_argument, NULL, OPT_FLEET_PORTS},
	{"help", no_argument, NULL, OPT_HELP},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

void args_usage(FILE *out)
{
	fputs("usage: bmcd [--config FILE] [--state-dir DIR] [--listen ADDR[:PORT]]...\n"
	      "            [--foreground] [--log-level error|warn|info|debug] [--user NAME]\n"
	      "            [--serial DEVICE] [--secrets-key FILE] [--check-config]\n"
	      "            [--fleet N [--fleet-base ADDR[:PORT]] [--fleet-ports] | --fleet-file FILE]\n"
	      "            [--help] [--version]\n"
	      "\n"
	      "An IPMI 2.0 BMC daemon (RMCP+ over UDP). Secure by default: cipher suite 17\n"
	      "only, no IPMI 1.5, no anonymous login, a random admin password written to\n"
	      "DIR/initial-admin-password on first start.\n"
	      "\n"
	      "  --config FILE       INI configuration (see docs/configuration.md)\n"
	      "  --state-dir DIR     persistent state, created with mode 0700 (default ./bmcd-state)\n"
	      "  --listen ADDR[:PORT] UDP address to serve; repeat for more; replaces the\n"
	      "                      file's [lan] listen (default 127.0.0.1:623, IPv6 as [::1]:623)\n"
	      "  --foreground        accepted for compatibility: bmcd always stays in the\n"
	      "                      foreground and logs to stderr (run it under a supervisor)\n"
	      "  --log-level LEVEL   error, warn, info (default) or debug\n"
	      "  --user NAME         when started as root: switch to NAME after binding\n"
	      "  --serial DEVICE     serve IPMI Basic and Terminal Mode (channel 2) on this\n"
	      "                      tty or pty; replaces [serial] device (default: off)\n"
	      "  --secrets-key FILE  key sealing passwords and Kg in the store (default\n"
	      "                      DIR.key beside the state directory; made if missing)\n"
	      "  --check-config      print the effective settings and a WARNING line per\n"
	      "                      weakened one, then exit: 0 fine, 1 weakened, 2 invalid\n"
	      "  --fleet N           fleet mode: N independent BMCs node0001.. in this process,\n"
	      "                      each with its own state in DIR/members/NAME (docs/fleet.md)\n"
	      "  --fleet-base ADDR[:PORT]  the first member's address (default 127.0.4.1:623);\n"
	      "                      the others take consecutive addresses on the same port\n"
	      "  --fleet-ports       members share ADDR and take consecutive ports instead\n"
	      "  --fleet-file FILE   the members from an INI file ([member NAME] listen = ...)\n"
	      "  --help, --version   print this text or the version and exit\n",
	      out);
}

int args_parse(int argc, char **argv, struct args *a, char *err, size_t errlen)
{
	int opt;

	memset(a, 0, sizeof *a);
	opterr = 0; /* we report errors ourselves, naming the option */
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (opt) {
		case OPT_CONFIG:
			a->config_path = optarg;
			break;
		case OPT_STATE:
			a->state_dir = optarg;
			break;
		case OPT_LISTEN:
			if (a->nlisten >= CONFIG_MAX_LISTEN) {
				snprintf(err, errlen, "--listen: at most %d addresses", CONFIG_MAX_LISTEN);
				return -1;
			}
			a->listen[a->nlisten++] = optarg;
			break;
		case OPT_FG:
			break;
		case OPT_LOG:
			a->log_level = optarg;
			break;
		case OPT_USER:
			a->user = optarg;
			break;
		case OPT_SERIAL:
			a->serial = optarg;
			break;
		case OPT_KEY:
			a->secrets_key = optarg;
			break;
		case OPT_CHECK:
			a->check_config = true;
			break;
		case OPT_FLEET:
			a->fleet_count = optarg;
			break;
		case OPT_FLEET_BASE:
			a->fleet_base = optarg;
			break;
		case OPT_FLEET_FILE:
			a->fleet_file = optarg;
			break;
		case OPT_FLEET_PORTS:
			a->fleet_ports = true;
			break;
		case OPT_HELP:
			a->help = true;
			break;
		case OPT_VERSION:
			a->version = true;
			break;
		case ':':
			snprintf(err, errlen, "%s: missing argument (try --help)", argv[optind - 1]);
			return -1;
		default:
			snprintf(err, errlen, "%s: unknown option (try --help)", argv[optind - 1]);
			return -1;
		}
	}
	if ((a->fleet_base || a->fleet_ports) && !a->fleet_count) {
		snprintf(err, errlen, "--fleet-base and --fleet-ports need --fleet N");
		return -1;
	}
	if (a->fleet_count && a->fleet_file) {
		snprintf(err, errlen, "--fleet and --fleet-file exclude each other (a fleet file can generate members: [fleet] count)");
		return -1;
	}
	if ((a->fleet_count || a->fleet_file) && (a->nlisten || a->serial)) {
		snprintf(err, errlen, "%s: fleet members have their own addresses and no serial channel",
			 a->nlisten ? "--listen" : "--serial");
		return -1;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (try --help)", argv[optind]);
		return -1;
	}
	return 0;
}

int args_apply(const struct args *a, struct daemon_config *c, char *err, size_t errlen)
{
	char why[200];

	if (a->nlisten)
		c->nlisten = 0;
	for (unsigned i = 0; i < a->nlisten; i++) {
		if (config_add_listen(c, a->listen[i], why, sizeof why)) {
			snprintf(err, errlen, "--listen: %s", why);
			return -1;
		}
	}
	if (a->state_dir && config_set_text(c->state_dir, sizeof c->state_dir, a->state_dir)) {
		snprintf(err, errlen, "--state-dir: path empty or too long");
		return -1;
	}
	if (a->log_level && log_level_parse(a->log_level, &c->log_level)) {
		snprintf(err, errlen, "--log-level: '%.32s' is not error, warn, info or debug", a->log_level);
		return -1;
	}
	if (a->user && config_set_text(c->user, sizeof c->user, a->user)) {
		snprintf(err, errlen, "--user: name empty or too long");
		return -1;
	}
	if (a->serial && config_set_text(c->serial_device, sizeof c->serial_device, a->serial)) {
		snprintf(err, errlen, "--serial: path empty or too long");
		return -1;
	}
	if (a->secrets_key && config_set_text(c->secrets_key, sizeof c->secrets_key, a->secrets_key)) {
		snprintf(err, errlen, "--secrets-key: path empty or too long");
		return -1;
	}
	c->bmc.serial_enabled = c->serial_device[0] != '\0';
	if (c->nlisten == 0 && config_add_listen(c, "127.0.0.1", why, sizeof why)) {
		snprintf(err, errlen, "default listen address: %s", why);
		return -1;
	}
	return 0;
}

/* Fleet descriptions (platform/posix/fleet.c): member names, generated fleets
 * (--fleet N --fleet-base ADDR), the fleet file parser and the uniqueness check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "fleet.h"
#include "state.h"

static struct fleet_entry e[FLEET_MAX];
static char err[600];

static void text_of(const struct fleet_entry *x, char *out, size_t cap)
{
	addr_format(&x->addr, out, cap);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(fleet_name_valid("node0001"));
	assert_true(fleet_name_valid("rack-1.slot_2"));
	assert_false(fleet_name_valid(""));
	assert_false(fleet_name_valid(".."));
	assert_false(fleet_name_valid("../x"));
	assert_false(fleet_name_valid("-x"));
	assert_false(fleet_name_valid("a b"));
	assert_false(fleet_name_valid("a/b"));
	assert_false(fleet_name_valid("a\nb"));
	assert_true(fleet_name_valid("abcdefghijabcdefghijabcdefghij12"));   /* 32 */
	assert_false(fleet_name_valid("abcdefghijabcdefghijabcdefghij123")); /* 33 */
}

static void test_generate(void **state)
{
	char t[ADDR_TEXT_MAX];
	unsigned n = 0;
	(void)state;
	assert_int_equal(fleet_generate(1000, "127.0.4.1:623", false, 1, e, FLEET_MAX, &n, err, sizeof err), 0);
	assert_int_equal(n, 1000);
	assert_string_equal(e[0].name, "node0001");
	assert_string_equal(e[999].name, "node1000");
	text_of(&e[0], t, sizeof t);
	assert_string_equal(t, "127.0.4.1:623");
	text_of(&e[255], t, sizeof t);
	assert_string_equal(t, "127.0.5.0:623");
	text_of(&e[999], t, sizeof t);
	assert_string_equal(t, "127.0.7.232:623");
	assert_int_equal(fleet_check_unique(e, n, err, sizeof err), 0);

	/* The port defaults to 623; one port each. */
	n = 0;
	assert_int_equal(fleet_generate(3, "127.0.0.1", false, 1, e, FLEET_MAX, &n, err, sizeof err), 0);
	text_of(&e[2], t, sizeof t);
	assert_string_equal(t, "127.0.0.3:623");
	n = 0;
	assert_int_equal(fleet_generate(3, "127.0.0.1:9000", true, 1, e, FLEET_MAX, &n, err, sizeof err), 0);
	text_of(&e[2], t, sizeof t);
	assert_string_equal(t, "127.0.0.1:9002");

	/* Refused: 0 or too many, IPv6, junk, running past the last port or address. */
	n = 0;
	assert_int_equal(fleet_generate(0, "127.0.0.1", false, 1, e, FLEET_MAX, &n, err, sizeof err), -1);
	assert_int_equal(fleet_generate(FLEET_MAX + 1, "127.0.0.1", false, 1, e, FLEET_MAX, &n, err, sizeof err), -1);
	assert_int_equal(fleet_generate(2, "[::1]:623", false, 1, e, FLEET_MAX, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "IPv4"));
	assert_int_equal(fleet_generate(2, "localhost", false, 1, e, FLEET_MAX, &n, err, sizeof err), -1);
	assert_int_equal(fleet_generate(3, "127.0.0.1:65534", true, 1, e, FLEET_MAX, &n, err, sizeof err), -1);
	assert_int_equal(fleet_generate(3, "255.255.255.254", false, 1, e, FLEET_MAX, &n, err, sizeof err), -1);
	assert_int_equal(n, 0);
	/* cap is respected */
	assert_int_equal(fleet_generate(5, "127.0.0.1", false, 1, e, 4, &n, err, sizeof err), -1);
}

static void test_file(void **state)
{
	char t[ADDR_TEXT_MAX];
	unsigned n = 0;
	(void)state;
	const char *text = "# a fleet\n"
			   "[member web1]\n"
			   "listen = 127.0.0.1:9001\n"
			   "\n"
			   "[ member db-1 ]\r\n"
			   "  listen =  [::1]:9002  \r\n"
			   "; generated ones follow the named ones\n"
			   "[fleet]\n"
			   "count = 2\n"
			   "base = 127.0.6.1:700\n";
	assert_int_equal(fleet_file_parse(text, "f.ini", e, FLEET_MAX, &n, err, sizeof err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].name, "web1");
	assert_string_equal(e[1].name, "db-1");
	text_of(&e[1], t, sizeof t);
	assert_string_equal(t, "[::1]:9002");
	assert_string_equal(e[2].name, "node0003");
	text_of(&e[3], t, sizeof t);
	assert_string_equal(t, "127.0.6.2:700");

	n = 0;
	assert_int_equal(fleet_file_parse("[fleet]\ncount = 3\nbase = 127.0.0.1:9000\nports = port\n", "f", e,
					  FLEET_MAX, &n, err, sizeof err),
			 0);
	text_of(&e[2], t, sizeof t);
	assert_string_equal(t, "127.0.0.1:9002");
}

static void bad(const char *text, const char *why)
{
	unsigned n = 0;
	err[0] = '\0';
	assert_int_equal(fleet_file_parse(text, "f.ini", e, FLEET_MAX, &n, err, sizeof err), -1);
	if (!strstr(err, why))
		fail_msg("for %s: expected '%s' in '%s'", text, why, err);
}

static void test_file_errors(void **state)
{
	(void)state;
	bad("", "no members");
	bad("[member a]\n", "no listen");
	bad("[member a]\n[member b]\nlisten = 127.0.0.1\n", "f.ini:2: [member a] has no listen");
	bad("[member a]\nlisten = 127.0.0.1\nport = 4\n", "f.ini:3: unknown key 'port'");
	bad("listen = 127.0.0.1\n", "outside any [section]");
	bad("[lan]\n", "unknown section [lan]");
	bad("[member ../etc]\nlisten = 127.0.0.1\n", "bad member name");
	bad("[member]\nlisten = 127.0.0.1\n", "unknown section");
	bad("[member a]\nlisten = example.com\n", "f.ini:2: listen");
	bad("[member a\n", "malformed section header");
	bad("[member a]\nlisten\n", "expected 'key = value'");
	bad("[fleet]\ncount = 0\n", "count");
	bad("[fleet]\ncount = 5000\n", "count");
	bad("[fleet]\ncount = -1\n", "count");
	bad("[fleet]\nbase = 127.0.0.1\n", "base without count");
	bad("[fleet]\ncount = 2\nports = both\n", "ports");
	bad("[fleet]\ncount = 2\nbase = ::1\n", "IPv4");
}

static void test_unique(void **state)
{
	unsigned n = 0;
	(void)state;
	assert_int_equal(fleet_file_parse("[member a]\nlisten = 127.0.0.1:1\n[member a]\nlisten = 127.0.0.1:2\n", "f",
					  e, FLEET_MAX, &n, err, sizeof err),
			 0);
	assert_int_equal(fleet_check_unique(e, n, err, sizeof err), -1);
	assert_non_null(strstr(err, "member name a given twice"));
	n = 0;
	assert_int_equal(fleet_file_parse("[member a]\nlisten = 127.0.0.1:7\n[member b]\nlisten = 127.0.0.1:7\n", "f",
					  e, FLEET_MAX, &n, err, sizeof err),
			 0);
	assert_int_equal(fleet_check_unique(e, n, err, sizeof err), -1);
	assert_non_null(strstr(err, "members a and b both listen on 127.0.0.1:7"));
	/* A named member and a generated one on the same address. */
	n = 0;
	assert_int_equal(fleet_file_parse("[member node0002]\nlisten = 127.0.9.9\n[fleet]\ncount = 2\nbase = 127.0.9.9\n",
					  "f", e, FLEET_MAX, &n, err, sizeof err),
			 0);
	assert_int_equal(fleet_check_unique(e, n, err, sizeof err), -1);
}

/* bmc_init_zeroed (what fleet members use on fresh pages) leaves the core exactly as
 * bmc_init does on dirty memory. */
static void test_init_zeroed(void **state)
{
	struct fake_platform fp;
	struct bmc_platform p;
	struct bmc_config cfg;
	size_t size = bmc_size();
	(void)state;
	struct bmc *a = malloc(size), *b = calloc(1, size);
	assert_non_null(a);
	assert_non_null(b);
	memset(a, 0xA5, size);
	memset(&p, 0, sizeof p);
	memset(&cfg, 0, sizeof cfg);
	fake_platform_init(&fp, &p);
	bmc_config_defaults(&cfg);
	assert_int_equal(bmc_init(a, &p, NULL, &cfg), 0);
	assert_int_equal(bmc_init_zeroed(b, &p, NULL, &cfg), 0);
	/* The per-boot secret is random; everything else must match byte for byte. */
	memcpy(b->boot_secret, a->boot_secret, sizeof a->boot_secret);
	assert_memory_equal(a, b, size);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),    cmocka_unit_test(test_generate), cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_errors), cmocka_unit_test(test_unique), cmocka_unit_test(test_init_zeroed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

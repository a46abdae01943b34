/* The simulated host's console (backends/sim/host_console.c): boot text on power on,
 * getty-like echo, burst N exact and in order under any flow control, reboot, break,
 * silence while off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_console.h"

#define CAP (2u << 20)

/* A console line at the other end: keeps everything, takes at most `limit` bytes a call
 * (0 = unlimited) and nothing while `full`. */
static struct sink {
	uint8_t buf[CAP];
	size_t len;
	size_t limit;
	bool full;
	unsigned calls;
} sk;

static size_t take(void *ctx, const uint8_t *buf, size_t len)
{
	struct sink *s = ctx;
	s->calls++;
	if (s->full)
		return 0;
	if (s->limit && len > s->limit)
		len = s->limit;
	assert_true(s->len + len <= CAP);
	memcpy(s->buf + s->len, buf, len);
	s->len += len;
	return len;
}

static struct sim_host h;
static uint64_t now;

static void reset_sink(void)
{
	memset(&sk, 0, sizeof sk);
}

static void setup_host(void)
{
	reset_sink();
	now = 10000;
	sim_host_init(&h, take, &sk);
}

/* Pumps until the queue is empty (bounded). */
static void drain(void)
{
	for (int i = 0; i < 1000000 && sim_host_pump(&h, now); i++)
		;
}

static void type(const char *s)
{
	size_t n = strlen(s);
	const uint8_t *p = (const uint8_t *)s;
	while (n) {
		size_t room = sim_host_input_room(&h);
		assert_true(room > 0);
		size_t k = sim_host_input(&h, p, n < room ? n : room, now);
		assert_true(k > 0);
		p += k;
		n -= k;
		drain();
	}
}

/* The sink's text since `from`, NUL-terminated in a static buffer. */
static const char *text_from(size_t from)
{
	static char t[CAP + 1];
	memcpy(t, sk.buf + from, sk.len - from);
	t[sk.len - from] = '\0';
	return t;
}

static void boot_to_prompt(void)
{
	sim_host_power(&h, true, now);
	now += SIM_HOST_BOOT_MS;
	drain();
	assert_int_equal(h.state, SIM_HOST_READY);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static void off_is_silent(void **state)
{
	(void)state;
	setup_host();
	assert_false(sim_host_pump(&h, now));
	const uint8_t in[] = "hello\rburst 100\r";
	assert_true(sim_host_input_room(&h) > 0);
	assert_int_equal(sim_host_input(&h, in, sizeof in - 1, now), sizeof in - 1); /* taken, lost */
	sim_host_break(&h);
	now += 5000;
	drain();
	assert_int_equal(sk.len, 0);
	/* a reset of a host that is off does nothing either */
	sim_host_reset(&h, now);
	drain();
	assert_int_equal(sk.len, 0);
	assert_int_equal(h.state, SIM_HOST_OFF);
}

static void boot_text_on_power_on(void **state)
{
	(void)state;
	setup_host();
	sim_host_power(&h, true, now);
	drain();
	const char *t = text_from(0);
	assert_non_null(strstr(t, "SimBIOS 2.1 (bmcd simulated host), boot 1\r\n"));
	assert_null(strstr(t, "simkernel"));
	assert_int_equal(h.state, SIM_HOST_BOOTING);
	/* typing during boot is lost, not echoed */
	assert_int_equal(sim_host_input(&h, (const uint8_t *)"xyz", 3, now), 3);
	now += 900;
	drain();
	t = text_from(0);
	assert_non_null(strstr(t, "simboot 1.0: loading /boot/simkernel\r\n"));
	assert_null(strstr(t, SIM_HOST_PROMPT));
	assert_null(strstr(t, "xyz"));
	now += SIM_HOST_BOOT_MS - 900 - 1;
	drain();
	assert_null(strstr(text_from(0), SIM_HOST_PROMPT));
	now += 1;
	drain();
	t = text_from(0);
	assert_true(ends_with(t, "\r\nsimhost 1.0 ttyS0\r\n\r\n" SIM_HOST_PROMPT));
	/* in order: BIOS, loader, kernel, getty */
	const char *bios = strstr(t, "SimBIOS"), *loader = strstr(t, "simboot"), *kernel = strstr(t, "[    0.000000]"),
		   *getty = strstr(t, "simhost 1.0");
	assert_true(bios < loader && loader < kernel && kernel < getty);
	assert_int_equal(h.state, SIM_HOST_READY);
	/* the same text every time: deterministic */
	size_t first = sk.len;
	sim_host_power(&h, true, now); /* already on: nothing */
	drain();
	assert_int_equal(sk.len, first);
}

static void echo_like_a_getty(void **state)
{
	(void)state;
	setup_host();
	boot_to_prompt();

	size_t at = sk.len;
	type("hello\r");
	assert_string_equal(text_from(at), "hello\r\nsimhost: line 1: hello\r\n" SIM_HOST_PROMPT);
	at = sk.len;
	type("two\r\n"); /* CR LF is one Enter */
	assert_string_equal(text_from(at), "two\r\nsimhost: line 2: two\r\n" SIM_HOST_PROMPT);
	at = sk.len;
	type("lf\n"); /* a bare LF is an Enter too */
	assert_string_equal(text_from(at), "lf\r\nsimhost: line 3: lf\r\n" SIM_HOST_PROMPT);
	at = sk.len;
	type("\r"); /* an empty line: just the prompt */
	assert_string_equal(text_from(at), "\r\n" SIM_HOST_PROMPT);
	at = sk.len;
	type("ab\x7f" "c\b\bd\r"); /* DEL and backspace erase */
	assert_string_equal(text_from(at), "ab\b \bc\b \b\b \bd\r\nsimhost: line 4: d\r\n" SIM_HOST_PROMPT);
	at = sk.len;
	type("\b"); /* nothing to erase */
	assert_int_equal(sk.len, at);
	type("oops\x03"); /* ^C abandons the line */
	assert_string_equal(text_from(at), "oops^C\r\n" SIM_HOST_PROMPT);
	at = sk.len;
	type("\x01\x1b\t"); /* other control characters: ignored */
	assert_int_equal(sk.len, at);
	/* a line longer than SIM_HOST_LINE_MAX rings the bell for each extra character */
	char longl[SIM_HOST_LINE_MAX + 3];
	memset(longl, 'x', sizeof longl - 1);
	longl[sizeof longl - 1] = '\0';
	type(longl);
	const char *t = text_from(at);
	assert_int_equal(strlen(t), SIM_HOST_LINE_MAX + 2);
	assert_int_equal(t[SIM_HOST_LINE_MAX], '\a');
	assert_int_equal(t[SIM_HOST_LINE_MAX + 1], '\a');
	at = sk.len;
	type("\r");
	t = text_from(at);
	assert_non_null(strstr(t, "simhost: line 5: "));
	assert_true(ends_with(t, "xx\r\n" SIM_HOST_PROMPT));
}

/* After the echoed command, exactly n burst bytes, then CR LF (if cut) and the prompt. */
static void check_burst(size_t from, uint32_t n, const char *cmd)
{
	size_t echo = strlen(cmd) + 1; /* "burst N" + CR LF, minus the CR typed */
	assert_memory_equal(sk.buf + from, cmd, strlen(cmd));
	assert_memory_equal(sk.buf + from + strlen(cmd), "\r\n", 2);
	size_t start = from + echo + 1;
	assert_true(sk.len >= start + n);
	for (uint32_t i = 0; i < n; i++)
		if (sk.buf[start + i] != sim_host_burst_byte(i))
			fail_msg("burst byte %u is 0x%02x, expected 0x%02x", i, sk.buf[start + i], sim_host_burst_byte(i));
	const char *tail = n % SIM_HOST_BURST_LINE ? "\r\n" SIM_HOST_PROMPT : SIM_HOST_PROMPT;
	assert_int_equal(sk.len - start - n, strlen(tail));
	assert_memory_equal(sk.buf + start + n, tail, strlen(tail));
}

static void burst_gives_exactly_n_bytes(void **state)
{
	(void)state;
	setup_host();
	boot_to_prompt();

	/* the line format */
	char line0[SIM_HOST_BURST_LINE + 1], line1[SIM_HOST_BURST_LINE + 1];
	for (unsigned i = 0; i < SIM_HOST_BURST_LINE; i++) {
		line0[i] = (char)sim_host_burst_byte(i);
		line1[i] = (char)sim_host_burst_byte(SIM_HOST_BURST_LINE + i);
	}
	line0[SIM_HOST_BURST_LINE] = line1[SIM_HOST_BURST_LINE] = '\0';
	assert_string_equal(line0, "00000000 JKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ\r\n");
	assert_string_equal(line1, "00000001 KLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJK\r\n");
	assert_int_equal(sim_host_burst_byte(12345678ull * SIM_HOST_BURST_LINE + 7), '8');

	const uint32_t sizes[] = {1, 8, 63, 64, 65, 128, 1000, 4096, 4097, 70000};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		char cmd[32];
		snprintf(cmd, sizeof cmd, "burst %u", sizes[k]);
		size_t at = sk.len;
		char typed[40];
		snprintf(typed, sizeof typed, "%s\r", cmd);
		type(typed);
		check_burst(at, sizes[k], cmd);
		assert_int_equal(h.state, SIM_HOST_READY);
	}
}

static void burst_survives_any_flow_control(void **state)
{
	(void)state;
	const size_t limits[] = {1, 7, 64, 1000};
	for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++) {
		setup_host();
		boot_to_prompt();
		size_t at = sk.len;
		sk.limit = limits[k];
		type("burst 100000");
		assert_int_equal(sim_host_input(&h, (const uint8_t *)"\r", 1, now), 1);
		assert_true(sim_host_pump(&h, now)); /* some of it, then a stalled line: */
		sk.full = true;                      /* nothing is lost, generation waits */
		assert_true(sim_host_pump(&h, now));
		assert_true(sim_host_pump(&h, now));
		sk.full = false;
		drain();
		check_burst(at, 100000, "burst 100000");
	}
}

static void type_ahead_waits_for_the_burst(void **state)
{
	(void)state;
	setup_host();
	boot_to_prompt();
	sk.full = true;
	const uint8_t cmd[] = "burst 5000\rnext\r";
	size_t k = sim_host_input(&h, cmd, sizeof cmd - 1, now);
	assert_int_equal(k, strlen("burst 5000\r")); /* stops where the burst starts */
	assert_int_equal(sim_host_input_room(&h), 0);
	assert_int_equal(sim_host_input(&h, cmd + k, sizeof cmd - 1 - k, now), 0);
	sk.full = false;
	size_t at = 0;
	drain();
	assert_int_equal(h.state, SIM_HOST_READY);
	assert_true(sim_host_input_room(&h) > 0);
	at = sk.len;
	type("next\r");
	assert_string_equal(text_from(at), "next\r\nsimhost: line 2: next\r\n" SIM_HOST_PROMPT);
}

static void burst_refusals(void **state)
{
	(void)state;
	setup_host();
	boot_to_prompt();
	const char *bad[] = {"burst\r", "burst x\r", "burst 0\r", "burst 12a\r", "burst 1000000001\r",
			     "burst 99999999999999999999\r"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t at = sk.len;
		type(bad[i]);
		const char *t = text_from(at);
		assert_non_null(strstr(t, "\r\nburst: expected a byte count 1..1000000000\r\n" SIM_HOST_PROMPT));
		assert_int_equal(h.state, SIM_HOST_READY);
	}
	size_t at = sk.len;
	type("bursty\r"); /* not the command: an ordinary line */
	assert_non_null(strstr(text_from(at), "simhost: line 7: bursty\r\n"));
	at = sk.len;
	type("burst   3\r"); /* blanks between are fine */
	assert_string_equal(text_from(at), "burst   3\r\n000\r\n" SIM_HOST_PROMPT);
}

static void power_off_silences_and_on_boots_again(void **state)
{
	(void)state;
	setup_host();
	boot_to_prompt();
	sk.full = true;
	type("burst 50000\r");
	sim_host_power(&h, false, now); /* mid-burst */
	sk.full = false;
	size_t at = sk.len;
	drain();
	assert_int_equal(sk.len, at); /* queued output died with the host */
	assert_int_equal(sim_host_input(&h, (const uint8_t *)"abc\r", 4, now), 4);
	sim_host_break(&h);
	now += 10000;
	drain();
	assert_int_equal(sk.len, at);
	assert_int_equal(h.state, SIM_HOST_OFF);
	sim_host_power(&h, false, now); /* already off */
	sim_host_power(&h, true, now);
	now += SIM_HOST_BOOT_MS;
	drain();
	const char *t = text_from(at);
	assert_non_null(strstr(t, "SimBIOS 2.1 (bmcd simulated host), boot 2\r\n"));
	assert_true(ends_with(t, SIM_HOST_PROMPT));
	/* line numbers start again */
	at = sk.len;
	type("x\r");
	assert_string_equal(text_from(at), "x\r\nsimhost: line 1: x\r\n" SIM_HOST_PROMPT);
}

static void reset_and_reboot(void **state)
{
	(void)state;
	setup_host();
	boot_to_prompt();
	size_t at = sk.len;
	sim_host_reset(&h, now);
	assert_int_equal(h.state, SIM_HOST_BOOTING);
	now += SIM_HOST_BOOT_MS;
	drain();
	assert_non_null(strstr(text_from(at), "boot 2\r\n"));
	assert_true(ends_with(text_from(at), SIM_HOST_PROMPT));
	at = sk.len;
	type("reboot\r");
	assert_int_equal(h.state, SIM_HOST_BOOTING);
	now += SIM_HOST_BOOT_MS;
	drain();
	const char *t = text_from(at);
	assert_true(strncmp(t, "reboot\r\nreboot: restarting system\r\n\r\nSimBIOS 2.1 (bmcd simulated host), boot 3\r\n",
			    strlen("reboot\r\nreboot: restarting system\r\n\r\nSimBIOS")) == 0);
	assert_non_null(strstr(t, "boot 3\r\n"));
	assert_true(ends_with(t, SIM_HOST_PROMPT));
	/* a reset during the boot starts it over */
	sim_host_reset(&h, now);
	now += 700;
	drain();
	sim_host_reset(&h, now);
	now += SIM_HOST_BOOT_MS;
	drain();
	assert_non_null(strstr(text_from(at), "boot 5\r\n"));
	assert_int_equal(h.state, SIM_HOST_READY);
}

static void serial_break(void **state)
{
	(void)state;
	setup_host();
	sim_host_power(&h, true, now);
	sim_host_break(&h); /* while booting: nobody listens */
	now += SIM_HOST_BOOT_MS;
	drain();
	assert_int_equal(h.breaks, 0);
	size_t at = sk.len;
	type("half");
	sim_host_break(&h);
	drain();
	assert_string_equal(text_from(at), "half\r\nsimhost: BREAK\r\n" SIM_HOST_PROMPT);
	assert_int_equal(h.breaks, 1);
	at = sk.len;
	type("\r"); /* the half line was dropped */
	assert_string_equal(text_from(at), "\r\n" SIM_HOST_PROMPT);
}

static void no_callback_keeps_output(void **state)
{
	(void)state;
	reset_sink();
	sim_host_init(&h, NULL, NULL);
	sim_host_power(&h, true, 0);
	assert_true(sim_host_pump(&h, 0)); /* the banner waits */
	assert_true(h.q_len > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(off_is_silent),
		cmocka_unit_test(boot_text_on_power_on),
		cmocka_unit_test(echo_like_a_getty),
		cmocka_unit_test(burst_gives_exactly_n_bytes),
		cmocka_unit_test(burst_survives_any_flow_control),
		cmocka_unit_test(type_ahead_waits_for_the_burst),
		cmocka_unit_test(burst_refusals),
		cmocka_unit_test(power_off_silences_and_on_boots_again),
		cmocka_unit_test(reset_and_reboot),
		cmocka_unit_test(serial_break),
		cmocka_unit_test(no_callback_keeps_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* stderr logging. Process-wide state is fine here: this is the port, not the core. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum bmc_log_level max_level = BMC_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum bmc_log_level level)
{
	max_level = level;
}

int log_level_parse(const char *name, enum bmc_log_level *out)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum bmc_log_level)i;
			return 0;
		}
	}
	return -1;
}

/* Lines made while a batch of datagrams is processed are held and written with one
 * write before the batch's replies leave (loop.c): a set-up logs two audit lines, and a
 * write per line was a system call per line. Errors and warnings are never held. Only
 * the event loop's thread defers, so the flag is per thread (fleet members start in
 * threads that log). */
static _Thread_local bool deferring;
static _Thread_local char held[8192];
static _Thread_local size_t held_len;

/* One write per line (or per held group) keeps lines whole on stderr. */
static void write_all(const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(STDERR_FILENO, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere to report it: stderr is the log */
		p += w;
		len -= (size_t)w;
	}
}

void log_line(enum bmc_log_level level, const char *msg)
{
	char clean[512], stamp[40] = "";
	struct timespec ts;
	struct tm tm;
	size_t i;

	if (level > max_level || (unsigned)level >= sizeof level_names / sizeof level_names[0])
		return;
	for (i = 0; msg[i] && i < sizeof clean - 1; i++) {
		unsigned char c = (unsigned char)msg[i];
		clean[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	clean[i] = '\0';
	/* The date and time are formatted once per second: strftime was a third of the
	 * cost of an audit line, and a set-up logs two (bench/README.md, "Profile"). */
	static _Thread_local time_t last_sec = (time_t)-1; /* fleet members start in threads */
	static _Thread_local char last_text[24];
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0) {
		if (ts.tv_sec != last_sec) {
			last_text[0] = '\0';
			if (gmtime_r(&ts.tv_sec, &tm) && strftime(last_text, sizeof last_text, "%Y-%m-%dT%H:%M:%S", &tm))
				last_sec = ts.tv_sec;
		}
		snprintf(stamp, sizeof stamp, "%.23s.%03dZ", last_text, (int)(ts.tv_nsec / 1000000L % 1000));
	}
	/* bmcd never forks after start: the pid is asked once (a system call per audit
	 * line showed in the set-up profile, bench/README.md). */
	static long pid;
	if (!pid)
		pid = (long)getpid();
	char line[sizeof clean + 96];
	int n = snprintf(line, sizeof line, "bmcd[%ld]: %s %s: %s\n", pid, stamp, level_names[level], clean);
	if (n <= 0)
		return;
	size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	if (deferring && level > BMC_LOG_WARN) {
		if (held_len + len > sizeof held)
			log_flush();
		memcpy(held + held_len, line, len);
		held_len += len;
		return;
	}
	log_flush(); /* keep the order */
	write_all(line, len);
}

void log_defer(bool on)
{
	deferring = on;
	if (!on)
		log_flush();
}

void log_flush(void)
{
	if (held_len)
		write_all(held, held_len);
	held_len = 0;
}

void log_msg(enum bmc_log_level level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_line(level, msg);
}

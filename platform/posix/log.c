/* stderr logging. Process-wide state is fine here: this is the port, not the core. */
#include "log.h"

#include <stdarg.h>
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
	/* One fprintf per line: stderr is unbuffered, so a single call keeps lines whole. */
	fprintf(stderr, "bmcd[%ld]: %s %s: %s\n", pid, stamp, level_names[level], clean);
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

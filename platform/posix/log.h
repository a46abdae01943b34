/* Daemon logging: one line per message on stderr, "bmcd[PID]: TIME LEVEL: text",
 * filtered by the configured level. The core's messages arrive through log_line. */
#ifndef BMCD_LOG_H
#define BMCD_LOG_H

#include <stdbool.h>

#include "bmc/platform.h"

void log_set_level(enum bmc_log_level level);
/* Parses "error", "warn", "info" or "debug". Returns 0 or -1. */
int log_level_parse(const char *name, enum bmc_log_level *out);
/* Logs one message; control characters in it are replaced so that bytes a peer chose
 * cannot forge log lines. */
void log_line(enum bmc_log_level level, const char *msg);
/* From log_defer(true) to log_defer(false), info and debug lines are held and written
 * together by log_flush (or when the hold is full): the event loop defers while it
 * processes a batch of datagrams and flushes before the batch's replies leave. */
void log_defer(bool on);
void log_flush(void);
void log_msg(enum bmc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(BMC_LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(BMC_LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(BMC_LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(BMC_LOG_DEBUG, __VA_ARGS__)

#endif

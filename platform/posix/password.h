/* The first administrator's password (DESIGN.md §5: no default credentials). */
#ifndef BMCD_PASSWORD_H
#define BMCD_PASSWORD_H

#include <stddef.h>

#define PASSWORD_LEN 20 /* the longest IPMI 2.0 password */
#define PASSWORD_FILE "initial-admin-password"

/* Fills pw with PASSWORD_LEN characters from [A-Za-z0-9] and a NUL. Returns 0 or -1. */
int password_generate(char pw[PASSWORD_LEN + 1]);
/* Writes pw and a newline to DIR/initial-admin-password, mode 0600, durably, replacing
 * any stale file. Returns 0, or -1 with a reason in err. */
int password_write(const char *dir, const char *pw, char *err, size_t errlen);
/* Removes DIR/initial-admin-password (when the password never reached the store). */
void password_remove(const char *dir);

#endif

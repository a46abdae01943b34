/* Dropping root after the sockets are bound (DESIGN.md §5). Full sandboxing (seccomp,
 * namespaces, a privilege-separated monitor) is later work. */
#ifndef BMCD_PRIVDROP_H
#define BMCD_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/* Looks up the user to become. Sets *uid / *gid to (uid_t)-1 / (gid_t)-1 when no change
 * of user is needed. Returns 0, or -1 with a reason in err. */
int privdrop_lookup(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen);
/* Becomes uid:gid (no supplementary groups) when uid is not -1, verifies root cannot be
 * regained, and sets PR_SET_NO_NEW_PRIVS in every case. Returns 0 or -1 with err. */
int privdrop_apply(uid_t uid, gid_t gid, char *err, size_t errlen);

#endif

/* The state directory: created 0700, kept 0700, owned by the user bmcd runs as. */
#ifndef BMCD_STATEDIR_H
#define BMCD_STATEDIR_H

#include <stddef.h>
#include <sys/types.h>

/* Creates path (its parent must exist) or checks the existing one, forces mode 0700 and,
 * when owner is not (uid_t)-1, gives it and the regular files in it to owner:group.
 * Returns 0, or -1 with a reason in err. */
int statedir_prepare(const char *path, uid_t owner, gid_t group, char *err, size_t errlen);

#endif

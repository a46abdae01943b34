/* Secrets at rest: the key that seals user passwords and Kg in the store, kept in a
 * file apart from the store (docs/security.md, "Secrets on disk").
 *
 * The key file holds 64 hex digits (32 random bytes) and a newline, mode 0600. It is
 * read once at start, before privileges are dropped, so it may belong to root and stay
 * unreadable by the user bmcd then runs as. The store never sees the file's bytes: it
 * uses a key derived from them (HMAC-SHA256 with a fixed label), so the same file can
 * later key other things without reusing one AES key for two purposes. */
#ifndef BMCD_SECRETS_H
#define BMCD_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/crypto.h"

#define SECRETS_FILE_KEY 32
/* A sealed value is nonce | ciphertext | tag. */
#define SECRETS_OVERHEAD (BMC_GCM_NONCE + BMC_GCM_TAG)
#define SECRETS_PATH_MAX 1024

struct secrets {
	uint8_t store_key[BMC_GCM_KEY];
	char path[SECRETS_PATH_MAX]; /* the key file, for messages */
	bool created;                /* the file was made by this start */
};

/* The default key file for state directory dir: DIR.key beside it (trailing slashes
 * dropped), so a copy of the directory does not carry the key. Returns 0, or -1 when
 * it does not fit or dir names no directory of its own (e.g. "/"). */
int secrets_default_path(const char *dir, char *out, size_t cap);

/* Reads the key file at path. When it does not exist: if store_has_secrets (the store
 * already holds sealed records), fails naming the file, since a new key could not open
 * them; otherwise creates it (0600, no-clobber, fsynced). Refuses a file that is not a
 * regular file, that group or others may access, that belongs to someone other than
 * root or the caller, or that does not hold exactly 64 hex digits. Returns 0, or -1 with
 * one line in err. */
int secrets_load(struct secrets *s, const char *path, bool store_has_secrets, char *err, size_t errlen);

/* From raw key-file bytes (for tests). */
void secrets_from_key(struct secrets *s, const uint8_t key[SECRETS_FILE_KEY], const char *path);

/* Seals in[0..len) for the store record (type, key): out gets len + SECRETS_OVERHEAD
 * bytes. The record's type and key are authenticated, so a sealed value moved to
 * another user or record type does not open. Returns 0 or -1. */
int secrets_seal(const struct secrets *s, uint16_t type, uint16_t key, const uint8_t *in, size_t len,
		 uint8_t *out);
/* The reverse: out gets len - SECRETS_OVERHEAD bytes. -1 when len is too short or the
 * value does not authenticate (wrong key, or altered bytes). */
int secrets_unseal(const struct secrets *s, uint16_t type, uint16_t key, const uint8_t *in, size_t len,
		   uint8_t *out);

void secrets_wipe(struct secrets *s);

#endif

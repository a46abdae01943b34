/* Secrets at rest: AES-256-GCM (crypto/openssl.c), the key file
 * (platform/posix/secrets.c) and sealed STORE_USER / STORE_KG records in the file
 * store (platform/posix/store_file.c): round trip, wrong key, tampering, migration of
 * a clear-text store from an older version, and a store mixing both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bmc/crypto.h"
#include "bmc/store.h"
#include "secrets.h"
#include "store_file.h"

/* A user record's worth of bytes with a recognisable password inside. */
static const char PASSWORD[] = "Sup3rS3cretPassw0rd!";

struct fx {
	char dir[256];
	char log[300];
	char key[300];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *t = getenv("TMPDIR");
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/bmcd-secrets-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->log, sizeof f->log, "%s/store.log", f->dir);
	snprintf(f->key, sizeof f->key, "%s.key", f->dir);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char p[600];
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	unlink(f->key);
	int rc = rmdir(f->dir);
	free(f);
	return rc;
}

static void test_key(struct secrets *s, uint8_t fill)
{
	uint8_t k[SECRETS_FILE_KEY];
	memset(k, fill, sizeof k);
	secrets_from_key(s, k, "/test/key");
}

static void user_value(uint8_t v[86])
{
	memset(v, 0, 86);
	v[0] = 1;
	v[1] = 3;
	memcpy(v + 2, "alice", 5);
	memcpy(v + 18, PASSWORD, sizeof PASSWORD - 1);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	uint8_t *buf = malloc(1 << 16);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, fp);
	fclose(fp);
	return buf;
}

static void spit(const char *path, const uint8_t *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0) /* test data, not a secret comparison */
			return true;
	return false;
}

static bool file_contains(const char *path, const void *needle, size_t m)
{
	size_t n;
	uint8_t *buf = slurp(path, &n);
	bool r = contains(buf, n, needle, m);
	free(buf);
	return r;
}

/* What replay saw: the last value per (type, key). */
struct seen {
	unsigned n;
	uint16_t type[8], key[8];
	size_t len[8];
	uint8_t v[8][128];
};

static void collect(void *arg, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	struct seen *s = arg;
	if (s->n < 8 && len <= sizeof s->v[0]) {
		s->type[s->n] = type;
		s->key[s->n] = key;
		s->len[s->n] = len;
		memcpy(s->v[s->n], value, len);
		s->n++;
	}
}

/* ---- AES-256-GCM and sealing ------------------------------------------------------ */

static void gcm_known_answer(void **state)
{
	/* NIST GCM test vector (gcmEncryptExtIV256.rsp, Count 0 with PT/AAD empty is
	 * trivial; this is the McGrew-Viega test case 13: zero key, zero IV, empty input). */
	(void)state;
	static const uint8_t tag13[16] = {0x53, 0x0f, 0x8a, 0xfb, 0xc7, 0x45, 0x36, 0xb9,
					  0xa9, 0x63, 0xb4, 0xf1, 0xc4, 0xcb, 0x73, 0x8b};
	uint8_t key[32] = {0}, iv[12] = {0}, tag[16], out[1];
	assert_int_equal(bmc_aes256_gcm_seal(key, iv, NULL, 0, NULL, 0, out, tag), 0);
	assert_memory_equal(tag, tag13, 16);
	/* Test case 14: one zero block. */
	static const uint8_t ct14[16] = {0xce, 0xa7, 0x40, 0x3d, 0x4d, 0x60, 0x6b, 0x6e,
					 0x07, 0x4e, 0xc5, 0xd3, 0xba, 0xf3, 0x9d, 0x18};
	static const uint8_t tag14[16] = {0xd0, 0xd1, 0xc8, 0xa7, 0x99, 0x99, 0x6b, 0xf0,
					  0x26, 0x5b, 0x98, 0xb5, 0xd4, 0x8a, 0xb9, 0x19};
	uint8_t pt[16] = {0}, ct[16], back[16];
	assert_int_equal(bmc_aes256_gcm_seal(key, iv, NULL, 0, pt, 16, ct, tag), 0);
	assert_memory_equal(ct, ct14, 16);
	assert_memory_equal(tag, tag14, 16);
	assert_int_equal(bmc_aes256_gcm_open(key, iv, NULL, 0, ct, 16, tag, back), 0);
	assert_memory_equal(back, pt, 16);
	tag[0] ^= 1;
	assert_int_equal(bmc_aes256_gcm_open(key, iv, NULL, 0, ct, 16, tag, back), -1);
}

static void seal_round_trip_and_binding(void **state)
{
	struct secrets a, b;
	uint8_t v[86], sealed[86 + SECRETS_OVERHEAD], back[86];
	(void)state;

	test_key(&a, 0x11);
	test_key(&b, 0x22);
	user_value(v);
	assert_int_equal(secrets_seal(&a, 0x8002, 3, v, sizeof v, sealed), 0);
	assert_false(contains(sealed, sizeof sealed, PASSWORD, sizeof PASSWORD - 1));
	assert_int_equal(secrets_unseal(&a, 0x8002, 3, sealed, sizeof sealed, back), 0);
	assert_memory_equal(back, v, sizeof v);
	/* the wrong key, another user id, another record type: all refused */
	assert_int_equal(secrets_unseal(&b, 0x8002, 3, sealed, sizeof sealed, back), -1);
	assert_int_equal(secrets_unseal(&a, 0x8002, 4, sealed, sizeof sealed, back), -1);
	assert_int_equal(secrets_unseal(&a, 0x8005, 3, sealed, sizeof sealed, back), -1);
	/* every byte is covered: nonce, ciphertext, tag */
	for (size_t i = 0; i < sizeof sealed; i++) {
		sealed[i] ^= 0x40;
		assert_int_equal(secrets_unseal(&a, 0x8002, 3, sealed, sizeof sealed, back), -1);
		sealed[i] ^= 0x40;
	}
	assert_int_equal(secrets_unseal(&a, 0x8002, 3, sealed, SECRETS_OVERHEAD - 1, back), -1);
	/* a fresh nonce every time */
	uint8_t again[sizeof sealed];
	assert_int_equal(secrets_seal(&a, 0x8002, 3, v, sizeof v, again), 0);
	assert_memory_not_equal(again, sealed, BMC_GCM_NONCE);
}

/* ---- the key file ------------------------------------------------------------------ */

static void key_file_created_and_reloaded(void **state)
{
	struct fx *f = *state;
	struct secrets s1, s2;
	char err[600];
	struct stat st;

	assert_int_equal(secrets_load(&s1, f->key, false, err, sizeof err), 0);
	assert_true(s1.created);
	assert_int_equal(stat(f->key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_int_equal(secrets_load(&s2, f->key, false, err, sizeof err), 0);
	assert_false(s2.created);
	assert_memory_equal(s1.store_key, s2.store_key, sizeof s1.store_key);
}

static void key_file_missing_with_sealed_store(void **state)
{
	struct fx *f = *state;
	struct secrets s;
	char err[600];

	assert_int_equal(secrets_load(&s, f->key, true, err, sizeof err), -1);
	assert_non_null(strstr(err, f->key));
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(access(f->key, F_OK), -1); /* no new key was made */
}

static void key_file_refused(void **state)
{
	struct fx *f = *state;
	struct secrets s;
	char err[600];

	assert_int_equal(secrets_load(&s, f->key, false, err, sizeof err), 0);
	chmod(f->key, 0640);
	assert_int_equal(secrets_load(&s, f->key, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "chmod 600"));
	chmod(f->key, 0600);
	spit(f->key, (const uint8_t *)"not a key\n", 10);
	assert_int_equal(secrets_load(&s, f->key, false, err, sizeof err), -1);
	assert_non_null(strstr(err, "64 hex digits"));
}

static void key_default_path(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(secrets_default_path("./bmcd-state", out, sizeof out), 0);
	assert_string_equal(out, "./bmcd-state.key");
	assert_int_equal(secrets_default_path("/var/lib/bmcd//", out, sizeof out), 0);
	assert_string_equal(out, "/var/lib/bmcd.key");
	assert_int_equal(secrets_default_path("/", out, sizeof out), -1);
	assert_int_equal(secrets_default_path("", out, sizeof out), -1);
}

/* ---- sealed store ---------------------------------------------------------------- */

static void store_round_trip(void **state)
{
	struct fx *f = *state;
	struct secrets k;
	struct store_file *s;
	struct seen seen = {0};
	uint8_t v[86], kg[20];
	char err[600];
	bool sealed;

	test_key(&k, 0x33);
	user_value(v);
	memcpy(kg, "kg-secret-0123456789", 20);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(store_file_put(s, STORE_USER, 2, v, sizeof v), 0);
	assert_int_equal(store_file_put(s, STORE_KG, 1, kg, sizeof kg), 0);
	assert_int_equal(store_file_put(s, STORE_IDENTITY, 0, "0123456789abcdef", 16), 0);
	store_file_close(s);
	assert_false(file_contains(f->log, PASSWORD, sizeof PASSWORD - 1));
	assert_false(file_contains(f->log, "kg-secret", 9));
	assert_true(file_contains(f->log, "0123456789abcdef", 16)); /* not a secret: clear */
	assert_int_equal(store_file_has_sealed(f->dir, &sealed), 0);
	assert_true(sealed);

	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, collect, &seen, err, sizeof err), 0);
	assert_string_equal(err, "");
	store_file_close(s);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.type[0], STORE_USER);
	assert_int_equal(seen.key[0], 2);
	assert_int_equal(seen.len[0], sizeof v);
	assert_memory_equal(seen.v[0], v, sizeof v);
	assert_int_equal(seen.type[1], STORE_KG);
	assert_memory_equal(seen.v[1], kg, sizeof kg);
	assert_int_equal(seen.type[2], STORE_IDENTITY);
}

static void store_compaction_keeps_sealing(void **state)
{
	struct fx *f = *state;
	struct secrets k;
	struct store_file *s;
	struct seen seen = {0};
	uint8_t v[86], sel[100] = {0};
	char err[600];

	test_key(&k, 0x34);
	user_value(v);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(store_file_put(s, STORE_USER, 2, v, sizeof v), 0);
	/* enough rewrites of one record to pass the compaction threshold (64 KiB) */
	for (unsigned i = 0; i < 700; i++) {
		sel[0] = (uint8_t)i;
		assert_int_equal(store_file_put(s, STORE_SEL, 1, sel, sizeof sel), 0);
	}
	store_file_close(s);
	struct stat st;
	assert_int_equal(stat(f->log, &st), 0);
	assert_true(st.st_size < 64 * 1024); /* it was compacted */
	assert_false(file_contains(f->log, PASSWORD, sizeof PASSWORD - 1));
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, collect, &seen, err, sizeof err), 0);
	store_file_close(s);
	assert_int_equal(seen.n, 2);
	assert_memory_equal(seen.v[0], v, sizeof v);
}

static void store_wrong_key_refused(void **state)
{
	struct fx *f = *state;
	struct secrets k, other;
	struct store_file *s;
	struct seen seen = {0};
	uint8_t v[86];
	char err[600];

	test_key(&k, 0x35);
	test_key(&other, 0x36);
	user_value(v);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(store_file_put(s, STORE_USER, 2, v, sizeof v), 0);
	store_file_close(s);
	size_t before;
	uint8_t *orig = slurp(f->log, &before);

	assert_int_equal(store_file_open_sealed(&s, f->dir, &other, collect, &seen, err, sizeof err), -1);
	assert_null(s);
	assert_non_null(strstr(err, "/test/key"));
	assert_non_null(strstr(err, "does not open"));
	assert_int_equal(seen.n, 0);
	/* nothing was cut or rewritten: the right key still opens it */
	size_t after;
	uint8_t *now = slurp(f->log, &after);
	assert_int_equal(after, before);
	assert_memory_equal(now, orig, before);
	free(orig);
	free(now);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, collect, &seen, err, sizeof err), 0);
	store_file_close(s);
	assert_int_equal(seen.n, 1);
}

/* Rewrites the first record of the log with a changed value (and a valid CRC): what
 * someone editing the file would do. */
static void alter_first_record(const char *log, size_t byte, uint16_t new_type)
{
	size_t n;
	uint8_t *buf = slurp(log, &n);
	struct bmc_store_rec rec;
	long k = bmc_store_decode(buf, n, &rec);
	assert_true(k > 0);
	uint8_t value[BMC_STORE_MAX_VALUE];
	memcpy(value, rec.value, rec.len);
	if (byte < rec.len)
		value[byte] ^= 0x01;
	uint8_t out[BMC_STORE_MAX_VALUE + 16];
	size_t m = bmc_store_encode(out, sizeof out, new_type ? new_type : rec.type, rec.key, rec.seq, value, rec.len);
	assert_int_equal(m, (size_t)k);
	memcpy(buf, out, m);
	spit(log, buf, n);
	free(buf);
}

static void store_tamper_refused(void **state)
{
	struct fx *f = *state;
	struct secrets k;
	struct store_file *s;
	uint8_t v[86];
	char err[600];

	test_key(&k, 0x37);
	user_value(v);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(store_file_put(s, STORE_USER, 2, v, sizeof v), 0);
	store_file_close(s);
	alter_first_record(f->log, 30, 0); /* a ciphertext byte */
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "altered"));
	alter_first_record(f->log, 30, 0); /* undone: opens again */
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), 0);
	store_file_close(s);
	alter_first_record(f->log, 9999, 0x8005); /* the user's sealed value relabelled as Kg */
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), -1);
}

static void store_migrates_clear_text(void **state)
{
	struct fx *f = *state;
	struct secrets k;
	struct store_file *s;
	struct seen seen = {0};
	uint8_t v[86], kg[20];
	char err[600];
	bool sealed;

	/* A store as an older bmcd wrote it: secrets in clear. */
	user_value(v);
	memcpy(kg, "kg-secret-0123456789", 20);
	assert_int_equal(store_file_open(&s, f->dir, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(store_file_put(s, STORE_USER, 2, v, sizeof v), 0);
	v[18] = 'X'; /* a newer password for the same user: both versions are in the log */
	assert_int_equal(store_file_put(s, STORE_USER, 2, v, sizeof v), 0);
	assert_int_equal(store_file_put(s, STORE_KG, 1, kg, sizeof kg), 0);
	store_file_close(s);
	assert_true(file_contains(f->log, PASSWORD + 1, sizeof PASSWORD - 2));
	assert_int_equal(store_file_has_sealed(f->dir, &sealed), 0);
	assert_false(sealed);

	test_key(&k, 0x38);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, collect, &seen, err, sizeof err), 0);
	assert_non_null(strstr(err, "sealed 3 clear-text secret records"));
	/* written after the migration: sealed too */
	assert_int_equal(store_file_put(s, STORE_USER, 3, v, sizeof v), 0);
	store_file_close(s);
	assert_int_equal(seen.n, 2);
	assert_memory_equal(seen.v[0], v, sizeof v);
	assert_false(file_contains(f->log, PASSWORD + 1, sizeof PASSWORD - 2));
	assert_false(file_contains(f->log, "kg-secret", 9));

	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, collect, &seen, err, sizeof err), 0);
	assert_string_equal(err, "");
	store_file_close(s);
	assert_int_equal(seen.n, 3);
}

static void store_mixed_refused(void **state)
{
	struct fx *f = *state;
	struct secrets k;
	struct store_file *s;
	uint8_t v[86];
	char err[600];

	test_key(&k, 0x39);
	user_value(v);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(store_file_put(s, STORE_USER, 2, v, sizeof v), 0);
	store_file_close(s);
	/* Someone appends a clear-text user with a password of their choosing. */
	assert_int_equal(store_file_open(&s, f->dir, NULL, NULL, err, sizeof err), 0);
	assert_int_equal(store_file_put(s, STORE_USER, 3, v, sizeof v), 0);
	store_file_close(s);
	assert_int_equal(store_file_open_sealed(&s, f->dir, &k, NULL, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "tampered"));
}

#define FX(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gcm_known_answer),
		cmocka_unit_test(seal_round_trip_and_binding),
		FX(key_file_created_and_reloaded),
		FX(key_file_missing_with_sealed_store),
		FX(key_file_refused),
		cmocka_unit_test(key_default_path),
		FX(store_round_trip),
		FX(store_compaction_keeps_sealing),
		FX(store_wrong_key_refused),
		FX(store_tamper_refused),
		FX(store_migrates_clear_text),
		FX(store_mixed_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

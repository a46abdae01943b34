/* The reader and writer: every bound, the sticky error, exact-length parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bmc/buf.h"

static void reader_reads_little_and_big_endian(void **state)
{
	(void)state;
	const uint8_t b[] = {0x01, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0xAB, 0xCD};
	struct bmc_reader r;
	rd_init(&r, b, sizeof b);
	assert_int_equal(rd_u8(&r), 0x01);
	assert_int_equal(rd_u16le(&r), 0x1234);
	assert_int_equal(rd_u32le(&r), 0x12345678);
	assert_int_equal(rd_u16be(&r), 0xABCD);
	assert_true(rd_done(&r));
}

static void reader_error_is_sticky_and_yields_zeros(void **state)
{
	(void)state;
	const uint8_t b[] = {0xFF, 0xFF, 0xFF};
	struct bmc_reader r;
	uint8_t out[4] = {9, 9, 9, 9};
	rd_init(&r, b, sizeof b);
	assert_int_equal(rd_u32le(&r), 0);
	assert_false(rd_ok(&r));
	/* after the error even a 1-byte read that would fit yields zero */
	assert_int_equal(rd_u8(&r), 0);
	rd_bytes(&r, out, 4);
	assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
	assert_null(rd_ptr(&r, 0));
	assert_int_equal(rd_left(&r), 0);
}

static void reader_done_requires_exact_length(void **state)
{
	(void)state;
	const uint8_t b[] = {1, 2, 3};
	struct bmc_reader r;
	rd_init(&r, b, sizeof b);
	rd_skip(&r, 2);
	assert_true(rd_ok(&r));
	assert_false(rd_done(&r));
	assert_int_equal(rd_left(&r), 1);
	rd_skip(&r, 1);
	assert_true(rd_done(&r));
}

static void reader_huge_length_does_not_wrap(void **state)
{
	(void)state;
	const uint8_t b[] = {1, 2, 3};
	struct bmc_reader r;
	rd_init(&r, b, sizeof b);
	rd_skip(&r, 1);
	assert_null(rd_ptr(&r, SIZE_MAX));
	assert_false(rd_ok(&r));
}

static void writer_bounds(void **state)
{
	(void)state;
	uint8_t b[6];
	struct bmc_writer w;
	wr_init(&w, b, sizeof b);
	wr_u16le(&w, 0x1234);
	wr_u32be(&w, 0xA1B2C3D4);
	assert_true(wr_ok(&w));
	assert_int_equal(wr_len(&w), 6);
	assert_int_equal(b[0], 0x34);
	assert_int_equal(b[2], 0xA1);
	wr_u8(&w, 1);
	assert_false(wr_ok(&w));
	assert_int_equal(wr_len(&w), 6);
	assert_int_equal(wr_room(&w), 0);
	assert_null(wr_reserve(&w, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader_reads_little_and_big_endian),
		cmocka_unit_test(reader_error_is_sticky_and_yields_zeros),
		cmocka_unit_test(reader_done_requires_exact_length),
		cmocka_unit_test(reader_huge_length_does_not_wrap),
		cmocka_unit_test(writer_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

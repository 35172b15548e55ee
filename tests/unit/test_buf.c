/* test_buf.c: the growable buffer of common/buf.h, and the two JSON string encoders on it (plain
 * JSON, and Go's encoding/json as Argo writes and prints strings). */
#include "common/buf.h"
#include "cu.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static void check_go(const char *in, const char *want)
{
    co_buf b = {0};
    co_buf_go_json_str(&b, in);
    CU_ASSERT_STRING_EQUAL(co_buf_str(&b), want);
    co_buf_free(&b);
}

static void test_go_json_str(void)
{
    check_go("", "\"\"");
    check_go("plain text", "\"plain text\"");
    check_go("a\"b\\c", "\"a\\\"b\\\\c\"");
    check_go("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
    check_go("\x01\x1f", "\"\\u0001\\u001f\"");
    check_go("<a & b>", "\"\\u003ca \\u0026 b\\u003e\"");  /* HTML-safe */
    check_go("\xe2\x80\xa8|\xe2\x80\xa9", "\"\\u2028|\\u2029\""); /* line/paragraph separators */
    check_go("caf\xc3\xa9 \xe2\x9c\x94 \xf0\x9f\x9a\x80", "\"caf\xc3\xa9 \xe2\x9c\x94 \xf0\x9f\x9a\x80\""); /* kept */
    check_go("a\xffz", "\"a\\ufffdz\"");                /* invalid byte */
    check_go("\xc3", "\"\\ufffd\"");                    /* truncated sequence */
    check_go("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* a surrogate is not UTF-8 */
}

static void test_json_str_and_edits(void)
{
    co_buf b = {0};
    CU_ASSERT_STRING_EQUAL(co_buf_str(&b), "");
    co_buf_json_str(&b, "<\"\n\x02>");
    CU_ASSERT_STRING_EQUAL(co_buf_str(&b), "\"<\\\"\\n\\u0002>\"");
    size_t keep = b.len;
    co_buf_addc(&b, '.');
    co_buf_adds(&b, "tail");
    co_buf_printf(&b, "[%d]", 42);
    CU_ASSERT_STRING_EQUAL(co_buf_str(&b) + keep, ".tail[42]");
    co_buf_truncate(&b, keep);
    CU_ASSERT_EQUAL(b.len, keep);
    CU_ASSERT_STRING_EQUAL(co_buf_str(&b), "\"<\\\"\\n\\u0002>\"");
    co_buf_truncate(&b, keep + 10); /* beyond the end: nothing changes */
    CU_ASSERT_EQUAL(b.len, keep);
    char *s = co_buf_take(&b);
    CU_ASSERT_STRING_EQUAL(s, "\"<\\\"\\n\\u0002>\"");
    CU_ASSERT_PTR_NULL(b.data);
    CU_ASSERT_STRING_EQUAL(co_buf_str(&b), "");
    free(s);
}

/* RFC 4648's test vectors, and bytes that are not text */
static void test_base64(void)
{
    static const char *const cases[][2] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                           {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                           {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        co_buf b = {0};
        co_buf_add_base64(&b, cases[i][0], strlen(cases[i][0]));
        CU_ASSERT_STRING_EQUAL(co_buf_str(&b), cases[i][1]);
        co_buf_free(&b);
    }
    static const unsigned char bin[] = {0x00, 0xff, 0xfe, 0x10, 0x80};
    co_buf b = {0};
    co_buf_adds(&b, "x:");
    co_buf_add_base64(&b, bin, sizeof bin);
    CU_ASSERT_STRING_EQUAL(co_buf_str(&b), "x:AP/+EIA=");
    co_buf_free(&b);
}

/* Go's utf8.DecodeRune validity: lengths, and 0 for what it calls RuneError */
static void test_utf8_seq(void)
{
    CU_ASSERT_EQUAL(co_utf8_seq("a", SIZE_MAX), 1);
    CU_ASSERT_EQUAL(co_utf8_seq("\xc3\xa9", SIZE_MAX), 2);         /* é */
    CU_ASSERT_EQUAL(co_utf8_seq("\xe2\x82\xac", SIZE_MAX), 3);     /* € */
    CU_ASSERT_EQUAL(co_utf8_seq("\xf0\x9f\x98\x80", SIZE_MAX), 4); /* an emoji */
    CU_ASSERT_EQUAL(co_utf8_seq("\xe2\x82\xac", 2), 0);            /* cut short by n */
    CU_ASSERT_EQUAL(co_utf8_seq("\xe2\x82", SIZE_MAX), 0);          /* cut short by the NUL */
    CU_ASSERT_EQUAL(co_utf8_seq("\xc0\xaf", SIZE_MAX), 0);          /* overlong */
    CU_ASSERT_EQUAL(co_utf8_seq("\xe0\x80\xaf", SIZE_MAX), 0);     /* overlong */
    CU_ASSERT_EQUAL(co_utf8_seq("\xed\xa0\x80", SIZE_MAX), 0);     /* a surrogate */
    CU_ASSERT_EQUAL(co_utf8_seq("\xf4\x90\x80\x80", SIZE_MAX), 0); /* above U+10FFFF */
    CU_ASSERT_EQUAL(co_utf8_seq("\x80", SIZE_MAX), 0);              /* a lone continuation byte */
    CU_ASSERT_EQUAL(co_utf8_seq("a", 0), 0);
}

int main(void)
{
    static const cu_test tests[] = {
        {"Go's encoding/json strings: escapes, HTML safety, separators, invalid UTF-8", test_go_json_str},
        {"plain JSON strings, appending, truncating, taking", test_json_str_and_edits},
        {"base64", test_base64},
        {"UTF-8 sequences", test_utf8_seq},
        {NULL, NULL},
    };
    return cu_run("buf", tests);
}

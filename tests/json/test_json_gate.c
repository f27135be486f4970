/* test_json_gate.c - unit tests of the strict JSON gate (src/json.c):
 * every rejection class with its status, offset and message, the trees it
 * builds, depth and size limits, and allocation failure. */
#include <check.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo_check.h"
#include "quo/array.h"
#include "quo/json.h"

#define TEXT(s) s, sizeof(s) - 1 /* string literal with its exact length */

/* ---- helpers ----------------------------------------------------------- */

/* Both entry points must give the same verdict, offset and message. */
static quo_status both(const char *buf, size_t len, unsigned max_depth,
                       quo_error *err)
{
    quo_error e1, e2;
    quo_json_doc *doc = (quo_json_doc *)1;
    quo_status s1 = quo_json_check(buf, len, max_depth, &e1);
    quo_status s2 = quo_json_parse(buf, len, max_depth, &doc, &e2);
    ck_assert_msg(s1 == s2, "check says %s, parse says %s for %.*s",
                  quo_status_name(s1), quo_status_name(s2),
                  (int)(len > 60 ? 60 : len), buf);
    if (s2 == QUO_OK) {
        ck_assert_ptr_nonnull(doc);
        quo_json_free(doc);
    } else {
        ck_assert_ptr_null(doc);
        ck_assert_uint_eq(e1.offset, e2.offset);
        ck_assert_str_eq(e1.message, e2.message);
    }
    if (err)
        *err = e2;
    return s2;
}

static quo_json_doc *parse_ok(const char *buf, size_t len)
{
    quo_json_doc *doc = NULL;
    quo_error err;
    quo_status st = quo_json_parse(buf, len, 0, &doc, &err);
    ck_assert_msg(st == QUO_OK, "%.*s: %s", (int)len, buf, err.message);
    return doc;
}

/* ---- rejections -------------------------------------------------------- */

typedef struct reject_case {
    const char *text;
    size_t len;
    quo_status status;
    size_t offset;
    const char *message; /* must occur in err.message */
} reject_case;

static const reject_case rejects[] = {
    /* numbers */
    {TEXT("01"), QUO_ESYNTAX, 0, "leading zero in number"},
    {TEXT("-01"), QUO_ESYNTAX, 1, "leading zero in number"},
    {TEXT("[00]"), QUO_ESYNTAX, 1, "leading zero in number"},
    {TEXT("1."), QUO_ESYNTAX, 2, "digit expected after the decimal point"},
    {TEXT("[1.]"), QUO_ESYNTAX, 3, "digit expected after the decimal point"},
    {TEXT(".5"), QUO_ESYNTAX, 0, "number must start with a digit"},
    {TEXT("2.e3"), QUO_ESYNTAX, 2, "digit expected after the decimal point"},
    {TEXT("1e"), QUO_ESYNTAX, 2, "digit expected in the exponent"},
    {TEXT("1E+"), QUO_ESYNTAX, 3, "digit expected in the exponent"},
    {TEXT("1e-x"), QUO_ESYNTAX, 3, "digit expected in the exponent"},
    {TEXT("-"), QUO_ESYNTAX, 0, "'-' must be followed by a digit"},
    {TEXT("- 1"), QUO_ESYNTAX, 0, "'-' must be followed by a digit"},
    {TEXT("-Infinity"), QUO_ESYNTAX, 0, "'-' must be followed by a digit"},
    {TEXT("+1"), QUO_ESYNTAX, 0, "leading '+' in number"},
    {TEXT("0x1F"), QUO_ESYNTAX, 0, "hexadecimal numbers are not allowed"},
    {TEXT("[0X10]"), QUO_ESYNTAX, 1, "hexadecimal numbers are not allowed"},
    {TEXT("NaN"), QUO_ESYNTAX, 0, "NaN and Infinity are not JSON numbers"},
    {TEXT("[Infinity]"), QUO_ESYNTAX, 1, "NaN and Infinity are not JSON"},
    {TEXT("[nan]"), QUO_ESYNTAX, 1, "invalid literal (expected 'null')"},
    {TEXT("1.5.2"), QUO_ESYNTAX, 3, "expected end of input after the JSON value, found '.'"},
    /* raw control characters in strings */
    {TEXT("\"a\tb\""), QUO_ESYNTAX, 2, "unescaped control character U+0009 in string"},
    {TEXT("[\"\n\"]"), QUO_ESYNTAX, 2, "unescaped control character U+000A"},
    {TEXT("\"\x1f\""), QUO_ESYNTAX, 1, "unescaped control character U+001F"},
    {TEXT("\"a\0b\""), QUO_ESYNTAX, 2, "unescaped control character U+0000"},
    /* escapes */
    {TEXT("\"\\x41\""), QUO_ESYNTAX, 1, "invalid escape '\\x' in string"},
    {TEXT("\"\\'\""), QUO_ESYNTAX, 1, "invalid escape '\\'' in string"},
    {TEXT("\"\\U0041\""), QUO_ESYNTAX, 1, "invalid escape '\\U' in string"},
    {TEXT("\"\\\t\""), QUO_ESYNTAX, 1, "invalid escape in string"},
    {TEXT("\"\\u12G4\""), QUO_ESYNTAX, 1, "invalid \\u escape (expected 4 hex digits)"},
    {TEXT("\"\\u12\""), QUO_ESYNTAX, 1, "invalid \\u escape"},
    {TEXT("\"\\u12"), QUO_ESYNTAX, 1, "invalid \\u escape"},
    {TEXT("\"\\"), QUO_ESYNTAX, 2, "end of input inside string"},
    {TEXT("\"abc"), QUO_ESYNTAX, 4, "end of input inside string (missing '\"')"},
    {TEXT("\"\\\""), QUO_ESYNTAX, 3, "end of input inside string"},
    /* invalid UTF-8, inside and outside strings */
    {TEXT("\"\x80\""), QUO_EUTF8, 1, "invalid UTF-8 (continuation byte without a lead byte"},
    {TEXT("\"\xC0\xAF\""), QUO_EUTF8, 1, "invalid UTF-8 (overlong encoding"},
    {TEXT("\"\xC1\xBF\""), QUO_EUTF8, 1, "invalid UTF-8 (overlong encoding"},
    {TEXT("\"\xE0\x80\xAF\""), QUO_EUTF8, 1, "invalid UTF-8 (overlong encoding"},
    {TEXT("\"\xE0\x9F\xBF\""), QUO_EUTF8, 1, "invalid UTF-8 (overlong encoding"},
    {TEXT("\"\xF0\x80\x80\xAF\""), QUO_EUTF8, 1, "invalid UTF-8 (overlong encoding"},
    {TEXT("\"\xF0\x8F\xBF\xBF\""), QUO_EUTF8, 1, "invalid UTF-8 (overlong encoding"},
    {TEXT("\"\xED\xA0\x80\""), QUO_EUTF8, 1, "UTF-16 surrogate encoded in UTF-8"},
    {TEXT("\"\xED\xBF\xBF\""), QUO_EUTF8, 1, "UTF-16 surrogate encoded in UTF-8"},
    {TEXT("\"\xED\xA0\xBD\xED\xB8\x80\""), QUO_EUTF8, 1, "UTF-16 surrogate encoded"},
    {TEXT("\"\xF4\x90\x80\x80\""), QUO_EUTF8, 1, "code point above U+10FFFF"},
    {TEXT("\"\xF5\x80\x80\x80\""), QUO_EUTF8, 1, "code point above U+10FFFF"},
    {TEXT("\"\xFE\""), QUO_EUTF8, 1, "byte that never occurs in UTF-8, byte 0xFE"},
    {TEXT("\"\xFF\""), QUO_EUTF8, 1, "byte 0xFF"},
    {TEXT("\"\xE2\x82\""), QUO_EUTF8, 1, "truncated multi-byte sequence"},
    {TEXT("\"\xE2\x82"), QUO_EUTF8, 1, "truncated multi-byte sequence"},
    {TEXT("\"\xC3(\""), QUO_EUTF8, 1, "truncated multi-byte sequence"},
    {TEXT("\"\xF0\x9F\x98\""), QUO_EUTF8, 1, "truncated multi-byte sequence"},
    {TEXT("{\"key\": \"ab\xC0\x80\"}"), QUO_EUTF8, 11, "byte 11: invalid UTF-8"},
    {TEXT("[\xC3]"), QUO_EUTF8, 1, "invalid UTF-8"},
    {TEXT("1 \xFF"), QUO_EUTF8, 2, "invalid UTF-8"},
    {TEXT("[\xC3\xA9]"), QUO_ESYNTAX, 1, "expected a JSON value, found U+00E9"},
    {TEXT("\xC2\xA0" "1"), QUO_ESYNTAX, 0, "found U+00A0"},
    /* unpaired surrogate escapes (I-JSON) */
    {TEXT("\"\\uD800\""), QUO_ESURROGATE, 1, "unpaired surrogate \\uD800 (high surrogate not followed by a low one)"},
    {TEXT("\"\\udbff\""), QUO_ESURROGATE, 1, "unpaired surrogate \\uDBFF"},
    {TEXT("\"\\uDC00\""), QUO_ESURROGATE, 1, "unpaired surrogate \\uDC00 (low surrogate without a high one"},
    {TEXT("\"ab\\uDFFF\""), QUO_ESURROGATE, 3, "unpaired surrogate \\uDFFF"},
    {TEXT("\"\\uD800\\u0041\""), QUO_ESURROGATE, 1, "high surrogate not followed"},
    {TEXT("\"\\uD800\\n\""), QUO_ESURROGATE, 1, "high surrogate not followed"},
    {TEXT("\"\\uD800x\""), QUO_ESURROGATE, 1, "high surrogate not followed"},
    {TEXT("\"\\uDBFF\\uDBFF\""), QUO_ESURROGATE, 1, "high surrogate not followed"},
    {TEXT("\"\\uDC00\\uD800\""), QUO_ESURROGATE, 1, "low surrogate without a high one"},
    {TEXT("\"\\uD800\\uZZZZ\""), QUO_ESYNTAX, 7, "invalid \\u escape"},
    {TEXT("{\"\\uDFAA\":0}"), QUO_ESURROGATE, 2, "unpaired surrogate \\uDFAA"},
    /* byte order mark */
    {TEXT("\xEF\xBB\xBF{}"), QUO_ESYNTAX, 0, "byte order mark (U+FEFF) at the start is not allowed"},
    {TEXT("\xEF\xBB\xBF"), QUO_ESYNTAX, 0, "byte order mark"},
    {TEXT(" \xEF\xBB\xBF" "1"), QUO_ESYNTAX, 1, "expected a JSON value, found U+FEFF"},
    /* trailing data */
    {TEXT("1 2"), QUO_ESYNTAX, 2, "expected end of input after the JSON value, found '2'"},
    {TEXT("{}x"), QUO_ESYNTAX, 2, "after the JSON value, found 'x'"},
    {TEXT("[]]"), QUO_ESYNTAX, 2, "after the JSON value, found ']'"},
    {TEXT("\"a\"\"b\""), QUO_ESYNTAX, 3, "after the JSON value, found '\"'"},
    {TEXT("true false"), QUO_ESYNTAX, 5, "after the JSON value, found 'f'"},
    {TEXT("1\0"), QUO_ESYNTAX, 1, "after the JSON value, found U+0000"},
    {TEXT("null\n\n  x"), QUO_ESYNTAX, 8, "line 3, column 3:"},
    /* trailing commas */
    {TEXT("[1,]"), QUO_ESYNTAX, 3, "trailing comma before ']'"},
    {TEXT("[1, \n]"), QUO_ESYNTAX, 5, "line 2, column 1: trailing comma before ']'"},
    {TEXT("{\"a\":1,}"), QUO_ESYNTAX, 7, "trailing comma before '}'"},
    {TEXT("[1,,2]"), QUO_ESYNTAX, 3, "expected a JSON value, found ','"},
    {TEXT("[,1]"), QUO_ESYNTAX, 1, "expected a JSON value, found ','"},
    {TEXT("{,}"), QUO_ESYNTAX, 1, "expected a member name in double quotes or '}', found ','"},
    /* comments */
    {TEXT("/* c */ 1"), QUO_ESYNTAX, 0, "comments are not allowed in JSON"},
    {TEXT("[1 // c\n]"), QUO_ESYNTAX, 3, "comments are not allowed in JSON"},
    {TEXT("1 /**/"), QUO_ESYNTAX, 2, "comments are not allowed in JSON"},
    {TEXT("{\"a\":1 /*x*/}"), QUO_ESYNTAX, 7, "comments are not allowed in JSON"},
    {TEXT("{/*x*/}"), QUO_ESYNTAX, 1, "comments are not allowed in JSON"},
    /* single quotes and unquoted names */
    {TEXT("'a'"), QUO_ESYNTAX, 0, "strings must use double quotes, not single quotes"},
    {TEXT("{'a':1}"), QUO_ESYNTAX, 1, "strings must use double quotes"},
    {TEXT("{a:1}"), QUO_ESYNTAX, 1, "expected a member name in double quotes or '}', found 'a'"},
    {TEXT("{1:2}"), QUO_ESYNTAX, 1, "expected a member name in double quotes"},
    {TEXT("{\"a\":1,b:2}"), QUO_ESYNTAX, 7, "expected a member name in double quotes, found 'b'"},
    /* duplicate member names (I-JSON) */
    {TEXT("{\"a\":1,\"a\":2}"), QUO_EDUPLICATE, 7, "duplicate member name \"a\""},
    {TEXT("{\"a\":1,\"\\u0061\":2}"), QUO_EDUPLICATE, 7, "duplicate member name \"a\""},
    {TEXT("{\"\\u0061\":1,\"a\":2}"), QUO_EDUPLICATE, 12, "duplicate member name \"a\""},
    {TEXT("{\"\\u00e9\":1,\"\xC3\xA9\":2}"), QUO_EDUPLICATE, 12, "duplicate member name \"\xC3\xA9\""},
    {TEXT("{\"\\ud834\\udd1e\":1,\"\xF0\x9D\x84\x9E\":2}"), QUO_EDUPLICATE, 18, "duplicate member name"},
    {TEXT("{\"a\\u0000b\":1,\"a\\u0000b\":2}"), QUO_EDUPLICATE, 14, "duplicate member name \"a\\u0000b\""},
    {TEXT("{\"\":1,\"\":2}"), QUO_EDUPLICATE, 6, "duplicate member name \"\""},
    {TEXT("{\"\\/\":1,\"/\":2}"), QUO_EDUPLICATE, 8, "duplicate member name \"/\""},
    {TEXT("{\"q\\\"\":1,\"q\\u0022\":2}"), QUO_EDUPLICATE, 9, "duplicate member name \"q\\\"\""},
    {TEXT("{\"a\":1,\"b\":{\"c\":1},\"a\":2}"), QUO_EDUPLICATE, 19, "duplicate member name \"a\""},
    {TEXT("{\"x\":{\"a\":1,\"a\":2}}"), QUO_EDUPLICATE, 12, "duplicate member name \"a\""},
    {TEXT("[{\"a\":1},{\"b\":1,\"b\":1}]"), QUO_EDUPLICATE, 16, "duplicate member name \"b\""},
    /* structure and literals */
    {TEXT(""), QUO_ESYNTAX, 0, "line 1, column 1: empty input, expected a JSON value"},
    {TEXT("   "), QUO_ESYNTAX, 3, "expected a JSON value, found end of input"},
    {TEXT("["), QUO_ESYNTAX, 1, "expected a JSON value, found end of input"},
    {TEXT("[1"), QUO_ESYNTAX, 2, "end of input inside array (missing ']')"},
    {TEXT("{"), QUO_ESYNTAX, 1, "expected a member name in double quotes or '}', found end of input"},
    {TEXT("{\"a\":1"), QUO_ESYNTAX, 6, "end of input inside object (missing '}')"},
    {TEXT("{\"a\""), QUO_ESYNTAX, 4, "expected ':' after member name, found end of input"},
    {TEXT("{\"a\" 1}"), QUO_ESYNTAX, 5, "expected ':' after member name, found '1'"},
    {TEXT("{\"a\":}"), QUO_ESYNTAX, 5, "expected a JSON value, found '}'"},
    {TEXT("[1 2]"), QUO_ESYNTAX, 3, "expected ',' or ']' after array element, found '2'"},
    {TEXT("{\"a\":1 \"b\":2}"), QUO_ESYNTAX, 7, "expected ',' or '}' after member value"},
    {TEXT("[1}"), QUO_ESYNTAX, 2, "expected ',' or ']' after array element, found '}'"},
    {TEXT("{\"a\":1]"), QUO_ESYNTAX, 6, "expected ',' or '}' after member value, found ']'"},
    {TEXT("]"), QUO_ESYNTAX, 0, "expected a JSON value, found ']'"},
    {TEXT("tru"), QUO_ESYNTAX, 0, "invalid literal (expected 'true')"},
    {TEXT("True"), QUO_ESYNTAX, 0, "expected a JSON value, found 'T'"},
    {TEXT("nul"), QUO_ESYNTAX, 0, "invalid literal (expected 'null')"},
    {TEXT("falsey"), QUO_ESYNTAX, 5, "after the JSON value, found 'y'"},
    {TEXT("\f1"), QUO_ESYNTAX, 0, "expected a JSON value, found U+000C"},
    {TEXT("\v1"), QUO_ESYNTAX, 0, "found U+000B"},
    {TEXT("\x7f"), QUO_ESYNTAX, 0, "found U+007F"},
    {TEXT("undefined"), QUO_ESYNTAX, 0, "found 'u'"},
};

START_TEST(rejection)
{
    const reject_case *c = &rejects[_i];
    quo_error err;
    quo_status st = both(c->text, c->len, 0, &err);
    ck_assert_msg(st == c->status, "case %d: want %s, got %s (%s)", _i,
                  quo_status_name(c->status), quo_status_name(st),
                  err.message);
    ck_assert_msg(err.status == c->status, "case %d: err.status", _i);
    ck_assert_msg(err.offset == c->offset, "case %d: want offset %zu, got %zu"
                  " (%s)", _i, c->offset, err.offset, err.message);
    ck_assert_msg(strstr(err.message, c->message) != NULL,
                  "case %d: message \"%s\" lacks \"%s\"", _i, err.message,
                  c->message);
}
END_TEST

/* ---- acceptances ------------------------------------------------------- */

typedef struct accept_case {
    const char *text;
    size_t len;
} accept_case;

static const accept_case accepts[] = {
    {TEXT("0")}, {TEXT("-0")}, {TEXT("1.5e+3")}, {TEXT("-0.0E-0")},
    {TEXT("[]")}, {TEXT("{}")}, {TEXT(" [ 1 , 2 ] ")}, {TEXT("\t\n\r 1 \t\n\r")},
    {TEXT("\"\x7F\"")},                          /* DEL needs no escape */
    {TEXT("\"\xEF\xBF\xBF\"")},                  /* U+FFFF noncharacter */
    {TEXT("\"\xEF\xBF\xBE\"")},                  /* U+FFFE */
    {TEXT("\"\xEF\xB7\x90\"")},                  /* U+FDD0 */
    {TEXT("\"\xF4\x8F\xBF\xBF\"")},              /* U+10FFFF */
    {TEXT("\"\\uFFFF\"")}, {TEXT("\"\\uDBFF\\uDFFF\"")},
    {TEXT("\"\xEF\xBB\xBF\"")},                  /* U+FEFF inside a string */
    {TEXT("{\"a\":1,\"A\":2}")},
    {TEXT("{\"a\\u0000\":1,\"a\":2}")},           /* differ in length only */
    {TEXT("{\"a\\u0000b\":1,\"a\\u0000c\":2}")},  /* differ after the NUL */
    {TEXT("{\"a\":{\"a\":{\"a\":1}},\"b\":{\"a\":2}}")},
    {TEXT("[{\"a\":1},{\"a\":1}]")},
    {TEXT("{\"a\":1,\"b\":{\"c\":1},\"c\":2}")},
    {TEXT("1E400")}, {TEXT("-1e-400")}, {TEXT("123456789012345678901234567890")},
    {TEXT("[true,false,null]")},
    {TEXT("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"")},
};

START_TEST(acceptance)
{
    quo_error err;
    quo_status st = both(accepts[_i].text, accepts[_i].len, 0, &err);
    ck_assert_msg(st == QUO_OK, "case %d (%s): %s", _i, accepts[_i].text,
                  err.message);
}
END_TEST

/* ---- messages ---------------------------------------------------------- */

START_TEST(messages_name_problem_and_position)
{
    quo_error err;
    char deep[260];

    both(TEXT("{\"a\": 01}"), 0, &err);
    ck_assert_str_eq(err.message, "line 1, column 7: leading zero in number");
    ck_assert_uint_eq(err.offset, 6);

    both(TEXT("{\"title\":1,\n\n \"title\":2}"), 0, &err);
    ck_assert_str_eq(err.message,
                     "line 3, column 2: duplicate member name \"title\"");
    ck_assert_uint_eq(err.offset, 14);

    both(TEXT("[\"abcdefghijkl\xC0\x80\"]"), 0, &err);
    ck_assert_str_eq(err.message,
                     "byte 14: invalid UTF-8 (overlong encoding, byte 0xC0)");
    ck_assert_uint_eq(err.offset, 14);

    memset(deep, '[', 129);
    both(deep, 129, 0, &err);
    ck_assert_str_eq(err.message, "line 1, column 129: nesting deeper than 128");
    ck_assert_uint_eq(err.offset, 128);

    /* Columns count characters, not bytes. */
    both(TEXT("[\"\xC3\xA9\xC3\xA9\", x]"), 0, &err);
    ck_assert_uint_eq(err.offset, 9);
    ck_assert_str_eq(err.message, "line 1, column 8: expected a JSON value, "
                                  "found 'x'");
    /* A CR LF line ending counts as one line. */
    both(TEXT("[\r\n1,\r\n]"), 0, &err);
    ck_assert_str_eq(err.message, "line 3, column 1: trailing comma before ']'");
}
END_TEST

START_TEST(duplicate_name_is_quoted_and_shortened)
{
    char text[1200];
    quo_error err;
    char name[401];

    memset(name, 'n', 400);
    name[400] = '\0';
    int n = snprintf(text, sizeof text, "{\"%s\":1,\"%s\":2}", name, name);
    ck_assert_int_eq(both(text, (size_t)n, 0, &err), QUO_EDUPLICATE);
    ck_assert_ptr_nonnull(strstr(err.message, "duplicate member name \"nnnn"));
    ck_assert_ptr_nonnull(strstr(err.message, "...\""));
    ck_assert_uint_lt(strlen(err.message), 140);

    /* Shortening never cuts a multi-byte character in half. */
    char *o = text;
    o += sprintf(o, "{\"");
    for (int i = 0; i < 100; i++)
        o += sprintf(o, "\xE2\x82\xAC");
    o += sprintf(o, "\":1,\"");
    for (int i = 0; i < 100; i++)
        o += sprintf(o, "\\u20ac");
    o += sprintf(o, "\":2}");
    ck_assert_int_eq(both(text, (size_t)(o - text), 0, &err), QUO_EDUPLICATE);
    const char *q = strchr(err.message, '"') + 1;
    const char *dots = strstr(q, "...");
    ck_assert_ptr_nonnull(dots);
    ck_assert_int_eq((int)(dots - q) % 3, 0);
}
END_TEST

START_TEST(error_struct_is_reset_on_success)
{
    quo_error err;
    quo_json_doc *doc;
    both(TEXT("[1,]"), 0, &err);
    ck_assert_int_eq(quo_json_parse(TEXT("[1]"), 0, &doc, &err), QUO_OK);
    ck_assert_int_eq(err.status, QUO_OK);
    ck_assert_str_eq(err.message, "");
    quo_json_free(doc);
    /* err may be NULL. */
    ck_assert_int_eq(quo_json_check(TEXT("[1,]"), 0, NULL), QUO_ESYNTAX);
    ck_assert_int_eq(quo_json_parse(TEXT("[1,]"), 0, &doc, NULL), QUO_ESYNTAX);
    ck_assert_ptr_null(doc);
}
END_TEST

START_TEST(misuse_is_reported)
{
    quo_error err;
    quo_json_doc *doc;
    ck_assert_int_eq(quo_json_parse(NULL, 3, 0, &doc, &err), QUO_EUSAGE);
    ck_assert_int_eq(quo_json_parse("1", 1, 0, NULL, &err), QUO_EUSAGE);
    ck_assert_int_eq(quo_json_check(NULL, 3, 0, &err), QUO_EUSAGE);
    ck_assert_int_eq(quo_json_check(NULL, 0, 0, &err), QUO_ESYNTAX);
    ck_assert_str_eq(err.message, "line 1, column 1: empty input, expected a "
                                  "JSON value");
    ck_assert_uint_eq(quo_json_strlen(NULL, NULL), 0);
    ck_assert_ptr_null(quo_json_root(NULL));
    ck_assert(!quo_json_has_nul(NULL));
    quo_json_free(NULL);
}
END_TEST

/* ---- trees ------------------------------------------------------------- */

static const cJSON *item_at(const cJSON *arr, int i)
{
    const cJSON *it = cJSON_GetArrayItem(arr, i);
    ck_assert_ptr_nonnull(it);
    return it;
}

static void same_double(double got, double want, const char *text)
{
    ck_assert_msg(memcmp(&got, &want, sizeof got) == 0,
                  "%s: got %.17g, want %.17g", text, got, want);
}

START_TEST(numbers_are_correctly_rounded)
{
    static const char *texts[] = {
        "0", "-0", "1", "-1", "0.1", "0.3", "3.14159", "1e5", "2E-3",
        "1.5e+2", "123456789", "9007199254740992", "9007199254740993",
        "9007199254740995", "18446744073709551615", "18446744073709551616",
        "123456789012345678901234567890", "0.000000000000000000000000000001",
        "2.2250738585072011e-308", "2.2250738585072012e-308",
        "4.9406564584124654e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "1.7976931348623157e308",
        "1.7976931348623158e308", "1.7976931348623159e308", "1e-400",
        "1e400", "-1e400", "0e99999999999999999999", "1e-99999999999999999999",
        "7.038531e-26", "8.98846567431158e307", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999999999999999999999999999999999999999999999999999999",
        "0.1e1", "10e-1", "1E0", "-9.87654321e-05",
    };
    char text[64];
    for (size_t i = 0; i < QUO_ARRAY_SIZE(texts); i++) {
        quo_json_doc *doc = parse_ok(texts[i], strlen(texts[i]));
        const cJSON *n = quo_json_root(doc);
        ck_assert(cJSON_IsNumber(n));
        /* The test runs in the C locale, where strtod is the reference. */
        same_double(n->valuedouble, strtod(texts[i], NULL), texts[i]);
        quo_json_free(doc);
    }
    /* Inside a document, with the tree's values in order. */
    snprintf(text, sizeof text, "[1e5, 2E-3, -0, 0.5]");
    quo_json_doc *doc = parse_ok(text, strlen(text));
    same_double(item_at(quo_json_root(doc), 0)->valuedouble, 1e5, "1e5");
    same_double(item_at(quo_json_root(doc), 1)->valuedouble, 2e-3, "2E-3");
    same_double(item_at(quo_json_root(doc), 2)->valuedouble, -0.0, "-0");
    same_double(item_at(quo_json_root(doc), 3)->valuedouble, 0.5, "0.5");
    quo_json_free(doc);
}
END_TEST

/* Numbers longer than the 800 digits handed to strtod: the sticky digit
 * must still round a value just above a halfway point up. */
START_TEST(long_numbers_round_like_strtod)
{
    static const char *const heads[] = {"9007199254740993", "9007199254740995",
                                        "1", "0.", "2.4703282292062327"};
    size_t cap = 4000;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    for (size_t h = 0; h < QUO_ARRAY_SIZE(heads); h++) {
        for (int tail = 0; tail < 3; tail++) {
            /* tail 0: zeros only; 1: a final 1 far out; 2: many nines */
            size_t n = (size_t)snprintf(text, cap, "%s", heads[h]);
            if (!strchr(heads[h], '.'))
                text[n++] = '.';
            for (int i = 0; i < 1500; i++)
                text[n++] = tail == 2 ? '9' : '0';
            if (tail == 1)
                text[n++] = '1';
            n += (size_t)snprintf(text + n, cap - n, "%s",
                                  h == 4 ? "e-324" : "e0");
            quo_json_doc *doc = parse_ok(text, n);
            same_double(quo_json_root(doc)->valuedouble, strtod(text, NULL),
                        heads[h]);
            quo_json_free(doc);
        }
    }
    free(text);
}
END_TEST

START_TEST(valueint_saturates_like_cjson)
{
    static const struct {
        const char *text;
        int want;
    } cases[] = {
        {"42", 42},           {"-7", -7},
        {"-1.5", -1},         {"2.9", 2},
        {"3000000000", INT_MAX}, {"-3000000000", INT_MIN},
        {"2147483647", INT_MAX}, {"-2147483648", INT_MIN},
        {"1e400", INT_MAX},   {"-1e400", INT_MIN},
    };
    for (size_t i = 0; i < QUO_ARRAY_SIZE(cases); i++) {
        quo_json_doc *doc = parse_ok(cases[i].text, strlen(cases[i].text));
        ck_assert_msg(quo_json_root(doc)->valueint == cases[i].want, "%s: %d",
                      cases[i].text, quo_json_root(doc)->valueint);
        quo_json_free(doc);
    }
}
END_TEST

/* Switches LC_NUMERIC to a locale whose decimal point is not '.'
 * (scripts/setup.sh generates de_DE.UTF-8); false when none is installed. */
static bool comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                        "fr_FR.utf8", "de_DE", "fr_FR"};
    const char *got = NULL;
    for (size_t i = 0; i < QUO_ARRAY_SIZE(names) && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (got && strcmp(localeconv()->decimal_point, ".") != 0)
        return true;
    setlocale(LC_NUMERIC, "C");
    return false;
}

/* Tag "locale": its own ctest (test_json_gate_locale), which main() skips
 * when no comma-decimal locale is installed. */
START_TEST(numbers_ignore_the_locale)
{
    ck_assert_msg(comma_locale(), "no comma-decimal locale (run scripts/setup.sh)");
    const char *text = "[1.5, 0.1, 1234567.25e-3, "
                       "2.2250738585072011e-308, 1.0000000000000001110223024625156540423631668090820312500001]";
    quo_json_doc *doc = parse_ok(text, strlen(text));
    const cJSON *r = quo_json_root(doc);
    setlocale(LC_NUMERIC, "C");
    same_double(item_at(r, 0)->valuedouble, 1.5, "1.5");
    same_double(item_at(r, 1)->valuedouble, 0.1, "0.1");
    same_double(item_at(r, 2)->valuedouble, 1234.56725, "1234567.25e-3");
    same_double(item_at(r, 3)->valuedouble, strtod("2.2250738585072011e-308", NULL), "subnormal");
    same_double(item_at(r, 4)->valuedouble,
                strtod("1.0000000000000001110223024625156540423631668090820312500001", NULL),
                "long");
    quo_json_free(doc);
}
END_TEST

START_TEST(strings_are_unescaped)
{
    const char text[] = "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0041\\u00e9"
                        "\\u20AC\\ud83d\\ude00\", \"plain \xC3\xA9\"]";
    const char want[] = "a\"b\\c/d\b\f\n\r\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    quo_json_doc *doc = parse_ok(text, sizeof text - 1);
    const cJSON *s = item_at(quo_json_root(doc), 0);
    ck_assert(cJSON_IsString(s));
    ck_assert_str_eq(s->valuestring, want);
    ck_assert_uint_eq(quo_json_strlen(doc, s), sizeof want - 1);
    ck_assert_str_eq(item_at(quo_json_root(doc), 1)->valuestring,
                     "plain \xC3\xA9");
    ck_assert(!quo_json_has_nul(doc));
    quo_json_free(doc);
}
END_TEST

START_TEST(strings_with_nul_keep_every_byte)
{
    const char text[] = "[\"a\\u0000b\", \"plain\", {\"k\\u0000ey\": "
                        "\"v\\u0000\", \"n\": \"\\u0000\"}, \"\"]";
    quo_json_doc *doc = parse_ok(text, sizeof text - 1);
    const cJSON *r = quo_json_root(doc);
    const cJSON *s0 = item_at(r, 0), *s1 = item_at(r, 1), *o = item_at(r, 2);
    const cJSON *m0 = o->child, *m1 = o->child->next;

    ck_assert(quo_json_has_nul(doc));
    ck_assert_uint_eq(quo_json_strlen(doc, s0), 3);
    ck_assert_mem_eq(s0->valuestring, "a\0b", 4);
    ck_assert_uint_eq(quo_json_strlen(NULL, s0), 1); /* no doc: strlen */
    ck_assert_uint_eq(quo_json_strlen(doc, s1), 5);
    ck_assert_uint_eq(quo_json_keylen(doc, m0), 4);
    ck_assert_mem_eq(m0->string, "k\0ey", 5);
    ck_assert_uint_eq(quo_json_strlen(doc, m0), 2);
    ck_assert_mem_eq(m0->valuestring, "v\0", 3);
    ck_assert_uint_eq(quo_json_keylen(doc, m1), 1);
    ck_assert_uint_eq(quo_json_strlen(doc, m1), 1);
    ck_assert_uint_eq(quo_json_strlen(doc, item_at(r, 3)), 0);
    ck_assert_uint_eq(quo_json_keylen(doc, s0), 0); /* array items: no name */
    quo_json_free(doc);
}
END_TEST

START_TEST(many_strings_with_nul)
{
    /* Enough entries to grow the side table several times. */
    size_t cap = 200000, n = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    n += (size_t)sprintf(text + n, "{");
    for (int i = 0; i < 3000; i++)
        n += (size_t)sprintf(text + n, "%s\"k%d\\u0000\":\"%d\\u0000x\"",
                             i ? "," : "", i, i);
    n += (size_t)sprintf(text + n, "}");
    quo_json_doc *doc = parse_ok(text, n);
    int i = 0;
    for (const cJSON *m = quo_json_root(doc)->child; m; m = m->next, i++) {
        char want[32];
        size_t wl = (size_t)sprintf(want, "%d", i);
        ck_assert_uint_eq(quo_json_keylen(doc, m), wl + 2);
        ck_assert_uint_eq(quo_json_strlen(doc, m), wl + 2);
        ck_assert_int_eq(m->valuestring[wl + 1], 'x');
    }
    ck_assert_int_eq(i, 3000);
    quo_json_free(doc);
    free(text);
}
END_TEST

/* Every child list obeys cJSON's invariants. */
static void check_lists(const cJSON *node)
{
    for (; node; node = node->next) {
        const cJSON *c = node->child, *last = NULL;
        if (!c)
            continue;
        for (const cJSON *k = c; k; k = k->next) {
            if (k != c)
                ck_assert_ptr_eq(k->prev, last);
            last = k;
        }
        ck_assert_ptr_eq(c->prev, last);
        check_lists(c);
    }
}

START_TEST(tree_shape_and_cjson_invariants)
{
    const char text[] = "{\"a\":[1,{\"b\":null},[],[[true]]],\"c\":true,"
                        "\"d\":{},\"e\":\"x\",\"f\":-2.5}";
    quo_json_doc *doc = parse_ok(text, sizeof text - 1);
    cJSON *root = (cJSON *)quo_json_root(doc);

    check_lists(root);
    ck_assert(cJSON_IsObject(root));
    ck_assert_int_eq(cJSON_GetArraySize(root), 5);
    ck_assert_ptr_null(root->string);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "a");
    ck_assert(cJSON_IsArray(a));
    ck_assert_int_eq(cJSON_GetArraySize(a), 4);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(item_at(a, 1), "b")));
    ck_assert(cJSON_IsTrue(item_at(item_at(item_at(a, 3), 0), 0)));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "c")));
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(root, "e")->valuestring, "x");

    char *out = cJSON_PrintUnformatted(root);
    ck_assert_str_eq(out, text);
    cJSON_free(out);
    out = cJSON_Print(root);
    ck_assert_ptr_nonnull(strstr(out, "\"c\":\ttrue"));
    cJSON_free(out);

    /* Users may extend and prune the tree with cJSON's own functions. */
    ck_assert(cJSON_AddItemToArray((cJSON *)a, cJSON_CreateNumber(5)));
    ck_assert(cJSON_AddItemToObject(root, "g", cJSON_CreateString("new")));
    ck_assert(cJSON_AddItemToArray((cJSON *)item_at(a, 2), cJSON_CreateFalse()));
    cJSON_DeleteItemFromArray((cJSON *)a, 0);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "c");
    check_lists(root);
    out = cJSON_PrintUnformatted(root);
    ck_assert_str_eq(out, "{\"a\":[{\"b\":null},[false],[[true]],5],\"d\":{},"
                          "\"e\":\"x\",\"f\":-2.5,\"g\":\"new\"}");
    cJSON_free(out);
    cJSON *dup = cJSON_Duplicate(root, 1);
    ck_assert(cJSON_Compare(dup, root, 1));
    cJSON_Delete(dup);
    quo_json_free(doc);
}
END_TEST

START_TEST(parsed_array_accepts_items)
{
    quo_json_doc *doc = parse_ok(TEXT("[1,2,3]"));
    cJSON *arr = (cJSON *)quo_json_root(doc);
    ck_assert_ptr_eq(arr->child->prev, arr->child->next->next);
    ck_assert_ptr_null(arr->child->next->next->next);
    ck_assert(cJSON_AddItemToArray(arr, cJSON_CreateNumber(4)));
    ck_assert_int_eq(cJSON_GetArraySize(arr), 4);
    ck_assert_int_eq(item_at(arr, 3)->valueint, 4);
    char *out = cJSON_PrintUnformatted(arr);
    ck_assert_str_eq(out, "[1,2,3,4]");
    cJSON_free(out);
    quo_json_free(doc);

    doc = parse_ok(TEXT("[]"));
    arr = (cJSON *)quo_json_root(doc);
    ck_assert(cJSON_AddItemToArray(arr, cJSON_CreateNull()));
    out = cJSON_PrintUnformatted(arr);
    ck_assert_str_eq(out, "[null]");
    cJSON_free(out);
    quo_json_free(doc);
}
END_TEST

/* ---- depth ------------------------------------------------------------- */

static char *nested(size_t depth, bool close, bool objects, size_t *len)
{
    size_t per_open = objects ? 5 : 1; /* {"a": */
    char *s = malloc(depth * (per_open + 1) + 2);
    size_t n = 0;
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < depth; i++) {
        memcpy(s + n, objects ? "{\"a\":" : "[", per_open);
        n += per_open;
    }
    if (objects)
        s[n++] = '1';
    for (size_t i = 0; close && i < depth; i++)
        s[n++] = objects ? '}' : ']';
    *len = n;
    return s;
}

START_TEST(depth_limit_exact_boundary)
{
    static const unsigned limits[] = {0, 1, 5, 300};
    for (size_t li = 0; li < QUO_ARRAY_SIZE(limits); li++) {
        unsigned lim = limits[li] ? limits[li] : QUO_JSON_DEFAULT_MAX_DEPTH;
        for (int objects = 0; objects < 2; objects++) {
            size_t len;
            quo_error err;
            char *ok = nested(lim, true, objects, &len);
            ck_assert_msg(both(ok, len, limits[li], &err) == QUO_OK,
                          "depth %u: %s", lim, err.message);
            free(ok);
            char *bad = nested(lim + 1, true, objects, &len);
            ck_assert_int_eq(both(bad, len, limits[li], &err), QUO_EDEPTH);
            ck_assert_uint_eq(err.offset, lim * (objects ? 5u : 1u));
            char want[64];
            snprintf(want, sizeof want, "nesting deeper than %u", lim);
            ck_assert_ptr_nonnull(strstr(err.message, want));
            free(bad);
        }
    }
    /* Scalars have depth 0 and pass any limit. */
    ck_assert_int_eq(both(TEXT("1"), 1, NULL), QUO_OK);
}
END_TEST

START_TEST(hundred_thousand_deep_gives_edepth)
{
    size_t len;
    quo_error err;
    for (int close = 0; close < 2; close++) {
        for (int objects = 0; objects < 2; objects++) {
            char *s = nested(100000, close, objects, &len);
            ck_assert_int_eq(both(s, len, 0, &err), QUO_EDEPTH);
            ck_assert_ptr_nonnull(strstr(err.message, "nesting deeper than 128"));
            free(s);
        }
    }
}
END_TEST

/* Parses, walks and frees 100000-deep trees on a thread with a 1 MiB
 * stack: only code that never recurses per level survives that. */
static void *deep_trees(void *arg)
{
    long bad = 0;
    (void)arg;
    for (int objects = 0; objects < 2; objects++) {
        size_t len, depth = 0;
        char *s = nested(100000, true, objects, &len);
        quo_json_doc *doc = NULL;
        if (!s || quo_json_parse(s, len, 200000, &doc, NULL) != QUO_OK) {
            bad++;
            free(s);
            continue;
        }
        for (const cJSON *n = quo_json_root(doc); n && n->child; n = n->child)
            depth++;
        bad += depth != (objects ? 100000u : 99999u);
        quo_json_free(doc);
        bad += quo_json_check(s, len, 200000, NULL) != QUO_OK;
        free(s);
    }
    return (void *)(intptr_t)bad;
}

START_TEST(deep_trees_build_and_free_without_recursion)
{
    pthread_attr_t attr;
    pthread_t th;
    void *bad;
    ck_assert_int_eq(pthread_attr_init(&attr), 0);
    ck_assert_int_eq(pthread_attr_setstacksize(&attr, 1 << 20), 0);
    ck_assert_int_eq(pthread_create(&th, &attr, deep_trees, NULL), 0);
    ck_assert_int_eq(pthread_join(th, &bad), 0);
    pthread_attr_destroy(&attr);
    ck_assert_ptr_null(bad);
}
END_TEST

/* ---- huge objects ------------------------------------------------------ */

static char *wide_object(size_t members, bool escaped, size_t *len)
{
    size_t cap = members * 40 + 16, n = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    s[n++] = '{';
    for (size_t i = 0; i < members; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s\"%sm%zu\":%zu",
                              i ? "," : "", escaped ? "\\u006D" : "", i, i);
    s[n++] = '}';
    *len = n;
    return s;
}

START_TEST(hundred_thousand_members)
{
    for (int escaped = 0; escaped < 2; escaped++) {
        size_t len;
        char *s = wide_object(100000, escaped, &len);
        quo_json_doc *doc = parse_ok(s, len);
        const cJSON *r = quo_json_root(doc);
        ck_assert_int_eq(cJSON_GetArraySize(r), 100000);
        ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(r, escaped ? "mm99999" : "m99999")->valueint, 99999);
        quo_json_free(doc);
        ck_assert_int_eq(quo_json_check(s, len, 0, NULL), QUO_OK);

        /* A repeat at the very end, and one in the middle, are found. */
        quo_error err;
        const char *tail = escaped ? ",\"mm0\":1}" : ",\"m0\":1}";
        char *dup = malloc(len + 16);
        ck_assert_ptr_nonnull(dup);
        memcpy(dup, s, len - 1);
        strcpy(dup + len - 1, tail);
        ck_assert_int_eq(both(dup, strlen(dup), 0, &err), QUO_EDUPLICATE);
        ck_assert_uint_eq(err.offset, len);
        ck_assert_ptr_nonnull(strstr(err.message, escaped ? "\"mm0\"" : "\"m0\""));
        const char *mid = escaped ? "\"\\u006Dm50000\":50000" : "\"m50000\":50000";
        char *at = strstr(dup, mid);
        ck_assert_ptr_nonnull(at);
        memcpy(at + (escaped ? 8 : 2), "49999", 5); /* name becomes m49999 */
        dup[len - 1] = '}';
        ck_assert_int_eq(both(dup, len, 0, &err), QUO_EDUPLICATE);
        ck_assert_uint_eq(err.offset, (size_t)(at - dup));
        free(dup);
        free(s);
    }
}
END_TEST

START_TEST(duplicates_at_every_size)
{
    /* Around the switch from linear scan to hash set, a repeat of every
     * earlier name is found, and distinct names never collide. */
    char *s = malloc(4096);
    ck_assert_ptr_nonnull(s);
    for (size_t members = 1; members <= 40; members++) {
        size_t n = 0;
        s[n++] = '{';
        for (size_t i = 0; i < members; i++)
            n += (size_t)sprintf(s + n, "%s\"k%zu\":{\"k%zu\":%zu}",
                                 i ? "," : "", i, i, i);
        s[n] = '}';
        ck_assert_int_eq(both(s, n + 1, 0, NULL), QUO_OK);
        for (size_t j = 0; j < members; j++) {
            int m = sprintf(s + n, ",\"k%zu\":0}", j);
            quo_error err;
            ck_assert_msg(both(s, n + (size_t)m, 0, &err) == QUO_EDUPLICATE,
                          "%zu members, repeat of k%zu", members, j);
            ck_assert_uint_eq(err.offset, n + 1);
        }
    }
    free(s);
}
END_TEST

START_TEST(nested_wide_objects_keep_separate_name_sets)
{
    /* 200 outer members, each an object with the same 30 inner names. */
    size_t cap = 200 * 30 * 16 + 64, n = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    s[n++] = '{';
    for (int i = 0; i < 200; i++) {
        n += (size_t)sprintf(s + n, "%s\"o%d\":{", i ? "," : "", i);
        for (int j = 0; j < 30; j++)
            n += (size_t)sprintf(s + n, "%s\"i%d\":%d", j ? "," : "", j, j);
        s[n++] = '}';
    }
    s[n++] = '}';
    ck_assert_int_eq(both(s, n, 0, NULL), QUO_OK);
    /* Repeating an outer name after all that is still caught. */
    quo_error err;
    n--;
    n += (size_t)sprintf(s + n, ",\"o7\":1}");
    ck_assert_int_eq(both(s, n, 0, &err), QUO_EDUPLICATE);
    ck_assert_ptr_nonnull(strstr(err.message, "\"o7\""));
    free(s);
}
END_TEST

/* ---- allocation failure ------------------------------------------------ */

static long allocs_left; /* < 0: never fail */
static long live_blocks;

static void *failing_malloc(size_t n)
{
    if (allocs_left == 0)
        return NULL;
    if (allocs_left > 0)
        allocs_left--;
    void *p = malloc(n);
    if (p)
        live_blocks++;
    return p;
}

static void counting_free(void *p)
{
    if (p)
        live_blocks--;
    free(p);
}

static const char *const oom_docs[] = {
    "{\"title\":\"Follow up\",\"description\":\"x\\u0041y\",\"n\":[1,2.5,true,null]}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "[\"a\\u0000b\",{\"k\\u0000\":\"v\\u0000\"},\"c\\u0000\",\"d\\u0000\",\"e\\u0000\","
    "\"f\\u0000\",\"g\\u0000\",\"h\\u0000\",\"i\\u0000\"]",
    "{\"\\u0061\":1,\"\\u0062\":2,\"\\u0063\":{\"\\u0064\":[{\"\\u0065\":1}]}}",
    "{\"k00\":0,\"k01\":1,\"k02\":2,\"k03\":3,\"k04\":4,\"k05\":5,\"k06\":6,"
    "\"k07\":7,\"k08\":8,\"k09\":9,\"k10\":0,\"k11\":1,\"k12\":2,\"k13\":3,"
    "\"k14\":4,\"k15\":5,\"k16\":6,\"k17\":7,\"k18\":8,\"k19\":9,\"k20\":0,"
    "\"k21\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,"
    "\"i\":9,\"j\":0,\"k\":1,\"l\":2,\"m\":3,\"n\":4,\"o\":5,\"p\":6,\"q\":7,"
    "\"r\":8,\"s\":9,\"t\":0,\"u\":1,\"v\":2,\"w\":3,\"x\":4,\"y\":5,\"z\":6},"
    "\"k22\":2,\"k23\":3,\"k24\":4,\"k25\":5,\"k26\":6,\"k27\":7,\"k28\":8,"
    "\"k29\":9,\"k30\":0,\"k31\":1,\"k32\":2,\"k33\":3,\"k34\":4,\"k35\":5,"
    "\"k\\u0033\\u0036\":6,\"k37\":7,\"k38\":8,\"k39\":9,\"k40\":0}",
    "[1.00000000000000011102230246251565404236316680908203125e-5]",
};

START_TEST(every_allocation_failure_is_enomem_without_leaks)
{
    cJSON_Hooks hooks = {failing_malloc, counting_free};
    cJSON_InitHooks(&hooks);
    for (size_t d = 0; d < QUO_ARRAY_SIZE(oom_docs); d++) {
        const char *text = oom_docs[d];
        for (int mode = 0; mode < 2; mode++) {
            long failures = 0;
            for (long k = 0;; k++) {
                quo_error err;
                quo_json_doc *doc = NULL;
                quo_status st;
                allocs_left = k;
                live_blocks = 0;
                st = mode ? quo_json_parse(text, strlen(text), 0, &doc, &err)
                          : quo_json_check(text, strlen(text), 0, &err);
                allocs_left = -1;
                if (st == QUO_OK) {
                    quo_json_free(doc);
                    ck_assert_int_eq(live_blocks, 0);
                    break;
                }
                failures++;
                ck_assert_msg(st == QUO_ENOMEM, "doc %zu mode %d k %ld: %s",
                              d, mode, k, err.message);
                ck_assert_int_eq(err.status, QUO_ENOMEM);
                ck_assert_ptr_nonnull(strstr(err.message, "out of memory"));
                ck_assert_ptr_null(doc);
                ck_assert_msg(live_blocks == 0, "doc %zu mode %d k %ld: %ld "
                              "blocks leaked", d, mode, k, live_blocks);
            }
            /* Tree building always allocates; make sure we exercised it. */
            if (mode)
                ck_assert_int_ge(failures, 3); /* doc, root, a value */
        }
    }
    cJSON_InitHooks(NULL);
}
END_TEST

/* ---- threads ----------------------------------------------------------- */

static void *parse_many(void *arg)
{
    const char *text = arg;
    long bad = 0;
    for (int i = 0; i < 2000; i++) {
        quo_json_doc *doc;
        quo_error err;
        if (quo_json_parse(text, strlen(text), 0, &doc, &err) != QUO_OK) {
            bad++;
            continue;
        }
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(quo_json_root(doc), "title");
        if (!t || quo_json_strlen(doc, t) != 6 || !quo_json_has_nul(doc))
            bad++;
        quo_json_free(doc);
        if (quo_json_check("{\"a\":1,\"a\":2}", 13, 0, &err) != QUO_EDUPLICATE ||
            err.offset != 7)
            bad++;
    }
    return (void *)(intptr_t)bad;
}

START_TEST(parallel_parses_do_not_interfere)
{
    pthread_t th[4];
    char text[4096];
    int n = sprintf(text, "{\"title\":\"ab\\u0000cde\"");
    for (int i = 0; i < 40; i++) /* a hash set too */
        n += sprintf(text + n, ",\"m%d\":[%d,\"s\"]", i, i);
    sprintf(text + n, "}");
    for (size_t i = 0; i < QUO_ARRAY_SIZE(th); i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, parse_many, text), 0);
    for (size_t i = 0; i < QUO_ARRAY_SIZE(th); i++) {
        void *bad;
        ck_assert_int_eq(pthread_join(th[i], &bad), 0);
        ck_assert_ptr_null(bad);
    }
}
END_TEST

/* ---- main -------------------------------------------------------------- */

static Suite *gate_suite(void)
{
    Suite *s = suite_create("json_gate");
    TCase *tc = tcase_create("verdicts");
    tcase_add_loop_test(tc, rejection, 0,
                        (int)(QUO_ARRAY_SIZE(rejects)));
    tcase_add_loop_test(tc, acceptance, 0,
                        (int)(QUO_ARRAY_SIZE(accepts)));
    tcase_add_test(tc, messages_name_problem_and_position);
    tcase_add_test(tc, duplicate_name_is_quoted_and_shortened);
    tcase_add_test(tc, error_struct_is_reset_on_success);
    tcase_add_test(tc, misuse_is_reported);
    suite_add_tcase(s, tc);

    tc = tcase_create("trees");
    tcase_add_test(tc, numbers_are_correctly_rounded);
    tcase_add_test(tc, long_numbers_round_like_strtod);
    tcase_add_test(tc, valueint_saturates_like_cjson);
    tcase_add_test(tc, strings_are_unescaped);
    tcase_add_test(tc, strings_with_nul_keep_every_byte);
    tcase_add_test(tc, many_strings_with_nul);
    tcase_add_test(tc, tree_shape_and_cjson_invariants);
    tcase_add_test(tc, parsed_array_accepts_items);
    suite_add_tcase(s, tc);

    tc = tcase_create("locale");
    tcase_set_tags(tc, "locale");
    tcase_add_test(tc, numbers_ignore_the_locale);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, depth_limit_exact_boundary);
    tcase_add_test(tc, hundred_thousand_deep_gives_edepth);
    tcase_add_test(tc, deep_trees_build_and_free_without_recursion);
    tcase_add_test(tc, hundred_thousand_members);
    tcase_add_test(tc, duplicates_at_every_size);
    tcase_add_test(tc, nested_wide_objects_keep_separate_name_sets);
    tcase_add_test(tc, every_allocation_failure_is_enomem_without_leaks);
    tcase_add_test(tc, parallel_parses_do_not_interfere);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (quo_check_only_tag("locale")) {
        if (!comma_locale()) {
            printf("SKIP: no comma-decimal locale installed (scripts/setup.sh generates de_DE.UTF-8)\n");
            return QUO_CHECK_SKIP;
        }
        setlocale(LC_NUMERIC, "C");
    }
    int failed = quo_check_run(gate_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* fuzz_common.h - what every fuzz target shares: the libFuzzer entry point
 * prototype, the loaded spec, the abort-on-property-violation check, and
 * the property helpers more than one target needs (JSON Pointer resolution,
 * UTF-8 validity, violation-list comparison).
 *
 * A target reports a broken property by printing one message on stderr and
 * calling abort(), so libFuzzer (or the replay driver) keeps the input as a
 * crash reproducer. Targets never return anything but 0.
 *
 * Ownership: fuzz_spec() returns a spec loaded once and kept for the life
 * of the process (never freed: it is reachable, so LeakSanitizer is quiet).
 * Everything else here borrows its arguments and allocates nothing the
 * caller must free.
 */
#ifndef QUO_FUZZ_COMMON_H
#define QUO_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "quo/json.h"
#include "quo/spec.h"
#include "quo/violation.h"

/* The libFuzzer entry points (defined by each target; the replay driver or
 * libFuzzer calls them). Declared here so -Wmissing-prototypes is happy. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#if defined(__GNUC__)
#define FUZZ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FUZZ_PRINTF(a, b)
#endif

/* Prints "fuzz property violated at FILE:LINE: (cond) message" and aborts. */
_Noreturn void fuzz_fail(const char *file, int line, const char *cond,
                         const char *fmt, ...) FUZZ_PRINTF(4, 5);

#define FUZZ_CHECK(cond, ...)                                            \
    do {                                                                 \
        if (!(cond))                                                     \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);           \
    } while (0)

/* The compiled-in spec, loaded on first use; aborts if it cannot load
 * (nothing can be fuzzed without it). */
const quo_spec *fuzz_spec(void);

/* Prints up to `max` bytes of data on stderr with non-printable bytes
 * escaped, after `label`; for the context of a failure message. */
void fuzz_dump(const char *label, const void *data, size_t size, size_t max);

/* Prints every item of a violation list on stderr (path, keyword, message). */
void fuzz_dump_violations(const char *label, const quo_violations *list);

/* True when s[0..len) is valid UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF). */
bool fuzz_utf8_valid(const char *s, size_t len);

/* RFC 6901 syntax: "" or "/"-separated tokens where '~' is always
 * followed by '0' or '1'. */
bool fuzz_pointer_syntax_ok(const char *ptr);

/* Walks `ptr` from `root`. Returns the number of reference tokens in ptr;
 * *resolved receives how many of them, from the left, named an existing
 * member or array element. Member names are compared over their full
 * length (quo_json_keylen with `doc`); a NUL in a member name, which a
 * NUL-terminated pointer cannot hold, must be spelt as the six characters
 * \u0000 (the library's convention for paths). */
size_t fuzz_pointer_resolve(const cJSON *root, const quo_json_doc *doc,
                            const char *ptr, size_t *resolved);

/* Every property a violation must have, checked with FUZZ_CHECK: no
 * NULL or empty field, UTF-8 path and message, an RFC 6901 path that
 * resolves into `root` (all but its last token for "required", which names
 * the member that is missing). `what` names root in messages ("body"). */
void fuzz_check_violation(const quo_violation *v, const cJSON *root,
                          const quo_json_doc *doc, const char *what);

/* Structural equality of two cJSON trees: same types, member names in
 * the same order, strings (compared as C strings), numbers as doubles
 * (inf equals inf, NaN equals NaN; cJSON_Compare says inf != inf, and
 * 1e400 parses to inf). */
bool fuzz_json_equal(const cJSON *a, const cJSON *b);

/* True when both lists hold the same items in the same order (path,
 * message, keyword, schema_type, value). On a difference, *why (if not
 * NULL) points at a static description of the first one. */
bool fuzz_violations_equal(const quo_violations *a, const quo_violations *b,
                           const char **why);

#endif

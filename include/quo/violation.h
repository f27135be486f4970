/* quo/violation.h - a list of spec violations, in the API's own shape.
 *
 * Every verdict the library takes (request validation, response parsing,
 * schema validation) is reported as a quo_violations list. One item maps
 * one-to-one onto an item of the API's 400 `errors[]` array:
 *   {path, message, value, schema: {type}}.
 *
 * Ownership: the list owns every item and every string in it. Call
 * quo_violations_init() before first use and quo_violations_free() when
 * done; quo_violations_clear() empties a list for reuse and keeps its
 * storage, so a hot loop allocates only for invalid inputs.
 */
#ifndef QUO_VIOLATION_H
#define QUO_VIOLATION_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "quo/error.h"
#include "quo/json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quo_violation {
    char *path;              /* RFC 6901 JSON Pointer into the instance; "" = whole document */
    char *message;           /* a sentence a person understands */
    cJSON *value;            /* copy of the offending value; NULL when absent (e.g. missing member) */
    const char *schema_type; /* expected type, e.g. "string"; static storage, never NULL */
    const char *keyword;     /* what failed: a schema keyword ("pattern", "required", ...) or a
                                library check ("json", "status", "content-type"); static storage */
} quo_violation;

typedef struct quo_violations {
    quo_violation *items;
    size_t count;
    size_t cap;
} quo_violations;

void quo_violations_init(quo_violations *list);

/* Appends one item. path is copied; value (may be NULL) is deep-copied;
 * keyword and schema_type must be string literals or otherwise outlive the
 * list. The message is made valid UTF-8 (quo_error rules). Returns QUO_OK
 * or QUO_ENOMEM (list unchanged). */
quo_status quo_violations_add(quo_violations *list, const char *path,
                              const cJSON *value, const char *keyword,
                              const char *schema_type, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* The same for a value that comes from a tree the JSON gate built: `doc`
 * lets the copy keep strings and names that hold \u0000 (see
 * quo_json_copy()). quo_violations_add() is this with doc NULL. */
quo_status quo_violations_add_doc(quo_violations *list, const quo_json_doc *doc,
                                  const char *path, const cJSON *value,
                                  const char *keyword, const char *schema_type,
                                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Removes every item (freeing its strings); keeps the array for reuse. */
void quo_violations_clear(quo_violations *list);

/* Frees everything; the list is left empty and may be reused. */
void quo_violations_free(quo_violations *list);

/* A new cJSON array in the API's errors[] shape, or NULL on ENOMEM.
 * The caller owns it (cJSON_Delete). */
cJSON *quo_violations_to_json(const quo_violations *list);

#ifdef __cplusplus
}
#endif
#endif

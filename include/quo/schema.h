/* quo/schema.h - a compiled JSON Schema (draft 2020-12 subset).
 *
 * Supported keywords: type, properties, required, additionalProperties
 * (bool or schema), anyOf, oneOf, allOf, const, enum, items, minLength,
 * maxLength (counted in code points), minimum, maximum, pattern (ECMAScript
 * semantics, compiled with PCRE2), format ("date-time" is asserted per RFC
 * 3339 section 5.6; other formats are a load error), and local $ref ("#..."
 * JSON Pointer into the same document; ~0 ~1 and %-escapes decoded).
 * Annotations (description, examples, example, title, $comment, default,
 * deprecated, readOnly, writeOnly, $defs, definitions, contentMediaType,
 * contentEncoding, contentSchema) are ignored; so are $schema when it names
 * draft 2020-12 or the OpenAPI 3.1 dialect, and $id at the document root
 * (an $id anywhere else starts a schema resource of its own, which would
 * change what "#" means there: a compile error). Any other keyword is a compile error: an
 * assertion this engine does not understand is never silently skipped. So
 * is a cycle of $ref/allOf/anyOf/oneOf that never descends into the
 * instance (it could only recurse forever).
 *
 * Violations: path is the instance location, message a sentence, value a
 * copy of the offending value (NULL for a missing member), keyword the
 * failing keyword ("false" for the false schema), and schema_type the
 * `type` declared where the keyword applies ("any" when none; several
 * types are joined by '|', e.g. "null|string"). A missing required member
 * reports its own declared type; a member additionalProperties forbids,
 * the object's.
 *
 * Ownership: quo_schema_compile() copies what it needs; the source tree may
 * be freed afterwards. A compiled schema is immutable: share it freely
 * between threads. Release with quo_schema_free().
 */
#ifndef QUO_SCHEMA_H
#define QUO_SCHEMA_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "quo/error.h"
#include "quo/json.h"
#include "quo/violation.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quo_schema quo_schema;

/* Compiles the schema found at JSON Pointer `pointer` (RFC 6901, "" for the
 * root) inside `document`. Local $refs resolve against `document`.
 * `lengths` is the quo_json_doc `document` was parsed with (so const/enum
 * strings holding \u0000 keep their full length), or NULL.
 * Returns QUO_OK, QUO_ESCHEMA (err names the keyword and its schema path),
 * or QUO_ENOMEM. */
quo_status quo_schema_compile(const cJSON *document, const quo_json_doc *lengths,
                              const char *pointer, quo_schema **out,
                              quo_error *err);

void quo_schema_free(quo_schema *schema);

/* Validates `instance`. `doc` is the quo_json_doc the instance came from
 * (for string lengths with embedded NUL) or NULL. Every violation is
 * appended to `out` (collect-all mode); the keyword's `path` is the
 * instance location. An anyOf/oneOf failure is one item at the instance
 * location; callers that need branch detail (the request validator)
 * validate against a chosen branch with quo_schema_branch().
 * Returns QUO_OK (valid iff out->count did not grow) or QUO_ENOMEM. */
quo_status quo_schema_validate(const quo_schema *schema, const cJSON *instance,
                               const quo_json_doc *doc, quo_violations *out);

/* Fast yes/no without building messages. */
bool quo_schema_is_valid(const quo_schema *schema, const cJSON *instance,
                         const quo_json_doc *doc);

/* For a schema whose top level is anyOf/oneOf: the number of branches and
 * the i-th branch (owned by `schema`). 0 / NULL otherwise. */
size_t quo_schema_branch_count(const quo_schema *schema);
const quo_schema *quo_schema_branch(const quo_schema *schema, size_t i);

#ifdef __cplusplus
}
#endif
#endif

/* quo/schema.h - a compiled JSON Schema (draft 2020-12).
 *
 * Keywords, with exact draft 2020-12 semantics:
 *   any type   type enum const, allOf anyOf oneOf not if/then/else, $ref
 *              (local: "#" + a JSON Pointer into the same document, ~0 ~1
 *              and %-escapes decoded, see quo_json_pointer());
 *   objects    properties required additionalProperties (bool or schema)
 *              patternProperties propertyNames minProperties maxProperties
 *              dependentRequired dependentSchemas unevaluatedProperties;
 *   arrays     items (one schema) prefixItems contains minContains
 *              maxContains minItems maxItems uniqueItems unevaluatedItems;
 *   strings    minLength maxLength (counted in code points), pattern
 *              (ECMAScript semantics, compiled with PCRE2), format;
 *   numbers    minimum maximum exclusiveMinimum exclusiveMaximum
 *              multipleOf (a zero fmod() remainder, or a quotient within
 *              1e-9 of an integer: decimal steps such as 0.01 work).
 * unevaluatedProperties/unevaluatedItems see the annotations of adjacent
 * keywords and of every subschema applied in place that passed ($ref,
 * allOf, the passing anyOf branches, the oneOf branch, if+then or else,
 * dependentSchemas; never not), as the specification says.
 *
 * Formats are asserted (a string that does not match is a violation, as
 * the optional format-assertion vocabulary does), each by its RFC:
 *   date, time, date-time  RFC 3339 section 5.6 full-date / full-time /
 *                          date-time; "T" and "Z" in either case; second
 *                          60 only where the time, moved to UTC by its
 *                          offset, is 23:59:60 (section 5.7);
 *   duration               RFC 3339 appendix A (ABNF "duration");
 *   email                  RFC 5321 section 4.1.2 Mailbox (dot-string or
 *                          quoted local part of at most 64 octets; a
 *                          domain of RFC 1123 labels or an IPv4 / "IPv6:"
 *                          address literal), the stricter of 5321/5322;
 *   uri, uri-reference     RFC 3986 section 3 URI / section 4.1
 *                          URI-reference, ASCII only, %-escapes checked;
 *   uuid                   RFC 9562 (RFC 4122) 8-4-4-4-12 hex, any case;
 *   ipv4                   RFC 2673 dotted-quad, no leading zeros;
 *   ipv6                   RFC 4291 section 2.2 text forms (no zone, no
 *                          prefix length);
 *   hostname               RFC 1123 section 2.1 labels (at most 63, total
 *                          at most 253), "xn--" labels checked as RFC 5890
 *                          A-labels: Punycode per RFC 3492, the RFC 5891
 *                          section 4.2.3 hyphen and leading-combining-mark
 *                          rules (General_Category from PCRE2's tables),
 *                          the RFC 5892 exceptions and its contextual rules
 *                          (ZERO WIDTH NON-JOINER only after a virama: its
 *                          Joining_Type alternative needs tables this
 *                          engine does not carry, so it is refused).
 * Any other format is a compile error.
 *
 * Ignored (annotations; no effect on validity): title description
 * examples example default deprecated readOnly writeOnly $comment $defs
 * definitions contentMediaType contentEncoding contentSchema, the OpenAPI
 * externalDocs xml discriminator, any "x-..." extension, $schema when it
 * names draft 2020-12 or the OpenAPI 3.1 dialect, and $id at the document
 * root (an $id anywhere else starts a schema resource of its own, which
 * would change what "#" means there: a compile error). `nullable` (the
 * OpenAPI 3.0 spelling) is refused with a message naming the 3.1 one,
 * type: [T, "null"]. Any other keyword is a compile error: an assertion
 * this engine does not understand is never silently skipped. So is a
 * cycle of $ref/allOf/anyOf/oneOf/not/if/then/else/dependentSchemas that
 * never descends into the instance (it could only recurse forever).
 * Compile errors name the cause and the schema path, once.
 *
 * Violations: path is the instance location, message a sentence, value a
 * copy of the offending value (NULL for a missing member), keyword the
 * failing keyword ("false" for the false schema), and schema_type the
 * `type` declared where the keyword applies ("any" when none; several
 * types are joined by '|', e.g. "null|string"). A missing required member
 * reports its own declared type; a member additionalProperties forbids,
 * the object's. Messages that refer to a subschema (not, contains,
 * propertyNames, unevaluated*) name its schema path.
 *
 * Depth: the instance may nest to any depth. Validation follows it only
 * where the schema does (a recursive $ref), up to a fixed limit of schema
 * applications; beyond it the instance is not judged: QUO_ELIMIT, with no
 * violation, never "invalid". Comparisons (const, enum, uniqueItems) and
 * violation values never recurse on the instance.
 *
 * Ownership: quo_schema_compile() copies what it needs; the source tree may
 * be freed afterwards. A compiled schema is immutable: share it freely
 * between threads. Release with quo_schema_free(). Validating a valid
 * instance allocates nothing (unless an unevaluated* keyword meets an
 * object or array of more than 256 members, or uniqueItems more than 64
 * items).
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
 * Returns QUO_OK (valid iff out->count did not grow), QUO_ELIMIT (not
 * judged: see "Depth" above; out is left as it was) or QUO_ENOMEM. */
quo_status quo_schema_validate(const quo_schema *schema, const cJSON *instance,
                               const quo_json_doc *doc, quo_violations *out);

/* Fast yes/no without building messages. false also when the instance
 * cannot be judged (QUO_ELIMIT above): callers that must tell the two
 * apart use quo_schema_validate(). */
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

/* quo/json.h - the strict JSON gate in front of cJSON.
 *
 * cJSON alone is lenient (accepts 01, 1., raw control characters, invalid
 * UTF-8, a BOM, duplicate names; cuts strings at \u0000). This module parses
 * exactly RFC 8259 text that is valid UTF-8, rejects duplicate member names
 * and unpaired surrogate escapes (I-JSON, RFC 7493), and stops at a depth
 * limit with an error instead of recursing without bound. It builds the
 * cJSON tree itself in the same pass, so cJSON's own parser is never used on
 * untrusted input.
 *
 * A string whose JSON text contains \u0000 is stored in full (valuestring
 * holds the embedded NUL bytes, and so does a member name in node->string);
 * strlen() would be wrong for it, so every consumer that takes a verdict on
 * a string or a name asks quo_json_strlen() / quo_json_keylen().
 *
 * Ownership: quo_json_parse() returns a quo_json_doc that owns the tree;
 * release it with quo_json_free(). Functions here keep no global state and
 * are safe to call from several threads at once.
 */
#ifndef QUO_JSON_H
#define QUO_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "quo/buf.h"
#include "quo/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default nesting limit (arrays + objects) of quo_json_check/parse with
 * max_depth 0: a policy for callers that want one (nothing here recurses,
 * so no depth puts the stack at risk). */
#define QUO_JSON_DEFAULT_MAX_DEPTH 128

/* max_depth that means "no limit": any document within the size limit is
 * judged, whatever its nesting (the response parser, quo-validate). */
#define QUO_JSON_NO_DEPTH_LIMIT 0xFFFFFFFFu

typedef struct quo_json_doc quo_json_doc;

/* Checks buf[0..len) without building a tree. max_depth 0 means the
 * default. Returns QUO_OK, or QUO_ESYNTAX / QUO_EUTF8 / QUO_EDEPTH /
 * QUO_EDUPLICATE / QUO_ESURROGATE / QUO_ENOMEM with err->offset set to the
 * byte where the problem was found. */
quo_status quo_json_check(const char *buf, size_t len, unsigned max_depth,
                          quo_error *err);

/* Same verdict as quo_json_check(); on QUO_OK *out receives a new document
 * the caller must quo_json_free(). On failure *out is NULL. */
quo_status quo_json_parse(const char *buf, size_t len, unsigned max_depth,
                          quo_json_doc **out, quo_error *err);

/* The root value. Owned by doc; valid until quo_json_free(doc). */
const cJSON *quo_json_root(const quo_json_doc *doc);

/* Byte length of a string node's value. doc may be NULL (trees not built
 * by this module), in which case this is strlen(node->valuestring). */
size_t quo_json_strlen(const quo_json_doc *doc, const cJSON *node);

/* Byte length of a member's name (node->string), with the same rule. */
size_t quo_json_keylen(const quo_json_doc *doc, const cJSON *node);

/* True when any string in doc held \u0000 (rare; lets callers skip work). */
bool quo_json_has_nul(const quo_json_doc *doc);

void quo_json_free(quo_json_doc *doc);

/* cJSON_Delete() without recursion (and with its semantics: `item` and its
 * `next` siblings are freed): for trees of any depth, e.g. copies made by
 * quo_json_copy(). NULL is fine. */
void quo_json_delete(cJSON *item);

/* Unformatted JSON text of `node` (cJSON_PrintUnformatted's output), built
 * without recursion; the caller cJSON_free()s it. NULL on ENOMEM. Numbers
 * are printed as cJSON prints them; strings are escaped as cJSON does. */
char *quo_json_print(const cJSON *node);

/* The member of object `obj` whose name is exactly `name` (full length, so
 * a name holding \u0000 never matches a shorter one), or NULL. doc as for
 * quo_json_strlen(). Unlike cJSON_GetObjectItemCaseSensitive, never fooled
 * by an embedded NUL. */
const cJSON *quo_json_member(const quo_json_doc *doc, const cJSON *obj,
                             const char *name);

/* RFC 6901 JSON Pointer evaluation: the node `ptr[0..len)` leads to from
 * `root`, or NULL when it leads nowhere or is malformed. `ptr` is either
 * the plain form ("/a/b~1c"; "" is the root) or the URI-fragment form of
 * RFC 6901 section 6 ("#/a/b%7Ec"; "#" is the root), which is
 * percent-decoded first (a '%' not followed by two hex digits: NULL).
 * ~0 and ~1 are decoded per token (any other '~' sequence: NULL); an
 * array index is decimal without leading zeros ("-" leads nowhere). Member
 * names are compared by their full length, so a token holding a NUL (from
 * %00) matches only a name holding one. `lengths` is the quo_json_doc
 * `root` was parsed with, or NULL (then names are C strings). Allocates
 * only for pointers longer than 255 bytes; NULL on allocation failure. */
const cJSON *quo_json_pointer(const cJSON *root, const char *ptr, size_t len,
                              const quo_json_doc *lengths);

/* Appends "/" and `token` (a C string) escaped as RFC 6901 says (~ is ~0,
 * / is ~1) to b: the one pointer builder of the project. */
void quo_json_pointer_append(quo_buf *b, const char *token);

/* A deep copy of `node` (a new tree the caller quo_json_delete()s), built
 * without recursion, that a
 * cJSON printer can print faithfully: each NUL inside a string or a member
 * name is written as the six characters \u0000 (as JSON Pointers in
 * violations show it). When that rewriting would make two member names of
 * one object equal, the value cannot be shown: *out is NULL and the result
 * is still QUO_OK. QUO_ENOMEM on allocation failure. doc may be NULL
 * (plain cJSON_Duplicate). */
quo_status quo_json_copy(const quo_json_doc *doc, const cJSON *node, cJSON **out);

/* The JSON type of a node as a word for messages: "object", "array",
 * "string", "number", "boolean" or "null". Never NULL. */
const char *quo_json_type_name(const cJSON *node);

#ifdef __cplusplus
}
#endif
#endif

/* mock/fixtures.h (internal to quo-mock) - the world the mock serves:
 * API keys and the phone numbers each may use, and resources of every
 * kind a request links (phone numbers, conversations owned by a phone
 * number, activities in a conversation, users, and any other link member
 * the spec has), each with its optional owner.
 *
 * Loading checks the file's exact shape (unknown or missing members are
 * errors), every id against the spec's pattern for its kind, duplicates,
 * and every reference (key -> phone number, conversation -> phone number,
 * activity -> conversation). The first problem found is returned as a
 * message that names where it is ("conversations[1].phoneNumberId ...").
 * API keys never appear in a message. The one exception is the compiled-in
 * set (mock_fixtures_load_default()), written for the shipped spec: a kind
 * whose ids do not fit a spec's tighter pattern is served with ids made
 * from that pattern instead (mock/idgen.h; the i-th id becomes value i, so
 * order and every reference hold), and mock_fixtures_note() says so. A
 * file's ids are never replaced. quo_mock_fixtures_pick() (quo-mock/mock.h)
 * answers, from the same model, what a client needs (the suite's embedded
 * target).
 *
 * Ownership: a mock_fixtures is immutable after loading and safe to share
 * between threads; release it with mock_fixtures_free(). Ids handed out
 * live as long as the fixtures.
 */
#ifndef QUO_MOCK_FIXTURES_H
#define QUO_MOCK_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>

#include "quo/error.h"
#include "quo/spec.h"

typedef struct mock_fixtures mock_fixtures;

#define MOCK_FIX_NONE ((size_t)-1)

/* A fixture id: its bytes (may hold NUL when the file used \u0000) and the
 * same id pre-rendered as a JSON string literal for response bodies. */
typedef struct mock_id {
    char *bytes;
    size_t len;
    char *json;
    size_t json_len;
} mock_id;

/* Loads `json[0..len)`; `origin` names it in messages (a path, or
 * "compiled-in fixtures"). QUO_OK, QUO_ENOMEM, QUO_ESPEC (the spec lacks
 * a pattern this module needs) or QUO_EUSAGE (the fixtures are malformed
 * or inconsistent; err says where and why). */
quo_status mock_fixtures_load_buffer(const quo_spec *spec, const char *json,
                                     size_t len, const char *origin,
                                     mock_fixtures **out, quo_error *err);
/* Reads the file first; an unreadable file is QUO_EIO. */
quo_status mock_fixtures_load_file(const quo_spec *spec, const char *path,
                                   mock_fixtures **out, quo_error *err);
/* The set compiled into quo-mock (mock/default-fixtures.json). */
quo_status mock_fixtures_load_default(const quo_spec *spec, mock_fixtures **out,
                                      quo_error *err);
void mock_fixtures_free(mock_fixtures *fx);

/* The world is a set of kinds of resource, each keyed by the request
 * member whose values name it ("phoneNumberId", "contactId", ...). Both
 * file formats are read into it: the legacy lists (phoneNumbers,
 * conversations, activities, users: kinds MOCK_KIND_PHONE ..
 * MOCK_KIND_USER, always present, maybe empty) and the member-keyed
 * "resources" (docs/mock.md). Every link member the contract reports is
 * a kind too (empty when the file lists none). An entry may be owned by
 * one entry of another kind; a chain of owners visits a kind at most once.
 * Lookups return an index, or MOCK_FIX_NONE. */
enum { MOCK_KIND_PHONE, MOCK_KIND_CONVERSATION, MOCK_KIND_ACTIVITY, MOCK_KIND_USER,
       MOCK_KIND_LEGACY };

size_t mock_fixtures_kind_count(const mock_fixtures *fx);
/* A link kind the fixtures list nothing of gets one resource synthesized
 * from its member's pattern (owned by the first phone number a key grants);
 * a pattern it cannot generate from is QUO_ESPEC naming member and pattern.
 * This says what was made, one line each ("" when nothing): for stderr. */
const char *mock_fixtures_note(const mock_fixtures *fx);
/* The kind named by request member member[0..len). */
size_t mock_fixtures_kind(const mock_fixtures *fx, const char *member, size_t len);
const char *mock_fixtures_kind_member(const mock_fixtures *fx, size_t kind);
size_t mock_fixtures_find(const mock_fixtures *fx, size_t kind, const char *id, size_t len);
size_t mock_fixtures_count(const mock_fixtures *fx, size_t kind);
const mock_id *mock_fixtures_id(const mock_fixtures *fx, size_t kind, size_t i);
/* Entry i's owner index, *owner_kind its kind (MOCK_FIX_NONE: not owned). */
size_t mock_fixtures_owner(const mock_fixtures *fx, size_t kind, size_t i, size_t *owner_kind);

/* The key's index, or MOCK_FIX_NONE. */
size_t mock_fixtures_key(const mock_fixtures *fx, const char *key, size_t len);
/* True when the key may use phone number `phone` (a MOCK_KIND_PHONE index). */
bool mock_fixtures_key_allows(const mock_fixtures *fx, size_t key, size_t phone);

#endif

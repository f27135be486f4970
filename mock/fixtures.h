/* mock/fixtures.h (internal to quo-mock) - the world the mock serves:
 * API keys and the phone numbers each may use, phone numbers,
 * conversations (owned by a phone number), activities (in a conversation)
 * and users.
 *
 * Loading checks the file's exact shape (unknown or missing members are
 * errors), every id against the spec's pattern for its kind, duplicates,
 * and every reference (key -> phone number, conversation -> phone number,
 * activity -> conversation). The first problem found is returned as a
 * message that names where it is ("conversations[1].phoneNumberId ...").
 * API keys never appear in a message.
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

/* Lookups return an index, or MOCK_FIX_NONE when the id is not known. */
size_t mock_fixtures_phone(const mock_fixtures *fx, const char *id, size_t len);
/* *phone receives the owning phone number's index. */
size_t mock_fixtures_conversation(const mock_fixtures *fx, const char *id,
                                  size_t len, size_t *phone);
/* *conversation receives the activity's conversation index. */
size_t mock_fixtures_activity(const mock_fixtures *fx, const char *id,
                              size_t len, size_t *conversation);
size_t mock_fixtures_user(const mock_fixtures *fx, const char *id, size_t len);
/* The key's index, or MOCK_FIX_NONE. */
size_t mock_fixtures_key(const mock_fixtures *fx, const char *key, size_t len);
bool mock_fixtures_key_allows(const mock_fixtures *fx, size_t key, size_t phone);

size_t mock_fixtures_phone_count(const mock_fixtures *fx);
const mock_id *mock_fixtures_phone_id(const mock_fixtures *fx, size_t i);
size_t mock_fixtures_conversation_count(const mock_fixtures *fx);
const mock_id *mock_fixtures_conversation_id(const mock_fixtures *fx, size_t i);
/* The phone number that owns conversation i. */
size_t mock_fixtures_conversation_phone(const mock_fixtures *fx, size_t i);
size_t mock_fixtures_activity_count(const mock_fixtures *fx);
const mock_id *mock_fixtures_activity_id(const mock_fixtures *fx, size_t i);
size_t mock_fixtures_user_count(const mock_fixtures *fx);
const mock_id *mock_fixtures_user_id(const mock_fixtures *fx, size_t i);

#endif

/* fixtures.c - loading and checking the mock's world, and lookups in it.
 *
 * Every list is kept sorted by (length, bytes) so a lookup is a binary
 * search; references are resolved to indices once, at load time.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/json.h"
#include "quo-mock/mock.h"
#include "quo/schema.h"

#include "fixtures.h"
#include "names.h"
#include "text.h"

/* Generated from mock/default-fixtures.json (see mock/CMakeLists.txt). */
extern const char mock_default_fixtures_json[];
extern const size_t mock_default_fixtures_json_len;

/* Fixtures files larger than this are refused before parsing. */
#define FIX_MAX_FILE (64u * 1024u * 1024u)

typedef struct fx_entry {
    mock_id id;
    size_t pos;           /* position in the file's array, for messages */
    size_t ref;           /* resolved owner index (conversation -> phone, activity -> conversation) */
    const cJSON *ref_node; /* the owner id while loading */
} fx_entry;

typedef struct fx_key {
    char *bytes;
    size_t len;
    size_t pos;
    size_t *phones; /* sorted phone indices */
    size_t n_phones;
    const cJSON *phone_nodes; /* the key's phoneNumbers array while loading */
} fx_key;

typedef struct fx_list {
    fx_entry *items;
    size_t count;
} fx_list;

struct mock_fixtures {
    fx_list phones, convs, acts, users;
    fx_key *keys;
    size_t n_keys;
};

enum { KIND_PHONE, KIND_CONV, KIND_ACT, KIND_USER, KIND_COUNT };

/* Per-kind facts: the request member whose spec schema gives the id
 * pattern, and the fixtures member that lists ids of this kind. */
static const struct {
    const char *property;
    const char *list;
} kinds[KIND_COUNT] = {
    {MOCK_PHONE_ID, "phoneNumbers"},
    {MOCK_CONVERSATION_ID, "conversations"},
    {MOCK_ACTIVITY_ID, "activities"},
    {MOCK_ASSIGNED_TO, "users"},
};

static const char *const top_members[] = {"apiKeys", "phoneNumbers", "conversations",
                                          "activities", "users"};

typedef struct loader {
    const char *origin;
    quo_json_doc *doc;
    const quo_schema *schema[KIND_COUNT]; /* owned by the spec's contract */
    const char *pattern[KIND_COUNT]; /* the pattern text, for messages */
    quo_error *err;
    mock_fixtures *fx;
} loader;

/* ---- small helpers ---------------------------------------------------- */

static int id_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return alen < blen ? -1 : 1;
    return memcmp(a, b, alen);
}

static int entry_cmp(const void *pa, const void *pb)
{
    const fx_entry *a = pa, *b = pb;
    int c = id_cmp(a->id.bytes, a->id.len, b->id.bytes, b->id.len);
    if (c)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int key_cmp(const void *pa, const void *pb)
{
    const fx_key *a = pa, *b = pb;
    int c = id_cmp(a->bytes, a->len, b->bytes, b->len);
    if (c)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int index_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a < b ? -1 : a > b;
}

static size_t list_find(const fx_list *l, const char *id, size_t len)
{
    size_t lo = 0, hi = l->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = id_cmp(id, len, l->items[mid].id.bytes, l->items[mid].id.len);
        if (c == 0)
            return mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return MOCK_FIX_NONE;
}

static quo_status fail(loader *ld, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The message is "<origin>: <what>", cut to QUO_ERROR_MESSAGE_MAX. */
static quo_status fail(loader *ld, const char *fmt, ...)
{
    char msg[QUO_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return quo_error_set(ld->err, QUO_EUSAGE, 0, "%s: %s", ld->origin, msg);
}

static quo_status oom(loader *ld)
{
    return quo_error_set(ld->err, QUO_ENOMEM, 0, "%s: out of memory", ld->origin);
}

static void excerpt_node(const loader *ld, const cJSON *node, char *out, size_t outsz)
{
    mock_text_excerpt(out, outsz, node->valuestring, quo_json_strlen(ld->doc, node), 40);
}

static quo_status make_id(loader *ld, const cJSON *node, mock_id *id)
{
    size_t len = quo_json_strlen(ld->doc, node);
    id->bytes = malloc(len + 1);
    if (!id->bytes)
        return oom(ld);
    memcpy(id->bytes, node->valuestring, len);
    id->bytes[len] = '\0';
    id->len = len;
    quo_buf b;
    quo_buf_init(&b);
    mock_buf_json_string(&b, node->valuestring, len);
    id->json = quo_buf_take(&b, &id->json_len);
    return id->json ? QUO_OK : oom(ld);
}

/* ---- the spec's id patterns ------------------------------------------ */

/* Each kind's id schema is its request member's, from the contract. A
 * kind whose member the spec does not have is not checked (nothing in a
 * request can name it). */
static quo_status compile_patterns(loader *ld, const quo_spec *spec)
{
    const quo_contract *c = quo_spec_contract(spec);
    for (int k = 0; k < KIND_COUNT; k++) {
        const quo_contract_member *m = quo_contract_member_find(c, kinds[k].property);
        ld->schema[k] = m ? m->schema : NULL;
        ld->pattern[k] = m ? m->pattern : NULL;
    }
    return QUO_OK;
}

/* ---- shape ----------------------------------------------------------- */

/* Checks that obj (at `where`) has exactly the members in `names`. */
static quo_status exact_members(loader *ld, const cJSON *obj, const char *where,
                                const char *const *names, size_t n, const char *allowed)
{
    char m[96];
    if (!cJSON_IsObject(obj))
        return fail(ld, "%s must be an object with members %s", where, allowed);
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = id_cmp(c->string, quo_json_keylen(ld->doc, c), names[i],
                           strlen(names[i])) == 0;
        if (!known) {
            mock_text_excerpt(m, sizeof m, c->string, quo_json_keylen(ld->doc, c), 40);
            return fail(ld, "%s has an unknown member \"%s\" (allowed: %s)", where, m,
                        allowed);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!cJSON_GetObjectItemCaseSensitive(obj, names[i]))
            return fail(ld, "%s lacks the member \"%s\"", where, names[i]);
    return QUO_OK;
}

/* A string id of kind k at `where`: type and the spec's pattern. */
static quo_status check_id(loader *ld, const cJSON *node, int k, const char *where)
{
    if (!cJSON_IsString(node))
        return fail(ld, "%s must be a string", where);
    if (ld->schema[k] && !quo_schema_is_valid(ld->schema[k], node, ld->doc)) {
        char val[200];
        excerpt_node(ld, node, val, sizeof val);
        return fail(ld, "%s \"%s\" is not a valid %s (the spec's pattern is %s)", where, val,
                    kinds[k].property, ld->pattern[k] ? ld->pattern[k] : "not stated");
    }
    return QUO_OK;
}

static quo_status alloc_list(loader *ld, fx_list *l, const cJSON *arr, const char *name)
{
    if (!cJSON_IsArray(arr))
        return fail(ld, "%s must be an array", name);
    size_t n = (size_t)cJSON_GetArraySize(arr);
    l->items = calloc(n ? n : 1, sizeof *l->items);
    if (!l->items)
        return oom(ld);
    return QUO_OK;
}

/* phoneNumbers / users: arrays of id strings. */
static quo_status load_plain(loader *ld, const cJSON *root, int k, fx_list *l)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, kinds[k].list);
    quo_status st = alloc_list(ld, l, arr, kinds[k].list);
    if (st != QUO_OK)
        return st;
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        char where[64];
        snprintf(where, sizeof where, "%s[%zu]", kinds[k].list, i);
        if ((st = check_id(ld, c, k, where)) != QUO_OK)
            return st;
        l->items[i].pos = i;
        l->items[i].ref = MOCK_FIX_NONE;
        l->count = i + 1;
        if ((st = make_id(ld, c, &l->items[i].id)) != QUO_OK)
            return st;
    }
    return QUO_OK;
}

/* conversations / activities: {id, <owner member>} objects. */
static quo_status load_owned(loader *ld, const cJSON *root, int k, int owner_kind,
                             fx_list *l)
{
    const char *list = kinds[k].list;
    const char *owner = kinds[owner_kind].property;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, list);
    quo_status st = alloc_list(ld, l, arr, list);
    if (st != QUO_OK)
        return st;
    const char *const names[] = {"id", owner};
    char allowed[96];
    snprintf(allowed, sizeof allowed, "id, %s", owner);
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        char where[96];
        snprintf(where, sizeof where, "%s[%zu]", list, i);
        if ((st = exact_members(ld, c, where, names, 2, allowed)) != QUO_OK)
            return st;
        snprintf(where, sizeof where, "%s[%zu].id", list, i);
        if ((st = check_id(ld, cJSON_GetObjectItemCaseSensitive(c, "id"), k, where)) != QUO_OK)
            return st;
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(c, owner);
        snprintf(where, sizeof where, "%s[%zu].%s", list, i, owner);
        if ((st = check_id(ld, ref, owner_kind, where)) != QUO_OK)
            return st;
        l->items[i].pos = i;
        l->items[i].ref_node = ref;
        l->count = i + 1;
        if ((st = make_id(ld, cJSON_GetObjectItemCaseSensitive(c, "id"), &l->items[i].id)) !=
            QUO_OK)
            return st;
    }
    return QUO_OK;
}

/* HTTP strips a header value's surrounding blanks and cannot carry control
 * characters, so such a key could never be presented. */
static bool key_sendable(const char *k, size_t n)
{
    if (n == 0 || k[0] == ' ' || k[0] == '\t' || k[n - 1] == ' ' || k[n - 1] == '\t')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return false;
    }
    return true;
}

static quo_status load_keys(loader *ld, const cJSON *root)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "apiKeys");
    if (!cJSON_IsArray(arr))
        return fail(ld, "apiKeys must be an array");
    size_t n = (size_t)cJSON_GetArraySize(arr);
    mock_fixtures *fx = ld->fx;
    fx->keys = calloc(n ? n : 1, sizeof *fx->keys);
    if (!fx->keys)
        return oom(ld);
    static const char *const names[] = {"key", "phoneNumbers"};
    size_t i = 0;
    quo_status st;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        char where[48];
        snprintf(where, sizeof where, "apiKeys[%zu]", i);
        if ((st = exact_members(ld, c, where, names, 2, "key, phoneNumbers")) != QUO_OK)
            return st;
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(c, "key");
        const cJSON *phones = cJSON_GetObjectItemCaseSensitive(c, "phoneNumbers");
        if (!cJSON_IsString(key))
            return fail(ld, "%s.key must be a string", where);
        size_t klen = quo_json_strlen(ld->doc, key);
        if (klen == 0)
            return fail(ld, "%s.key is empty", where);
        if (!key_sendable(key->valuestring, klen))
            return fail(ld, "%s.key has surrounding blanks or a control character, "
                            "which an HTTP header cannot carry", where);
        if (!cJSON_IsArray(phones))
            return fail(ld, "%s.phoneNumbers must be an array", where);
        size_t j = 0;
        for (const cJSON *p = phones->child; p; p = p->next, j++) {
            char pw[128];
            snprintf(pw, sizeof pw, "apiKeys[%zu].phoneNumbers[%zu]", i, j);
            if ((st = check_id(ld, p, KIND_PHONE, pw)) != QUO_OK)
                return st;
        }
        fx_key *k = &fx->keys[i];
        k->pos = i;
        k->phone_nodes = phones;
        fx->n_keys = i + 1;
        k->bytes = malloc(klen + 1);
        if (!k->bytes)
            return oom(ld);
        memcpy(k->bytes, key->valuestring, klen);
        k->bytes[klen] = '\0';
        k->len = klen;
    }
    return QUO_OK;
}

/* ---- consistency ----------------------------------------------------- */

static quo_status sort_unique(loader *ld, fx_list *l, const char *list)
{
    if (l->count > 1)
        qsort(l->items, l->count, sizeof *l->items, entry_cmp);
    for (size_t i = 1; i < l->count; i++) {
        const fx_entry *a = &l->items[i - 1], *b = &l->items[i];
        if (id_cmp(a->id.bytes, a->id.len, b->id.bytes, b->id.len) == 0) {
            char val[200];
            mock_text_excerpt(val, sizeof val, b->id.bytes, b->id.len, 40);
            return fail(ld, "%s[%zu] \"%s\" duplicates %s[%zu]", list, b->pos, val, list,
                        a->pos);
        }
    }
    return QUO_OK;
}

/* Resolves each entry's owner id to an index into `owners`. */
static quo_status resolve_owners(loader *ld, fx_list *l, const char *list,
                                 const fx_list *owners, int owner_kind)
{
    for (size_t i = 0; i < l->count; i++) {
        fx_entry *e = &l->items[i];
        const cJSON *r = e->ref_node;
        e->ref = list_find(owners, r->valuestring, quo_json_strlen(ld->doc, r));
        if (e->ref == MOCK_FIX_NONE) {
            char val[200];
            excerpt_node(ld, r, val, sizeof val);
            return fail(ld, "%s[%zu].%s \"%s\" is not listed in %s (unknown owner)", list,
                        e->pos, kinds[owner_kind].property, val, kinds[owner_kind].list);
        }
        e->ref_node = NULL;
    }
    return QUO_OK;
}

static quo_status resolve_keys(loader *ld)
{
    mock_fixtures *fx = ld->fx;
    if (fx->n_keys > 1)
        qsort(fx->keys, fx->n_keys, sizeof *fx->keys, key_cmp);
    for (size_t i = 1; i < fx->n_keys; i++) {
        const fx_key *a = &fx->keys[i - 1], *b = &fx->keys[i];
        if (id_cmp(a->bytes, a->len, b->bytes, b->len) == 0) {
            return fail(ld, "apiKeys[%zu].key duplicates apiKeys[%zu].key", b->pos, a->pos);
        }
    }
    for (size_t i = 0; i < fx->n_keys; i++) {
        fx_key *k = &fx->keys[i];
        size_t n = (size_t)cJSON_GetArraySize(k->phone_nodes);
        k->phones = malloc((n ? n : 1) * sizeof *k->phones);
        if (!k->phones)
            return oom(ld);
        size_t j = 0;
        for (const cJSON *p = k->phone_nodes->child; p; p = p->next, j++) {
            size_t idx = list_find(&fx->phones, p->valuestring, quo_json_strlen(ld->doc, p));
            if (idx == MOCK_FIX_NONE) {
                char val[200];
                excerpt_node(ld, p, val, sizeof val);
                return fail(ld, "apiKeys[%zu].phoneNumbers[%zu] \"%s\" is not listed in "
                                "phoneNumbers (unknown phone number)", k->pos, j, val);
            }
            k->phones[j] = idx;
        }
        k->n_phones = n;
        k->phone_nodes = NULL;
        qsort(k->phones, n, sizeof *k->phones, index_cmp);
        for (size_t q = 1; q < n; q++) {
            if (k->phones[q] == k->phones[q - 1]) {
                char val[200];
                const mock_id *id = &fx->phones.items[k->phones[q]].id;
                mock_text_excerpt(val, sizeof val, id->bytes, id->len, 40);
                return fail(ld, "apiKeys[%zu].phoneNumbers lists \"%s\" twice", k->pos, val);
            }
        }
    }
    return QUO_OK;
}

/* ---- loading ----------------------------------------------------------- */

static quo_status load_tree(loader *ld, const cJSON *root)
{
    quo_status st = exact_members(ld, root, "the top level", top_members, 5,
                                  "apiKeys, phoneNumbers, conversations, activities, users");
    if (st != QUO_OK)
        return st;
    mock_fixtures *fx = ld->fx;
    if ((st = load_keys(ld, root)) != QUO_OK ||
        (st = load_plain(ld, root, KIND_PHONE, &fx->phones)) != QUO_OK ||
        (st = load_owned(ld, root, KIND_CONV, KIND_PHONE, &fx->convs)) != QUO_OK ||
        (st = load_owned(ld, root, KIND_ACT, KIND_CONV, &fx->acts)) != QUO_OK ||
        (st = load_plain(ld, root, KIND_USER, &fx->users)) != QUO_OK)
        return st;
    if ((st = sort_unique(ld, &fx->phones, kinds[KIND_PHONE].list)) != QUO_OK ||
        (st = sort_unique(ld, &fx->convs, kinds[KIND_CONV].list)) != QUO_OK ||
        (st = sort_unique(ld, &fx->acts, kinds[KIND_ACT].list)) != QUO_OK ||
        (st = sort_unique(ld, &fx->users, kinds[KIND_USER].list)) != QUO_OK)
        return st;
    if ((st = resolve_owners(ld, &fx->convs, kinds[KIND_CONV].list, &fx->phones,
                             KIND_PHONE)) != QUO_OK ||
        (st = resolve_owners(ld, &fx->acts, kinds[KIND_ACT].list, &fx->convs,
                             KIND_CONV)) != QUO_OK)
        return st;
    return resolve_keys(ld);
}

quo_status mock_fixtures_load_buffer(const quo_spec *spec, const char *json, size_t len,
                                     const char *origin, mock_fixtures **out, quo_error *err)
{
    *out = NULL;
    loader ld = {.origin = origin, .err = err};
    ld.fx = calloc(1, sizeof *ld.fx);
    if (!ld.fx)
        return oom(&ld);
    quo_error jerr;
    quo_status st = quo_json_parse(json, len, 0, &ld.doc, &jerr);
    if (st == QUO_ENOMEM) {
        oom(&ld);
    } else if (st != QUO_OK) {
        st = quo_error_set(err, QUO_EUSAGE, jerr.offset, "%s: not valid JSON at byte %zu: %s",
                           origin, jerr.offset, jerr.message);
    } else if ((st = compile_patterns(&ld, spec)) == QUO_OK) {
        st = load_tree(&ld, quo_json_root(ld.doc));
    }
    quo_json_free(ld.doc);
    if (st != QUO_OK) {
        mock_fixtures_free(ld.fx);
        return st;
    }
    *out = ld.fx;
    return QUO_OK;
}

quo_status mock_fixtures_load_file(const quo_spec *spec, const char *path,
                                   mock_fixtures **out, quo_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return quo_error_set(err, QUO_EIO, 0, "%s: cannot open: %s", path, strerror(errno));
    quo_buf b;
    quo_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > FIX_MAX_FILE) {
            fclose(f);
            quo_buf_free(&b);
            return quo_error_set(err, QUO_EUSAGE, 0, "%s: larger than %u MiB", path,
                                 FIX_MAX_FILE >> 20);
        }
        quo_buf_append(&b, chunk, n);
    }
    int read_error = ferror(f);
    int saved = errno;
    fclose(f);
    if (read_error) {
        quo_buf_free(&b);
        return quo_error_set(err, QUO_EIO, 0, "%s: read error: %s", path, strerror(saved));
    }
    if (b.failed) {
        quo_buf_free(&b);
        return quo_error_set(err, QUO_ENOMEM, 0, "%s: out of memory", path);
    }
    quo_status st = mock_fixtures_load_buffer(spec, b.data ? b.data : "", b.len, path, out, err);
    quo_buf_free(&b);
    return st;
}

const char *quo_mock_default_fixtures(size_t *len)
{
    if (len)
        *len = mock_default_fixtures_json_len;
    return mock_default_fixtures_json;
}

quo_status mock_fixtures_load_default(const quo_spec *spec, mock_fixtures **out,
                                      quo_error *err)
{
    return mock_fixtures_load_buffer(spec, mock_default_fixtures_json,
                                     mock_default_fixtures_json_len, "compiled-in fixtures",
                                     out, err);
}

static void free_list(fx_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].id.bytes);
        free(l->items[i].id.json);
    }
    free(l->items);
}

void mock_fixtures_free(mock_fixtures *fx)
{
    if (!fx)
        return;
    free_list(&fx->phones);
    free_list(&fx->convs);
    free_list(&fx->acts);
    free_list(&fx->users);
    for (size_t i = 0; i < fx->n_keys; i++) {
        free(fx->keys[i].bytes);
        free(fx->keys[i].phones);
    }
    free(fx->keys);
    free(fx);
}

/* ---- lookups ----------------------------------------------------------- */

size_t mock_fixtures_phone(const mock_fixtures *fx, const char *id, size_t len)
{
    return list_find(&fx->phones, id, len);
}

size_t mock_fixtures_conversation(const mock_fixtures *fx, const char *id, size_t len,
                                  size_t *phone)
{
    size_t i = list_find(&fx->convs, id, len);
    if (i != MOCK_FIX_NONE && phone)
        *phone = fx->convs.items[i].ref;
    return i;
}

size_t mock_fixtures_activity(const mock_fixtures *fx, const char *id, size_t len,
                              size_t *conversation)
{
    size_t i = list_find(&fx->acts, id, len);
    if (i != MOCK_FIX_NONE && conversation)
        *conversation = fx->acts.items[i].ref;
    return i;
}

size_t mock_fixtures_user(const mock_fixtures *fx, const char *id, size_t len)
{
    return list_find(&fx->users, id, len);
}

size_t mock_fixtures_key(const mock_fixtures *fx, const char *key, size_t len)
{
    size_t lo = 0, hi = fx->n_keys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = id_cmp(key, len, fx->keys[mid].bytes, fx->keys[mid].len);
        if (c == 0)
            return mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return MOCK_FIX_NONE;
}

bool mock_fixtures_key_allows(const mock_fixtures *fx, size_t key, size_t phone)
{
    if (key >= fx->n_keys)
        return false;
    const fx_key *k = &fx->keys[key];
    return bsearch(&phone, k->phones, k->n_phones, sizeof *k->phones, index_cmp) != NULL;
}

size_t mock_fixtures_phone_count(const mock_fixtures *fx) { return fx->phones.count; }
const mock_id *mock_fixtures_phone_id(const mock_fixtures *fx, size_t i)
{
    return i < fx->phones.count ? &fx->phones.items[i].id : NULL;
}
size_t mock_fixtures_conversation_count(const mock_fixtures *fx) { return fx->convs.count; }
const mock_id *mock_fixtures_conversation_id(const mock_fixtures *fx, size_t i)
{
    return i < fx->convs.count ? &fx->convs.items[i].id : NULL;
}
size_t mock_fixtures_conversation_phone(const mock_fixtures *fx, size_t i)
{
    return i < fx->convs.count ? fx->convs.items[i].ref : MOCK_FIX_NONE;
}
size_t mock_fixtures_activity_count(const mock_fixtures *fx) { return fx->acts.count; }
const mock_id *mock_fixtures_activity_id(const mock_fixtures *fx, size_t i)
{
    return i < fx->acts.count ? &fx->acts.items[i].id : NULL;
}
size_t mock_fixtures_user_count(const mock_fixtures *fx) { return fx->users.count; }
const mock_id *mock_fixtures_user_id(const mock_fixtures *fx, size_t i)
{
    return i < fx->users.count ? &fx->users.items[i].id : NULL;
}

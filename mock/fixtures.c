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

#include "quo/array.h"
#include "quo/io.h"
#include "quo/json.h"
#include "quo-mock/mock.h"
#include "quo/schema.h"

#include "fixtures.h"
#include "idgen.h"
#include "names.h"
#include "text.h"

/* Generated from mock/default-fixtures.json (see mock/CMakeLists.txt). */
extern const char mock_default_fixtures_json[];
extern const size_t mock_default_fixtures_json_len;

/* Fixtures files larger than this are refused before parsing. */
#define FIX_MAX_FILE (64u * 1024u * 1024u)

typedef struct fx_entry {
    mock_id id;
    size_t pos;            /* position in the file's array, for messages */
    size_t owner_kind;     /* the owner's kind, MOCK_FIX_NONE: not owned */
    size_t ref;            /* resolved owner index in owner_kind */
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

/* One kind of resource: the request member whose values name it, and
 * where the file lists it (for messages). */
typedef struct fx_kind {
    char *member;
    char *list; /* "phoneNumbers" (the legacy lists) or "resources.<member>" */
    fx_list l;
    const quo_schema *schema; /* the member's schema, owned by the contract; NULL: unchecked */
    const char *pattern;
    /* Compiled-in fixtures only: the first id that does not fit the
     * schema (its place and value, for the note); the kind's ids are then
     * replaced by ones made from the pattern (refit()). */
    bool misfit;
    char misfit_val[64];
} fx_kind;

struct mock_fixtures {
    fx_kind *kinds;
    size_t n_kinds;
    fx_key *keys;
    size_t n_keys;
    quo_buf note; /* what was synthesized, one line each; empty when nothing */
};

/* The legacy format's lists (docs/mock.md, "The fixtures file"): which
 * member each stands for, and the member its entries are owned through. */
static const struct {
    const char *property;
    const char *list;
    int owner; /* a legacy kind, or -1 */
} legacy[MOCK_KIND_LEGACY] = {
    {MOCK_PHONE_ID, "phoneNumbers", -1},
    {MOCK_CONVERSATION_ID, "conversations", MOCK_KIND_PHONE},
    {MOCK_ACTIVITY_ID, "activities", MOCK_KIND_CONVERSATION},
    {MOCK_ASSIGNED_TO, "users", -1},
};

typedef struct loader {
    const char *origin;
    bool compiled_in; /* ids that do not fit are replaced, not refused */
    quo_json_doc *doc;
    const quo_contract *contract;
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

/* ---- kinds ------------------------------------------------------------ */

/* The kind for request member name[0..len), added (empty) when absent.
 * Its id schema is the member's, from the contract; a member the spec
 * does not have is not checked (nothing in a request can name it). */
static quo_status kind_get(loader *ld, const char *name, size_t len, const char *list,
                           size_t *out)
{
    mock_fixtures *fx = ld->fx;
    for (size_t k = 0; k < fx->n_kinds; k++)
        if (id_cmp(fx->kinds[k].member, strlen(fx->kinds[k].member), name, len) == 0) {
            *out = k;
            return QUO_OK;
        }
    if (memchr(name, '\0', len))
        return fail(ld, "a resource kind's name holds U+0000");
    fx_kind *grown = realloc(fx->kinds, (fx->n_kinds + 1) * sizeof *grown);
    if (!grown)
        return oom(ld);
    fx->kinds = grown;
    fx_kind *k = &fx->kinds[fx->n_kinds];
    memset(k, 0, sizeof *k);
    k->member = malloc(len + 1);
    char lbuf[128];
    if (!list) {
        char m[96];
        mock_text_excerpt(m, sizeof m, name, len, 40);
        snprintf(lbuf, sizeof lbuf, "resources.%s", m);
        list = lbuf;
    }
    k->list = malloc(strlen(list) + 1);
    if (!k->member || !k->list) {
        free(k->member);
        free(k->list);
        return oom(ld);
    }
    memcpy(k->member, name, len);
    k->member[len] = '\0';
    memcpy(k->list, list, strlen(list) + 1);
    const quo_contract_member *m = quo_contract_member_find(ld->contract, k->member);
    k->schema = m ? m->schema : NULL;
    k->pattern = m ? m->pattern : NULL;
    *out = fx->n_kinds++;
    return QUO_OK;
}

/* ---- shape ----------------------------------------------------------- */

static bool is_one_of(const loader *ld, const cJSON *c, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (id_cmp(c->string, quo_json_keylen(ld->doc, c), names[i], strlen(names[i])) == 0)
            return true;
    return false;
}

/* Checks that obj (at `where`) has no member outside `names` and, when
 * `need` is set, every one of them. */
static quo_status members_in(loader *ld, const cJSON *obj, const char *where,
                             const char *const *names, size_t n, const char *allowed,
                             bool need)
{
    char m[96];
    if (!cJSON_IsObject(obj))
        return fail(ld, "%s must be an object with members %s", where, allowed);
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (!is_one_of(ld, c, names, n)) {
            mock_text_excerpt(m, sizeof m, c->string, quo_json_keylen(ld->doc, c), 40);
            return fail(ld, "%s has an unknown member \"%s\" (allowed: %s)", where, m,
                        allowed);
        }
    }
    for (size_t i = 0; need && i < n; i++)
        if (!quo_json_member(ld->doc, obj, names[i]))
            return fail(ld, "%s lacks the member \"%s\"", where, names[i]);
    return QUO_OK;
}

static quo_status exact_members(loader *ld, const cJSON *obj, const char *where,
                                const char *const *names, size_t n, const char *allowed)
{
    return members_in(ld, obj, where, names, n, allowed, true);
}

/* A string id of kind k at `where`: type and the spec's pattern. */
static quo_status check_id(loader *ld, const cJSON *node, size_t k, const char *where)
{
    const fx_kind *kd = &ld->fx->kinds[k];
    if (!cJSON_IsString(node))
        return fail(ld, "%s must be a string", where);
    if (kd->schema && !quo_schema_is_valid(kd->schema, node, ld->doc) && ld->compiled_in) {
        if (!kd->misfit)
            excerpt_node(ld, node, ld->fx->kinds[k].misfit_val, sizeof kd->misfit_val);
        ld->fx->kinds[k].misfit = true;
        return QUO_OK;
    }
    if (kd->schema && !quo_schema_is_valid(kd->schema, node, ld->doc)) {
        char val[200];
        excerpt_node(ld, node, val, sizeof val);
        return fail(ld, "%s \"%s\" is not a valid %s (the spec's pattern is %s)", where, val,
                    kd->member, kd->pattern ? kd->pattern : "not stated");
    }
    return QUO_OK;
}

/* Room for n more entries in kind k. */
static quo_status grow_list(loader *ld, size_t k, size_t n)
{
    fx_list *l = &ld->fx->kinds[k].l;
    fx_entry *items = realloc(l->items, (l->count + n + 1) * sizeof *items);
    if (!items)
        return oom(ld);
    l->items = items;
    return QUO_OK;
}

static quo_status add_entry(loader *ld, size_t k, const cJSON *id, size_t pos,
                            size_t owner_kind, const cJSON *owner)
{
    fx_list *l = &ld->fx->kinds[k].l;
    fx_entry *e = &l->items[l->count];
    memset(e, 0, sizeof *e);
    e->pos = pos;
    e->owner_kind = owner_kind;
    e->ref = MOCK_FIX_NONE;
    e->ref_node = owner;
    quo_status st = make_id(ld, id, &e->id);
    if (e->id.bytes)
        l->count++;
    else
        free(e->id.json);
    return st;
}

/* Legacy phoneNumbers / users: arrays of id strings. */
static quo_status load_plain(loader *ld, const cJSON *arr, size_t k)
{
    const char *list = ld->fx->kinds[k].list;
    if (!cJSON_IsArray(arr))
        return fail(ld, "%s must be an array", list);
    quo_status st = grow_list(ld, k, (size_t)cJSON_GetArraySize(arr));
    size_t i = 0;
    for (const cJSON *c = arr->child; c && st == QUO_OK; c = c->next, i++) {
        char where[64];
        snprintf(where, sizeof where, "%s[%zu]", list, i);
        if ((st = check_id(ld, c, k, where)) == QUO_OK)
            st = add_entry(ld, k, c, i, MOCK_FIX_NONE, NULL);
    }
    return st;
}

/* Legacy conversations / activities: {id, <owner member>} objects. */
static quo_status load_owned(loader *ld, const cJSON *arr, size_t k, size_t owner_kind)
{
    const char *list = ld->fx->kinds[k].list;
    const char *owner = ld->fx->kinds[owner_kind].member;
    if (!cJSON_IsArray(arr))
        return fail(ld, "%s must be an array", list);
    quo_status st = grow_list(ld, k, (size_t)cJSON_GetArraySize(arr));
    const char *const names[] = {"id", owner};
    char allowed[96];
    snprintf(allowed, sizeof allowed, "id, %s", owner);
    size_t i = 0;
    for (const cJSON *c = arr->child; c && st == QUO_OK; c = c->next, i++) {
        char where[96];
        snprintf(where, sizeof where, "%s[%zu]", list, i);
        if ((st = exact_members(ld, c, where, names, 2, allowed)) != QUO_OK)
            return st;
        snprintf(where, sizeof where, "%s[%zu].id", list, i);
        const cJSON *id = quo_json_member(ld->doc, c, "id");
        if ((st = check_id(ld, id, k, where)) != QUO_OK)
            return st;
        const cJSON *ref = quo_json_member(ld->doc, c, owner);
        snprintf(where, sizeof where, "%s[%zu].%s", list, i, owner);
        if ((st = check_id(ld, ref, owner_kind, where)) == QUO_OK)
            st = add_entry(ld, k, id, i, owner_kind, ref);
    }
    return st;
}

/* One kind of the member-keyed format: [{"id": ..., "owner": {"<member>": id}}]. */
static quo_status load_resource_kind(loader *ld, const cJSON *kind_node)
{
    size_t k;
    quo_status st = kind_get(ld, kind_node->string, quo_json_keylen(ld->doc, kind_node), NULL, &k);
    if (st != QUO_OK)
        return st;
    fx_kind *kd = &ld->fx->kinds[k];
    if (kd->l.items) /* only a list read earlier allocates items */
        return fail(ld, "resources.%s lists a kind the file already lists (as %s)",
                    kd->member, kd->list);
    char list[128];
    snprintf(list, sizeof list, "%s", kd->list);
    if (k < MOCK_KIND_LEGACY) {
        snprintf(list, sizeof list, "resources.%s", kd->member);
        char *copy = malloc(strlen(list) + 1);
        if (!copy)
            return oom(ld);
        memcpy(copy, list, strlen(list) + 1);
        free(kd->list);
        kd->list = copy;
    }
    if (!cJSON_IsArray(kind_node))
        return fail(ld, "%s must be an array", list);
    if ((st = grow_list(ld, k, (size_t)cJSON_GetArraySize(kind_node))) != QUO_OK)
        return st;
    static const char *const names[] = {"id", "owner"};
    size_t i = 0;
    for (const cJSON *c = kind_node->child; c; c = c->next, i++) {
        char where[160];
        snprintf(where, sizeof where, "%s[%zu]", list, i);
        if ((st = members_in(ld, c, where, names, 2, "id, owner", false)) != QUO_OK)
            return st;
        const cJSON *id = quo_json_member(ld->doc, c, "id");
        if (!id)
            return fail(ld, "%s lacks the member \"id\"", where);
        snprintf(where, sizeof where, "%s[%zu].id", list, i);
        if ((st = check_id(ld, id, k, where)) != QUO_OK)
            return st;
        const cJSON *owner = quo_json_member(ld->doc, c, "owner");
        size_t ok = MOCK_FIX_NONE;
        const cJSON *ref = NULL;
        if (owner) {
            snprintf(where, sizeof where, "%s[%zu].owner", list, i);
            if (!cJSON_IsObject(owner) || !owner->child || owner->child->next)
                return fail(ld, "%s must be an object with one member: the owner's kind "
                                "and id", where);
            ref = owner->child;
            if ((st = kind_get(ld, ref->string, quo_json_keylen(ld->doc, ref), NULL, &ok)) !=
                QUO_OK)
                return st;
            snprintf(where, sizeof where, "%s[%zu].owner.%s", list, i, ld->fx->kinds[ok].member);
            if ((st = check_id(ld, ref, ok, where)) != QUO_OK)
                return st;
        }
        if ((st = add_entry(ld, k, id, i, ok, ref)) != QUO_OK)
            return st;
    }
    return QUO_OK;
}

static quo_status load_resources(loader *ld, const cJSON *res)
{
    if (!cJSON_IsObject(res))
        return fail(ld, "resources must be an object keyed by request member name");
    quo_status st = QUO_OK;
    for (const cJSON *c = res->child; c && st == QUO_OK; c = c->next)
        st = load_resource_kind(ld, c);
    return st;
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
    const cJSON *arr = quo_json_member(ld->doc, root, "apiKeys");
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
        const cJSON *key = quo_json_member(ld->doc, c, "key");
        const cJSON *phones = quo_json_member(ld->doc, c, "phoneNumbers");
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
            if ((st = check_id(ld, p, MOCK_KIND_PHONE, pw)) != QUO_OK)
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

/* Resolves each entry's owner id to an index into its owner kind. */
static quo_status resolve_owners(loader *ld, size_t k)
{
    fx_kind *kd = &ld->fx->kinds[k];
    for (size_t i = 0; i < kd->l.count; i++) {
        fx_entry *e = &kd->l.items[i];
        const cJSON *r = e->ref_node;
        if (!r)
            continue;
        const fx_kind *ok = &ld->fx->kinds[e->owner_kind];
        e->ref = list_find(&ok->l, r->valuestring, quo_json_strlen(ld->doc, r));
        if (e->ref == MOCK_FIX_NONE) {
            char val[200];
            excerpt_node(ld, r, val, sizeof val);
            if (k < MOCK_KIND_LEGACY && strcmp(kd->list, legacy[k].list) == 0)
                return fail(ld, "%s[%zu].%s \"%s\" is not listed in %s (unknown owner)",
                            kd->list, e->pos, ok->member, val, ok->list);
            return fail(ld, "%s[%zu].owner.%s \"%s\" is not listed in %s (unknown owner)",
                        kd->list, e->pos, ok->member, val, ok->list);
        }
        e->ref_node = NULL;
    }
    return QUO_OK;
}

/* An ownership chain visits each kind at most once, so walking one is
 * bounded and a task links one resource of each kind on its chain. */
static quo_status check_chains(loader *ld)
{
    mock_fixtures *fx = ld->fx;
    for (size_t k = 0; k < fx->n_kinds; k++)
        for (size_t i = 0; i < fx->kinds[k].l.count; i++) {
            size_t kind = k, idx = i, steps = 0;
            while (fx->kinds[kind].l.items[idx].owner_kind != MOCK_FIX_NONE) {
                const fx_entry *e = &fx->kinds[kind].l.items[idx];
                kind = e->owner_kind;
                idx = e->ref;
                if (++steps >= fx->n_kinds || kind == k)
                    return fail(ld, "%s[%zu]: its chain of owners comes back to the kind %s",
                                fx->kinds[k].list, fx->kinds[k].l.items[i].pos,
                                fx->kinds[kind].member);
            }
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
            size_t idx = list_find(&fx->kinds[MOCK_KIND_PHONE].l, p->valuestring, quo_json_strlen(ld->doc, p));
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
                const mock_id *id = &fx->kinds[MOCK_KIND_PHONE].l.items[k->phones[q]].id;
                mock_text_excerpt(val, sizeof val, id->bytes, id->len, 40);
                return fail(ld, "apiKeys[%zu].phoneNumbers lists \"%s\" twice", k->pos, val);
            }
        }
    }
    return QUO_OK;
}

/* ---- synthesized ids ---------------------------------------------------- */

/* The first phone number a key grants (in file order), or MOCK_FIX_NONE:
 * the owner of a synthesized resource, so that key may use it and a key
 * without that phone number gets 403. */
static size_t granted_phone(const mock_fixtures *fx)
{
    size_t best = MOCK_FIX_NONE, best_pos = (size_t)-1;
    for (size_t i = 0; i < fx->n_keys; i++)
        if (fx->keys[i].n_phones && fx->keys[i].pos < best_pos) {
            best_pos = fx->keys[i].pos;
            best = fx->keys[i].phones[0];
        }
    return best;
}

/* Value n of the kind's pattern, checked against the member's schema:
 * a NUL-terminated id in *out (the caller frees it), or QUO_ESPEC naming
 * the member, the pattern and `what` (the id's purpose). */
static quo_status make_fitting(loader *ld, const fx_kind *kd, const mock_idgen *g, uint64_t n,
                               const char *what, char **out)
{
    quo_buf b;
    quo_buf_init(&b);
    *out = NULL;
    if (!mock_idgen_nth(g, n, &b)) {
        quo_buf_free(&b);
        return quo_error_set(ld->err, QUO_ESPEC, 0,
                             "%s: the pattern %s of %s allows too few ids for %s", ld->origin,
                             kd->pattern, kd->member, what);
    }
    size_t len;
    char *text = quo_buf_take(&b, &len);
    cJSON *node = text ? cJSON_CreateString(text) : NULL;
    if (!node) {
        free(text);
        return oom(ld);
    }
    bool fits = !kd->schema || quo_schema_is_valid(kd->schema, node, NULL);
    cJSON_Delete(node);
    if (!fits) {
        quo_status st = quo_error_set(ld->err, QUO_ESPEC, 0,
                                      "%s: \"%s\", made from the pattern %s for %s, does not fit "
                                      "the spec's schema of %s (list fitting ids in a fixtures "
                                      "file)",
                                      ld->origin, text, kd->pattern, what, kd->member);
        free(text);
        return st;
    }
    *out = text;
    return QUO_OK;
}

/* A template for the kind's pattern with `need` values, or QUO_ESPEC. */
static quo_status kind_idgen(loader *ld, const fx_kind *kd, uint64_t need, const char *what,
                             mock_idgen **out)
{
    const char *why = "its schema states no pattern";
    *out = kd->pattern ? mock_idgen_new(kd->pattern, need, &why) : NULL;
    if (*out)
        return QUO_OK;
    if (strcmp(why, "out of memory") == 0)
        return oom(ld);
    return quo_error_set(ld->err, QUO_ESPEC, 0,
                         "%s: quo-mock cannot make %s from the pattern %s of %s: %s (list "
                         "fitting ids in a fixtures file)",
                         ld->origin, what, kd->pattern ? kd->pattern : "(none)", kd->member, why);
}

static quo_status set_id(loader *ld, mock_id *id, char *text)
{
    free(id->bytes);
    free(id->json);
    id->bytes = text;
    id->len = strlen(text);
    quo_buf b;
    quo_buf_init(&b);
    mock_buf_json_string(&b, text, id->len);
    id->json = quo_buf_take(&b, &id->json_len);
    return id->json ? QUO_OK : oom(ld);
}

/* The compiled-in fixtures were written for the shipped spec; a spec with
 * tighter id patterns gets, for each kind whose ids do not fit, ids made
 * from the pattern instead: entry i (in sorted order) becomes value i+1,
 * which keeps the order, so every reference (owners, keys' phone numbers:
 * indices by now) still holds. The note names the kind, an id that did
 * not fit and the first replacement. A user's file is never refitted:
 * check_id() refuses its misfits by name. */
static quo_status refit(loader *ld)
{
    mock_fixtures *fx = ld->fx;
    for (size_t k = 0; k < fx->n_kinds; k++) {
        fx_kind *kd = &fx->kinds[k];
        if (!kd->misfit || kd->l.count == 0)
            continue;
        char what[160];
        snprintf(what, sizeof what, "the %zu %s ids of the compiled-in fixtures", kd->l.count,
                 kd->member);
        mock_idgen *g;
        quo_status st = kind_idgen(ld, kd, (uint64_t)kd->l.count + 1, what, &g);
        for (size_t i = 0; st == QUO_OK && i < kd->l.count; i++) {
            char *text;
            if ((st = make_fitting(ld, kd, g, (uint64_t)i + 1, what, &text)) == QUO_OK)
                st = set_id(ld, &kd->l.items[i].id, text);
        }
        mock_idgen_free(g);
        if (st != QUO_OK)
            return st;
        const mock_id *last = &kd->l.items[kd->l.count - 1].id;
        quo_buf_printf(&fx->note,
                       "%squo-mock: the compiled-in %s ids (e.g. \"%s\") do not fit the pattern "
                       "%s; serving %zu ids made from it instead: %s .. %s",
                       fx->note.len ? "\n" : "", kd->member, kd->misfit_val, kd->pattern,
                       kd->l.count, kd->l.items[0].id.bytes, last->bytes);
    }
    return QUO_OK;
}

/* A link kind the fixtures list nothing of gets one resource made from
 * its member's pattern, owned by granted_phone(); the note says so. */
static quo_status synthesize(loader *ld)
{
    mock_fixtures *fx = ld->fx;
    size_t phone = granted_phone(fx);
    for (size_t i = 0; i < quo_contract_link_count(ld->contract); i++) {
        const quo_contract_link *l = quo_contract_link_at(ld->contract, i);
        size_t k = mock_fixtures_kind(fx, l->name, l->name_len);
        fx_kind *kd = &fx->kinds[k];
        if (kd->l.count)
            continue;
        char what[160];
        snprintf(what, sizeof what, "a %s resource (the fixtures list none)", kd->member);
        mock_idgen *g;
        char *text = NULL;
        quo_status st = kind_idgen(ld, kd, 2, what, &g);
        if (st == QUO_OK)
            st = make_fitting(ld, kd, g, 1, what, &text);
        mock_idgen_free(g);
        if (st == QUO_OK && (st = grow_list(ld, k, 1)) != QUO_OK)
            free(text);
        if (st != QUO_OK)
            return st;
        size_t owner_kind = k == MOCK_KIND_PHONE || phone == MOCK_FIX_NONE ? MOCK_FIX_NONE
                                                                           : MOCK_KIND_PHONE;
        fx_entry *e = &kd->l.items[0];
        memset(e, 0, sizeof *e);
        e->owner_kind = owner_kind;
        e->ref = owner_kind == MOCK_FIX_NONE ? MOCK_FIX_NONE : phone;
        kd->l.count = 1;
        if ((st = set_id(ld, &e->id, text)) != QUO_OK)
            return st;
        const mock_id *pn = owner_kind == MOCK_FIX_NONE
                                ? NULL
                                : &fx->kinds[MOCK_KIND_PHONE].l.items[phone].id;
        quo_buf_printf(&fx->note, "%squo-mock: %s lists no %s; synthesized %s from the pattern %s%s%s",
                       fx->note.len ? "\n" : "", ld->origin, kd->member, e->id.bytes, kd->pattern,
                       pn ? ", owned by phone number " : "", pn ? pn->bytes : "");
    }
    return fx->note.failed ? oom(ld) : QUO_OK;
}

/* ---- loading ----------------------------------------------------------- */

/* The top level: apiKeys, and the legacy lists, the member-keyed
 * "resources", or both (each kind listed once). Without "resources" the
 * four legacy lists are required, as they always were. Both formats are
 * read into the same kinds. */
static quo_status load_tree(loader *ld, const cJSON *root)
{
    static const char *const top[] = {"apiKeys", "phoneNumbers", "conversations",
                                      "activities", "users", "resources"};
    const char *allowed = "apiKeys, phoneNumbers, conversations, activities, users, resources";
    quo_status st;
    const cJSON *res = cJSON_IsObject(root) ? quo_json_member(ld->doc, root, "resources") : NULL;
    if (res)
        st = members_in(ld, root, "the top level", top, 6, allowed, false);
    else
        st = exact_members(ld, root, "the top level", top, 5,
                           "apiKeys, phoneNumbers, conversations, activities, users");
    if (st == QUO_OK && res && !quo_json_member(ld->doc, root, "apiKeys"))
        st = fail(ld, "the top level lacks the member \"apiKeys\"");
    if (st != QUO_OK)
        return st;
    for (size_t k = 0; k < MOCK_KIND_LEGACY; k++) {
        size_t got;
        if ((st = kind_get(ld, legacy[k].property, strlen(legacy[k].property), legacy[k].list,
                           &got)) != QUO_OK)
            return st;
    }
    if ((st = load_keys(ld, root)) != QUO_OK)
        return st;
    for (size_t k = 0; k < MOCK_KIND_LEGACY; k++) {
        const cJSON *arr = quo_json_member(ld->doc, root, legacy[k].list);
        if (!arr)
            continue;
        st = legacy[k].owner < 0 ? load_plain(ld, arr, k)
                                 : load_owned(ld, arr, k, (size_t)legacy[k].owner);
        if (st != QUO_OK)
            return st;
    }
    if (res && (st = load_resources(ld, res)) != QUO_OK)
        return st;
    for (size_t k = 0; k < ld->fx->n_kinds; k++)
        if ((st = sort_unique(ld, &ld->fx->kinds[k].l, ld->fx->kinds[k].list)) != QUO_OK)
            return st;
    for (size_t k = 0; k < ld->fx->n_kinds; k++)
        if ((st = resolve_owners(ld, k)) != QUO_OK)
            return st;
    if ((st = check_chains(ld)) != QUO_OK)
        return st;
    /* Every link kind the contract reports is a kind (maybe empty: its ids
     * are then unknown, 404). */
    for (size_t i = 0; i < quo_contract_link_count(ld->contract); i++) {
        const quo_contract_link *l = quo_contract_link_at(ld->contract, i);
        size_t got;
        if ((st = kind_get(ld, l->name, l->name_len, NULL, &got)) != QUO_OK)
            return st;
    }
    if ((st = resolve_keys(ld)) != QUO_OK)
        return st;
    if ((st = refit(ld)) != QUO_OK)
        return st;
    return synthesize(ld);
}

static quo_status load_buffer(const quo_spec *spec, const char *json, size_t len,
                              const char *origin, bool compiled_in, mock_fixtures **out,
                              quo_error *err)
{
    *out = NULL;
    loader ld = {.origin = origin, .compiled_in = compiled_in, .err = err};
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
    } else {
        ld.contract = quo_spec_contract(spec);
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

quo_status mock_fixtures_load_buffer(const quo_spec *spec, const char *json, size_t len,
                                     const char *origin, mock_fixtures **out, quo_error *err)
{
    return load_buffer(spec, json, len, origin, false, out, err);
}

quo_status mock_fixtures_load_file(const quo_spec *spec, const char *path,
                                   mock_fixtures **out, quo_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return quo_error_set(err, QUO_EIO, 0, "%s: cannot open: %s", path, quo_errno_text(errno).text);
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
        return quo_error_set(err, QUO_EIO, 0, "%s: read error: %s", path, quo_errno_text(saved).text);
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
    return load_buffer(spec, mock_default_fixtures_json, mock_default_fixtures_json_len,
                       "compiled-in fixtures", true, out, err);
}

static char *dup_or_null(const char *s, bool *oom_hit)
{
    if (!s)
        return NULL;
    char *d = malloc(strlen(s) + 1);
    if (!d)
        *oom_hit = true;
    else
        memcpy(d, s, strlen(s) + 1);
    return d;
}

quo_status quo_mock_default_resource(const quo_spec *spec, const char *member, char **id,
                                     char **owner_member, char **owner_id, quo_error *err)
{
    *id = *owner_member = *owner_id = NULL;
    mock_fixtures *fx;
    quo_status st = mock_fixtures_load_default(spec, &fx, err);
    if (st != QUO_OK)
        return st;
    size_t k = mock_fixtures_kind(fx, member, strlen(member));
    const mock_id *e = mock_fixtures_id(fx, k, 0);
    if (!e) {
        mock_fixtures_free(fx);
        return quo_error_set(err, QUO_ESPEC, 0, "the mock's compiled-in fixtures have no %s",
                             member);
    }
    size_t ok;
    size_t o = mock_fixtures_owner(fx, k, 0, &ok);
    const mock_id *oid = mock_fixtures_id(fx, ok, o);
    bool oom_hit = false;
    *id = dup_or_null(e->bytes, &oom_hit);
    *owner_member = dup_or_null(oid ? mock_fixtures_kind_member(fx, ok) : NULL, &oom_hit);
    *owner_id = dup_or_null(oid ? oid->bytes : NULL, &oom_hit);
    mock_fixtures_free(fx);
    if (oom_hit) {
        free(*id);
        free(*owner_member);
        free(*owner_id);
        *id = *owner_member = *owner_id = NULL;
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    return QUO_OK;
}

/* ---- the pick: one consistent set for a client ------------------------ */

/* True when entry i of kind k and its chain of owners agree with chosen[]
 * (a kind already chosen must be chosen at that entry). */
static bool chain_ok(const mock_fixtures *fx, size_t k, size_t i, const size_t *chosen)
{
    for (size_t steps = 0; steps <= fx->n_kinds; steps++) {
        if (chosen[k] != MOCK_FIX_NONE && chosen[k] != i)
            return false;
        const fx_entry *e = &fx->kinds[k].l.items[i];
        if (e->owner_kind == MOCK_FIX_NONE)
            return true;
        k = e->owner_kind;
        i = e->ref;
    }
    return false; /* check_chains() makes this unreachable */
}

static void chain_take(const mock_fixtures *fx, size_t k, size_t i, size_t *chosen)
{
    for (size_t steps = 0; steps <= fx->n_kinds && k != MOCK_FIX_NONE; steps++) {
        chosen[k] = i;
        const fx_entry *e = &fx->kinds[k].l.items[i];
        k = e->owner_kind;
        i = e->ref;
    }
}

/* The longest chain of owners above an entry of kind k. */
static size_t kind_depth(const mock_fixtures *fx, size_t k)
{
    size_t best = 0;
    for (size_t i = 0; i < fx->kinds[k].l.count; i++) {
        size_t d = 0, kind = k, idx = i;
        while (d <= fx->n_kinds && fx->kinds[kind].l.items[idx].owner_kind != MOCK_FIX_NONE) {
            const fx_entry *e = &fx->kinds[kind].l.items[idx];
            kind = e->owner_kind;
            idx = e->ref;
            d++;
        }
        if (d > best)
            best = d;
    }
    return best;
}

/* For phone number `phone`: one entry of every kind a request member of
 * the contract names, consistent with each other's owners (the deepest
 * kinds first, so an activity brings its conversation). False when some
 * link kind has no entry that fits. */
static bool choose_for(const mock_fixtures *fx, const quo_contract *c, size_t phone,
                       const size_t *order, size_t *chosen)
{
    for (size_t k = 0; k < fx->n_kinds; k++)
        chosen[k] = MOCK_FIX_NONE;
    chosen[MOCK_KIND_PHONE] = phone;
    for (size_t o = 0; o < fx->n_kinds; o++) {
        size_t k = order[o];
        const fx_kind *kd = &fx->kinds[k];
        if (chosen[k] != MOCK_FIX_NONE || !quo_contract_member_find(c, kd->member))
            continue;
        for (size_t i = 0; i < kd->l.count && chosen[k] == MOCK_FIX_NONE; i++)
            if (chain_ok(fx, k, i, chosen))
                chain_take(fx, k, i, chosen);
        if (chosen[k] == MOCK_FIX_NONE &&
            quo_contract_link_find(c, kd->member, strlen(kd->member)) != QUO_CONTRACT_NONE)
            return false;
    }
    return true;
}

/* The first key (in file order) with a phone number for which every link
 * kind has a consistent entry; *forbidden the first key without that
 * phone number (MOCK_FIX_NONE: none). */
static bool pick(const mock_fixtures *fx, const quo_contract *c, size_t *key, size_t *forbidden,
                 size_t *order, size_t *depth, size_t *chosen)
{
    for (size_t k = 0; k < fx->n_kinds; k++) { /* deepest first, stable */
        depth[k] = kind_depth(fx, k);
        size_t at = k;
        while (at > 0 && depth[order[at - 1]] < depth[k]) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = k;
    }
    *key = *forbidden = MOCK_FIX_NONE;
    /* keys are sorted by bytes; pos is their place in the file */
    for (size_t p = 0; p < fx->n_keys && *key == MOCK_FIX_NONE; p++)
        for (size_t i = 0; i < fx->n_keys; i++) {
            if (fx->keys[i].pos != p)
                continue;
            for (size_t j = 0; j < fx->keys[i].n_phones && *key == MOCK_FIX_NONE; j++)
                if (choose_for(fx, c, fx->keys[i].phones[j], order, chosen))
                    *key = i;
        }
    if (*key == MOCK_FIX_NONE)
        return false;
    size_t phone = chosen[MOCK_KIND_PHONE];
    for (size_t p = 0; p < fx->n_keys && *forbidden == MOCK_FIX_NONE; p++)
        for (size_t i = 0; i < fx->n_keys; i++)
            if (fx->keys[i].pos == p && !mock_fixtures_key_allows(fx, i, phone))
                *forbidden = i;
    return true;
}

static char *dup_bytes(const char *s, size_t n, bool *oom_hit)
{
    char *d = s ? malloc(n + 1) : NULL;
    if (s && !d)
        *oom_hit = true;
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static quo_status fill_pick(const mock_fixtures *fx, const quo_contract *c, size_t key,
                            size_t forbidden, const size_t *chosen, quo_mock_pick *out,
                            quo_error *err)
{
    bool oom_hit = false;
    out->api_key = dup_bytes(fx->keys[key].bytes, fx->keys[key].len, &oom_hit);
    if (forbidden != MOCK_FIX_NONE)
        out->forbidden_key =
            dup_bytes(fx->keys[forbidden].bytes, fx->keys[forbidden].len, &oom_hit);
    out->items = calloc(fx->n_kinds ? fx->n_kinds : 1, sizeof *out->items);
    if (!out->items)
        oom_hit = true;
    for (size_t k = 0; out->items && k < fx->n_kinds; k++) {
        const fx_kind *kd = &fx->kinds[k];
        if (chosen[k] == MOCK_FIX_NONE || !quo_contract_member_find(c, kd->member))
            continue;
        quo_mock_pick_item *it = &out->items[out->count++];
        const fx_entry *e = &kd->l.items[chosen[k]];
        it->member = dup_bytes(kd->member, strlen(kd->member), &oom_hit);
        it->id = dup_bytes(e->id.bytes, e->id.len, &oom_hit);
        it->link = quo_contract_link_find(c, kd->member, strlen(kd->member)) != QUO_CONTRACT_NONE;
        if (e->owner_kind != MOCK_FIX_NONE) {
            const fx_kind *ok = &fx->kinds[e->owner_kind];
            const mock_id *oid = &ok->l.items[e->ref].id;
            it->owner_member = dup_bytes(ok->member, strlen(ok->member), &oom_hit);
            it->owner_id = dup_bytes(oid->bytes, oid->len, &oom_hit);
        }
    }
    if (oom_hit) {
        quo_mock_pick_free(out);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    return QUO_OK;
}

quo_status quo_mock_fixtures_pick(const quo_spec *spec, const char *json, size_t len,
                                  quo_mock_pick *out, quo_error *err)
{
    memset(out, 0, sizeof *out);
    mock_fixtures *fx;
    quo_status st = json ? mock_fixtures_load_buffer(spec, json, len, "fixtures", &fx, err)
                         : mock_fixtures_load_default(spec, &fx, err);
    if (st != QUO_OK)
        return st;
    size_t *order = malloc((3 * fx->n_kinds + 1) * sizeof *order);
    if (!order) {
        mock_fixtures_free(fx);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory");
    }
    size_t *depth = order + fx->n_kinds, *chosen = depth + fx->n_kinds;
    const quo_contract *c = quo_spec_contract(spec);
    size_t key, forbidden;
    if (!pick(fx, c, &key, &forbidden, order, depth, chosen))
        st = quo_error_set(err, QUO_ESPEC, 0,
                           "%s: no API key grants a phone number for which every link kind "
                           "of the spec has a resource owned through it (or not owned)",
                           json ? "the fixtures" : "the compiled-in fixtures");
    else
        st = fill_pick(fx, c, key, forbidden, chosen, out, err);
    free(order);
    mock_fixtures_free(fx);
    return st;
}

void quo_mock_pick_free(quo_mock_pick *p)
{
    if (!p)
        return;
    free(p->api_key);
    free(p->forbidden_key);
    for (size_t i = 0; p->items && i < p->count; i++) {
        free(p->items[i].member);
        free(p->items[i].id);
        free(p->items[i].owner_member);
        free(p->items[i].owner_id);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
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
    for (size_t k = 0; k < fx->n_kinds; k++) {
        free_list(&fx->kinds[k].l);
        free(fx->kinds[k].member);
        free(fx->kinds[k].list);
    }
    free(fx->kinds);
    for (size_t i = 0; i < fx->n_keys; i++) {
        free(fx->keys[i].bytes);
        free(fx->keys[i].phones);
    }
    free(fx->keys);
    quo_buf_free(&fx->note);
    free(fx);
}

/* ---- lookups ----------------------------------------------------------- */

size_t mock_fixtures_kind_count(const mock_fixtures *fx) { return fx->n_kinds; }

const char *mock_fixtures_note(const mock_fixtures *fx)
{
    return fx->note.data && !fx->note.failed ? fx->note.data : "";
}

const char *mock_fixtures_kind_member(const mock_fixtures *fx, size_t kind)
{
    return kind < fx->n_kinds ? fx->kinds[kind].member : NULL;
}

size_t mock_fixtures_kind(const mock_fixtures *fx, const char *member, size_t len)
{
    for (size_t k = 0; k < fx->n_kinds; k++)
        if (id_cmp(fx->kinds[k].member, strlen(fx->kinds[k].member), member, len) == 0)
            return k;
    return MOCK_FIX_NONE;
}

size_t mock_fixtures_find(const mock_fixtures *fx, size_t kind, const char *id, size_t len)
{
    return kind < fx->n_kinds ? list_find(&fx->kinds[kind].l, id, len) : MOCK_FIX_NONE;
}

size_t mock_fixtures_count(const mock_fixtures *fx, size_t kind)
{
    return kind < fx->n_kinds ? fx->kinds[kind].l.count : 0;
}

const mock_id *mock_fixtures_id(const mock_fixtures *fx, size_t kind, size_t i)
{
    return kind < fx->n_kinds && i < fx->kinds[kind].l.count ? &fx->kinds[kind].l.items[i].id
                                                              : NULL;
}

size_t mock_fixtures_owner(const mock_fixtures *fx, size_t kind, size_t i, size_t *owner_kind)
{
    *owner_kind = MOCK_FIX_NONE;
    if (kind >= fx->n_kinds || i >= fx->kinds[kind].l.count)
        return MOCK_FIX_NONE;
    const fx_entry *e = &fx->kinds[kind].l.items[i];
    *owner_kind = e->owner_kind;
    return e->owner_kind == MOCK_FIX_NONE ? MOCK_FIX_NONE : e->ref;
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

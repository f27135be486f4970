/* quo/contract.h - the compiled contract of one OpenAPI operation.
 *
 * This module is the ONLY code that walks the OpenAPI document. It selects
 * one operation, resolves every local $ref on the way (components/schemas,
 * requestBodies, responses, parameters, headers, securitySchemes; JSON
 * Pointer with ~0 ~1 and %-escapes), compiles every schema the operation
 * uses, and derives the facts the validator, the mock and the suite need:
 *
 *   - method and path;
 *   - security requirements (apiKey in header/query/cookie, http bearer and
 *     basic) with the exact header name and scheme word;
 *   - header and query parameters (name, required, compiled schema);
 *   - the request body (required, media type, compiled schema) and its
 *     analysis: the alternatives after flattening $ref/allOf/anyOf/oneOf,
 *     the members of each with their schemas, and the "link ids", members
 *     that tell the alternatives apart (required in one alternative and
 *     required in no other), found from the schema, never from names;
 *   - every response (exact status, an "NXX" range or "default"): media
 *     type, header schemas, compiled body schema, the constants its schema
 *     pins, and the success status (the documented 2xx).
 *
 * Everything else in the product asks this module (or quo_spec, which owns
 * one contract and forwards to it); see docs/contract.md.
 *
 * Ownership: a quo_contract is owned by the quo_spec it was compiled for
 * (quo_spec_contract()); every pointer it hands out (strings, cJSON nodes,
 * compiled schemas) lives as long as that spec. Immutable: share freely
 * between threads.
 */
#ifndef QUO_CONTRACT_H
#define QUO_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "quo/error.h"
#include "quo/json.h"
#include "quo/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the analysis (a document beyond them is refused by name). */
#define QUO_CONTRACT_MAX_ALTS 16
#define QUO_CONTRACT_MAX_MEMBERS 64
#define QUO_CONTRACT_MAX_PARAMS 32
#define QUO_CONTRACT_MAX_RESPONSES 32
#define QUO_CONTRACT_MAX_HEADERS 16
#define QUO_CONTRACT_MAX_CONSTS 16
#define QUO_CONTRACT_MAX_SECURITY 8
#define QUO_CONTRACT_MAX_PARTS 8

/* The operation picked when the document has several: */
#define QUO_CONTRACT_DEFAULT_OPERATION "createTask_v1"

#define QUO_CONTRACT_NONE ((size_t)-1)

typedef struct quo_contract quo_contract;

typedef enum quo_param_in {
    QUO_IN_HEADER = 0,
    QUO_IN_QUERY,
    QUO_IN_COOKIE
} quo_param_in;

typedef enum quo_auth_kind {
    QUO_AUTH_APIKEY = 0, /* the raw key in `name` (header, query or cookie) */
    QUO_AUTH_BEARER,     /* Authorization: Bearer <token> */
    QUO_AUTH_BASIC       /* Authorization: Basic <base64(user:password)> */
} quo_auth_kind;

/* One security scheme the operation accepts. The operation's requirements
 * are alternatives (OpenAPI: any one object of `security` suffices); a
 * requirement naming several schemes at once is refused at load. */
typedef struct quo_contract_security {
    const char *scheme_name; /* key in components/securitySchemes */
    quo_auth_kind kind;
    quo_param_in in;         /* QUO_IN_HEADER for http schemes */
    const char *name;        /* "Authorization", "X-API-Key", a query name */
    const char *scheme;      /* "Bearer" / "Basic" for http, NULL for apiKey */
} quo_contract_security;

/* A header or query parameter of the operation. */
typedef struct quo_contract_param {
    const char *name;
    quo_param_in in;
    bool required;
    const cJSON *schema_json;   /* NULL when the parameter has no schema */
    const quo_schema *schema;   /* compiled, or NULL */
    const char *pointer;        /* of the schema in the document */
} quo_contract_param;

/* A member (property) of one request alternative. */
typedef struct quo_contract_member {
    const char *name;
    size_t name_len;            /* names may hold \u0000 */
    bool required;
    const cJSON *schema_json;   /* the member's schema, $ref resolved */
    const quo_schema *schema;   /* compiled from `pointer` */
    const char *pointer;
    const char *type;           /* first declared `type`, or NULL */
    const char *pattern;        /* `pattern`, or NULL */
    const char *format;         /* `format`, or NULL */
} quo_contract_member;

/* One alternative of the request body: the conjunction of the schemas on
 * one path through the $ref/allOf/anyOf/oneOf tree. */
typedef struct quo_contract_alt {
    size_t member_count;
    const quo_contract_member *members;
    /* additionalProperties:false on a part that lists the members: members
     * of other alternatives are forbidden here. */
    bool closed;
    size_t link;                /* index of its link id, or QUO_CONTRACT_NONE */
    /* The schemas whose conjunction is this alternative (for diagnostics:
     * validating a body against them names what is wrong with it). */
    size_t part_count;
    const quo_schema *const *parts;
} quo_contract_alt;

/* A link id: the member that selects an alternative. */
typedef struct quo_contract_link {
    const char *name;
    size_t name_len;
    size_t alt;                 /* the alternative it selects */
    const quo_contract_member *member;
} quo_contract_link;

/* A value a response schema pins with `const` at one member of its top
 * level (after $ref/allOf): e.g. code "0600400", status 400. */
typedef struct quo_contract_const {
    const char *name;
    const cJSON *value;
} quo_contract_const;

typedef struct quo_contract_header {
    const char *name;
    bool required;
    const cJSON *schema_json;
    const quo_schema *schema;   /* compiled, or NULL without a schema */
} quo_contract_header;

typedef struct quo_contract_response {
    const char *key;            /* "201", "4XX", "default" */
    int status;                 /* exact status, or 0 for a range/default */
    int range_lo, range_hi;     /* the statuses it covers (default: 100..599) */
    const char *media;          /* "application/json", or NULL: no body */
    const cJSON *schema_json;   /* NULL without a body */
    const quo_schema *schema;
    const char *pointer;        /* of the schema in the document */
    size_t header_count;
    const quo_contract_header *headers;
    size_t const_count;
    const quo_contract_const *consts;
} quo_contract_response;

/* Compiles the operation `operation` (an operationId, or "METHOD PATH",
 * e.g. "post /v2/tasks"; NULL: the document's only operation, else
 * createTask_v1) of the document `doc` (which must outlive the result).
 * QUO_ESPEC / QUO_ESCHEMA with a message naming the cause and its place in
 * the document, or QUO_ENOMEM. */
quo_status quo_contract_compile(const quo_json_doc *doc, const char *operation,
                                quo_contract **out, quo_error *err);
void quo_contract_free(quo_contract *c);

const char *quo_contract_method(const quo_contract *c);       /* "post" */
const char *quo_contract_method_upper(const quo_contract *c); /* "POST" */
const char *quo_contract_path(const quo_contract *c);         /* "/v1/tasks" */
const char *quo_contract_operation_id(const quo_contract *c); /* or NULL */
/* "/paths/~1v1~1tasks/post": where the operation is in the document. */
const char *quo_contract_operation_pointer(const quo_contract *c);

size_t quo_contract_security_count(const quo_contract *c); /* 0: no auth */
const quo_contract_security *quo_contract_security_at(const quo_contract *c, size_t i);

size_t quo_contract_param_count(const quo_contract *c);
const quo_contract_param *quo_contract_param_at(const quo_contract *c, size_t i);

/* Request body. */
bool quo_contract_body_required(const quo_contract *c);
const char *quo_contract_body_media(const quo_contract *c);
const quo_schema *quo_contract_body_schema(const quo_contract *c);
const cJSON *quo_contract_body_schema_json(const quo_contract *c);
const char *quo_contract_body_pointer(const quo_contract *c);
size_t quo_contract_alt_count(const quo_contract *c);
const quo_contract_alt *quo_contract_alt_at(const quo_contract *c, size_t i);
size_t quo_contract_link_count(const quo_contract *c);
const quo_contract_link *quo_contract_link_at(const quo_contract *c, size_t i);
/* The link whose name is name[0..len), or QUO_CONTRACT_NONE. */
size_t quo_contract_link_find(const quo_contract *c, const char *name, size_t len);
/* The member `name` of alternative `alt`, or NULL. */
const quo_contract_member *quo_contract_alt_member(const quo_contract_alt *alt,
                                                   const char *name);
/* The first member named `name` in any alternative, or NULL. */
const quo_contract_member *quo_contract_member_find(const quo_contract *c,
                                                    const char *name);

/* `node` with its local "$ref" chain followed (a schema or Reference
 * Object the contract handed out), or NULL when it leads nowhere. For
 * readers of a member's schema (the mock rendering a value for it). */
const cJSON *quo_contract_resolve(const quo_contract *c, const cJSON *node);

/* Responses, in document order. */
size_t quo_contract_response_count(const quo_contract *c);
const quo_contract_response *quo_contract_response_at(const quo_contract *c, size_t i);
/* The response that documents `status`: the exact key, else its range
 * ("4XX"), else "default"; NULL when none does. */
const quo_contract_response *quo_contract_response_for(const quo_contract *c, int status);
/* The documented success status: the lowest exact 2xx, else 200 for a
 * "2XX" range, else 0 (no success documented). */
int quo_contract_success_status(const quo_contract *c);
/* A const the response pins at top-level member `name`, or NULL. */
const cJSON *quo_contract_response_const(const quo_contract_response *r, const char *name);

/* The success body's object that carries the created resource: the body
 * itself, or the one object member the schema requires that holds the
 * members (e.g. "data"). *wrapper receives that member's name, or NULL when
 * the members sit at the top level. Returns the object's schema JSON. */
const cJSON *quo_contract_success_object(const quo_contract *c, const char **wrapper);
/* The success object's member that identifies the created resource (the
 * task id): the first required member that is not a request member and
 * whose schema has a pattern or format (else the first such string
 * member). NULL when there is none. */
const char *quo_contract_success_id(const quo_contract *c);

#ifdef __cplusplus
}
#endif
#endif

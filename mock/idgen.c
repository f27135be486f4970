/* idgen.c - pattern templates for made-up ids (see idgen.h). */
#include <stdlib.h>
#include <string.h>

#include "idgen.h"

#define IDGEN_MAX_WIDTH 256 /* slots in one template */
#define IDGEN_MAX_REPEAT 64 /* one quantifier's count */
#define IDGEN_MAX_DEPTH 8   /* nested groups */
#define IDGEN_NONE ((size_t)-1)

/* The printable ASCII letters an alphabet may hold: ids travel in URLs,
 * headers and reports, so controls and spaces are never made up. */
#define IDGEN_LO 0x21
#define IDGEN_HI 0x7e

typedef struct slot {
    unsigned char n;      /* letters in alpha, >= 1 */
    char alpha[IDGEN_HI - IDGEN_LO + 2];
} slot;

/* A row of slots being built; `stretch` is the slot that an unbounded
 * quantifier over a multi-letter atom may repeat (IDGEN_NONE: none). */
typedef struct row {
    slot *s;
    size_t n, cap;
    size_t stretch;
} row;

struct mock_idgen {
    row r;
    uint64_t capacity;
};

typedef struct parser {
    const char *p, *end;
    const char *why;
} parser;

static bool row_push(row *r, const slot *s)
{
    if (r->n >= IDGEN_MAX_WIDTH)
        return false;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        slot *g = realloc(r->s, cap * sizeof *g);
        if (!g)
            return false;
        r->s = g;
        r->cap = cap;
    }
    r->s[r->n++] = *s;
    return true;
}

static bool too_wide(parser *ps, row *r, const slot *s)
{
    if (row_push(r, s))
        return false;
    ps->why = r->n >= IDGEN_MAX_WIDTH ? "ids longer than 256 letters" : "out of memory";
    return true;
}

/* ---- alphabets ----------------------------------------------------------- */

typedef struct charset {
    bool has[128];
} charset;

static void set_range(charset *cs, int lo, int hi)
{
    for (int c = lo; c <= hi && c < 128; c++)
        if (c >= 0)
            cs->has[c] = true;
}

/* \d \w \s and their negations into cs; false for another letter. */
static bool set_shorthand(charset *cs, char e)
{
    charset t = {{false}};
    switch (e) {
    case 'd': case 'D': set_range(&t, '0', '9'); break;
    case 'w': case 'W':
        set_range(&t, '0', '9');
        set_range(&t, 'A', 'Z');
        set_range(&t, 'a', 'z');
        t.has['_'] = true;
        break;
    case 's': case 'S': t.has[' '] = t.has['\t'] = t.has['\n'] = t.has['\r'] = true; break;
    default: return false;
    }
    bool negate = e == 'D' || e == 'W' || e == 'S';
    for (int c = 0; c < 128; c++)
        if (t.has[c] != negate)
            cs->has[c] = true;
    return true;
}

static void slot_from(slot *s, const charset *cs, bool negate)
{
    s->n = 0;
    for (int c = IDGEN_LO; c <= IDGEN_HI; c++)
        if (cs->has[c] != negate)
            s->alpha[s->n++] = (char)c;
    s->alpha[s->n] = '\0';
}

static void slot_literal(slot *s, char c)
{
    s->n = 1;
    s->alpha[0] = c;
    s->alpha[1] = '\0';
}

/* One class member at ps->p (a letter or an escape); *c gets the letter,
 * or -1 after a shorthand (added to cs). */
static bool class_letter(parser *ps, charset *cs, int *c)
{
    unsigned char ch = (unsigned char)*ps->p;
    if (ch >= 0x80) {
        ps->why = "a non-ASCII letter";
        return false;
    }
    if (ch != '\\') {
        ps->p++;
        *c = ch;
        return true;
    }
    if (ps->p + 1 >= ps->end) {
        ps->why = "a trailing backslash";
        return false;
    }
    char e = ps->p[1];
    ps->p += 2;
    if (set_shorthand(cs, e)) {
        *c = -1;
        return true;
    }
    if (strchr(".\\/-[](){}*+?^$|", e)) {
        *c = (unsigned char)e;
        return true;
    }
    ps->why = "an escape other than \\d \\w \\s (or their negations) or a quoted metacharacter";
    return false;
}

/* A bracket class at ps->p (just after "["). */
static bool parse_class(parser *ps, slot *s)
{
    charset cs = {{false}};
    bool negate = ps->p < ps->end && *ps->p == '^';
    if (negate)
        ps->p++;
    bool first = true;
    while (ps->p < ps->end && (*ps->p != ']' || first)) {
        first = false;
        int lo, hi;
        if (!class_letter(ps, &cs, &lo))
            return false;
        if (lo >= 0 && ps->p + 1 < ps->end && *ps->p == '-' && ps->p[1] != ']') {
            ps->p++;
            if (!class_letter(ps, &cs, &hi))
                return false;
            if (hi < lo) {
                ps->why = "a class range out of order";
                return false;
            }
            set_range(&cs, lo, hi);
        } else if (lo >= 0) {
            cs.has[lo] = true;
        }
    }
    if (ps->p >= ps->end) {
        ps->why = "an unclosed class";
        return false;
    }
    ps->p++;
    slot_from(s, &cs, negate);
    if (s->n == 0) {
        ps->why = "a class that holds no printable ASCII letter";
        return false;
    }
    return true;
}

/* ---- the pattern --------------------------------------------------------- */

static bool parse_seq(parser *ps, row *out, int depth);

/* The quantifier at ps->p: *times (the count used) and *unbounded. */
static bool parse_quantifier(parser *ps, size_t *times, bool *unbounded)
{
    *times = 1;
    *unbounded = false;
    if (ps->p >= ps->end)
        return true;
    char c = *ps->p;
    if (c == '?' || c == '*' || c == '+') {
        ps->p++;
        *times = c == '?' ? 0 : 1;
        *unbounded = c != '?';
    } else if (c == '{') {
        char *e;
        unsigned long lo = strtoul(ps->p + 1, &e, 10), hi = lo;
        if (e == ps->p + 1 || lo > IDGEN_MAX_REPEAT) {
            ps->why = "a repetition count it cannot read (or above 64)";
            return false;
        }
        if (e < ps->end && *e == ',') {
            e++;
            if (e < ps->end && *e == '}')
                *unbounded = true;
            else {
                const char *d = e;
                hi = strtoul(d, &e, 10);
                if (e == d || hi < lo) {
                    ps->why = "a repetition range it cannot read";
                    return false;
                }
            }
        }
        if (e >= ps->end || *e != '}') {
            ps->why = "an unclosed \"{\"";
            return false;
        }
        ps->p = e + 1;
        *times = lo ? lo : *unbounded ? 1 : 0;
    } else {
        return true;
    }
    if (ps->p < ps->end && *ps->p == '?') /* lazy: the same strings */
        ps->p++;
    return true;
}

/* One atom at ps->p into *atom (a row of its own): a group, a class, an
 * escape, "." or a literal. */
static bool parse_atom(parser *ps, row *atom, bool *group, int depth)
{
    slot s;
    char c = *ps->p;
    *group = c == '(';
    if (c == '(') {
        ps->p++;
        if (ps->p < ps->end && *ps->p == '?') {
            if (ps->p + 1 < ps->end && ps->p[1] == ':')
                ps->p += 2;
            else {
                ps->why = "a group construct \"(?\" (lookaround or a named group)";
                return false;
            }
        }
        if (!parse_seq(ps, atom, depth + 1))
            return false;
        if (ps->p >= ps->end || *ps->p != ')') {
            ps->why = "an unclosed group";
            return false;
        }
        ps->p++;
        return true;
    }
    if (c == '[') {
        ps->p++;
        if (!parse_class(ps, &s))
            return false;
    } else if (c == '\\') {
        charset cs = {{false}};
        int l;
        if (!class_letter(ps, &cs, &l))
            return false;
        if (l >= 0)
            slot_literal(&s, (char)l);
        else
            slot_from(&s, &cs, false);
    } else if (c == '.') {
        ps->p++;
        memcpy(s.alpha, "0123456789abcdef", 17);
        s.n = 16;
    } else if (strchr("|^$*+?{})", c)) {
        ps->why = c == '^' || c == '$' ? "an anchor inside the pattern" : "a misplaced metacharacter";
        return false;
    } else if ((unsigned char)c >= 0x80 || (unsigned char)c < 0x20) {
        ps->why = "a non-ASCII or control letter";
        return false;
    } else {
        ps->p++;
        slot_literal(&s, c);
    }
    return !too_wide(ps, atom, &s);
}

/* Appends atom `times` times to out. The stretch point becomes the atom
 * when it is one multi-letter slot under an unbounded quantifier, or the
 * group's own stretch point when the group is used once. */
static bool append_atom(parser *ps, row *out, const row *atom, bool group, size_t times,
                        bool unbounded)
{
    size_t at = out->n;
    for (size_t t = 0; t < times; t++)
        for (size_t i = 0; i < atom->n; i++)
            if (too_wide(ps, out, &atom->s[i]))
                return false;
    if (times == 0)
        return true;
    if (unbounded && atom->n == 1 && atom->s[0].n > 1)
        out->stretch = out->n - 1;
    else if (group && times == 1 && !unbounded && atom->stretch != IDGEN_NONE)
        out->stretch = at + atom->stretch;
    return true;
}

/* A sequence up to ")" or the end; after "|" the other alternatives are
 * read (to check them and move past them) but not used. */
static bool parse_seq(parser *ps, row *out, int depth)
{
    if (depth > IDGEN_MAX_DEPTH) {
        ps->why = "groups nested deeper than 8";
        return false;
    }
    row *target = out;
    row discard = {NULL, 0, 0, IDGEN_NONE};
    bool ok = true;
    while (ok && ps->p < ps->end && *ps->p != ')') {
        if (*ps->p == '|') {
            ps->p++;
            target = &discard;
            continue;
        }
        row atom = {NULL, 0, 0, IDGEN_NONE};
        size_t times;
        bool unbounded, group;
        ok = parse_atom(ps, &atom, &group, depth) && parse_quantifier(ps, &times, &unbounded) &&
             append_atom(ps, target, &atom, group, times, unbounded);
        free(atom.s);
    }
    free(discard.s);
    return ok;
}

static uint64_t capacity_of(const row *r)
{
    uint64_t cap = 1;
    for (size_t i = 0; i < r->n; i++) {
        if (cap > UINT64_MAX / r->s[i].n)
            return UINT64_MAX;
        cap *= r->s[i].n;
    }
    return cap;
}

mock_idgen *mock_idgen_new(const char *pattern, uint64_t need, const char **why)
{
    size_t n = strlen(pattern);
    const char *start = pattern, *end = pattern + n;
    if (start < end && *start == '^')
        start++;
    if (end > start && end[-1] == '$' && !(end - start >= 2 && end[-2] == '\\'))
        end--;
    parser ps = {start, end, NULL};
    mock_idgen *g = calloc(1, sizeof *g);
    if (!g) {
        *why = "out of memory";
        return NULL;
    }
    g->r.stretch = IDGEN_NONE;
    if (parse_seq(&ps, &g->r, 0) && ps.p != ps.end)
        ps.why = "an unmatched \")\"";
    g->capacity = capacity_of(&g->r);
    /* Grow the stretch point until the template has `need` values. */
    while (!ps.why && g->capacity < need) {
        if (g->r.stretch == IDGEN_NONE) {
            ps.why = "it allows fewer distinct ids than needed";
            break;
        }
        slot copy = g->r.s[g->r.stretch];
        if (too_wide(&ps, &g->r, &copy))
            break;
        memmove(&g->r.s[g->r.stretch + 1], &g->r.s[g->r.stretch],
                (g->r.n - 1 - g->r.stretch) * sizeof copy);
        g->capacity = capacity_of(&g->r);
    }
    if (ps.why) {
        *why = ps.why;
        mock_idgen_free(g);
        return NULL;
    }
    *why = NULL;
    return g;
}

void mock_idgen_free(mock_idgen *g)
{
    if (!g)
        return;
    free(g->r.s);
    free(g);
}

uint64_t mock_idgen_capacity(const mock_idgen *g) { return g->capacity; }

size_t mock_idgen_width(const mock_idgen *g) { return g->r.n; }

bool mock_idgen_nth(const mock_idgen *g, uint64_t n, quo_buf *out)
{
    char text[IDGEN_MAX_WIDTH];
    for (size_t i = g->r.n; i-- > 0;) {
        const slot *s = &g->r.s[i];
        text[i] = s->alpha[n % s->n];
        n /= s->n;
    }
    if (n != 0)
        return false;
    quo_buf_append(out, text, g->r.n);
    return true;
}

bool mock_idgen_index(const mock_idgen *g, const char *s, size_t len, uint64_t *n)
{
    if (len != g->r.n)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        const slot *sl = &g->r.s[i];
        const char *at = s[i] ? memchr(sl->alpha, s[i], sl->n) : NULL;
        if (!at)
            return false;
        uint64_t d = (uint64_t)(at - sl->alpha);
        if (v > (UINT64_MAX - d) / sl->n)
            return false;
        v = v * sl->n + d;
    }
    *n = v;
    return true;
}

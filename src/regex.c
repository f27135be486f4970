/* regex.c - ECMAScript (u-mode) patterns translated to PCRE2 (see regex.h).
 *
 * The translator walks the ECMAScript grammar once, rejecting what
 * `new RegExp(p, "u")` rejects, and writes a PCRE2 pattern in which every
 * character whose meaning differs between the dialects is spelled out
 * (characters as \x{...}, `.` and \s as explicit classes). Only ASCII
 * letters and digits are copied as they are.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quo/array.h"
#include "quo/buf.h"
#include "regex.h"
#include "quo/utf8.h"

/* ECMAScript WhiteSpace + LineTerminator, as the body of a PCRE2 class:
 * TAB LF VT FF CR, SPACE, NBSP, the other Zs characters, LS, PS, BOM. */
#define WS_BODY                                                              \
    "\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}"         \
    "\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"
#define DOT_CLASS "[^\\x{a}\\x{d}\\x{2028}\\x{2029}]"
#define ANY_CLASS "[\\x{0}-\\x{10ffff}]"
#define NEVER "(?:(?!))"

#define MAX_GROUP_DEPTH 250
#define MAX_REPEAT 65535u /* PCRE2's largest {n,m} bound */

/* ---------------------------------------------------------------- buffer */

static void sb_hex(quo_buf *b, uint32_t cp)
{
    char tmp[16];
    int n = snprintf(tmp, sizeof tmp, "\\x{%x}", (unsigned)cp);
    quo_buf_append(b, tmp, (size_t)n);
}

/* ------------------------------------------------------------ translator */

typedef struct tr {
    const unsigned char *s;
    size_t len, pos;
    quo_buf out;
    unsigned ngroups;  /* capturing groups in the whole pattern */
    bool named_groups; /* the pattern has (?<name>...) */
    quo_error *err;
    bool failed;
} tr;

/* A class item that is not a single character: \d \w \s \p{..} ... */
typedef struct class_esc {
    char text[160]; /* PCRE2 spelling, usable inside [...] */
    bool not_space; /* \S: cannot be written inside a PCRE2 class */
} class_esc;

static bool fail(tr *t, const char *what)
{
    if (!t->failed)
        quo_error_set(t->err, QUO_ESCHEMA, t->pos,
                      "invalid ECMAScript pattern: %s at offset %zu", what, t->pos);
    t->failed = true;
    return false;
}

static bool at_end(const tr *t) { return t->pos >= t->len; }
static int peek(const tr *t) { return at_end(t) ? -1 : t->s[t->pos]; }
static int peek_at(const tr *t, size_t k)
{
    return t->pos + k >= t->len ? -1 : t->s[t->pos + k];
}

static bool next_cp(tr *t, uint32_t *cp)
{
    size_t n = quo_utf8_decode(t->s + t->pos, t->len - t->pos, cp);
    if (n == 0)
        return fail(t, "invalid UTF-8");
    t->pos += n;
    return true;
}

/* ECMAScript SyntaxCharacter. */
static bool is_syntax_char(int c)
{
    return c > 0 && strchr("^$\\.*+?()[]{}|", c) != NULL;
}

/* What u-mode lets a backslash make literal: SyntaxCharacter and '/'. */
static bool is_identity_escape(int c)
{
    return c == '/' || is_syntax_char(c);
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_surrogate(uint32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

/* Literal character outside a class. */
static void emit_char(tr *t, uint32_t cp)
{
    if (is_surrogate(cp)) {
        quo_buf_puts(&t->out, NEVER); /* no UTF-8 string holds a lone surrogate */
    } else if (cp < 0x80 && (is_alpha((int)cp) || is_digit((int)cp))) {
        char c = (char)cp;
        quo_buf_append(&t->out, &c, 1);
    } else {
        sb_hex(&t->out, cp);
    }
}

/* Exactly n hex digits; returns false (without consuming) otherwise. */
static bool read_hex_n(tr *t, unsigned n, uint32_t *v)
{
    uint32_t x = 0;
    for (unsigned i = 0; i < n; i++) {
        int h = hex_val(peek_at(t, i));
        if (h < 0)
            return false;
        x = x * 16 + (uint32_t)h;
    }
    t->pos += n;
    *v = x;
    return true;
}

/* After "\u": 4 hex digits (joining a surrogate pair) or {hex...}. */
static bool read_unicode_escape(tr *t, uint32_t *cp)
{
    if (peek(t) == '{') {
        size_t start = ++t->pos;
        uint32_t v = 0;
        while (hex_val(peek(t)) >= 0) {
            v = v * 16 + (uint32_t)hex_val(peek(t));
            if (v > 0x10FFFF)
                return fail(t, "\\u{...} above U+10FFFF");
            t->pos++;
        }
        if (t->pos == start || peek(t) != '}')
            return fail(t, "malformed \\u{...} escape");
        t->pos++;
        *cp = v;
        return true;
    }
    if (!read_hex_n(t, 4, cp))
        return fail(t, "\\u needs four hex digits");
    if (*cp >= 0xD800 && *cp <= 0xDBFF && peek(t) == '\\' && peek_at(t, 1) == 'u') {
        size_t save = t->pos;
        uint32_t lo;
        t->pos += 2;
        if (read_hex_n(t, 4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF)
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
        else
            t->pos = save;
    }
    return true;
}

/* Character escapes valid both inside and outside classes, after the
 * backslash; c is the escape letter, already consumed. Returns 1 with *cp
 * set, 0 when c is not a character escape, -1 on error. */
static int char_escape(tr *t, int c, uint32_t *cp)
{
    switch (c) {
    case 'f': *cp = 0x0C; return 1;
    case 'n': *cp = 0x0A; return 1;
    case 'r': *cp = 0x0D; return 1;
    case 't': *cp = 0x09; return 1;
    case 'v': *cp = 0x0B; return 1;
    case '0':
        if (is_digit(peek(t)))
            return fail(t, "octal escapes are not allowed") ? 1 : -1;
        *cp = 0;
        return 1;
    case 'c':
        if (!is_alpha(peek(t)))
            return fail(t, "\\c must be followed by a letter") ? 1 : -1;
        *cp = (uint32_t)(t->s[t->pos++] % 32);
        return 1;
    case 'x':
        if (!read_hex_n(t, 2, cp))
            return fail(t, "\\x needs two hex digits") ? 1 : -1;
        return 1;
    case 'u':
        return read_unicode_escape(t, cp) ? 1 : -1;
    default:
        if (is_identity_escape(c)) {
            *cp = (uint32_t)c;
            return 1;
        }
        return 0;
    }
}

/* ECMAScript General_Category values and aliases -> PCRE2 short name. */
static const char *const gc_names[][4] = {
    {"C", "Other", NULL, NULL},          {"Cc", "Control", "cntrl", NULL},
    {"Cf", "Format", NULL, NULL},        {"Cn", "Unassigned", NULL, NULL},
    {"Co", "Private_Use", NULL, NULL},   {"Cs", "Surrogate", NULL, NULL},
    {"L", "Letter", NULL, NULL},         {"LC", "Cased_Letter", NULL, NULL},
    {"Ll", "Lowercase_Letter", NULL, NULL}, {"Lm", "Modifier_Letter", NULL, NULL},
    {"Lo", "Other_Letter", NULL, NULL},  {"Lt", "Titlecase_Letter", NULL, NULL},
    {"Lu", "Uppercase_Letter", NULL, NULL}, {"M", "Mark", "Combining_Mark", NULL},
    {"Mc", "Spacing_Mark", NULL, NULL},  {"Me", "Enclosing_Mark", NULL, NULL},
    {"Mn", "Nonspacing_Mark", NULL, NULL}, {"N", "Number", NULL, NULL},
    {"Nd", "Decimal_Number", "digit", NULL}, {"Nl", "Letter_Number", NULL, NULL},
    {"No", "Other_Number", NULL, NULL},  {"P", "Punctuation", "punct", NULL},
    {"Pc", "Connector_Punctuation", NULL, NULL}, {"Pd", "Dash_Punctuation", NULL, NULL},
    {"Pe", "Close_Punctuation", NULL, NULL}, {"Pf", "Final_Punctuation", NULL, NULL},
    {"Pi", "Initial_Punctuation", NULL, NULL}, {"Po", "Other_Punctuation", NULL, NULL},
    {"Ps", "Open_Punctuation", NULL, NULL}, {"S", "Symbol", NULL, NULL},
    {"Sc", "Currency_Symbol", NULL, NULL}, {"Sk", "Modifier_Symbol", NULL, NULL},
    {"Sm", "Math_Symbol", NULL, NULL},   {"So", "Other_Symbol", NULL, NULL},
    {"Z", "Separator", NULL, NULL},      {"Zl", "Line_Separator", NULL, NULL},
    {"Zp", "Paragraph_Separator", NULL, NULL}, {"Zs", "Space_Separator", NULL, NULL},
};

/* ECMAScript's binary properties (names and aliases) that PCRE2 knows by
 * the same name; Any, ASCII and Assigned are handled separately. */
static const char *const binary_props[] = {
    "ASCII_Hex_Digit", "AHex", "Alphabetic", "Alpha", "Bidi_Control", "Bidi_C",
    "Bidi_Mirrored", "Bidi_M", "Case_Ignorable", "CI", "Cased",
    "Changes_When_Casefolded", "CWCF", "Changes_When_Casemapped", "CWCM",
    "Changes_When_Lowercased", "CWL", "Changes_When_Titlecased", "CWT",
    "Changes_When_Uppercased", "CWU", "Dash", "Default_Ignorable_Code_Point", "DI",
    "Deprecated", "Dep", "Diacritic", "Dia", "Emoji", "Emoji_Component", "EComp",
    "Emoji_Modifier", "EMod", "Emoji_Modifier_Base", "EBase", "Emoji_Presentation",
    "EPres", "Extended_Pictographic", "ExtPict", "Extender", "Ext",
    "Grapheme_Base", "Gr_Base", "Grapheme_Extend", "Gr_Ext", "Hex_Digit", "Hex",
    "IDS_Binary_Operator", "IDSB", "IDS_Trinary_Operator", "IDST", "ID_Continue",
    "IDC", "ID_Start", "IDS", "Ideographic", "Ideo", "Join_Control", "Join_C",
    "Logical_Order_Exception", "LOE", "Lowercase", "Lower", "Math",
    "Noncharacter_Code_Point", "NChar", "Pattern_Syntax", "Pat_Syn",
    "Pattern_White_Space", "Pat_WS", "Quotation_Mark", "QMark", "Radical",
    "Regional_Indicator", "RI", "Sentence_Terminal", "STerm", "Soft_Dotted", "SD",
    "Terminal_Punctuation", "Term", "Unified_Ideograph", "UIdeo", "Uppercase",
    "Upper", "Variation_Selector", "VS", "White_Space", "space", "XID_Continue",
    "XIDC", "XID_Start", "XIDS",
};

static const char *gc_short(const char *name)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(gc_names); i++)
        for (size_t j = 0; j < QUO_ARRAY_SIZE(gc_names[i]) && gc_names[i][j]; j++)
            if (strcmp(gc_names[i][j], name) == 0)
                return gc_names[i][0];
    return NULL;
}

static bool is_binary_prop(const char *name)
{
    for (size_t i = 0; i < QUO_ARRAY_SIZE(binary_props); i++)
        if (strcmp(binary_props[i], name) == 0)
            return true;
    return false;
}

/* After "\p" or "\P": {Name} or {Name=Value} -> PCRE2 text usable inside a
 * class (every spelling produced is a single \p/\P escape). */
static bool property_escape(tr *t, bool negated, class_esc *out)
{
    char name[64], value[64];
    size_t nn = 0, nv = 0;
    bool eq = false;
    const char *p = negated ? "P" : "p";

    if (peek(t) != '{')
        return fail(t, "\\p must be followed by {property}");
    t->pos++;
    while (peek(t) != '}') {
        int c = peek(t);
        if (c < 0)
            return fail(t, "unterminated \\p{...}");
        if (c == '=' && !eq) {
            eq = true;
        } else if (is_alpha(c) || is_digit(c) || c == '_') {
            if ((eq ? nv : nn) >= 63)
                return fail(t, "property name too long");
            if (eq)
                value[nv++] = (char)c;
            else
                name[nn++] = (char)c;
        } else {
            return fail(t, "invalid character in \\p{...}");
        }
        t->pos++;
    }
    t->pos++;
    name[nn] = '\0';
    value[nv] = '\0';
    if (nn == 0 || (eq && nv == 0))
        return fail(t, "empty \\p{...}");

    const char *gc = NULL;
    if (eq) {
        if (strcmp(name, "General_Category") == 0 || strcmp(name, "gc") == 0) {
            gc = gc_short(value);
        } else if (strcmp(name, "Script") == 0 || strcmp(name, "sc") == 0 ||
                   strcmp(name, "Script_Extensions") == 0 || strcmp(name, "scx") == 0) {
            bool ext = strcmp(name, "scx") == 0 || strcmp(name, "Script_Extensions") == 0;
            const char *kind = ext ? "scx" : "sc";
            snprintf(out->text, sizeof out->text, "\\%s{%s:%s}", p, kind, value);
            return true;
        }
        if (!gc)
            return fail(t, "unknown Unicode property");
    } else {
        gc = gc_short(name);
    }
    if (gc)
        snprintf(out->text, sizeof out->text, "\\%s{%s}", p, gc);
    else if (strcmp(name, "Any") == 0 || strcmp(name, "ASCII") == 0 || is_binary_prop(name))
        snprintf(out->text, sizeof out->text, "\\%s{%s}", p, name);
    else if (strcmp(name, "Assigned") == 0)
        snprintf(out->text, sizeof out->text, "\\%s{Cn}", negated ? "p" : "P");
    else
        return fail(t, "unknown Unicode property");
    return true;
}

/* After the backslash, inside or outside a class: \d \D \w \W \s \S \p \P.
 * Returns 1 (filled), 0 (not a class escape), -1 (error). */
static int class_escape(tr *t, int c, class_esc *out)
{
    out->not_space = false;
    switch (c) {
    case 'd': case 'D': case 'w': case 'W':
        /* PCRE2 without UCP gives these exactly ASCII meaning. */
        snprintf(out->text, sizeof out->text, "\\%c", c);
        return 1;
    case 's':
        snprintf(out->text, sizeof out->text, "%s", WS_BODY);
        return 1;
    case 'S':
        out->text[0] = '\0';
        out->not_space = true;
        return 1;
    case 'p': case 'P':
        return property_escape(t, c == 'P', out) ? 1 : -1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------- character class */

typedef struct class_items {
    quo_buf body;      /* PCRE2 class body (ranges, escapes) */
    bool not_space; /* \S was among the items */
    bool any_item;  /* body has at least one item */
} class_items;

/* One class atom: a character (*is_char) or a class escape (*esc). */
static bool class_atom(tr *t, bool *is_char, uint32_t *cp, class_esc *esc)
{
    if (peek(t) != '\\') {
        *is_char = true;
        return next_cp(t, cp);
    }
    t->pos++;
    int c = peek(t);
    if (c < 0)
        return fail(t, "pattern ends with a backslash");
    t->pos++;
    int r = class_escape(t, c, esc);
    if (r != 0) {
        *is_char = false;
        return r > 0;
    }
    *is_char = true;
    if (c == 'b') {
        *cp = 0x08;
        return true;
    }
    if (c == '-') {
        *cp = '-';
        return true;
    }
    r = char_escape(t, c, cp);
    if (r < 0)
        return false;
    if (r == 0)
        return fail(t, "invalid escape in character class");
    return true;
}

static void class_add_range(class_items *ci, uint32_t lo, uint32_t hi)
{
    /* Surrogates never occur in UTF-8 text and PCRE2 refuses them as
     * range ends: clip them off. */
    if (lo >= 0xD800 && lo <= 0xDFFF)
        lo = 0xE000;
    if (hi >= 0xD800 && hi <= 0xDFFF)
        hi = 0xD7FF;
    if (lo > hi)
        return;
    sb_hex(&ci->body, lo);
    if (hi != lo) {
        quo_buf_puts(&ci->body, "-");
        sb_hex(&ci->body, hi);
    }
    ci->any_item = true;
}

static void class_add_esc(class_items *ci, const class_esc *esc)
{
    if (esc->not_space) {
        ci->not_space = true;
        return;
    }
    quo_buf_puts(&ci->body, esc->text);
    ci->any_item = true;
}

/* Writes the class; see regex.h for [] and [^], and the \S rewrite. */
static void class_emit(tr *t, const class_items *ci, bool negated)
{
    quo_buf *o = &t->out;
    const char *body = ci->body.data ? ci->body.data : "";
    if (ci->body.failed) {
        o->failed = true;
        return;
    }
    if (!ci->not_space) {
        if (!ci->any_item) {
            quo_buf_puts(o, negated ? ANY_CLASS : NEVER);
            return;
        }
        quo_buf_puts(o, negated ? "[^" : "[");
        quo_buf_puts(o, body);
        quo_buf_puts(o, "]");
        return;
    }
    /* \S cannot sit inside a PCRE2 class: [a\S] is a|[^ws], [^a\S] is
     * "a whitespace character that is not a". */
    if (!ci->any_item) {
        quo_buf_puts(o, negated ? "[" WS_BODY "]" : "[^" WS_BODY "]");
        return;
    }
    if (negated) {
        quo_buf_puts(o, "(?:(?![");
        quo_buf_puts(o, body);
        quo_buf_puts(o, "])[" WS_BODY "])");
    } else {
        quo_buf_puts(o, "(?:[");
        quo_buf_puts(o, body);
        quo_buf_puts(o, "]|[^" WS_BODY "])");
    }
}

static bool parse_class(tr *t)
{
    class_items ci = {{NULL, 0, 0, false}, false, false};
    bool negated = false;

    t->pos++; /* '[' */
    if (peek(t) == '^') {
        negated = true;
        t->pos++;
    }
    while (peek(t) != ']') {
        bool a_char, b_char;
        uint32_t a = 0, b = 0;
        class_esc ea, eb;
        if (at_end(t)) {
            free(ci.body.data);
            return fail(t, "unterminated character class");
        }
        if (!class_atom(t, &a_char, &a, &ea))
            goto error;
        if (peek(t) == '-' && peek_at(t, 1) != ']' && peek_at(t, 1) != -1) {
            t->pos++;
            if (!class_atom(t, &b_char, &b, &eb))
                goto error;
            if (!a_char || !b_char) {
                fail(t, "a class escape cannot bound a range");
                goto error;
            }
            if (a > b) {
                fail(t, "range out of order in character class");
                goto error;
            }
            class_add_range(&ci, a, b);
        } else if (a_char) {
            class_add_range(&ci, a, a);
        } else {
            class_add_esc(&ci, &ea);
        }
    }
    t->pos++; /* ']' */
    class_emit(t, &ci, negated);
    free(ci.body.data);
    return true;
error:
    free(ci.body.data);
    return false;
}

/* ------------------------------------------------------------- the rest */

/* Counts capturing groups up front: a backreference may point forward. */
static void count_groups(tr *t)
{
    bool in_class = false;
    for (size_t i = 0; i < t->len; i++) {
        unsigned char c = t->s[i];
        if (c == '\\') {
            i++;
        } else if (in_class) {
            if (c == ']')
                in_class = false;
        } else if (c == '[') {
            in_class = true;
        } else if (c == '(') {
            if (i + 1 < t->len && t->s[i + 1] == '?') {
                if (i + 3 < t->len && t->s[i + 2] == '<' && t->s[i + 3] != '=' &&
                    t->s[i + 3] != '!') {
                    t->ngroups++;
                    t->named_groups = true;
                }
            } else {
                t->ngroups++;
            }
        }
    }
}

/* {n}, {n,}, {n,m}: returns true and fills when the text at pos is one. */
static bool read_braces(tr *t, unsigned long *lo, unsigned long *hi, bool *open)
{
    size_t p = t->pos + 1;
    unsigned long a = 0, b = 0;
    size_t digits = 0;
    while (p < t->len && is_digit(t->s[p])) {
        if (a <= 1000000)
            a = a * 10 + (unsigned long)(t->s[p] - '0');
        p++;
        digits++;
    }
    if (!digits)
        return false;
    *open = false;
    b = a;
    if (p < t->len && t->s[p] == ',') {
        p++;
        digits = 0;
        b = 0;
        while (p < t->len && is_digit(t->s[p])) {
            if (b <= 1000000)
                b = b * 10 + (unsigned long)(t->s[p] - '0');
            p++;
            digits++;
        }
        if (!digits)
            *open = true;
    }
    if (p >= t->len || t->s[p] != '}')
        return false;
    t->pos = p + 1;
    *lo = a;
    *hi = b;
    return true;
}

static bool parse_quantifier(tr *t, bool quantifiable)
{
    int c = peek(t);
    char tmp[48];
    if (c == '{') {
        unsigned long lo, hi;
        bool open;
        if (!read_braces(t, &lo, &hi, &open))
            return fail(t, "lone '{' (write \\{ for a brace)");
        if (!quantifiable)
            return fail(t, "nothing to repeat");
        if (!open && lo > hi)
            return fail(t, "numbers out of order in {} quantifier");
        if (lo > MAX_REPEAT || (!open && hi > MAX_REPEAT))
            return fail(t, "quantifier bound above 65535 is not supported");
        int n = open ? snprintf(tmp, sizeof tmp, "{%lu,}", lo)
                     : snprintf(tmp, sizeof tmp, "{%lu,%lu}", lo, hi);
        quo_buf_append(&t->out, tmp, (size_t)n);
    } else {
        if (!quantifiable)
            return fail(t, "nothing to repeat");
        tmp[0] = (char)c;
        quo_buf_append(&t->out, tmp, 1);
        t->pos++;
    }
    if (peek(t) == '?') {
        quo_buf_puts(&t->out, "?");
        t->pos++;
    }
    return true;
}

/* "(?<name>" / "\k<name>": the name, validated, copied to the output. */
static bool group_name(tr *t)
{
    size_t start = t->pos;
    while (peek(t) != '>') {
        int c = peek(t);
        bool ok = is_alpha(c) || c == '_' || (t->pos > start && is_digit(c));
        if (!ok)
            return fail(t, c < 0 ? "unterminated group name"
                                 : "group names must match [A-Za-z_][A-Za-z0-9_]*");
        t->pos++;
    }
    if (t->pos == start || t->pos - start > 32)
        return fail(t, "group name must have 1 to 32 characters");
    quo_buf_append(&t->out, (const char *)t->s + start, t->pos - start);
    quo_buf_puts(&t->out, ">");
    t->pos++;
    return true;
}

enum { G_PLAIN, G_LOOKAROUND };

static bool parse_group_open(tr *t, unsigned char *kind)
{
    t->pos++; /* '(' */
    *kind = G_PLAIN;
    if (peek(t) != '?') {
        quo_buf_puts(&t->out, "(");
        return true;
    }
    int c1 = peek_at(t, 1), c2 = peek_at(t, 2);
    if (c1 == ':') {
        quo_buf_puts(&t->out, "(?:");
        t->pos += 2;
    } else if (c1 == '=' || c1 == '!') {
        quo_buf_puts(&t->out, c1 == '=' ? "(?=" : "(?!");
        *kind = G_LOOKAROUND;
        t->pos += 2;
    } else if (c1 == '<' && (c2 == '=' || c2 == '!')) {
        quo_buf_puts(&t->out, c2 == '=' ? "(?<=" : "(?<!");
        *kind = G_LOOKAROUND;
        t->pos += 3;
    } else if (c1 == '<') {
        quo_buf_puts(&t->out, "(?<");
        t->pos += 2;
        return group_name(t);
    } else {
        return fail(t, "unknown group type after '(?'");
    }
    return true;
}

/* Escape outside a class. *quantifiable says whether a quantifier may
 * follow what was written. */
static bool parse_atom_escape(tr *t, bool *quantifiable)
{
    t->pos++; /* backslash */
    int c = peek(t);
    if (c < 0)
        return fail(t, "pattern ends with a backslash");
    t->pos++;
    *quantifiable = true;

    class_esc esc;
    int r = class_escape(t, c, &esc);
    if (r < 0)
        return false;
    if (r > 0) {
        if (esc.not_space) {
            quo_buf_puts(&t->out, "[^" WS_BODY "]");
        } else if (c == 's') {
            quo_buf_puts(&t->out, "[" WS_BODY "]");
        } else {
            quo_buf_puts(&t->out, esc.text);
        }
        return true;
    }
    if (c == 'b' || c == 'B') {
        quo_buf_puts(&t->out, c == 'b' ? "\\b" : "\\B");
        *quantifiable = false;
        return true;
    }
    if (c >= '1' && c <= '9') {
        unsigned long n = (unsigned long)(c - '0');
        while (is_digit(peek(t)) && n < 100000)
            n = n * 10 + (unsigned long)(t->s[t->pos++] - '0');
        if (n > t->ngroups)
            return fail(t, "backreference to a group that does not exist");
        char tmp[32];
        int k = snprintf(tmp, sizeof tmp, "\\g{%lu}", n);
        quo_buf_append(&t->out, tmp, (size_t)k);
        return true;
    }
    if (c == 'k') {
        if (!t->named_groups || peek(t) != '<')
            return fail(t, "\\k must name a group: \\k<name>");
        t->pos++;
        quo_buf_puts(&t->out, "\\k<");
        return group_name(t);
    }
    uint32_t cp;
    r = char_escape(t, c, &cp);
    if (r < 0)
        return false;
    if (r == 0)
        return fail(t, "invalid escape (u-mode allows only syntax characters after \\)");
    emit_char(t, cp);
    return true;
}

static bool translate(tr *t)
{
    unsigned char stack[MAX_GROUP_DEPTH];
    size_t depth = 0;
    bool quantifiable = false;

    count_groups(t);
    while (!at_end(t) && !t->failed) {
        int c = peek(t);
        switch (c) {
        case '^':
        case '$':
        case '|':
            quo_buf_append(&t->out, (const char *)&t->s[t->pos], 1);
            t->pos++;
            quantifiable = false;
            break;
        case '.':
            quo_buf_puts(&t->out, DOT_CLASS);
            t->pos++;
            quantifiable = true;
            break;
        case '(':
            if (depth == MAX_GROUP_DEPTH)
                return fail(t, "groups nested too deeply");
            if (!parse_group_open(t, &stack[depth]))
                return false;
            depth++;
            quantifiable = false;
            break;
        case ')':
            if (depth == 0)
                return fail(t, "unmatched ')'");
            depth--;
            quo_buf_puts(&t->out, ")");
            t->pos++;
            quantifiable = stack[depth] != G_LOOKAROUND;
            break;
        case '*':
        case '+':
        case '?':
        case '{':
            if (!parse_quantifier(t, quantifiable))
                return false;
            quantifiable = false;
            break;
        case '}':
        case ']':
            return fail(t, c == '}' ? "lone '}'" : "lone ']'");
        case '[':
            if (!parse_class(t))
                return false;
            quantifiable = true;
            break;
        case '\\':
            if (!parse_atom_escape(t, &quantifiable))
                return false;
            break;
        default: {
            uint32_t cp;
            if (!next_cp(t, &cp))
                return false;
            emit_char(t, cp);
            quantifiable = true;
        }
        }
    }
    if (t->failed)
        return false;
    if (depth != 0)
        return fail(t, "missing ')'");
    return true;
}

static quo_status run_translate(const char *src, size_t len, quo_buf *out, quo_error *err)
{
    tr t = {(const unsigned char *)src, len, 0, {NULL, 0, 0, false}, 0, false, err, false};
    bool ok = translate(&t);
    if (t.out.failed) {
        free(t.out.data);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory translating a pattern");
    }
    if (!ok) {
        free(t.out.data);
        return QUO_ESCHEMA;
    }
    quo_buf_append(&t.out, "", 0); /* an empty pattern still needs its NUL */
    if (t.out.failed) {
        free(t.out.data);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory translating a pattern");
    }
    *out = t.out;
    return QUO_OK;
}

quo_status quo_regex_translate(const char *src, size_t len, char **out, quo_error *err)
{
    quo_buf b = QUO_BUF_INIT;
    *out = NULL;
    quo_status st = run_translate(src, len, &b, err);
    if (st == QUO_OK)
        *out = b.data;
    return st;
}

/* -------------------------------------------------------------- fast path */

enum fast_kind {
    FAST_NONE,
    FAST_PREFIX,      /* ^LIT, ^LIT.*            */
    FAST_PREFIX_LINE, /* ^LIT.*$, ^LIT(.*)$      */
    FAST_EXACT,       /* ^LIT$                   */
    FAST_CONTAINS,    /* LIT                     */
    FAST_SUFFIX       /* LIT$                    */
};

struct quo_regex {
    pcre2_code *code;
    pcre2_match_context *mctx;
    enum fast_kind fast;
    char *lit;
    size_t lit_len;
    atomic_flag busy;        /* guards md */
    pcre2_match_data *md;    /* cached match block, see regex.h */
};

/* Recognises the shapes in regex.h on the ECMAScript source, collecting
 * the literal's bytes into lit (room for len bytes). */
static enum fast_kind classify(const char *src, size_t len, char *lit, size_t *lit_len)
{
    size_t i = 0, n = 0;
    bool anchored = len > 0 && src[0] == '^';
    if (anchored)
        i = 1;
    while (i < len) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\\') {
            if (i + 1 < len && is_identity_escape((unsigned char)src[i + 1])) {
                lit[n++] = src[i + 1];
                i += 2;
                continue;
            }
            return FAST_NONE;
        }
        if (is_syntax_char(c) || c == 0)
            break;
        lit[n++] = (char)c; /* UTF-8 bytes compare as code points */
        i++;
    }
    /* The character before a quantifier is not a literal of the run. */
    const char *tail = src + i;
    size_t tail_len = len - i;
    *lit_len = n;
#define TAIL_IS(s) (tail_len == sizeof(s) - 1 && memcmp(tail, s, tail_len) == 0)
    if (anchored) {
        if (TAIL_IS("") || TAIL_IS(".*") || TAIL_IS("(.*)"))
            return FAST_PREFIX;
        if (TAIL_IS(".*$") || TAIL_IS("(.*)$"))
            return FAST_PREFIX_LINE;
        if (TAIL_IS("$"))
            return FAST_EXACT;
        return FAST_NONE;
    }
    if (TAIL_IS(""))
        return FAST_CONTAINS;
    if (TAIL_IS("$"))
        return FAST_SUFFIX;
    return FAST_NONE;
#undef TAIL_IS
}

/* Any of \n \r U+2028 U+2029 in s[0..len)? */
static bool has_line_terminator(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c == '\n' || c == '\r')
            return true;
        if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
            return true;
    }
    return false;
}

static bool contains(const char *s, size_t len, const char *lit, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i + n <= len; i++)
        if (s[i] == lit[0] && memcmp(s + i, lit, n) == 0)
            return true;
    return false;
}

static bool valid_utf8(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp;
    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = quo_utf8_decode(u + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

static bool fast_match(const quo_regex *re, const char *s, size_t len)
{
    size_t n = re->lit_len;
    switch (re->fast) {
    case FAST_PREFIX:
        return len >= n && memcmp(s, re->lit, n) == 0;
    case FAST_PREFIX_LINE:
        return len >= n && memcmp(s, re->lit, n) == 0 &&
               !has_line_terminator((const unsigned char *)s + n, len - n);
    case FAST_EXACT:
        return len == n && memcmp(s, re->lit, n) == 0;
    case FAST_CONTAINS:
        return contains(s, len, re->lit, n);
    case FAST_SUFFIX:
        return len >= n && memcmp(s + len - n, re->lit, n) == 0;
    case FAST_NONE:
        break;
    }
    return false;
}

/* -------------------------------------------------------------- compile */

quo_status quo_regex_compile(const char *src, size_t len, unsigned flags,
                             quo_regex **out, quo_error *err)
{
    quo_buf pat;
    *out = NULL;
    quo_status st = run_translate(src, len, &pat, err);
    if (st != QUO_OK)
        return st;

    quo_regex *re = calloc(1, sizeof *re);
    if (!re) {
        free(pat.data);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory compiling a pattern");
    }
    atomic_flag_clear(&re->busy);
    int code;
    PCRE2_SIZE off;
    re->code = pcre2_compile((PCRE2_SPTR)pat.data, pat.len,
                             PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_MATCH_UNSET_BACKREF |
                                 PCRE2_NEVER_BACKSLASH_C,
                             &code, &off, NULL);
    free(pat.data);
    if (!re->code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        quo_regex_free(re);
        if (code == PCRE2_ERROR_HEAP_FAILED || code == PCRE2_ERROR_NOMEMORY)
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory compiling a pattern");
        return quo_error_set(err, QUO_ESCHEMA, 0, "pattern not supported by PCRE2: %s",
                             (const char *)msg);
    }
    (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE); /* optional speed-up */
    re->mctx = pcre2_match_context_create(NULL);
    if (!re->mctx) {
        quo_regex_free(re);
        return quo_error_set(err, QUO_ENOMEM, 0, "out of memory compiling a pattern");
    }
    /* Bounded work per search: a pathological pattern gives up, never hangs. */
    pcre2_set_match_limit(re->mctx, 1000000);
    pcre2_set_depth_limit(re->mctx, 10000);

    if (!(flags & QUO_REGEX_NO_FAST_PATH)) {
        re->lit = malloc(len + 1);
        if (!re->lit) {
            quo_regex_free(re);
            return quo_error_set(err, QUO_ENOMEM, 0, "out of memory compiling a pattern");
        }
        re->fast = classify(src, len, re->lit, &re->lit_len);
    }
    *out = re;
    return QUO_OK;
}

void quo_regex_free(quo_regex *re)
{
    if (!re)
        return;
    pcre2_match_data_free(re->md);
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    free(re->lit);
    free(re);
}

bool quo_regex_is_fast(const quo_regex *re)
{
    return re->fast != FAST_NONE;
}

static quo_regex_result pcre_search(const quo_regex *re, pcre2_match_data *md,
                                    const char *s, size_t len, bool utf_checked)
{
    uint32_t opts = utf_checked ? PCRE2_NO_UTF_CHECK : 0;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, opts, md, re->mctx);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* the interpreter uses the heap */
        rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, opts | PCRE2_NO_JIT, md, re->mctx);
    if (rc >= 0)
        return QUO_REGEX_MATCH;
    if (rc == PCRE2_ERROR_NOMATCH)
        return QUO_REGEX_NOMATCH;
    if (rc == PCRE2_ERROR_NOMEMORY)
        return QUO_REGEX_ENOMEM;
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
        return QUO_REGEX_BADUTF;
    return QUO_REGEX_LIMIT;
}

quo_regex_result quo_regex_search(const quo_regex *re, const char *s, size_t len,
                                  bool utf_checked)
{
    if (!s) {
        s = "";
        len = 0;
    }
    if (re->fast != FAST_NONE) {
        if (!utf_checked && !valid_utf8(s, len))
            return QUO_REGEX_BADUTF; /* what the PCRE2 path says too */
        return fast_match(re, s, len) ? QUO_REGEX_MATCH : QUO_REGEX_NOMATCH;
    }
    quo_regex *mut = (quo_regex *)re; /* only the cache below is touched */
    if (!atomic_flag_test_and_set_explicit(&mut->busy, memory_order_acquire)) {
        if (!mut->md)
            mut->md = pcre2_match_data_create(1, NULL);
        quo_regex_result r = mut->md ? pcre_search(re, mut->md, s, len, utf_checked)
                                     : QUO_REGEX_ENOMEM;
        atomic_flag_clear_explicit(&mut->busy, memory_order_release);
        return r;
    }
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return QUO_REGEX_ENOMEM;
    quo_regex_result r = pcre_search(re, md, s, len, utf_checked);
    pcre2_match_data_free(md);
    return r;
}

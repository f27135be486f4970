/* quo/utf8.h - strict UTF-8 (no overlongs, no surrogates, nothing above
 * U+10FFFF), shared by the JSON gate, the schema engine, the messages and
 * the programs that render untrusted bytes. Stateless; nothing to free. */
#ifndef QUO_UTF8_H
#define QUO_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one scalar value at s[0..len). Returns the number of bytes
 * consumed (1-4) and stores the code point in *cp, or returns 0 when the
 * bytes there are not a valid UTF-8 sequence. len must be > 0. */
size_t quo_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Number of code points in valid UTF-8 s[0..len). */
size_t quo_utf8_count(const char *s, size_t len);

/* Encodes cp (a scalar value) into out (4 bytes room); returns 1-4. */
size_t quo_utf8_encode(uint32_t cp, char *out);

/* Makes the NUL-terminated s valid UTF-8 in place, for messages that
 * quote bytes from outside (headers, cut-off text): first drops an
 * incomplete sequence at the very end (what a length-limited printf
 * leaves), then replaces every remaining invalid byte with '?'. */
void quo_utf8_scrub(char *s);

#endif

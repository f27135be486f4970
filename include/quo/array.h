/* quo/array.h - QUO_ARRAY_SIZE, the one way to bound a loop over a static
 * table, so adding a row never needs a second edit. Nothing to free. */
#ifndef QUO_ARRAY_H
#define QUO_ARRAY_H

/* The number of elements of an array (not a pointer: sizeof would lie). */
#define QUO_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif

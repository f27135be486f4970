/* mock/report.h (internal to quo-mock) - the report formats other than
 * JSON, each rendered from the JSON report (the one model, record.c):
 * Markdown, JUnit XML (a testsuite per client; a testcase per distinct
 * problem and per coverage item) and one self-contained HTML page (no
 * network, no script: filters are CSS only).
 *
 * Also what the report files need around them: the format of a path,
 * and the checks made before serving.
 *
 * Ownership: the rendered text is malloc'd; the caller frees it.
 */
#ifndef QUO_MOCK_REPORT_H
#define QUO_MOCK_REPORT_H

#include <stddef.h>

#include "quo-mock/mock.h"

/* json[0..len) is a report rendered by record.c. NULL on ENOMEM or when
 * the JSON does not parse (which would be a bug). */
char *mock_report_render(const char *json, size_t len, quo_mock_report_format fmt,
                         size_t *out_len);

#endif

/* quo/quo.h - umbrella header of libquo, the validator and response parser
 * of the Quo API's POST /v1/tasks. Include this or the module headers. */
#ifndef QUO_QUO_H
#define QUO_QUO_H

#include "quo/error.h"
#include "quo/json.h"
#include "quo/violation.h"
#include "quo/schema.h"
#include "quo/spec.h"
#include "quo/request.h"
#include "quo/response.h"
#include "quo/version.h"

#endif

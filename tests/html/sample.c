/* tests/html/sample.c - see sample.h. */
#include "sample.h"

#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "quo/array.h"

/* What a hostile server answers: script that would change the page if
 * it were markup, an attribute break-out, a NUL, bytes that are not
 * UTF-8, and the key echoed back. */
static const char hostile[] =
    "{\"echo\":\"" SAMPLE_API_KEY "\",\"html\":\"</script><script>document.title='PWNED';"
    "document.body.setAttribute('data-pwned','1')</script>"
    "<img src=x onerror=\\\"document.body.setAttribute('data-pwned','2')\\\">\","
    "\"attr\":\"\\\"><b onmouseover=alert(1)>'\",\"nul\":\"a\0b\",\"bad\":\"\xff\xfe\xc3\"}";

static qc_scrubber scrub;
static qc_strlist no_failures, status_failure, echo_failure, path_failure, created;
static qc_exchange ex_task, ex_error, ex_hostile;
static qc_case_result *results;
static qc_report rep;

/* The outcome each listed case gets; every other case passed. */
static const struct planned {
    const char *id;
    qc_outcome outcome;
    const char *reason;
} plan[] = {
    {SAMPLE_FAILED_ID, QC_OUT_FAILED, NULL},
    {"201.activityId+dueDate", QC_OUT_FAILED, NULL},
    {"400.pattern.activityId.u2028.errors-path", QC_OUT_FAILED, NULL},
    {"401.bearer", QC_OUT_CRASHED, "Received signal 11 (Segmentation fault)"},
    {"403.phoneNumberId", QC_OUT_SKIPPED, "no forbidden.apiKey in the config"},
    {"403.conversationId", QC_OUT_SKIPPED, "no forbidden.apiKey in the config"},
    {"403.activityId", QC_OUT_SKIPPED, "no forbidden.apiKey in the config"},
    {"500.prefer", QC_OUT_NOT_RUN, "excluded by CK_EXCLUDE_TAGS"},
};

static void set_result(qc_case_result *cr, const struct planned *p)
{
    cr->outcome = p->outcome;
    cr->reason = p->reason;
    if (p->outcome == QC_OUT_SKIPPED || p->outcome == QC_OUT_NOT_RUN) {
        cr->x = NULL;
    } else if (strcmp(p->id, SAMPLE_FAILED_ID) == 0) {
        cr->x = &ex_hostile;
        cr->failures = &status_failure;
    } else if (strstr(p->id, "errors-path")) {
        cr->failures = &path_failure;
    } else if (p->outcome == QC_OUT_FAILED) {
        cr->x = &ex_hostile;
        cr->failures = &echo_failure;
    }
}

const qc_report *sample_build(void)
{
    th_setup();
    free(th_cfg.api_key);
    th_cfg.api_key = qc_strdup(SAMPLE_API_KEY);
    th_cfg.embedded = false;
    qc_scrubber_init(&scrub);
    qc_scrubber_add(&scrub, th_cfg.api_key, "$QUO_API_KEY");
    qc_scrubber_add(&scrub, th_cfg.forbidden_key, "$QUO_FORBIDDEN_API_KEY");
    qc_strlist_init(&no_failures);
    qc_strlist_init(&status_failure);
    qc_strlist_init(&echo_failure);
    qc_strlist_init(&path_failure);
    qc_strlist_init(&created);
    qc_strlist_add(&status_failure, SAMPLE_FAILED_MESSAGE);
    qc_strlist_addf(&status_failure, "the server said <img src=x onerror=alert(1)> and \"%s\"",
                    SAMPLE_API_KEY);
    qc_strlist_add(&echo_failure, "Content-Type text/html is not application/json");
    qc_strlist_add(&path_failure, "errors[] does not name /activityId (it names </script>)");
    qc_strlist_add(&created, "TK0001");
    qc_strlist_add(&created, "TK0002");
    ex_task = th_exchange(201, "application/json",
                          "{\"data\":{\"taskId\":\"TK0001\",\"revision\":\"1\"}}");
    ex_error = th_exchange(400, "application/json", "{\"code\":\"invalid_request\"}");
    ex_hostile = th_exchange(201, "text/html; charset=\"<x>\"", hostile);
    ex_hostile.body_len = sizeof hostile - 1;
    results = calloc(th_cases.count, sizeof *results);
    if (!results)
        abort();
    for (size_t i = 0; i < th_cases.count; i++) {
        qc_case_result *cr = &results[i];
        const qc_case *c = &th_cases.items[i];
        *cr = (qc_case_result){.c = c, .outcome = QC_OUT_PASSED, .failures = &no_failures,
                               .x = qc_case_accepts(c, 201) ? &ex_task : &ex_error};
        for (size_t k = 0; k < QUO_ARRAY_SIZE(plan); k++)
            if (strcmp(plan[k].id, c->id) == 0)
                set_result(cr, &plan[k]);
    }
    rep = (qc_report){.cfg = &th_cfg, .target = "https://staging.example/api?key=" SAMPLE_API_KEY,
                      .cases = &th_cases, .results = results, .count = th_cases.count,
                      .created = &created, .scrub = &scrub, .seconds = 4.25, .passed = false,
                      .tap_file = "conformance.tap"};
    return &rep;
}

void sample_free(void)
{
    free(results);
    results = NULL;
    qc_strlist_free(&no_failures);
    qc_strlist_free(&status_failure);
    qc_strlist_free(&echo_failure);
    qc_strlist_free(&path_failure);
    qc_strlist_free(&created);
    th_teardown();
}

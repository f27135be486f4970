#!/usr/bin/env python3
"""Proves the quo-conformance unit tests can fail: breaks one check at a
time in suite/ (a one-line mutation), rebuilds the test that guards it in
build-suite/, runs it, reports how many of its checks failed, and restores
the source (always, in a finally). A mutation whose test still passes is a
test gap. Not run by ctest (it edits sources); run by hand:
    python3 tests/suite/mutate.py [INDEX...]
Needs a configured build-suite/ (cmake -S . -B build-suite)."""
import subprocess, sys, os
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
muts = [
 ('suite/checks.c', 'status not checked', '    if (qc_case_accepts(c, status))\n        return;', '    if (1)\n        return;', 'test_suite_checks'),
 ('suite/checks.c', 'spec violations ignored', '        fail(k, "%s%s%s: %s", v->keyword', '        if (0) fail(k, "%s%s%s: %s", v->keyword', 'test_suite_checks'),
 ('suite/checks.c', 'duplicate task ids ignored', '        if (in->seen_task_ids[i] && strcmp', '        if (0 && strcmp', 'test_suite_checks'),
 ('suite/checks.c', 'field values not compared', '        if (strcmp(v->valuestring, f->value) != 0) {', '        if (0) {', 'test_suite_checks'),
 ('suite/checks.c', 'missing echo ignored', '            if (f->mode != QC_FIELD_IF_PRESENT)\n                fail(', '            if (0)\n                fail(', 'test_suite_checks'),
 ('suite/checks.c', 'errors[] path not checked', '        if (qc_strlist_contains(&c->paths, path->valuestring))\n            hit = true;', '        hit = true;', 'test_suite_checks'),
 ('suite/checks.c', 'Allow not checked', '    if (!allow)\n        fail(k, "405 without an Allow header");', '    if (!allow)\n        note(k, "405 without an Allow header");', 'test_suite_checks'),
 ('suite/checks.c', 'companion always judges', '    bool ok = qc_case_accepts(c, k->in->x->status) && quo_response_conforms(resp);', '    bool ok = true || (qc_case_accepts(c, k->in->x->status) && quo_response_conforms(resp));', 'test_suite_checks'),
 ('suite/checks.c', 'transport error ignored', '    } else if (x->error) {\n        fail(&k, "no response: %s", x->error);', '    } else if (0) {\n        fail(&k, "no response: %s", x->error);', 'test_suite_checks'),
 ('suite/config.c', 'precedence reversed', '    return flag ? flag : env ? env : file;', '    return file ? file : env ? env : flag;', 'test_suite_config'),
 ('suite/config.c', 'unknown keys accepted', '        if (!ok) {\n            char list[160] = "";', '        if (0) {\n            char list[160] = "";', 'test_suite_config'),
 ('suite/config.c', 'empty env not ignored', '        if (v && *v) {', '        if (v) {', 'test_suite_config'),
 ('suite/derive.c', 'line feed variant loses its terminator', '        {"lf", "\\n", "a line feed after the prefix"},', '        {"lf", "", "a line feed after the prefix"},', 'test_suite_cases'),
 ('suite/derive.c', 'type null not derived', '    static const char *const types[] = {"string", "number", "boolean", "null", "array", "object"};', '    static const char *const types[] = {"string", "number", "boolean", "array", "object"};', 'test_suite_cases'),
 ('suite/derive.c', 'optional members not combined', '            for (unsigned mask = 0; st == QUO_OK && mask < (1u << nopt); mask++)', '            for (unsigned mask = 0; st == QUO_OK && mask < 1u; mask++)', 'test_suite_cases'),
 ('suite/derive_spec.c', 'named fixture mismatch tolerated', '            if (named)\n                return quo_error_set', '            if (0)\n                return quo_error_set', 'test_suite_cases'),
 ('suite/text.c', 'scrubbing disabled', '        if (hit) {\n            qc_buf_append(b,', '        if (0) {\n            qc_buf_append(b,', 'test_suite_report'),
 ('suite/text.c', 'xml < not escaped', "        case '<': qc_buf_puts(b, \"&lt;\"); break;", "        case '<': qc_buf_puts(b, \"<\"); break;", 'test_suite_report'),
 ('suite/report.c', 'markdown failures section dropped', '    if (n.failed) {\n        qc_buf_puts(&b, "## Failures', '    if (0) {\n        qc_buf_puts(&b, "## Failures', 'test_suite_report'),
 ('suite/main.c', '--strict ignored', '        rep.passed = n.must_failed == 0 && (!a->cfg.strict || n.should_failed == 0);', '        rep.passed = n.must_failed == 0;', 'test_suite_e2e'),
 ('suite/http.c', '429 not retried', '        if (st != QUO_OK || out->status != 429 || n >= h->opts.max_retries)', '        if (1)', 'test_suite_e2e'),
]
only = sys.argv[1:] 
for i,(f, name, old, new, test) in enumerate(muts):
    if only and str(i) not in only: continue
    p = os.path.join(root, f)
    orig = open(p).read()
    assert orig.count(old) == 1, (name, orig.count(old))
    try:
        open(p,'w').write(orig.replace(old, new))
        b = subprocess.run(['cmake','--build',root+'/build-suite','--target',test,'quo-conformance','-j2'],capture_output=True,text=True)
        if b.returncode:
            print(f'[{i}] {name}: BUILD FAILED', b.stdout[-500:]); continue
        r = subprocess.run([root+'/build-suite/tests/suite/'+test], capture_output=True, text=True,
                           env=dict(os.environ, QC_PROGRAM=root+'/build-suite/suite/quo-conformance', CK_DEFAULT_TIMEOUT='120'))
        fails = [l for l in r.stdout.splitlines() if ':F:' in l or ':E:' in l]
        print(f'[{i}] {name} -> {test}: exit {r.returncode}, {len(fails)} failing checks')
        for l in fails[:3]: print('      ', l.split('/')[-1][:160])
    finally:
        open(p,'w').write(orig)

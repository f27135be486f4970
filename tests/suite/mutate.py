#!/usr/bin/env python3
"""Proves the quo-conformance tests can fail: breaks one check at a time (a
one-line mutation of suite/ or the library), rebuilds the test that guards
it, runs it through ctest, and counts the mutation as killed when the test
fails. A mutation whose test still passes is a test gap; one whose text no
longer matches the source exactly once is stale (the code moved on: update
the table). Either makes the run fail.

It never edits the tree it is given: the sources are copied into a scratch
folder (corpus/ linked, not copied) with a build of their own, so it runs
in ctest (suite_mutations) next to other builds.

    python3 tests/suite/mutate.py [--source DIR] [--work DIR] [INDEX...]

--source  the tree to mutate (default: this repository)
--work    scratch folder (default: a new temporary one, removed afterwards;
          a given one is kept, and reused builds are faster)
INDEX     run only these mutations (0-based, as printed)
Exit: 0 every mutation killed, 1 a mutation survived or is stale, 2 setup
failed (copy, configure or the unmutated build)."""
import argparse, os, shutil, subprocess, sys, tempfile

muts = [
 ('suite/checks.c', 'status not checked', '    if (qc_case_accepts(c, status))\n        return;', '    if (1)\n        return;', 'test_suite_checks'),
 ('suite/checks.c', 'spec violations ignored', '        fail(k, "%s%s%s: %s", v->keyword', '        if (0) fail(k, "%s%s%s: %s", v->keyword', 'test_suite_checks'),
 ('suite/checks.c', 'duplicate task ids ignored', '        if (in->seen_task_ids[i] && strcmp', '        if (0 && strcmp', 'test_suite_checks'),
 ('suite/checks.c', 'field values not compared', '        if (!same_text(v->valuestring, quo_json_strlen(resp->doc, v), f->value)) {', '        if (0) {', 'test_suite_checks'),
 ('suite/checks.c', 'missing echo ignored', '            if (f->mode != QC_FIELD_IF_PRESENT)\n                fail(', '            if (0)\n                fail(', 'test_suite_checks'),
 ('suite/checks.c', 'errors[] path not checked', '            if (same_text(path->valuestring, quo_json_strlen(resp->doc, path), c->paths.items[i]))\n                hit = true;', '            hit = true;', 'test_suite_checks'),
 ('suite/checks.c', 'Allow not checked', '    if (!allow)\n        fail(k, "405 without an Allow header");', '    if (!allow)\n        note(k, "405 without an Allow header");', 'test_suite_checks'),
 ('suite/checks.c', 'companion always judges', '    bool ok = qc_case_accepts(c, k->in->x->status) && quo_response_conforms(resp);', '    bool ok = true || (qc_case_accepts(c, k->in->x->status) && quo_response_conforms(resp));', 'test_suite_checks'),
 ('suite/checks.c', 'transport error ignored', '    } else if (x->error) {\n        fail(&k, "no response: %s", x->error);', '    } else if (0) {\n        fail(&k, "no response: %s", x->error);', 'test_suite_checks'),
 ('suite/config.c', 'precedence reversed', '    return flag ? flag : env ? env : file;', '    return file ? file : env ? env : flag;', 'test_suite_config'),
 ('suite/config.c', 'unknown keys accepted', '        if (!ok) {\n            char list[160] = "";', '        if (0) {\n            char list[160] = "";', 'test_suite_config'),
 ('suite/config.c', 'empty env not ignored', '        if (v && *v) {', '        if (v) {', 'test_suite_config'),
 ('suite/derive.c', 'line feed variant loses its terminator', '        {"lf", "\\n", "a line feed after the prefix"},', '        {"lf", "", "a line feed after the prefix"},', 'test_suite_cases'),
 ('suite/derive.c', 'type null not derived', '    static const char *const types[] = {"string", "number", "boolean", "null", "array", "object"};', '    static const char *const types[] = {"string", "number", "boolean", "array", "object"};', 'test_suite_cases'),
 ('suite/derive.c', 'optional members not combined', '            for (unsigned mask = 0; st == QUO_OK && mask < (1u << nopt); mask++)', '            for (unsigned mask = 0; st == QUO_OK && mask < 1u; mask++)', 'test_suite_cases'),
 ('suite/scrub.c', 'scrubbing disabled', '        if (hit) {\n            quo_buf_append(b,', '        if (0) {\n            quo_buf_append(b,', 'test_suite_report'),
 ('suite/valgen.c', 'valgen trusts every candidate', '        if (bad) {\n            if (!qc_strlist_addf(&out->dropped', '        if (0) {\n            if (!qc_strlist_addf(&out->dropped', 'test_suite_valgen'),
 ('suite/regex_gen.c', 'generated strings ignore their classes', '    if (style == QR_ASTRAL && set_has(s, 0x1F600))', "    return 'a';\n    if (style == QR_ASTRAL && set_has(s, 0x1F600))", 'test_suite_valgen'),
 ('suite/valgen.c', 'astral spelling miscounted', '            quo_buf_puts(&b, "\\xF0\\x9F\\x98\\x80");', '            quo_buf_puts(&b, "\\xF0\\x9F\\x98\\x80" "a");', 'test_suite_valgen'),
 ('suite/text.c', 'xml < not escaped', "        case '<': quo_buf_puts(b, \"&lt;\"); break;", "        case '<': quo_buf_puts(b, \"<\"); break;", 'test_suite_report'),
 ('suite/report.c', 'markdown failures section dropped', '    if (n.failed) {\n        quo_buf_puts(&b, "## Failures', '    if (0) {\n        quo_buf_puts(&b, "## Failures', 'test_suite_report'),
 ('src/buf.c', 'html < not escaped', "        case '<': ref = \"&lt;\"; break;", "        case '<': ref = \"<\"; break;", 'test_report_html'),
 ('suite/report_html.c', 'html failures section dropped', '    if (!n->failed)\n        return;\n    quo_buf_printf(b, "<section id=\\"failures\\">', '    if (1)\n        return;\n    quo_buf_printf(b, "<section id=\\"failures\\">', 'test_report_html'),
 ('src/buf.c', 'html NUL and controls kept', "        bool control = (c < 0x20 && c != '\\t' && c != '\\n' && c != '\\r') || c == 0x7F;", "        bool control = false;", 'test_buf'),
 ('suite/report.c', '--strict ignored', '    bool failed = n.must_failed > 0 || (r->cfg->strict && n.should_failed > 0);', '    bool failed = n.must_failed > 0;', 'test_suite_e2e'),
 ('suite/http.c', '429 not retried', '        if (st != QUO_OK || out->status != 429 || n >= h->opts.max_retries)', '        if (1)', 'test_suite_e2e'),
 ('suite/registry.c', 'a case matches rows of any TCase', "        if (strcmp(rows[i].tcase, c->tcase) != 0 || strcmp(rows[i].suite, c->suite) != 0 ||", "        if (strcmp(rows[i].suite, c->suite) != 0 ||", 'test_suite_registry'),
 ('suite/registry.c', 'level not taken from the row', '        c->level = row->level;', '        (void)0;', 'test_suite_registry'),
 ('suite/registry.c', 'source ignores the spec pointer', '    if (!c->constraint && !row->from_spec)\n        return qc_strdup(row->source);', '    if (1)\n        return qc_strdup(row->source);', 'test_suite_registry'),
 ('suite/registry.c', 'docs table drops a column', '        cell(b, r->judge_name);', '        (void)0;', 'test_suite_registry'),
 ('suite/budget.c', 'SHOULD requests before MUST', '    if (x->level != y->level)\n        return x->level < y->level ? -1 : 1;', '    if (0)\n        return x->level < y->level ? -1 : 1;', 'test_suite_registry'),
 ('suite/budget.c', 'combinations before one per constraint', '        r[m].tier = seen_before(cases, need, i) ? 1 : 0;', '        r[m].tier = 0;', 'test_suite_registry'),
 ('suite/budget.c', 'companions cut apart from primaries', '                 !kept[c->exchange];', '                 !kept[i];', 'test_suite_registry'),
 ('suite/config.c', '--exclude ignored', '        in = !qc_glob_match(s->excludes.items[i], id);', '        in = true;', 'test_suite_config'),
 ('suite/config.c', 'comma-separated patterns not split', "    } while (*p++ == ',');", '    } while (0);', 'test_suite_config'),
 ('suite/report.c', 'report.md drops the source', '    quo_buf_printf(b, ". %s because: ", qc_level_name(c->level));\n    md_cell(b, r, c->source ? c->source : "", 0);', '    quo_buf_puts(b, ". ");', 'test_suite_e2e'),
 ('suite/main.c', 'budget line not printed', '        c->max_run_time);\n    print_budget(a, stdout);', '        c->max_run_time);', 'test_suite_e2e'),
 ('suite/runner.c', 'requests over --max-requests sent', '        if (!st->setup->cases->items[st->order[r]].skip && !over_budget(st, st->order[r]))', '        if (!st->setup->cases->items[st->order[r]].skip)', 'test_suite_e2e'),
]


COPIED = ['CMakeLists.txt', 'CMakePresets.json', 'cmake', 'packaging', 'docs', 'include', 'src',
          'mock', 'suite', 'tools', 'fuzz', 'tests',
          'bench', 'spec', 'scripts']
LINKED = ['corpus']


def run(cmd, **kw):
    # errors='replace': a failing test may print bytes that are not UTF-8.
    return subprocess.run(cmd, capture_output=True, text=True, errors='replace', **kw)


def prepare(source, work):
    tree = os.path.join(work, 'src')
    if os.path.isdir(tree):
        shutil.rmtree(tree)
    os.makedirs(tree)
    for name in COPIED:
        p = os.path.join(source, name)
        if os.path.isdir(p):
            shutil.copytree(p, os.path.join(tree, name), symlinks=True)
        elif os.path.exists(p):
            shutil.copy2(p, os.path.join(tree, name))
    for name in LINKED:
        p = os.path.join(source, name)
        if os.path.exists(p):
            os.symlink(p, os.path.join(tree, name))
    build = os.path.join(work, 'build')
    testdata = os.path.join(os.path.dirname(source), 'shared', 'testdata')
    cfg = ['cmake', '-S', tree, '-B', build, '-DQUO_TESTDATA_DIR=' + testdata]
    if os.environ.get('CC'):
        cfg.append('-DCMAKE_C_COMPILER=' + os.environ['CC'])
    r = run(cfg)
    if r.returncode:
        sys.exit('mutate: configure failed:\n' + r.stdout[-2000:] + r.stderr[-2000:])
    return tree, build


def build_targets(build, targets):
    return run(['cmake', '--build', build, '--target', *targets, '-j2'])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--source', default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    ap.add_argument('--work')
    ap.add_argument('only', nargs='*')
    a = ap.parse_args()
    source = os.path.abspath(a.source)
    work = a.work or tempfile.mkdtemp(prefix='quo-mutate.')
    os.makedirs(work, exist_ok=True)
    try:
        return mutate(source, work, a.only)
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


def mutate(source, work, only):
    tree, build = prepare(source, work)
    targets = sorted({m[4] for m in muts} | {'quo-conformance', 'quo-conformance-test'})
    b = build_targets(build, targets)
    if b.returncode:
        sys.exit('mutate: the unmutated tree does not build:\n' + b.stdout[-3000:])
    # Each guarding test must pass before its mutation means anything.
    for test in sorted({m[4] for m in muts}):
        r = run(['ctest', '--test-dir', build, '-R', '^%s$' % test, '--output-on-failure'])
        if r.returncode:
            sys.exit('mutate: %s fails before any mutation:\n%s' % (test, r.stdout[-3000:]))
    survived, stale, killed = [], [], 0
    for i, (f, name, old, new, test) in enumerate(muts):
        if only and str(i) not in only:
            continue
        p = os.path.join(tree, f)
        orig = open(p).read()
        n = orig.count(old)
        if n != 1:
            print('[%d] %s: STALE (the text occurs %d times in %s)' % (i, name, n, f))
            stale.append(i)
            continue
        try:
            open(p, 'w').write(orig.replace(old, new))
            b = build_targets(build, [test, 'quo-conformance', 'quo-conformance-test'])
            if b.returncode:
                print('[%d] %s: BUILD FAILED (a mutation must compile)' % (i, name))
                print(b.stdout[-800:])
                stale.append(i)
                continue
            r = run(['ctest', '--test-dir', build, '-R', '^%s$' % test, '--output-on-failure'],
                    env=dict(os.environ, CK_DEFAULT_TIMEOUT='120'))
            fails = [l for l in r.stdout.splitlines() if ':F:' in l or ':E:' in l]
            if r.returncode:
                killed += 1
                print('[%d] %s -> %s: killed, %d failing checks' % (i, name, test, len(fails)))
                for l in fails[:2]:
                    print('      ', l.split('/')[-1][:160])
            else:
                print('[%d] %s -> %s: SURVIVED (the test still passes)' % (i, name, test))
                survived.append(i)
        finally:
            open(p, 'w').write(orig)
    # Leave the scratch build matching its sources.
    build_targets(build, targets)
    print('mutate: %d killed, %d survived %s, %d stale %s' % (killed, len(survived), survived,
                                                               len(stale), stale))
    return 1 if survived or stale else 0


if __name__ == '__main__':
    sys.exit(main())

/* test_cli_lint.c: `cutover lint -f FILE` (cli/lint.c) on every file of tests/data/lint: our own
 * manifests, one for each case of Argo Rollouts' lint test data (pkg/kubectl-argo-rollouts/cmd/lint/
 * testdata, same file names), each invalid one with the single defect of Argo's file and Argo's
 * message for it (as lint_test.go expects it; the names and lines are ours). Plus standard input,
 * unreadable files, YAML syntax errors, usage errors and the cross-document checks (Services,
 * Ingresses, VirtualServices). */
#include "../../cli/common.c"
#include "../../cli/lint.c"

#include "cu.h"

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static char data_dir[PATH_MAX]; /* tests/data/lint, found from __FILE__ */
static char tmp_dir[PATH_MAX];

typedef struct {
    int rc;
    char *out, *err;
} result;

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

/* Runs cli_lint with the NULL-terminated arguments (what follows `lint`). */
static result run(const char *arg, ...)
{
    char *argv[16];
    int argc = 0;
    va_list ap;
    va_start(ap, arg);
    for (const char *a = arg; a && argc < 15; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    result r = {0};
    size_t no, ne;
    FILE *out = open_memstream(&r.out, &no), *err = open_memstream(&r.err, &ne);
    cli_opts o = {.out = out, .err = err, .prog = "cutover"};
    r.rc = cli_lint(&o, argc, argv);
    fclose(out);
    fclose(err);
    return r;
}

/* Runs `lint -f -` with standard input read from path. */
static result run_stdin(const char *path)
{
    int saved = dup(STDIN_FILENO), fd = open(path, O_RDONLY);
    CU_ASSERT_FATAL(saved >= 0 && fd >= 0);
    dup2(fd, STDIN_FILENO);
    close(fd);
    result r = run("-f", "-", NULL);
    dup2(saved, STDIN_FILENO);
    close(saved);
    clearerr(stdin);
    return r;
}

static void data_path(char *dst, size_t cap, const char *name)
{
    int n = snprintf(dst, cap, "%s/%s", data_dir, name);
    CU_ASSERT_FATAL(n > 0 && (size_t)n < cap);
}

/* Writes text to a file of the temporary directory; its path in dst. */
static void write_tmp(char *dst, size_t cap, const char *name, const char *text)
{
    int n = snprintf(dst, cap, "%s/%s", tmp_dir, name);
    CU_ASSERT_FATAL(n > 0 && (size_t)n < cap);
    FILE *f = fopen(dst, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

/* ---- the lint test data (Argo's lint test cases) ---- */

/* The invalid files: Argo's message for the file's defect (as lint_test.go expects it for Argo's file
   of that case, "Error: " and the newline removed; here with our names and values), the line
   Cutover adds, what Cutover prints before Argo's message (the field of a decoding error), and the
   further errors Argo's lint also finds (it prints every error; its test checks the first). */
static const struct {
    const char *file;
    const char *argo; /* Argo's message for the defect */
    int line;
    const char *field; /* Cutover's prefix to a message without a field, or "" */
    const char *more;  /* the lines after the first, "%s" standing for the file's path */
} invalid[] = {
    {"invalid.yml", "spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero", 12, "", ""},
    {"invalid-empty-rollout-vsvc.yml", "spec.selector: Required value: Rollout has missing field '.spec.selector'", 2, "",
     "error: %s:2: spec.strategy.canary.trafficRouting.istio: Invalid value: \"\": Rollout object is not configured "
     "with Istio traffic routing\n"},
    {"invalid.json", "spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero", 13, "", ""},
    {"invalid-multiple-docs.yml", "spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero",
     25, "", ""},
    {"invalid-unknown-field.yml", "error unmarshaling JSON: while decoding JSON: json: unknown field \"shadow\"", 13,
     "spec.strategy.shadow: ", ""},
    {"invalid-service-labels.yml",
     "spec.strategy.canary.canaryService: Invalid value: \"profiles-canary\": Service \"profiles-canary\" has unmatch "
     "label \"app\" in rollout",
     10, "",
     "error: %s:11: spec.strategy.canary.stableService: Invalid value: \"profiles-stable\": Service \"profiles-stable\" "
     "has unmatch label \"app\" in rollout\n"},
    {"invalid-ping-pong.yml",
     "spec.strategy.canary.pingPong.pingService: Invalid value: \"cart-ping\": Service \"cart-ping\" has unmatch label "
     "\"app\" in rollout",
     12, "",
     "error: %s:13: spec.strategy.canary.pingPong.pongService: Invalid value: \"cart-pong\": Service \"cart-pong\" has "
     "unmatch label \"app\" in rollout\n"},
    {"invalid-ingress-smi-multi.yml",
     "spec.strategy.canary.canaryService: Invalid value: \"weather-canary\": Service \"weather-canary\" has unmatch "
     "label \"app\" in rollout",
     107, "",
     "error: %s:108: spec.strategy.canary.stableService: Invalid value: \"weather-stable\": Service \"weather-stable\" "
     "has unmatch label \"app\" in rollout\n"},
    {"invalid-nginx-canary.yml",
     "spec.strategy.steps[1].experiment.templates[0].weight: Invalid value: 15: Experiment template weight is only "
     "available for TrafficRouting with SMI, ALB, Istio and Plugins at this time",
     100, "", ""},
};
#define NINVALID (sizeof invalid / sizeof *invalid)

/* the valid files: the cases of lint_test.go's TestLintValidRollout list */
static const char *const valid[] = {
    "valid.yml",
    "valid.json",
    "valid-workload-ref.yaml",
    "valid-with-another-empty-object.yml",
    "valid-istio-v1alpha3.yml",
    "valid-istio-v1beta1.yml",
    "valid-blue-green.yml",
    "valid-ingress-smi.yml",
    "valid-ingress-smi-multi.yml",
    "valid-alb-canary.yml",
    "valid-nginx-canary.yml",
    "valid-nginx-basic-canary.yml",
    "valid-istio-v1beta1-mulitiple-virtualsvcs.yml",
    "valid-nginx-smi-with-vsvc.yaml",
};
#define NVALID (sizeof valid / sizeof *valid)

static void check_valid(const char *name)
{
    char path[PATH_MAX];
    data_path(path, sizeof path, name);
    result r = run("-f", path, NULL);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, "");
    if (r.rc != 0 || *r.err)
        fprintf(stderr, "\n%s: rc %d: %s", name, r.rc, r.err);
    result_free(&r);
}

static void check_invalid(size_t i)
{
    char path[PATH_MAX], want[16384], more[8192];
    data_path(path, sizeof path, invalid[i].file);
    snprintf(more, sizeof more, invalid[i].more, path, path);
    snprintf(want, sizeof want, "error: %s:%d: %s%s\n%s", path, invalid[i].line, invalid[i].field, invalid[i].argo, more);
    result r = run("-f", path, NULL);
    CU_ASSERT_EQUAL(r.rc, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, want);
    if (strcmp(r.err, want))
        fprintf(stderr, "\n%s:\n got: %s want: %s", invalid[i].file, r.err, want);
    /* the first line: the file name, then Argo's message at its end */
    char first[4096];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(r.err, "\n"), r.err);
    char prefix[PATH_MAX + 16];
    snprintf(prefix, sizeof prefix, "error: %s:", path);
    CU_ASSERT_EQUAL(strncmp(first, prefix, strlen(prefix)), 0);
    CU_ASSERT_TRUE(ends_with(first, invalid[i].argo));
    result_free(&r);
}

/* Every file of the test data is either in the valid list or in the invalid table. */
static void test_every_testdata_file(void)
{
    DIR *d = opendir(data_dir);
    CU_ASSERT_FATAL(d != NULL);
    int files = 0, nv = 0, ni = 0;
    bool seen_valid[NVALID] = {0}, seen_invalid[NINVALID] = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        files++;
        bool known = false;
        for (size_t i = 0; i < NVALID; i++)
            if (!strcmp(e->d_name, valid[i])) {
                check_valid(valid[i]);
                seen_valid[i] = known = true;
                nv++;
            }
        for (size_t i = 0; i < NINVALID; i++)
            if (!strcmp(e->d_name, invalid[i].file)) {
                check_invalid(i);
                seen_invalid[i] = known = true;
                ni++;
            }
        CU_ASSERT_TRUE(known);
        if (!known)
            fprintf(stderr, "\nno expectation for %s\n", e->d_name);
    }
    closedir(d);
    CU_ASSERT_EQUAL(files, 23);
    CU_ASSERT_EQUAL(nv, 14);
    CU_ASSERT_EQUAL(ni, 9);
    for (size_t i = 0; i < NVALID; i++)
        CU_ASSERT_TRUE(seen_valid[i]);
    for (size_t i = 0; i < NINVALID; i++)
        CU_ASSERT_TRUE(seen_invalid[i]);
}

/* ---- input ---- */

static void test_stdin(void)
{
    char path[PATH_MAX];
    data_path(path, sizeof path, "invalid.yml");
    result r = run_stdin(path);
    CU_ASSERT_EQUAL(r.rc, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, "error: STDIN:12: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable "
                                  "both can not be zero\n");
    result_free(&r);

    data_path(path, sizeof path, "valid-blue-green.yml");
    r = run_stdin(path);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, "");
    result_free(&r);
}

static void test_unreadable(void)
{
    char path[PATH_MAX], want[16384];
    data_path(path, sizeof path, "does-not-exist.yml");
    result r = run("-f", path, NULL);
    CU_ASSERT_EQUAL(r.rc, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    snprintf(want, sizeof want, "error: open %s: no such file or directory\n", path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);

    r = run("-f", tmp_dir, NULL); /* a directory */
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want, "error: read %s: is a directory\n", tmp_dir);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);
}

static void test_yaml_syntax_error(void)
{
    char path[PATH_MAX], want[16384];
    write_tmp(path, sizeof path, "syntax.yml", "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: name: x\n");
    result r = run("-f", path, NULL);
    CU_ASSERT_EQUAL(r.rc, 1);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    snprintf(want, sizeof want, "error: %s:3: yaml: mapping values are not allowed in this context\n", path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);

    /* in JSON, and after a valid document */
    write_tmp(path, sizeof path, "syntax.json", "{\"apiVersion\": \"v1\",\n \"kind\": \"Service\"\n \"metadata\": {}}\n");
    r = run("-f", path, NULL);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:3: yaml: did not find expected ',' or '}' (while parsing a flow mapping at line 1, column 1)\n", path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);
}

static void test_empty_documents(void)
{
    char path[PATH_MAX];
    write_tmp(path, sizeof path, "empty.yml", "");
    result r = run("-f", path, NULL);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    result_free(&r);
    write_tmp(path, sizeof path, "nulls.yml", "# nothing\n---\n---\nnull\n---\n~\n");
    r = run("-f", path, NULL);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    result_free(&r);
}

/* ---- usage ---- */

static void test_usage(void)
{
    result r = run(NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    CU_ASSERT_STRING_EQUAL(r.err, "error: required flag(s) \"filename\" not set\nSee 'cutover lint --help' for usage.\n");
    result_free(&r);

    r = run("-f", NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err, "error: flag needs an argument: 'f' in -f\nSee 'cutover lint --help' for usage.\n");
    result_free(&r);

    r = run("--filename", NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err, "error: flag needs an argument: --filename\nSee 'cutover lint --help' for usage.\n");
    result_free(&r);

    r = run("--frob", NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err, "error: unknown flag: --frob\nSee 'cutover lint --help' for usage.\n");
    result_free(&r);

    r = run("-x", NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err, "error: unknown shorthand flag: 'x' in -x\nSee 'cutover lint --help' for usage.\n");
    result_free(&r);

    r = run("rollout.yaml", NULL);
    CU_ASSERT_EQUAL(r.rc, 2);
    CU_ASSERT_STRING_EQUAL(r.err, "error: lint takes no arguments (the file is -f FILE), got \"rollout.yaml\"\n"
                                  "See 'cutover lint --help' for usage.\n");
    result_free(&r);

    r = run("--help", NULL);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Usage:\n  cutover lint [flags]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "  -f, --filename string   File to lint (- for standard input)\n"));
    result_free(&r);
}

static void test_flag_forms(void)
{
    char path[PATH_MAX], arg[PATH_MAX + 16];
    data_path(path, sizeof path, "valid.yml");
    snprintf(arg, sizeof arg, "--filename=%s", path);
    result r = run(arg, NULL);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    result_free(&r);
    snprintf(arg, sizeof arg, "-f%s", path);
    r = run(arg, NULL);
    CU_ASSERT_EQUAL(r.rc, 0);
    result_free(&r);
    data_path(path, sizeof path, "invalid.yml");
    r = run("--filename", path, NULL);
    CU_ASSERT_EQUAL(r.rc, 1);
    result_free(&r);
}

/* ---- decoding (Go's strict encoding/json) ---- */

static const char *rollout_head = "apiVersion: argoproj.io/v1alpha1\n" /* 1 */
                                  "kind: Rollout\n"                   /* 2 */
                                  "metadata:\n"                       /* 3 */
                                  "  name: r\n"                       /* 4 */
                                  "spec:\n"                           /* 5 */
                                  "  selector:\n"                     /* 6 */
                                  "    matchLabels: {app: r}\n"       /* 7 */
                                  "  template:\n"                     /* 8 */
                                  "    metadata:\n"                   /* 9 */
                                  "      labels: {app: r}\n"          /* 10 */
                                  "      creationTimestamp: null\n"   /* 11: ObjectMeta, open in Argo's CRD */
                                  "    spec:\n"                       /* 12 */
                                  "      containers:\n"               /* 13 */
                                  "      - name: c\n"                 /* 14 */
                                  "        image: i\n";               /* 15 */

static result lint_text_file(const char *name, const char *text, char *path, size_t cap)
{
    write_tmp(path, cap, name, text);
    return run("-f", path, NULL);
}

static void test_unknown_fields(void)
{
    char text[4096], path[PATH_MAX], want[16384];
    /* deep in the pod template; the first unknown field in Go's order (keys sorted) */
    snprintf(text, sizeof text, "%s        imagePullPolice: Always\n        zzz: 1\n  strategy:\n    canary: {}\n", rollout_head);
    result r = lint_text_file("unknown.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:16: spec.template.spec.containers[0].imagePullPolice: error unmarshaling JSON: while decoding "
             "JSON: json: unknown field \"imagePullPolice\"\n",
             path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);

    /* in a Service, before any validation */
    snprintf(text, sizeof text,
             "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: r}\n  prots: []\n---\n%s"
             "  strategy: {}\n",
             rollout_head);
    r = lint_text_file("unknown-svc.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:6: spec.prots: error unmarshaling JSON: while decoding JSON: json: unknown field \"prots\"\n", path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);

    /* in an Ingress (networking/v1): serviceName belongs to v1beta1 */
    snprintf(text, sizeof text,
             "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n  - http:\n"
             "      paths:\n      - backend: {serviceName: s}\n");
    r = lint_text_file("unknown-ing.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:8: spec.rules[0].http.paths[0].backend.serviceName: error unmarshaling JSON: while decoding "
             "JSON: json: unknown field \"serviceName\"\n",
             path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);
    /* ... and is fine in extensions/v1beta1; other kinds are not decoded */
    snprintf(text, sizeof text,
             "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n  - http:\n"
             "      paths:\n      - backend: {serviceName: s, servicePort: 80}\n---\napiVersion: v1\nkind: ConfigMap\n"
             "metadata: {name: c}\nwhatever: {x: 1}\n");
    r = lint_text_file("ing-v1beta1.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    result_free(&r);
}

/* Go's encoding/json matches field names ignoring case: `Replicas` is replicas. */
static void test_field_case(void)
{
    char text[4096], path[PATH_MAX], want[16384];
    snprintf(text, sizeof text, "%s  Replicas: -2\n  strategy:\n    Canary: {}\n", rollout_head);
    result r = lint_text_file("case.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want, "error: %s:16: spec.replicas: Invalid value: -2: must be greater than or equal to 0\n", path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);
}

static void test_not_objects(void)
{
    char path[PATH_MAX], want[16384];
    result r = lint_text_file("nokind.yml", "apiVersion: v1\nmetadata:\n  name: x<y\n", path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:1: error unmarshaling JSON: while decoding JSON: Object 'Kind' is missing in "
             "'{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\\u003cy\"}}'\n",
             path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);

    r = lint_text_file("list.yml", "---\n# a list\n- a\n- b\n", path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:3: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value "
             "of type map[string]interface {}\n",
             path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);
}

/* ---- validation ---- */

/* The controller's "not supported by Cutover yet" steps are valid specs: no error, and the steps
   after them are still checked. Static errors come before the reference ones. */
static void test_static_rules(void)
{
    char text[4096], path[PATH_MAX], want[16384];
    snprintf(text, sizeof text,
             "%s  strategy:\n"                                                   /* 16 */
             "    canary:\n"                                                     /* 17 */
             "      steps:\n"                                                    /* 18 */
             "      - analysis: {templates: [{templateName: t}]}\n"              /* 19 */
             "      - experiment: {templates: [{name: a, specRef: canary}]}\n"   /* 20 */
             "      - setWeight: 120\n",                                         /* 21 */
             rollout_head);
    result r = lint_text_file("steps.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:21: spec.strategy.steps[2].setWeight: Invalid value: 120: SetWeight needs to be between 0 and "
             "100\n",
             path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);

    /* a missing field: the line of its nearest parent; two Rollouts, each reported */
    snprintf(text, sizeof text, "%s  strategy: {}\n---\n%s  strategy:\n    blueGreen:\n      activeService: a\n"
                                "      previewService: a\n",
             rollout_head, rollout_head);
    r = lint_text_file("two.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:16: spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or "
             ".spec.strategy.blueGreen'\n"
             "error: %s:35: spec.strategy.activeService: Invalid value: \"a\": This rollout uses the same service for "
             "the active and preview services, but two different services are required.\n",
             path, path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);
}

static void test_services_and_ingresses(void)
{
    char text[8192], path[PATH_MAX], want[16384];
    snprintf(text, sizeof text,
             "%s  strategy:\n"                                                   /* 16 */
             "    canary:\n"                                                     /* 17 */
             "      canaryService: c\n"                                          /* 18 */
             "      stableService: s\n"                                          /* 19 */
             "      trafficRouting:\n"                                           /* 20 */
             "        nginx: {stableIngress: ing}\n"                             /* 21 */
             "---\n"
             "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
             "spec: {selector: {app: r, rollouts-pod-template-hash: h, tier: web}}\n"
             "---\n"
             "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {selector: {app: r}}\n"
             "---\n"
             "apiVersion: v1\nkind: Service\nmetadata: {name: unrelated}\nspec: {selector: {app: other}}\n"
             "---\n"
             "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
             "metadata:\n  name: ing\n  annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: r}\n"
             "spec:\n  rules:\n  - http:\n      paths:\n"
             "      - {path: /, pathType: Prefix, backend: {service: {name: root, port: {number: 80}}}}\n",
             rollout_head);
    result r = lint_text_file("refs.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 1);
    snprintf(want, sizeof want,
             "error: %s:19: spec.strategy.canary.stableService: Invalid value: \"s\": Service \"s\" has unmatch label "
             "\"tier\" in rollout\n"
             "error: %s:21: spec.strategy.canary.trafficRouting.nginx.stableIngress: Invalid value: \"ing\": ingress "
             "`ing` has no rules using service s backend\n",
             path, path);
    CU_ASSERT_STRING_EQUAL(r.err, want);
    result_free(&r);

    /* without the annotation, an Ingress that does not route to the stable Service is not this
       Rollout's (valid-nginx-canary.yml); with a rule to it, it is, and it is fine */
    char *annot = strstr(text, "  annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: r}\n");
    CU_ASSERT_FATAL(annot != NULL);
    memmove(annot, annot + strlen("  annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: r}\n"),
            strlen(annot + strlen("  annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: r}\n")) + 1);
    char *tier = strstr(text, ", tier: web");
    memmove(tier, tier + strlen(", tier: web"), strlen(tier + strlen(", tier: web")) + 1);
    r = lint_text_file("refs2.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    result_free(&r);
    char *root = strstr(text, "name: root");
    memcpy(root, "name: s   ", strlen("name: root"));
    r = lint_text_file("refs3.yml", text, path, sizeof path);
    CU_ASSERT_EQUAL(r.rc, 0);
    CU_ASSERT_STRING_EQUAL(r.err, "");
    result_free(&r);
}

static void test_virtual_services(void)
{
    char path[PATH_MAX], src[PATH_MAX], want[16384];
    data_path(src, sizeof src, "valid-istio-v1beta1.yml");
    FILE *f = fopen(src, "r");
    CU_ASSERT_FATAL(f != NULL);
    char base[8192];
    size_t n = fread(base, 1, sizeof base - 1, f);
    fclose(f);
    base[n] = '\0';
    char text[8192];
    struct {
        const char *from, *to, *detail;
    } cases[] = {
        {"host: notifier-canary", "host: elsewhere",
         "Istio VirtualService has invalid HTTP routes. Error: Canary Service 'notifier-canary' not found in route"},
        {"              - live", "              - dark",
         "Istio VirtualService has invalid HTTP routes. Error: HTTP Route 'dark' is not found in the defined "
         "Virtual Service."},
        {"  http:\n", "  https:\n", "Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService"},
        {"weight: 100", "weight: 99.5", "Unable to get HTTP routes for Istio VirtualService"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *at = strstr(base, cases[i].from);
        CU_ASSERT_FATAL(at != NULL);
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - base), base, cases[i].to, at + strlen(cases[i].from));
        result r = lint_text_file("vs.yml", text, path, sizeof path);
        CU_ASSERT_EQUAL(r.rc, 1);
        snprintf(want, sizeof want,
                 "error: %s:59: spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "
                 "\"notifier\": %s\n",
                 path, cases[i].detail);
        CU_ASSERT_STRING_EQUAL(r.err, want);
        if (strcmp(r.err, want))
            fprintf(stderr, "\ncase %zu: %s", i, r.err);
        result_free(&r);
    }
}

int main(void)
{
    char here[PATH_MAX];
    snprintf(here, sizeof here, "%s", __FILE__);
    snprintf(data_dir, sizeof data_dir, "%s/../data/lint", dirname(here));
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/test_cli_lint.XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 2;
    }
    static const cu_test tests[] = {
        {"every lint test file (Argo's lint cases): valid ones silent, invalid ones with Argo's message", test_every_testdata_file},
        {"-f - reads standard input", test_stdin},
        {"a missing file, a directory", test_unreadable},
        {"YAML syntax errors carry the file and the line", test_yaml_syntax_error},
        {"empty and null documents are skipped", test_empty_documents},
        {"usage errors exit 2", test_usage},
        {"--filename=F and -fF", test_flag_forms},
        {"unknown fields, as Go's strict decoding", test_unknown_fields},
        {"field names match ignoring case, as Go's encoding/json", test_field_case},
        {"documents without kind, or not mappings", test_not_objects},
        {"static rules: unsupported-by-Cutover steps pass, each Rollout reported", test_static_rules},
        {"Services and Ingresses of the file", test_services_and_ingresses},
        {"Istio VirtualServices of the file", test_virtual_services},
        {NULL, NULL},
    };
    int rc = cu_run("cli lint", tests);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp_dir);
    return rc;
}

/* config.h: where a Kubernetes client finds its API server and credentials: kubeconfig files
 * (merged as kubectl merges them), contexts, in-cluster service accounts and exec plugins. */
#ifndef CUTOVER_KUBE_CONFIG_H
#define CUTOVER_KUBE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *kubeconfig; /* --kubeconfig; NULL = $KUBECONFIG (colon-separated), then ~/.kube/config,
                               then the in-cluster service account */
    const char *context;    /* --context; NULL = current-context */
    const char *namespace_; /* --namespace; NULL = the context's, else "default" */
} kube_config_opts;

typedef struct {
    char *server;          /* "https://127.0.0.1:6443" (no trailing slash) */
    char *context;         /* the context used ("" in-cluster) */
    char *namespace_;      /* the namespace to use */
    int insecure;          /* insecure-skip-tls-verify */
    char *tls_server_name; /* tls-server-name, or NULL */
    /* PEM blobs read from files or decoded from *-data; never written to disk again */
    char *ca_pem, *cert_pem, *key_pem;
    size_t ca_len, cert_len, key_len;
    /* credentials: a bearer token (token, tokenFile or an exec plugin's), or basic auth */
    char *token;
    char *token_file;     /* re-read when it changes (in-cluster token rotation) */
    char *username, *password;
    char **exec_argv;     /* exec credential plugin: command + args, NULL-terminated; NULL = none */
    char **exec_env;      /* "NAME=value" entries added to its environment, NULL-terminated */
    int64_t token_expiry; /* Unix ms when the exec token expires; 0 = never/unknown */
} kube_config;

/* Loads the configuration. Returns 0, or -1 with a message naming the file and field. The
 * result owns its strings; free with kube_config_free. */
int kube_config_load(const kube_config_opts *opts, kube_config *out, char *err, size_t errlen);
/* Builds a configuration from explicit parts (tests, the scenario runner): server URL only. */
int kube_config_for_server(const char *server, const char *namespace_, kube_config *out);
void kube_config_free(kube_config *c);

/* The bearer token to send now (re-reading tokenFile, re-running an expired exec plugin), or NULL
 * when the configuration uses none. Returns -1 with a message if a plugin or file fails. The
 * pointer stays valid until the next call or kube_config_free. */
int kube_config_token(kube_config *c, const char **token, char *err, size_t errlen);

#endif

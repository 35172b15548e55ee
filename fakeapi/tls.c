/* tls.c: serving the fake API over HTTPS, as kind's apiserver: a server certificate, and
 * optionally client certificates verified against a CA. Options are checked before anything
 * starts, so a mistake is named (MHD would only fail to start). */
#include "fakeapi/internal.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static gnutls_datum_t pem_datum(const char *pem)
{
    return (gnutls_datum_t){.data = (unsigned char *)pem, .size = (unsigned)strlen(pem)};
}

/* Does pem hold PEM certificates (and nothing unparsable)? 0, or -1 with a message naming what. */
static int check_certs(const char *pem, const char *what, char *err, size_t errlen)
{
    gnutls_x509_crt_t *crts = NULL;
    unsigned n = 0;
    gnutls_datum_t d = pem_datum(pem);
    int rc = gnutls_x509_crt_list_import2(&crts, &n, &d, GNUTLS_X509_FMT_PEM, 0);
    for (unsigned i = 0; rc >= 0 && i < n; i++)
        gnutls_x509_crt_deinit(crts[i]);
    if (rc >= 0)
        gnutls_free(crts);
    if (rc < 0 || n == 0) {
        snprintf(err, errlen, "%s: no PEM certificate (%s)", what, rc < 0 ? gnutls_strerror(rc) : "empty");
        return -1;
    }
    return 0;
}

/* Is key the private key of cert's (first) certificate? 0, or -1 with a message naming what. */
static int check_pair(const char *cert, const char *key, const char *what, char *err, size_t errlen)
{
    gnutls_certificate_credentials_t cred;
    if (gnutls_certificate_allocate_credentials(&cred) < 0) {
        snprintf(err, errlen, "%s: out of memory", what);
        return -1;
    }
    gnutls_datum_t c = pem_datum(cert), k = pem_datum(key);
    int rc = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM);
    gnutls_certificate_free_credentials(cred);
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", what, gnutls_strerror(rc));
        return -1;
    }
    return 0;
}

/* Checks the TLS options before anything starts, so that a mistake is named precisely: MHD
 * would only fail to start. Returns 0, or -1 with a message naming the option. */
static int tls_check(const fakeapi_options *o, char *err, size_t errlen)
{
    if (!o->tls_cert_pem != !o->tls_key_pem) {
        snprintf(err, errlen, "tls_cert_pem and tls_key_pem go together: both to serve HTTPS, or neither");
        return -1;
    }
    if (!o->tls_cert_pem) {
        if (o->tls_client_ca_pem || o->tls_ca_pem || o->tls_client_cert_pem || o->tls_client_key_pem) {
            snprintf(err, errlen, "%s is only for HTTPS: tls_cert_pem and tls_key_pem are not set",
                     o->tls_client_ca_pem ? "tls_client_ca_pem"
                     : o->tls_ca_pem      ? "tls_ca_pem"
                                          : "tls_client_cert_pem/tls_client_key_pem");
            return -1;
        }
        return 0;
    }
    if (!o->tls_client_cert_pem != !o->tls_client_key_pem) {
        snprintf(err, errlen, "tls_client_cert_pem and tls_client_key_pem go together");
        return -1;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errlen, "HTTPS: this libmicrohttpd was built without TLS support");
        return -1;
    }
    if (check_pair(o->tls_cert_pem, o->tls_key_pem, "tls_cert_pem, tls_key_pem", err, errlen) != 0 ||
        (o->tls_client_ca_pem && check_certs(o->tls_client_ca_pem, "tls_client_ca_pem", err, errlen) != 0) ||
        (o->tls_ca_pem && check_certs(o->tls_ca_pem, "tls_ca_pem", err, errlen) != 0) ||
        (o->tls_client_cert_pem && check_pair(o->tls_client_cert_pem, o->tls_client_key_pem,
                                              "tls_client_cert_pem, tls_client_key_pem", err, errlen) != 0))
        return -1;
    return 0;
}

/* With a client CA, a client must present a certificate that CA signed or its TLS handshake
 * fails. kind's apiserver fails the handshake for a certificate it cannot verify too, but lets a
 * client without one in as system:anonymous and refuses it on the API (401/403); we refuse that
 * one at the TLS layer as well, so that no request handler needs to care. MHD itself only asks for
 * a certificate (GNUTLS_CERT_REQUEST, because of MHD_OPTION_HTTPS_MEM_TRUST) and verifies
 * nothing. Its STARTED notification comes after it has set the session up and before the
 * handshake: here we make the certificate required and have GnuTLS verify it during the
 * handshake against the trust list MHD loaded. No hostname (a client certificate names a user),
 * but the purpose, as Go's TLS server checks it: a certificate for clients (extended key usage
 * clientAuth, or none), not, say, a server's. */
static void require_client_cert(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                                enum MHD_ConnectionNotificationCode code)
{
    (void)cls, (void)socket_ctx;
    if (code != MHD_CONNECTION_NOTIFY_STARTED)
        return;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (!ci || !ci->tls_session)
        return; /* cannot happen on a TLS daemon */
    static gnutls_typed_vdata_st client_purpose = {.type = GNUTLS_DT_KEY_PURPOSE_OID,
                                                    .data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT};
    gnutls_session_t session = ci->tls_session;
    gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
    gnutls_session_set_verify_cert2(session, &client_purpose, 1, 0);
}

/* Fills opts (room for 5) with t's MHD options, ending with MHD_OPTION_END. */
void fa_tls_mhd_options(const fa_tls *t, struct MHD_OptionItem *opts)
{
    int n = 0;
    if (t->https) {
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)t->cert};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)t->key};
    }
    if (t->client_ca) {
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)t->client_ca};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)require_client_cert, NULL};
    }
    opts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
}

static char *dup_pem(const char *pem) { return pem ? strdup(pem) : NULL; }

fa_tls *fa_tls_new(const fakeapi_options *o, char *err, size_t errlen)
{
    if (tls_check(o, err, errlen) != 0)
        return NULL;
    fa_tls *t = calloc(1, sizeof *t);
    t->https = o->tls_cert_pem != NULL;
    t->cert = dup_pem(o->tls_cert_pem);
    t->key = dup_pem(o->tls_key_pem);
    t->client_ca = dup_pem(o->tls_client_ca_pem);
    t->ca = dup_pem(o->tls_ca_pem);
    t->client_cert = dup_pem(o->tls_client_cert_pem);
    t->client_key = dup_pem(o->tls_client_key_pem);
    return t;
}

void fa_tls_free(fa_tls *t)
{
    if (!t)
        return;
    free(t->cert);
    free(t->client_ca);
    free(t->ca);
    free(t->client_cert);
    /* keys: wiped before they go back to the allocator */
    char *keys[] = {t->key, t->client_key};
    for (int i = 0; i < 2; i++) {
        if (keys[i])
            explicit_bzero(keys[i], strlen(keys[i]));
        free(keys[i]);
    }
    free(t);
}


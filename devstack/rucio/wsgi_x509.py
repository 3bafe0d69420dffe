"""The Rucio server behind the dev stack's TLS front, with the client's DN where Rucio reads it.

Rucio's X.509 auth endpoints (/auth/x509, /auth/x509_proxy) read the client's subject
from the WSGI variable SSL_CLIENT_S_DN, which Apache's mod_ssl sets in production
(`SSLOptions +StdEnvVars`). Here gunicorn terminates TLS itself (gunicorn_tls.py
verifies the chain against the dev stack's CA, proxies included) and this wrapper
sets that variable from the verified peer certificate, in mod_ssl's default RFC 2253 form
(the form of Rucio's own bootstrap X509 identity): CN=Jane Doe,OU=Users,DC=vre-devstack,DC=org.
For a proxy that is CN=<digits>,CN=Jane Doe,...; Rucio strips the proxy's CN itself
(rucio.core.authentication.strip_x509_proxy_attributes). A client cannot set the variable:
its headers arrive as HTTP_*.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable
from typing import Any

from cryptography import x509
from wsgi import application as rucio_application
from x509_pki import subject_dn


def client_dn(environ: dict[str, Any]) -> str | None:
    """The verified client certificate's subject, if the client sent one."""
    sock = environ.get("gunicorn.socket")
    if not isinstance(sock, ssl.SSLSocket):
        return None
    der = sock.getpeercert(binary_form=True)  # only ever a certificate that passed verification
    return subject_dn(x509.load_der_x509_certificate(der).subject) if der else None


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    dn = client_dn(environ)
    if dn:
        environ["SSL_CLIENT_S_DN"] = dn
        environ["SSL_CLIENT_VERIFY"] = "SUCCESS"
    return rucio_application(environ, start_response)

"""gunicorn settings of the TLS front (`gunicorn -c gunicorn_tls.py wsgi_x509:application`).

Certificates come from the command line (--certfile/--keyfile/--ca-certs, with
--cert-reqs 1: a client certificate is optional, so userpass and tokens work too).
OpenSSL refuses RFC 3820 proxy certificates unless told to accept them, as mod_ssl
with GridSite or an X.509 proxy-aware front is in production.
"""

import ssl
from collections.abc import Callable
from typing import Any


def ssl_context(conf: Any, default_ssl_context_factory: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """gunicorn's hook (its name and arguments are gunicorn's)."""
    context = default_ssl_context_factory()
    context.verify_flags |= ssl.VERIFY_ALLOW_PROXY_CERTS
    return context

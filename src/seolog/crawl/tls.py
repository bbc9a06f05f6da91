"""A failed TLS connection in words a user can act on, instead of OpenSSL's
"[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"."""

from __future__ import annotations

import ssl

# OpenSSL's words for "the other side does not speak TLS": a plain-HTTP server answering a
# ClientHello with "HTTP/1.0 400 …", or closing the connection.
_NOT_TLS = ("wrong version number", "record layer failure", "packet length too long", "eof")


def _ssl_error(exc: BaseException) -> ssl.SSLError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def tls_reason(exc: BaseException) -> str:
    """Why the secure connection failed: not HTTPS there, an untrusted certificate, or else."""
    err = _ssl_error(exc)
    if isinstance(err, ssl.SSLCertVerificationError):
        return f"its certificate is not trusted ({err.verify_message or 'it cannot be verified'})"
    text = str(err or exc).lower()
    if any(words in text for words in _NOT_TLS):
        return "the server there does not speak HTTPS"
    return "the secure (TLS) connection failed"

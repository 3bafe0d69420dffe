"""The dev stack's small grid PKI: a CA, the TLS front's server certificate, jdoe's user
certificate and an RFC 3820 proxy made from it (run by supervisor.py with the rucio venv).

Files in Layout.x509 (all keys 0600):

    ca.pem                  the CA certificate (what clients and the TLS front trust)
    server.pem, server.key  the TLS front's certificate for 127.0.0.1 / localhost
    usercert.pem, userkey.pem   jdoe's certificate and key, as ~/.globus holds them
    user.pem                certificate and key in one file (what `x509` auth is given)
    proxy.pem               proxy certificate, its key, then the user certificate (as
                            voms-proxy-init writes X509_USER_PROXY; what `x509_proxy` auth is given)

The CA and certificates are made once; the proxy is reissued when it has less than a day left.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# The user's subject; Rucio's identity (and mod_ssl's SSL_CLIENT_S_DN) is its RFC 2253 string,
# CN=Jane Doe,OU=Users,DC=vre-devstack,DC=org (the grid's /DC=org/DC=vre-devstack/OU=Users/CN=Jane Doe).
USER_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "org"),
        x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "vre-devstack"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Users"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Jane Doe"),
    ]
)
CA_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "org"),
        x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "vre-devstack"),
        x509.NameAttribute(NameOID.COMMON_NAME, "VRE devstack CA"),
    ]
)
# RFC 3820 ProxyCertInfo (id-pe-proxyCertInfo), DER of SEQUENCE { SEQUENCE { id-ppl-inheritAll } }:
# a proxy that inherits all of its issuer's rights, as `voms-proxy-init -rfc` makes.
PROXY_CERT_INFO = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.14")
INHERIT_ALL = bytes.fromhex("300c300a06082b06010505071501")
PROXY_HOURS = 96
DAY = datetime.timedelta(days=1)


def subject_dn(name: x509.Name) -> str:
    """A subject as Apache's mod_ssl puts it in SSL_CLIENT_S_DN by default: RFC 2253, last RDN first."""
    return name.rfc4514_string()


USER_DN = subject_dn(USER_SUBJECT)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    path.write_bytes(b"")
    path.chmod(0o600)  # before the key is in it
    path.write_bytes(_key_pem(key))


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _builder(
    subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey, days: float, serial: int | None = None
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def _usage(**wanted: bool) -> x509.KeyUsage:
    flags = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    return x509.KeyUsage(**{**flags, **wanted})


def make_ca(directory: Path) -> None:
    key = _key()
    cert = (
        _builder(CA_SUBJECT, CA_SUBJECT, key, days=3650)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_key(directory / "ca.key", key)
    (directory / "ca.pem").write_bytes(_cert_pem(cert))


def make_server(directory: Path, ca: tuple[x509.Certificate, rsa.RSAPrivateKey]) -> None:
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        _builder(subject, ca[0].subject, key, days=3650)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca[1], hashes.SHA256())
    )
    _write_key(directory / "server.key", key)
    (directory / "server.pem").write_bytes(_cert_pem(cert))


def make_user(
    directory: Path,
    ca: tuple[x509.Certificate, rsa.RSAPrivateKey] | None,
    subject: x509.Name = USER_SUBJECT,
    prefix: str = "user",
) -> None:
    """<prefix>cert.pem, <prefix>key.pem and both in <prefix>.pem; signed by `ca`, or by itself when None."""
    key = _key()
    issuer, signer = (ca[0].subject, ca[1]) if ca else (subject, key)
    cert = (
        _builder(subject, issuer, key, days=3650)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # digitalSignature: OpenSSL accepts a proxy only from an issuer that may sign.
        .add_extension(_usage(digital_signature=True, key_encipherment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(signer, hashes.SHA256())
    )
    _write_key(directory / f"{prefix}key.pem", key)
    (directory / f"{prefix}cert.pem").write_bytes(_cert_pem(cert))
    _write_key(directory / f"{prefix}.pem", key)
    with (directory / f"{prefix}.pem").open("ab") as combined:
        combined.write(_cert_pem(cert))


def make_proxy(directory: Path) -> None:
    """An RFC 3820 proxy of the user: subject = user subject + CN=<serial>, signed by the user's key."""
    user_cert = x509.load_pem_x509_certificate((directory / "usercert.pem").read_bytes())
    user_key = serialization.load_pem_private_key((directory / "userkey.pem").read_bytes(), password=None)
    assert isinstance(user_key, rsa.RSAPrivateKey)
    key = _key()
    serial = 1 + secrets.randbelow(2**31 - 1)
    subject = x509.Name([*user_cert.subject, x509.NameAttribute(NameOID.COMMON_NAME, str(serial))])
    cert = (
        _builder(subject, user_cert.subject, key, days=PROXY_HOURS / 24, serial=serial)
        .add_extension(_usage(digital_signature=True, key_encipherment=True), critical=True)
        .add_extension(x509.UnrecognizedExtension(PROXY_CERT_INFO, INHERIT_ALL), critical=True)
        .sign(user_key, hashes.SHA256())
    )
    tmp = directory / "proxy.pem.tmp"
    _write_key(tmp, key)
    tmp.write_bytes(_cert_pem(cert) + _key_pem(key) + _cert_pem(user_cert))
    tmp.replace(directory / "proxy.pem")


def proxy_expires(directory: Path) -> datetime.datetime | None:
    try:
        cert = x509.load_pem_x509_certificate((directory / "proxy.pem").read_bytes())
    except (FileNotFoundError, ValueError):
        return None
    return cert.not_valid_after_utc


def ensure_pki(directory: Path) -> dict[str, str]:
    """Make what is missing (the proxy again when it has under a day left); the files' paths."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    if not (directory / "ca.pem").exists():
        for stale in directory.iterdir():  # a new CA invalidates everything it signed
            stale.unlink()
        make_ca(directory)
    ca = _load_ca(directory)
    if not (directory / "server.pem").exists():
        make_server(directory, ca)
    if not (directory / "usercert.pem").exists():
        make_user(directory, ca)
        (directory / "proxy.pem").unlink(missing_ok=True)
    expires = proxy_expires(directory)
    if expires is None or expires - datetime.datetime.now(datetime.UTC) < DAY:
        make_proxy(directory)
    return {
        "ca_cert": str(directory / "ca.pem"),
        "server_cert": str(directory / "server.pem"),
        "server_key": str(directory / "server.key"),
        "user_cert": str(directory / "usercert.pem"),
        "user_key": str(directory / "userkey.pem"),
        "user_cert_and_key": str(directory / "user.pem"),
        "proxy": str(directory / "proxy.pem"),
        "dn": USER_DN,
    }


def make_strangers(directory: Path, pki: Path) -> None:
    """For tests: other-dn.pem (signed by the dev CA, a DN Rucio does not know) and
    self-signed.pem (jdoe's DN, but signed by its own key)."""
    directory.mkdir(parents=True, exist_ok=True)
    *ou, _cn = USER_SUBJECT
    other = x509.Name([*ou, x509.NameAttribute(NameOID.COMMON_NAME, "Mallory Nobody")])
    make_user(directory, _load_ca(pki), subject=other, prefix="other-dn")
    make_user(directory, None, prefix="self-signed")


def _load_ca(pki: Path) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    cert = x509.load_pem_x509_certificate((pki / "ca.pem").read_bytes())
    key = serialization.load_pem_private_key((pki / "ca.key").read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return cert, key


if __name__ == "__main__":  # python x509_pki.py strangers DEST PKI_DIR
    if sys.argv[1:2] != ["strangers"] or len(sys.argv) != 4:
        sys.exit("usage: x509_pki.py strangers DEST PKI_DIR")
    make_strangers(Path(sys.argv[2]), Path(sys.argv[3]))

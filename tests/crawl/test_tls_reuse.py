"""A CA bundle (--ca-bundle, SSL_CERT_FILE) is loaded once per scan, not once per HTTP client:
loading a system's whole CA file costs tens of milliseconds of every scan. A changed file is
read again, and a file that cannot be used is refused every time it is asked for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import trustme

from seolog.config import CrawlSettings
from seolog.crawl.tls import public_verify, verify_for
from seolog.errors import UsageError

pytestmark = pytest.mark.store_agnostic  # no store involved: the PostgreSQL run skips it


def _organizations(context: object) -> set[str]:
    names = set()
    for ca in context.get_ca_certs():  # type: ignore[attr-defined]
        subject = dict(item[0] for item in ca["subject"])
        names.add(subject.get("organizationName", ""))
    return names


def _write_ca(path: Path, organization: str) -> None:
    trustme.CA(organization_name=organization).cert_pem.write_to_path(str(path))


def test_the_bundle_is_loaded_once_for_every_client_of_a_scan(tmp_path: Path):
    bundle = tmp_path / "ca.pem"
    _write_ca(bundle, "Private CA one")
    settings = CrawlSettings(ca_bundle=str(bundle))
    context = verify_for(settings)
    assert verify_for(settings) is context
    assert public_verify(settings) is context  # other hosts' clients: the same trust
    assert verify_for(CrawlSettings(ca_bundle=str(bundle), insecure=True)) is False


def test_the_bundle_from_the_environment_is_loaded_once(tmp_path: Path):
    bundle = tmp_path / "system-ca.pem"
    _write_ca(bundle, "Corporate CA")
    env = {"SSL_CERT_FILE": str(bundle)}
    context = verify_for(CrawlSettings(), env)
    assert "Corporate CA" in _organizations(context)
    assert verify_for(CrawlSettings(), env) is context


def test_a_changed_bundle_is_read_again(tmp_path: Path):
    """A long-running caller (the Python API, scheduled runs) sees the CA file it has now."""
    bundle = tmp_path / "ca.pem"
    _write_ca(bundle, "Old private CA")
    settings = CrawlSettings(ca_bundle=str(bundle))
    old = verify_for(settings)
    _write_ca(bundle, "New private CA")
    state = bundle.stat()
    os.utime(bundle, ns=(state.st_atime_ns, state.st_mtime_ns + 1_000_000_000))
    new = verify_for(settings)
    assert new is not old
    assert "New private CA" in _organizations(new)
    assert "Old private CA" not in _organizations(new)


def test_a_bundle_gone_after_first_use_is_refused(tmp_path: Path):
    bundle = tmp_path / "ca.pem"
    _write_ca(bundle, "Private CA")
    settings = CrawlSettings(ca_bundle=str(bundle))
    verify_for(settings)
    bundle.unlink()
    with pytest.raises(UsageError, match="does not exist"):
        verify_for(settings)
    bundle.write_text("not a certificate\n")
    with pytest.raises(UsageError, match="no PEM certificate"):
        verify_for(settings)
    with pytest.raises(UsageError, match="no PEM certificate"):
        verify_for(settings)

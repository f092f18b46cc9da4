"""Fuzz: any file in a ca-certificates binding is used, left out or refused with a build error."""

from __future__ import annotations

from cnb.errors import BuildpackError
from hypothesis import given
from hypothesis import strategies as st
from python_buildpack import ca_certificates
from support.fuzz import app_dir

PEM_PIECES = st.sampled_from(
    [
        b"-----BEGIN CERTIFICATE-----", b"-----END CERTIFICATE-----", b"-----BEGIN PRIVATE KEY-----", b"-----BEGIN RSA PRIVATE KEY-----",
        b"MIIB", b"\n", b"\r\n", b"\xff\xfe", b"\0", b"\xef\xbb\xbf",
    ]
)
PEM = st.one_of(st.binary(max_size=100), st.lists(st.one_of(PEM_PIECES, st.binary(max_size=8)), max_size=10).map(b"".join))
TYPE = st.one_of(st.binary(max_size=30), st.sampled_from([b"ca-certificates", b"CA-Certificates\n", b" ca-certificates \r\n", b"\xffca"]))


@given(TYPE, PEM, PEM)
def test_any_binding_files_are_used_or_refused_with_a_build_error(kind, first, second):
    with app_dir() as platform:
        binding = platform / "bindings" / "corp-ca"
        binding.mkdir(parents=True)
        (binding / "type").write_bytes(kind)
        (binding / "first.pem").write_bytes(first)
        (binding / "second.crt").write_bytes(second)
        try:
            found = ca_certificates.extra_certificates(platform, {})
        except BuildpackError:
            return
        ca_certificates.with_private_keys(found)
        ca_certificates.write_bundle(found, platform / "bundle.crt")

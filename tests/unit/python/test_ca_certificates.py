from python_buildpack import ca_certificates

CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----"
KEY = "-----BEGIN PRIVATE KEY-----\nMIGHkey-secret-body\n-----END PRIVATE KEY-----"


def test_the_bundle_takes_only_the_certificates_of_a_file_that_also_holds_a_private_key(tmp_path, monkeypatch):
    monkeypatch.setattr(ca_certificates, "SYSTEM_BUNDLE", tmp_path / "none")
    combined = tmp_path / "mitmproxy-ca.pem"  # mitmproxy's layout: the key, then the certificate
    combined.write_text(f"{KEY}\n{CERTIFICATE}\n")
    plain = tmp_path / "plain.pem"
    plain.write_text(f"# a comment\n{CERTIFICATE}\n{CERTIFICATE}\n")
    bundle = ca_certificates.write_bundle([combined, plain], tmp_path / "bundle.crt").read_text()
    assert bundle == "\n".join([CERTIFICATE] * 3) + "\n"
    assert ca_certificates.with_private_keys([combined, plain]) == [combined]


def test_an_ec_or_rsa_key_is_a_private_key_too(tmp_path):
    for kind in ("EC ", "RSA ", "ENCRYPTED "):
        path = tmp_path / f"{kind.strip()}.pem"
        path.write_text(f"-----BEGIN {kind}PRIVATE KEY-----\nx\n-----END {kind}PRIVATE KEY-----\n{CERTIFICATE}\n")
        assert ca_certificates.with_private_keys([path]) == [path]

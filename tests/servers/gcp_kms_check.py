#!/usr/bin/env python3
"""Drives the local Cloud KMS stand-in (gcp_kms.py) with Google's own client libraries, so
that what vaultfile's tests run against answers as the real service does for them:
google-auth's service-account credentials refresh against its token endpoint, and the
official google-cloud-kms client (REST transport) encrypts, decrypts and gets Google's
errors from it. Run by tests/integration/gcp_kms.rs.

Usage: gcp_kms_check.py PORT SERVICE_ACCOUNT_FILE KEY DISABLED_KEY OTHER_KEY
       [EXTERNAL_ACCOUNT_FILE...]
(KEY and OTHER_KEY enabled, DISABLED_KEY disabled; MISSING is a key the server lacks;
each EXTERNAL_ACCOUNT_FILE is a workload identity federation configuration, which
google-auth's identity_pool credentials refresh against the server's STS and IAM
Credentials endpoints before the KMS client uses them).
"""

import sys

from google.api_core import exceptions
from google.api_core.client_options import ClientOptions
from google.auth.transport.requests import Request
from google.cloud import kms
from google.oauth2 import service_account


def expect(error, call, status):
    """`call` fails with the api_core exception `error`, whose answer is Google's JSON error
    with the canonical code `status`."""
    try:
        call()
    except error as e:
        body = e.response.json()["error"]
        assert body["status"] == status, body
        assert body["code"] == e.code and body["message"], body
        return e
    raise AssertionError(f"expected {error.__name__}")


def main():
    port, sa_file, key, disabled, other = sys.argv[1:6]
    external_files = sys.argv[6:]
    endpoint = f"http://127.0.0.1:{port}"

    # google-auth: the service account's JWT bearer grant at the file's token_uri.
    creds = service_account.Credentials.from_service_account_file(
        sa_file, scopes=["https://www.googleapis.com/auth/cloudkms"]
    )
    creds.refresh(Request())
    assert creds.token and creds.token.startswith("ya29."), creds.token
    assert creds.valid

    client = kms.KeyManagementServiceClient(
        credentials=creds,
        transport="rest",
        client_options=ClientOptions(api_endpoint=endpoint),
    )
    secret = b"\x00\x01data key \xff" * 2
    enc = client.encrypt(request={"name": key, "plaintext": secret})
    assert enc.name == key + "/cryptoKeyVersions/1", enc.name
    assert enc.ciphertext and enc.ciphertext != secret
    dec = client.decrypt(request={"name": key, "ciphertext": enc.ciphertext})
    assert dec.plaintext == secret

    # The OAuth access token the token endpoint issued, as a bearer token (the client above
    # sends the account's self-signed JWT instead).
    from google.oauth2.credentials import Credentials

    by_token = kms.KeyManagementServiceClient(
        credentials=Credentials(creds.token),
        transport="rest",
        client_options=ClientOptions(api_endpoint=endpoint),
    )
    again = by_token.decrypt(request={"name": key, "ciphertext": enc.ciphertext})
    assert again.plaintext == secret

    # Workload identity federation: google-auth's identity_pool credentials (file- and
    # URL-sourced subject tokens, with and without impersonation) against the server's STS.
    from google.auth import identity_pool

    for f in external_files:
        fed = identity_pool.Credentials.from_file(
            f, scopes=["https://www.googleapis.com/auth/cloudkms"]
        )
        fed.refresh(Request())
        assert fed.token and fed.token.startswith("ya29."), fed.token
        by_federation = kms.KeyManagementServiceClient(
            credentials=fed,
            transport="rest",
            client_options=ClientOptions(api_endpoint=endpoint),
        )
        federated = by_federation.decrypt(request={"name": key, "ciphertext": enc.ciphertext})
        assert federated.plaintext == secret

    # Bound to its key: another key cannot open it.
    expect(
        exceptions.BadRequest,
        lambda: client.decrypt(request={"name": other, "ciphertext": enc.ciphertext}),
        status="INVALID_ARGUMENT",
    )
    # Altered ciphertext.
    altered = bytes([enc.ciphertext[0] ^ 1]) + enc.ciphertext[1:]
    expect(
        exceptions.BadRequest,
        lambda: client.decrypt(request={"name": key, "ciphertext": altered}),
        status="INVALID_ARGUMENT",
    )
    # A disabled key, a missing one.
    expect(
        exceptions.BadRequest,
        lambda: client.encrypt(request={"name": disabled, "plaintext": secret}),
        status="FAILED_PRECONDITION",
    )
    missing = key.rsplit("/", 1)[0] + "/no-such-key"
    expect(
        exceptions.NotFound,
        lambda: client.encrypt(request={"name": missing, "plaintext": secret}),
        status="NOT_FOUND",
    )
    # No credentials at all (a client with AnonymousCredentials would try to refresh them on
    # the 401, so the request is made by hand, and read as the client reads answers).
    import requests

    answer = requests.post(f"{endpoint}/v1/{key}:encrypt", json={"plaintext": "AA=="})
    e = exceptions.from_http_response(answer)
    assert isinstance(e, exceptions.Unauthorized), e
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"
    print("ok: google-auth and google-cloud-kms agree with the local Cloud KMS")


if __name__ == "__main__":
    main()

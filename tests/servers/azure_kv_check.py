#!/usr/bin/env python3
"""Drives the local Azure Key Vault stand-in (azure_kv.py) with Microsoft's own client
libraries, so that what vaultfile's tests run against answers as the real services do for
them: azure-identity's ClientSecretCredential, WorkloadIdentityCredential and
ManagedIdentityCredential (App Service's endpoint and the instance metadata service) get
their tokens from it, and azure-keyvault-keys' CryptographyClient wraps, unwraps, encrypts
and decrypts through it (after its bearer challenge) and gets Key Vault's errors from it.
Run by tests/integration/azure_kv.rs, with REQUESTS_CA_BUNDLE set to the stand-in's CA.

Usage: azure_kv_check.py HTTP_PORT TLS_PORT TENANT CLIENT SECRET DENIED_CLIENT
       DENIED_SECRET NO_GET_CLIENT NO_GET_SECRET FEDERATED_CLIENT TOKEN_FILE
       IDENTITY_HEADER KEY DISABLED_KEY
"""

import logging
import os
import sys

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.identity import (
    ClientSecretCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)
from azure.keyvault.keys import ApiVersion
from azure.keyvault.keys.crypto import (
    CryptographyClient,
    EncryptionAlgorithm,
    KeyWrapAlgorithm,
)

SCOPE = "https://vault.azure.net/.default"


def expect(call, status, code, inner=None):
    """`call` fails with HTTP `status`, whose body is Key Vault's error with `code` (and
    the inner error `inner`)."""
    try:
        call()
    except HttpResponseError as e:
        assert e.status_code == status, (e.status_code, e.message)
        error = e.response.json()["error"]
        assert error["code"] == code and error["message"], error
        assert e.error.code == code, e.error
        if inner:
            assert error["innererror"]["code"] == inner, error
        return e
    raise AssertionError(f"expected HTTP {status} {code}")


def main():
    (http_port, tls_port, tenant, client, secret, denied, denied_secret, no_get,
     no_get_secret, federated, token_file, header, key, disabled) = sys.argv[1:15]
    authority = f"https://127.0.0.1:{tls_port}"
    vault = f"https://127.0.0.1:{tls_port}"
    options = dict(authority=authority, disable_instance_discovery=True)

    def crypto(name, credential, version=None):
        key_id = f"{vault}/keys/{name}" + (f"/{version}" if version else "")
        # The vault is 127.0.0.1, not a *.vault.azure.net host, so the challenge's
        # resource (https://vault.azure.net) cannot match its domain.
        return CryptographyClient(
            key_id, credential, api_version=ApiVersion.V7_4, verify_challenge_resource=False
        )

    # azure-identity: a client secret, then a federated token file, against Entra ID's
    # OpenID configuration and token endpoint.
    by_secret = ClientSecretCredential(tenant, client, secret, **options)
    token = by_secret.get_token(SCOPE)
    assert token.token and token.expires_on > 0, token
    by_file = WorkloadIdentityCredential(
        tenant_id=tenant, client_id=federated, token_file_path=token_file, **options
    )
    assert by_file.get_token(SCOPE).token
    # (azure-identity logs the failure it raises; the exception is what is checked.)
    logging.getLogger("azure.identity").setLevel(logging.CRITICAL)
    wrong = ClientSecretCredential(tenant, client, "not-the-secret", **options)
    try:
        wrong.get_token(SCOPE)
        raise AssertionError("a wrong client secret was accepted")
    except Exception as e:  # ClientAuthenticationError
        assert "AADSTS7000215" in str(e), e

    # azure-keyvault-keys, with the identity that may not read keys: every operation is
    # remote, wrapkey and unwrapkey at the key's current version (`keys/NAME//wrapkey`).
    remote = crypto(key, ClientSecretCredential(tenant, no_get, no_get_secret, **options))
    secret_key = os.urandom(32)
    wrapped = remote.wrap_key(KeyWrapAlgorithm.rsa_oaep_256, secret_key)
    assert wrapped.encrypted_key != secret_key and len(wrapped.encrypted_key) == 256
    assert remote.unwrap_key(KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key).key == secret_key
    enc = remote.encrypt(EncryptionAlgorithm.rsa_oaep_256, secret_key)
    assert remote.decrypt(EncryptionAlgorithm.rsa_oaep_256, enc.ciphertext).plaintext == secret_key

    # With keys/get: the client fetches the public key (and so learns the current version)
    # and wraps locally (cryptography's RSA-OAEP-256); the stand-in unwraps what it wrapped.
    local = crypto(key, by_secret)
    local_wrapped = local.wrap_key(KeyWrapAlgorithm.rsa_oaep_256, secret_key)
    assert local.unwrap_key(KeyWrapAlgorithm.rsa_oaep_256, local_wrapped.encrypted_key).key == secret_key
    # What the remote wrapkey gave opens with unwrapkey at that version, named.
    version = local.key_id.rsplit("/", 1)[1]
    assert len(version) == 32, local.key_id
    pinned = crypto(key, ClientSecretCredential(tenant, no_get, no_get_secret, **options), version)
    assert pinned.unwrap_key(KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key).key == secret_key
    wrapped = local_wrapped
    # A workload identity's and the managed identities' tokens open it too.
    assert crypto(key, by_file).unwrap_key(
        KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key
    ).key == secret_key
    os.environ["IDENTITY_ENDPOINT"] = f"http://127.0.0.1:{http_port}/msi/token"
    os.environ["IDENTITY_HEADER"] = header
    app_service = ManagedIdentityCredential()
    assert app_service.get_token(SCOPE).token
    assert crypto(key, app_service).unwrap_key(
        KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key
    ).key == secret_key
    del os.environ["IDENTITY_ENDPOINT"], os.environ["IDENTITY_HEADER"]
    os.environ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = f"http://127.0.0.1:{http_port}"
    imds = ManagedIdentityCredential()
    assert imds.get_token(SCOPE).token
    assert crypto(key, imds).unwrap_key(
        KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key
    ).key == secret_key

    # Key Vault's errors, as the client reads them.
    altered = bytes([wrapped.encrypted_key[0] ^ 1]) + wrapped.encrypted_key[1:]
    expect(lambda: remote.unwrap_key(KeyWrapAlgorithm.rsa_oaep_256, altered), 400, "BadParameter")
    refused = crypto(key, ClientSecretCredential(tenant, denied, denied_secret, **options))
    expect(lambda: refused.unwrap_key(KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key), 403, "Forbidden", "ForbiddenByRbac")
    off = crypto(disabled, ClientSecretCredential(tenant, no_get, no_get_secret, **options))
    expect(lambda: off.wrap_key(KeyWrapAlgorithm.rsa_oaep_256, secret_key), 403, "Forbidden", "KeyDisabled")
    missing = crypto("no-such-key", ClientSecretCredential(tenant, no_get, no_get_secret, **options))
    e = expect(lambda: missing.wrap_key(KeyWrapAlgorithm.rsa_oaep_256, secret_key), 404, "KeyNotFound")
    assert isinstance(e, ResourceNotFoundError), type(e)
    print("ok: azure-identity and azure-keyvault-keys agree with the local Key Vault")


if __name__ == "__main__":
    main()

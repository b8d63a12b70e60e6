#!/usr/bin/env python3
"""A local stand-in for Google Cloud KMS, its OAuth token endpoint and the metadata server,
for vaultfile's tests (tests/integration/gcp_kms.rs). TEST-ONLY: it holds no real key.

Run: python3 gcp_kms.py [--port N] [--key RESOURCE[=DISABLED]]... [--token T]...
     [--deny-token T]... [--throttle N] [--write-service-account FILE]
     [--write-authorized-user FILE] [--write-external-account FILE]
     [--write-external-account-url FILE]

It listens on 127.0.0.1 (port 0: a free one) and prints the port on stdout. What it serves,
as Google documents it:

- POST /v1/{name}:encrypt, {"plaintext": base64} -> {"name", "ciphertext", ...}, and
  POST /v1/{name}:decrypt, {"ciphertext": base64} -> {"plaintext", ...}
  (https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/encrypt),
  with a bearer token. Ciphertexts are AES-256-GCM under a secret per key, with the key's
  resource name as associated data, so no other key opens them. Errors are Google's JSON
  errors (https://cloud.google.com/apis/design/errors): 401 UNAUTHENTICATED, 403
  PERMISSION_DENIED (--deny-token), 404 NOT_FOUND, 400 FAILED_PRECONDITION (a disabled
  key), 400 INVALID_ARGUMENT (a ciphertext that does not open), 429 RESOURCE_EXHAUSTED
  (the first --throttle calls).
- POST /token: the OAuth 2.0 token endpoint. The JWT bearer grant (RFC 7523) with an
  assertion signed RS256 by the service account --write-service-account made (its key is
  generated at start and written, with this endpoint as token_uri, to FILE), checked as
  Google checks it: signature, iss, aud, iat/exp, scope; the KMS calls also take the
  account's self-signed JWT as a bearer token, as Google's APIs do. The refresh-token grant (RFC 6749
  section 6) for the authorized user --write-authorized-user wrote. Answers
  {"access_token", "expires_in", "token_type"} or {"error", "error_description"}.
- POST /v1/token: Security Token Service's token exchange (RFC 8693,
  https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token) for workload
  identity federation: the subject token written next to --write-external-account's file
  (or served at GET /subject-token with the header it names, for
  --write-external-account-url), for the pool provider's audience. Answers
  {"access_token", "issued_token_type", "token_type", "expires_in"} or an OAuth error.
- POST /v1/projects/-/serviceAccounts/EMAIL:generateAccessToken, with a federated token:
  the service account's token (IAM Credentials API), {"accessToken", "expireTime"}.
- GET /computeMetadata/v1/instance/service-accounts/default/token: the metadata server's
  token, only with the header Metadata-Flavor: Google.
- GET /admin/stats, POST /admin/key {"name", "state"}, POST /admin/throttle {"n",
  "once_per_request"}: for the tests only (call counts; enable or disable a key; throttle
  the next n calls, or the next n requests once each, their retries let through).
"""

import argparse
import base64
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SCOPE = "https://www.googleapis.com/auth/cloudkms"
NAME = re.compile(
    r"^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/:]+$"
)
CLIENT_EMAIL = "vaultfile-test@test-project.iam.gserviceaccount.com"
AUDIENCE = (
    "//iam.googleapis.com/projects/123456789/locations/global/"
    "workloadIdentityPools/vaultfile-pool/providers/vaultfile-oidc"
)


def crc32c(data):
    """CRC-32C (Castagnoli), as Cloud KMS reports its checksums."""
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.keys = {}  # name -> [state, secret]
        for k in args.key:
            name, _, state = k.partition("=")
            self.keys[name] = [state or "ENABLED", AESGCM.generate_key(bit_length=256)]
        self.tokens = {t: None for t in args.token}  # token -> expiry (None: never)
        self.deny = set(args.deny_token)
        self.throttle = args.throttle
        self.once_per_request = False
        self.throttled_bodies = set()
        self.stats = {"encrypt": 0, "decrypt": 0, "token": 0, "metadata": 0, "throttled": 0}
        self.sa_public = None
        self.refresh = None
        self.subject = None  # the external identity provider's token
        self.federated = set()  # tokens STS issued (good for impersonation only)
        self.stats["sts"] = 0
        self.stats["impersonate"] = 0

    def issue(self, lifetime=3600):
        token = "ya29.test-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = time.time() + lifetime
        return {"access_token": token, "expires_in": lifetime, "token_type": "Bearer"}

    def token_ok(self, token):
        if token.count(".") == 2 and self.self_signed_ok(token):
            return True
        with self.lock:
            if token in self.deny:
                return True
            if token not in self.tokens:
                return False
            expiry = self.tokens[token]
            return expiry is None or expiry > time.time()


    def self_signed_ok(self, token):
        """A service account's self-signed JWT, which Google APIs take as a bearer token
        (https://google.aip.dev/auth/4111): signed by the account's key, for this API's
        audience or its scope, unexpired. google-cloud-kms sends one instead of an access
        token when it has a service account's key."""
        if self.sa_public is None:
            return False
        head, body, sig = token.split(".")
        try:
            self.sa_public.verify(
                b64url(sig), (head + "." + body).encode(), padding.PKCS1v15(), hashes.SHA256()
            )
            claims = json.loads(b64url(body))
        except (InvalidSignature, ValueError):
            return False
        now = time.time()
        return (
            claims.get("iss") == CLIENT_EMAIL
            and claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0) + 300
            and (
                claims.get("aud") == "https://cloudkms.googleapis.com/"
                or SCOPE in str(claims.get("scope", "")).split()
            )
        )


def b64d(text):
    """Base64 as proto3 JSON reads bytes: standard or URL-safe, padded or not."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def b64e(data):
    return base64.b64encode(data).decode()


def b64url(data):
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeCloudKMS/1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, message):
        self.answer(status, {"error": {"code": status, "message": message, "status": code}})

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        st = self.server.state
        if path == "/admin/stats":
            with st.lock:
                return self.answer(200, dict(st.stats))
        if path == "/computeMetadata/v1/instance/service-accounts/default/token":
            if self.headers.get("Metadata-Flavor") != "Google":
                self.send_response(403)
                data = b"Missing required header: Metadata-Flavor\n"
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                return self.wfile.write(data)
            with st.lock:
                st.stats["metadata"] += 1
            return self.answer(200, st.issue(), [("Metadata-Flavor", "Google")])
        if path == "/subject-token":
            # An identity provider's token served at a URL (as on Azure or a custom IdP).
            if self.headers.get("X-Subject-Token-Access") != "granted" or st.subject is None:
                return self.error(403, "PERMISSION_DENIED", "no subject token for this caller")
            return self.answer(200, {"id_token": st.subject})
        if path in ("/", "/computeMetadata/v1/", "/computeMetadata/v1"):
            # google-auth's metadata ping.
            return self.answer(200, {}, [("Metadata-Flavor", "Google")])
        self.error(404, "NOT_FOUND", "The requested URL was not found on this server.")

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        raw = self.body()
        if path == "/token":
            return self.token(raw)
        if path == "/v1/token":
            return self.sts(raw)
        m = re.match(r"^/v1/projects/-/serviceAccounts/([^/:]+):generateAccessToken$", path)
        if m:
            return self.impersonate(urllib.parse.unquote(m.group(1)), raw)
        if path == "/admin/throttle":
            st = self.server.state
            req = json.loads(raw)
            with st.lock:
                st.throttle = int(req["n"])
                st.once_per_request = bool(req.get("once_per_request"))
            return self.answer(200, {})
        if path == "/admin/key":
            req = json.loads(raw)
            st = self.server.state
            with st.lock:
                entry = st.keys.setdefault(
                    req["name"], ["ENABLED", AESGCM.generate_key(bit_length=256)]
                )
                entry[0] = req["state"]
            return self.answer(200, {})
        m = re.match(r"^/v1/(.+):(encrypt|decrypt)$", path)
        if not m:
            return self.error(404, "NOT_FOUND", "The requested URL was not found on this server.")
        self.kms(urllib.parse.unquote(m.group(1)), m.group(2), raw)

    def kms(self, name, action, raw):
        st = self.server.state
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        if not token or not st.token_ok(token):
            return self.error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
            )
        with st.lock:
            # With once_per_request, a request is throttled at most once (its retry, the
            # same body, goes through): many clients at once, each retrying, all succeed.
            again = st.once_per_request and raw in st.throttled_bodies
            if st.throttle > 0 and not again:
                st.throttle -= 1
                if st.once_per_request:
                    st.throttled_bodies.add(raw)
                st.stats["throttled"] += 1
                throttled = True
            else:
                st.stats[action] += 1
                throttled = False
        if throttled:
            return self.error(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Cryptographic requests' and limit 'Cryptographic requests per minute' of service 'cloudkms.googleapis.com'.",
            )
        verb = "useToEncrypt" if action == "encrypt" else "useToDecrypt"
        if token in st.deny:
            return self.error(
                403,
                "PERMISSION_DENIED",
                f"Permission 'cloudkms.cryptoKeyVersions.{verb}' denied on resource '{name}' (or it may not exist).",
            )
        if not NAME.match(name):
            return self.error(400, "INVALID_ARGUMENT", f"Resource name [{name}] does not match any known type")
        with st.lock:
            entry = st.keys.get(name)
            entry = list(entry) if entry else None
        if entry is None:
            return self.error(404, "NOT_FOUND", f"CryptoKey {name} not found.")
        state, secret = entry
        if state != "ENABLED":
            return self.error(
                400,
                "FAILED_PRECONDITION",
                f"{name}/cryptoKeyVersions/1 is not enabled, current state is: {state}.",
            )
        try:
            req = json.loads(raw)
        except ValueError:
            return self.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        field = "plaintext" if action == "encrypt" else "ciphertext"
        try:
            data = b64d(req.get(field, ""))
        except ValueError:
            return self.error(
                400,
                "INVALID_ARGUMENT",
                f"Invalid value at '{field}' (TYPE_BYTES), Base64 decoding failed",
            )
        check = req.get(field + "Crc32c")
        if check is not None and int(check) != crc32c(data):
            return self.error(
                400,
                "INVALID_ARGUMENT",
                f"The checksum in field {field}_crc32c did not match the data in field {field}.",
            )
        aad = name.encode()
        if action == "encrypt":
            nonce = os.urandom(12)
            ct = nonce + AESGCM(secret).encrypt(nonce, data, aad)
            return self.answer(
                200,
                {
                    "name": name + "/cryptoKeyVersions/1",
                    "ciphertext": b64e(ct),
                    "ciphertextCrc32c": str(crc32c(ct)),
                    "verifiedPlaintextCrc32c": check is not None,
                    "verifiedAdditionalAuthenticatedDataCrc32c": False,
                    "protectionLevel": "SOFTWARE",
                },
            )
        try:
            if len(data) < 28:
                raise InvalidTag()
            pt = AESGCM(secret).decrypt(data[:12], data[12:], aad)
        except InvalidTag:
            return self.error(
                400,
                "INVALID_ARGUMENT",
                "Decryption failed: verify that 'name' refers to the correct CryptoKey.",
            )
        self.answer(
            200,
            {
                "plaintext": b64e(pt),
                "plaintextCrc32c": str(crc32c(pt)),
                "usedPrimary": True,
                "protectionLevel": "SOFTWARE",
            },
        )

    def sts(self, raw):
        st = self.server.state
        form = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
        one = lambda k: (form.get(k) or [""])[0]
        with st.lock:
            st.stats["sts"] += 1
        bad = lambda code, why: self.answer(400, {"error": code, "error_description": why})
        if one("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange":
            return bad("unsupported_grant_type", "Unsupported grant_type")
        if one("requested_token_type") != "urn:ietf:params:oauth:token-type:access_token":
            return bad("invalid_request", "Invalid requested_token_type")
        if one("subject_token_type") != "urn:ietf:params:oauth:token-type:jwt":
            return bad("invalid_request", "Invalid subject_token_type")
        if one("audience") != AUDIENCE:
            return bad("invalid_target", "The target service indicated by the \"audience\" parameters is invalid.")
        if st.subject is None or one("subject_token") != st.subject:
            return bad("invalid_grant", "The caller does not have permission")
        if not one("scope"):
            return bad("invalid_scope", "A scope is required")
        answer = st.issue()
        token = answer["access_token"]
        with st.lock:
            # A federated token: KMS takes it (the principal is granted the key), and so
            # does generateAccessToken.
            st.federated.add(token)
        answer["issued_token_type"] = "urn:ietf:params:oauth:token-type:access_token"
        self.answer(200, answer)

    def impersonate(self, email, raw):
        st = self.server.state
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        with st.lock:
            st.stats["impersonate"] += 1
            federated = token in st.federated
        if not federated:
            return self.error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if email != CLIENT_EMAIL:
            return self.error(403, "PERMISSION_DENIED", "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).")
        try:
            req = json.loads(raw)
        except ValueError:
            return self.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        scopes = req.get("scope") or []
        if not scopes:
            return self.error(400, "INVALID_ARGUMENT", "Scope required.")
        issued = st.issue()
        expire = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + issued["expires_in"]))
        self.answer(200, {"accessToken": issued["access_token"], "expireTime": expire})

    def token(self, raw):
        st = self.server.state
        form = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
        one = lambda k: (form.get(k) or [""])[0]
        with st.lock:
            st.stats["token"] += 1
        bad = lambda code, why: self.answer(400, {"error": code, "error_description": why})
        grant = one("grant_type")
        if grant == "refresh_token":
            if st.refresh is None or (
                one("client_id"), one("client_secret"), one("refresh_token")
            ) != st.refresh:
                return bad("invalid_grant", "Bad Request")
            return self.answer(200, st.issue())
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return bad("unsupported_grant_type", "Invalid grant_type: " + grant)
        parts = one("assertion").split(".")
        if len(parts) != 3 or st.sa_public is None:
            return bad("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe")
        try:
            header = json.loads(b64url(parts[0]))
            claims = json.loads(b64url(parts[1]))
            sig = b64url(parts[2])
        except ValueError:
            return bad("invalid_grant", "Invalid JWT: malformed")
        if header.get("alg") != "RS256":
            return bad("invalid_grant", "Invalid JWT: unsupported algorithm")
        try:
            st.sa_public.verify(
                sig, (parts[0] + "." + parts[1]).encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            return bad("invalid_grant", "Invalid JWT Signature.")
        now = time.time()
        # Google documents its token endpoint as the audience; a key file's token_uri is that
        # URL, here this server's (google-auth always writes Google's).
        audiences = (self.server.token_uri, "https://oauth2.googleapis.com/token")
        if claims.get("iss") != CLIENT_EMAIL:
            return bad("invalid_grant", "Invalid JWT: unknown issuer")
        if claims.get("aud") not in audiences:
            return bad("invalid_grant", "Invalid JWT: audience is not " + audiences[1])
        iat, exp = claims.get("iat", 0), claims.get("exp", 0)
        if not (iat - 300 <= now <= exp + 300) or exp - iat > 3600:
            return bad("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
        if SCOPE not in str(claims.get("scope", "")).split():
            return bad("invalid_scope", "The scope does not include " + SCOPE)
        self.answer(200, st.issue())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--key", action="append", default=[])
    p.add_argument("--token", action="append", default=[])
    p.add_argument("--deny-token", action="append", default=[])
    p.add_argument("--throttle", type=int, default=0)
    p.add_argument("--write-service-account")
    p.add_argument("--write-authorized-user")
    p.add_argument("--write-external-account")
    p.add_argument("--write-external-account-url")
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    server.token_uri = f"http://127.0.0.1:{port}/token"
    state = server.state = State(args)
    if args.write_service_account:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        state.sa_public = key.public_key()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        write_json(
            args.write_service_account,
            {
                "type": "service_account",
                "project_id": "test-project",
                "private_key_id": secrets.token_hex(20),
                "private_key": pem,
                "client_email": CLIENT_EMAIL,
                "client_id": "100000000000000000001",
                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                "token_uri": server.token_uri,
            },
        )
    if args.write_authorized_user:
        state.refresh = (
            "test-client.apps.googleusercontent.com",
            "test-" + secrets.token_hex(8),
            "1//test-" + secrets.token_urlsafe(24),
        )
        write_json(
            args.write_authorized_user,
            {
                "type": "authorized_user",
                "client_id": state.refresh[0],
                "client_secret": state.refresh[1],
                "refresh_token": state.refresh[2],
                "token_uri": server.token_uri,
            },
        )
    base = f"http://127.0.0.1:{port}"
    if args.write_external_account or args.write_external_account_url:
        # What a Kubernetes or CI identity provider would issue: an opaque JWT-shaped token.
        state.subject = "eyJhbGciOiJSUzI1NiJ9." + b64e(secrets.token_bytes(24)) + ".sig"
    if args.write_external_account:
        token_file = args.write_external_account + ".token"
        with open(token_file, "w") as f:
            # As Kubernetes projects a token: no final newline (google-auth sends the file's
            # text as it is).
            f.write(state.subject)
        # As `gcloud iam workload-identity-pools create-cred-config
        # --service-account=... --credential-source-file=...` writes it.
        write_json(
            args.write_external_account,
            {
                "universe_domain": "googleapis.com",
                "type": "external_account",
                "audience": AUDIENCE,
                "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                "token_url": base + "/v1/token",
                "service_account_impersonation_url": base
                + f"/v1/projects/-/serviceAccounts/{CLIENT_EMAIL}:generateAccessToken",
                "credential_source": {"file": token_file, "format": {"type": "text"}},
            },
        )
    if args.write_external_account_url:
        # URL-sourced, JSON answer, no impersonation (the federated token is used directly).
        write_json(
            args.write_external_account_url,
            {
                "type": "external_account",
                "audience": AUDIENCE,
                "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                "token_url": base + "/v1/token",
                "credential_source": {
                    "url": base + "/subject-token",
                    "headers": {"X-Subject-Token-Access": "granted"},
                    "format": {"type": "json", "subject_token_field_name": "id_token"},
                },
            },
        )
    print(port, flush=True)
    server.serve_forever()


def write_json(path, value):
    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(value, f, indent=2)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    sys.exit(main())

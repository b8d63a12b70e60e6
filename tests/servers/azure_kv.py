#!/usr/bin/env python3
"""A local stand-in for Azure Key Vault, Microsoft Entra ID's token endpoint and the managed
identity endpoints, for vaultfile's tests (tests/integration/azure_kv.rs). TEST-ONLY: it
holds no real key, and its keys and CA are made when it starts.

Run: python3 azure_kv.py --port N --tls-port M --tenant T --write-ca FILE
     [--key NAME[=DISABLED]]... [--client ID=SECRET]... [--deny CLIENT]...
     [--no-get CLIENT]... [--federated-client ID] [--write-federated-token FILE]
     [--identity-header SECRET] [--user-assigned ID] [--throttle N]

It listens on 127.0.0.1 only: --tls-port serves HTTPS with a certificate for 127.0.0.1
signed by a CA it generates (written to --write-ca as PEM), as Key Vault and Entra ID are
HTTPS-only and the Azure SDKs refuse bearer tokens over plain HTTP; --port serves plain HTTP,
as the managed identity endpoints do. What it serves, as Microsoft documents it:

- Key Vault (HTTPS), https://learn.microsoft.com/en-us/rest/api/keyvault/keys:
  POST /keys/{name}/{version}/{wrapkey|unwrapkey|encrypt|decrypt}?api-version=V with
  {"alg": "RSA-OAEP-256" | "RSA-OAEP", "value": base64url} -> {"kid", "value"}: real RSA-OAEP
  under a 2048-bit RSA key per key version (an empty version, `keys/{name}//wrapkey`, is the
  key's current one, as Microsoft's clients send it); GET /keys/{name}/{version} -> the key
  bundle (its public JWK). Bearer challenge authentication
  (https://learn.microsoft.com/en-us/azure/key-vault/general/authentication-requests-and-responses#authentication):
  a request without a token is answered 401 with `WWW-Authenticate: Bearer
  authorization="{authority}/{tenant}", resource="https://vault.azure.net"`. Errors in Key
  Vault's shape, {"error": {"code", "message", "innererror": {"code"}}}: 401 Unauthorized
  (no, unknown, expired token, or one for another resource or tenant), 403 Forbidden /
  ForbiddenByRbac (--deny; --no-get for GET only), 403 Forbidden / KeyDisabled, 404
  KeyNotFound, 400 BadParameter (a value that does not open, an unknown algorithm, no
  api-version), 429 Throttled (the first --throttle key operations).
- Entra ID (HTTPS): GET /{tenant}/v2.0/.well-known/openid-configuration, and POST
  /{tenant}/oauth2/v2.0/token, the client credentials grant
  (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow)
  with a client secret (--client) or a client assertion (the federated token that
  --write-federated-token wrote, an RS256 JWT for the audience api://AzureADTokenExchange,
  signature and lifetime checked, for --federated-client), for a scope `{resource}/.default`.
  Answers {"token_type", "expires_in", "ext_expires_in", "access_token"} or
  {"error", "error_description" (AADSTS…), "error_codes"}.
- Managed identity (HTTP): the instance metadata service's GET
  /metadata/identity/oauth2/token?api-version=2018-02-01&resource=R[&client_id=C], only
  with the header `Metadata: true`; App Service's GET
  /msi/token?api-version=2019-08-01&resource=R[&client_id=C], only with the header
  X-IDENTITY-HEADER = --identity-header. The system-assigned identity, or --user-assigned.
- GET /admin/stats (HTTP), POST /admin/key {"name", "state"}, POST /admin/rotate {"name"}:
  for the tests only (call counts and the paths of the key operations; enable or disable a
  key; a new key version).
"""

import argparse
import base64
import datetime
import ipaddress
import json
import os
import re
import secrets
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

VAULT_RESOURCE = "https://vault.azure.net"
FEDERATED_AUDIENCE = "api://AzureADTokenExchange"
FEDERATED_ISSUER = "https://oidc.vaultfile-test.invalid"
FEDERATED_SUBJECT = "system:serviceaccount:default:vaultfile"
SYSTEM_ASSIGNED = "msi-system-assigned"
API_VERSIONS = {"7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01"}
OPS = {
    "wrapkey": "Microsoft.KeyVault/vaults/keys/wrap/action",
    "unwrapkey": "Microsoft.KeyVault/vaults/keys/unwrap/action",
    "encrypt": "Microsoft.KeyVault/vaults/keys/encrypt/action",
    "decrypt": "Microsoft.KeyVault/vaults/keys/decrypt/action",
    "get": "Microsoft.KeyVault/vaults/keys/read",
}
OAEP = {
    "RSA-OAEP-256": lambda: padding.OAEP(
        mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None
    ),
    "RSA-OAEP": lambda: padding.OAEP(
        mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None
    ),
}


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_d(text):
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*=*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def int_b64u(n):
    return b64u(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.tenant = args.tenant
        self.keys = {}  # name -> {"enabled": bool, "versions": [(version, private key)]}
        for k in args.key:
            name, _, state = k.partition("=")
            self.add_key(name, state != "DISABLED")
        self.clients = dict(c.split("=", 1) for c in args.client)  # client id -> secret
        self.deny = set(args.deny)
        self.no_get = set(args.no_get)
        self.federated_client = args.federated_client
        self.identity_header = args.identity_header
        self.user_assigned = args.user_assigned
        self.throttle = args.throttle
        self.tokens = {}  # access token -> (client, resource, tenant, expiry)
        self.stats = {
            "wrapkey": 0, "unwrapkey": 0, "encrypt": 0, "decrypt": 0, "get": 0,
            "token": 0, "imds": 0, "appservice": 0, "throttled": 0, "challenge": 0,
            "paths": [],
        }
        self.issuer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def add_key(self, name, enabled=True):
        entry = self.keys.setdefault(name, {"enabled": enabled, "versions": []})
        entry["versions"].append(
            (secrets.token_hex(16), rsa.generate_private_key(public_exponent=65537, key_size=2048))
        )

    def issue(self, client, resource, tenant, lifetime=3599):
        token = (
            b64u(json.dumps({"typ": "JWT", "alg": "RS256"}).encode())
            + "."
            + b64u(json.dumps({"aud": resource, "appid": client, "tid": tenant}).encode())
            + "."
            + secrets.token_urlsafe(32)
        )
        with self.lock:
            self.tokens[token] = (client, resource, tenant, time.time() + lifetime)
        return token, lifetime

    def federated_token(self, lifetime=3600):
        now = int(time.time())
        head = b64u(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "test"}).encode())
        body = b64u(
            json.dumps(
                {
                    "iss": FEDERATED_ISSUER,
                    "sub": FEDERATED_SUBJECT,
                    "aud": [FEDERATED_AUDIENCE],
                    "iat": now,
                    "nbf": now,
                    "exp": now + lifetime,
                }
            ).encode()
        )
        sig = self.issuer_key.sign(
            (head + "." + body).encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return head + "." + body + "." + b64u(sig)

    def assertion_error(self, assertion):
        """Why a client assertion is refused, as Entra ID says it, or None."""
        parts = assertion.split(".")
        if len(parts) != 3:
            return "AADSTS50027: JWT token is invalid or malformed."
        try:
            claims = json.loads(b64u_d(parts[1]))
            self.issuer_key.public_key().verify(
                b64u_d(parts[2]),
                (parts[0] + "." + parts[1]).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (ValueError, InvalidSignature):
            return "AADSTS700213: No matching federated identity record found for presented assertion subject, or its signature is not valid."
        now = time.time()
        if claims.get("iss") != FEDERATED_ISSUER or claims.get("sub") != FEDERATED_SUBJECT:
            return "AADSTS700213: No matching federated identity record found for presented assertion subject."
        aud = claims.get("aud")
        if FEDERATED_AUDIENCE not in (aud if isinstance(aud, list) else [aud]):
            return "AADSTS700212: No matching federated identity record found for presented assertion audience."
        if not (claims.get("nbf", 0) - 300 <= now <= claims.get("exp", 0)):
            return "AADSTS700024: Client assertion is not within its valid time range."
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeAzureKeyVault/1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def kv_error(self, status, code, message, inner=None, headers=()):
        error = {"code": code, "message": message}
        if inner:
            error["innererror"] = {"code": inner}
        self.answer(status, {"error": error}, headers)

    def oauth_error(self, status, code, description, codes):
        self.answer(
            status,
            {
                "error": code,
                "error_description": description + "\r\nTrace ID: " + secrets.token_hex(8),
                "error_codes": codes,
                "timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
            },
        )

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n)

    @property
    def st(self):
        return self.server.state

    def query(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
        return lambda k: (q.get(k) or [None])[0]

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if self.server.tls:
            m = re.fullmatch(r"/([^/]+)/v2\.0/\.well-known/openid-configuration", path)
            if m:
                return self.openid(m.group(1))
            m = re.fullmatch(r"/keys/([^/]+)(?:/([^/]*))?/?", path)
            if m:
                return self.key_op(m.group(1), m.group(2) or "", "get", b"")
            return self.kv_error(404, "NotFound", "The requested resource was not found.")
        if path == "/admin/stats":
            with self.st.lock:
                return self.answer(200, json.loads(json.dumps(self.st.stats)))
        if path == "/metadata/identity/oauth2/token":
            return self.imds()
        if path == "/msi/token":
            return self.app_service()
        self.answer(404, {"error": "not_found", "error_description": path})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        raw = self.body()
        if not self.server.tls:
            if path in ("/admin/key", "/admin/rotate"):
                req = json.loads(raw)
                with self.st.lock:
                    if path == "/admin/rotate" or req["name"] not in self.st.keys:
                        self.st.add_key(req["name"])
                    if "state" in req:
                        self.st.keys[req["name"]]["enabled"] = req["state"] != "DISABLED"
                return self.answer(200, {})
            return self.answer(404, {})
        m = re.fullmatch(r"/([^/]+)/oauth2/v2\.0/token", path)
        if m:
            return self.token(m.group(1), raw)
        m = re.fullmatch(r"/keys/([^/]+)/([^/]*)/(wrapkey|unwrapkey|encrypt|decrypt)", path)
        if m:
            return self.key_op(m.group(1), m.group(2), m.group(3), raw)
        self.kv_error(404, "NotFound", "The requested resource was not found.")

    # --- Entra ID ---------------------------------------------------------------------

    def authority(self):
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def openid(self, tenant):
        if tenant != self.st.tenant:
            return self.oauth_error(400, "invalid_tenant", f"AADSTS90002: Tenant '{tenant}' not found.", [90002])
        base = f"{self.authority()}/{tenant}"
        self.answer(
            200,
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
                "tenant_region_scope": "EU",
            },
        )

    def token(self, tenant, raw):
        st = self.st
        with st.lock:
            st.stats["token"] += 1
        form = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
        one = lambda k: (form.get(k) or [""])[0]
        if tenant != st.tenant:
            return self.oauth_error(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", [90002])
        if one("grant_type") != "client_credentials":
            return self.oauth_error(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.", [70003])
        scope = one("scope").split()
        if len(scope) != 1 or not scope[0].endswith("/.default"):
            return self.oauth_error(400, "invalid_scope", f"AADSTS1002012: The provided value for scope {one('scope')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", [1002012])
        resource = scope[0][: -len("/.default")]
        client = one("client_id")
        if one("client_assertion") or one("client_assertion_type"):
            if one("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
                return self.oauth_error(400, "invalid_request", "AADSTS50027: Invalid client_assertion_type.", [50027])
            if client != st.federated_client:
                return self.oauth_error(400, "unauthorized_client", f"AADSTS700016: Application with identifier '{client}' was not found in the directory 'Test'.", [700016])
            why = st.assertion_error(one("client_assertion"))
            if why:
                return self.oauth_error(401, "invalid_client", why, [int(why[6:why.index(":")])])
        elif client in st.clients:
            if not secrets.compare_digest(one("client_secret"), st.clients[client]):
                return self.oauth_error(401, "invalid_client", f"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client}'.", [7000215])
        else:
            return self.oauth_error(400, "unauthorized_client", f"AADSTS700016: Application with identifier '{client}' was not found in the directory 'Test'.", [700016])
        token, lifetime = st.issue(client, resource, tenant)
        self.answer(200, {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token})

    # --- managed identity ---------------------------------------------------------------

    def managed_client(self, requested):
        """The identity a managed identity request is for, or None."""
        if requested in (None, ""):
            return SYSTEM_ASSIGNED
        return requested if requested == self.st.user_assigned else None

    def imds(self):
        st, q = self.st, self.query()
        with st.lock:
            st.stats["imds"] += 1
        if self.headers.get("Metadata") != "true":
            return self.answer(400, {"error": "invalid_request", "error_description": "Required metadata header not specified"})
        if q("api-version") is None:
            return self.answer(400, {"error": "invalid_request", "error_description": "Required query variable 'api-version' is missing"})
        if not q("resource"):
            return self.answer(400, {"error": "invalid_request", "error_description": "Required query variable 'resource' is missing"})
        client = self.managed_client(q("client_id"))
        if client is None:
            return self.answer(400, {"error": "invalid_request", "error_description": "Identity not found"})
        token, lifetime = st.issue(client, q("resource").rstrip("/"), st.tenant, 86399)
        now = int(time.time())
        self.answer(200, {
            "access_token": token, "client_id": client, "expires_in": str(lifetime),
            "expires_on": str(now + lifetime), "ext_expires_in": str(lifetime),
            "not_before": str(now), "resource": q("resource"), "token_type": "Bearer",
        })

    def app_service(self):
        st, q = self.st, self.query()
        with st.lock:
            st.stats["appservice"] += 1
        header = self.headers.get("X-IDENTITY-HEADER") or ""
        if not st.identity_header or not secrets.compare_digest(header, st.identity_header):
            return self.answer(401, {"statusCode": 401, "message": "Unauthorized: the X-IDENTITY-HEADER header is missing or wrong."})
        if q("api-version") != "2019-08-01" or not q("resource"):
            return self.answer(400, {"statusCode": 400, "message": "api-version 2019-08-01 and resource are required."})
        client = self.managed_client(q("client_id"))
        if client is None:
            return self.answer(400, {"statusCode": 400, "message": "No managed identity found for the client_id."})
        token, lifetime = st.issue(client, q("resource").rstrip("/"), st.tenant, 86399)
        self.answer(200, {
            "access_token": token, "expires_on": str(int(time.time()) + lifetime),
            "resource": q("resource"), "token_type": "Bearer", "client_id": client,
        })

    # --- Key Vault ----------------------------------------------------------------------

    def challenge(self):
        return (
            "WWW-Authenticate",
            f'Bearer authorization="{self.authority()}/{self.st.tenant}", resource="{VAULT_RESOURCE}"',
        )

    def caller(self):
        """The client of a valid bearer token for this vault, or None (401 answered)."""
        st = self.st
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            with st.lock:
                st.stats["challenge"] += 1
            self.kv_error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", headers=[self.challenge()])
            return None
        with st.lock:
            entry = st.tokens.get(auth[len("Bearer "):])
        if entry is None:
            self.kv_error(401, "Unauthorized", "AKV10022: Invalid audience or token.", headers=[self.challenge()])
            return None
        client, resource, tenant, expiry = entry
        if expiry < time.time():
            self.kv_error(401, "Unauthorized", "AKV10018: Token expired.", headers=[self.challenge()])
            return None
        if resource.rstrip("/") != VAULT_RESOURCE:
            self.kv_error(401, "Unauthorized", f"AKV10022: Invalid audience. Expected {VAULT_RESOURCE}, found: {resource}.", headers=[self.challenge()])
            return None
        if tenant != st.tenant:
            self.kv_error(401, "Unauthorized", "AKV10032: Invalid issuer.", headers=[self.challenge()])
            return None
        return client

    def key_op(self, name, version, op, raw):
        st, q = self.st, self.query()
        if q("api-version") not in API_VERSIONS:
            return self.kv_error(400, "BadParameter", "The specified version ({}) is not recognized. Consider using the latest supported version ({}).".format(q("api-version"), "7.6"))
        client = self.caller()
        if client is None:
            return
        with st.lock:
            if op != "get" and st.throttle > 0:
                st.throttle -= 1
                st.stats["throttled"] += 1
                throttled = True
            else:
                st.stats[op] += 1
                st.stats["paths"].append(urllib.parse.urlsplit(self.path).path)
                throttled = False
        if throttled:
            return self.kv_error(429, "Throttled", "Request was not allowed because of too many requests. Please retry after 1 second.", headers=[("Retry-After", "1")])
        vault = f"{self.authority()}"
        if client in st.deny or (op == "get" and client in st.no_get):
            return self.kv_error(
                403,
                "Forbidden",
                "Caller is not authorized to perform action on resource.\r\n"
                "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n"
                f"Caller: appid={client};iss=https://sts.windows.net/{st.tenant}/\r\n"
                f"Action: '{OPS[op]}'\r\n"
                f"Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/test/providers/microsoft.keyvault/vaults/test/keys/{name}'\r\n"
                "Assignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: test;location=westeurope\r\n",
                inner="ForbiddenByRbac",
            )
        with st.lock:
            entry = st.keys.get(name)
            versions = list(entry["versions"]) if entry else []
            enabled = entry["enabled"] if entry else False
        found = [v for v in versions if v[0] == version] if version else versions[-1:]
        if not found:
            shown = f"{name}/{version}" if version else name
            return self.kv_error(404, "KeyNotFound", f"A key with (name/id) {shown} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182")
        ver, key = found[0]
        kid = f"{vault}/keys/{name}/{ver}"
        if not enabled:
            verb = {"wrapkey": "wrapKey", "unwrapkey": "unwrapKey"}.get(op, op)
            return self.kv_error(403, "Forbidden", f"Operation {verb} is not allowed on a disabled key.", inner="KeyDisabled")
        if op == "get":
            pub = key.public_key().public_numbers()
            return self.answer(200, {
                "key": {"kid": kid, "kty": "RSA", "key_ops": ["encrypt", "decrypt", "wrapKey", "unwrapKey", "sign", "verify"], "n": int_b64u(pub.n), "e": int_b64u(pub.e)},
                "attributes": {"enabled": True, "created": 1700000000, "updated": 1700000000, "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90, "exportable": False},
            })
        try:
            req = json.loads(raw)
            alg, value = req.get("alg"), b64u_d(req.get("value"))
        except (ValueError, AttributeError, TypeError):
            return self.kv_error(400, "BadParameter", "Property 'value' is required and must be base64url.")
        if alg not in OAEP:
            return self.kv_error(400, "BadParameter", f"Invalid algorithm: {alg}.")
        if op in ("wrapkey", "encrypt"):
            if len(value) > 190:
                return self.kv_error(400, "BadParameter", "The value is too long for the key.")
            return self.answer(200, {"kid": kid, "value": b64u(key.public_key().encrypt(value, OAEP[alg]()))})
        try:
            plain = key.decrypt(value, OAEP[alg]())
        except ValueError:
            return self.kv_error(400, "BadParameter", "Error while decrypting: the value could not be decrypted with this key.")
        self.answer(200, {"kid": kid, "value": b64u(plain)})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, state, context=None):
        super().__init__(address, Handler)
        self.state = state
        self.context = context
        self.tls = context is not None

    def finish_request(self, request, client_address):
        # The TLS handshake in the connection's own thread, never in the accept loop.
        if self.context is not None:
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


def make_tls(ca_file):
    """A CA and a certificate for 127.0.0.1 and localhost signed by it: the server's TLS
    context, and the CA's PEM written to `ca_file`."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vaultfile TEST-ONLY Azure CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    write(ca_file, ca.public_bytes(serialization.Encoding.PEM))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as d:
        chain = os.path.join(d, "server.pem")
        with open(chain, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        context.load_cert_chain(chain)
    return context


def write(path, data):
    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tls-port", type=int, required=True)
    p.add_argument("--tenant", required=True)
    p.add_argument("--write-ca", required=True)
    p.add_argument("--key", action="append", default=[])
    p.add_argument("--client", action="append", default=[])
    p.add_argument("--deny", action="append", default=[])
    p.add_argument("--no-get", action="append", default=[])
    p.add_argument("--federated-client")
    p.add_argument("--write-federated-token")
    p.add_argument("--identity-header")
    p.add_argument("--user-assigned")
    p.add_argument("--throttle", type=int, default=0)
    args = p.parse_args()
    state = State(args)
    tls = Server(("127.0.0.1", args.tls_port), state, make_tls(args.write_ca))
    if args.write_federated_token:
        write(args.write_federated_token, state.federated_token().encode())
    plain = Server(("127.0.0.1", args.port), state)
    threading.Thread(target=tls.serve_forever, daemon=True).start()
    print(args.port, args.tls_port, flush=True)
    plain.serve_forever()


if __name__ == "__main__":
    sys.exit(main())

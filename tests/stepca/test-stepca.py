#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""stepca-infra: the step-ca test infrastructure proves itself, with curl and openssl.

Usage: test-stepca.py STEP_CA NINJA

Builds step-ca (through ninja, on demand), starts it with stepca.py, and checks every
endpoint a CA client needs using curl for HTTP and openssl for certificates: health,
roots and bootstrap by fingerprint, provisioners and their encrypted keys, sign with
a one-time token, token reuse and every kind of bad token, renewal over mutual TLS
and with a renew token, short certificates, and renewal after expiry allowed on one
provisioner and refused on the other. Every response is checked exactly (status and
JSON) and recorded, with the reason step-ca logged, in
$MUTUAL_TEST_OUTPUT_DIR/stepca-responses.json. TAP output; the CA is always stopped.
"""

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# A missing Python module is a missing Debian package: say which, and fail.
try:
    import stepca
    from taptest import Tap, build_step_ca
    from jwcrypto import jwe as jwcrypto_jwe
    from jwcrypto import jwk as jwcrypto_jwk
except ImportError as error:
    package = {"cryptography": "python3-cryptography",
               "jwcrypto": "python3-jwcrypto"}.get(error.name.split(".")[0], error.name)
    print(f'Bail out! Python module {error.name} is missing; install the Debian package "{package}"')
    sys.exit(99)

SHORT_DURATION = 60  # seconds: short@example.test's default, watched in real time
UNAUTHORIZED = {"status": 401, "message": "The request lacked necessary authorization to be "
                "completed. Please see the certificate authority logs for more info."}

def forbidden(detail):
    return {"status": 403, "message": f"The request was forbidden by the certificate authority: {detail}."}


def bad_request(detail):
    return {"status": 400, "message": f"The request could not be completed: {detail}."}


tap = Tap()


def need_programs():
    for program, package in [("curl", "curl"), ("openssl", "openssl"),
                             ("certtool", "gnutls-bin")]:
        if shutil.which(program) is None:
            tap.bail(f'{program} is not installed; install the Debian package "{package}"')


class Client:
    """curl and openssl against the running CA; every response is recorded."""

    def __init__(self, state, work):
        self.state = state
        self.work = work
        self.url = state["url"]
        self.root = state["root"]
        self.records = []
        self.serial = 0

    def path(self, name):
        return os.path.join(self.work, name)

    def curl(self, case, method, endpoint, body=None, cert=None, key=None, bearer=None,
             insecure=False):
        self.serial += 1
        out = self.path(f"response-{self.serial}.json")
        agent = f"mutual-stepca-test/{self.serial}"
        cmd = ["curl", "-sS", "--max-time", "20", "-o", out, "-w", "%{http_code}",
               "-A", agent, "-X", method]
        cmd += ["-k"] if insecure else ["--cacert", self.root]
        if body is not None:
            with open(self.path(f"request-{self.serial}.json"), "w") as f:
                f.write(body if isinstance(body, str) else json.dumps(body))
            cmd += ["-H", "Content-Type: application/json",
                    "--data-binary", "@" + self.path(f"request-{self.serial}.json")]
        if cert:
            cmd += ["--cert", cert, "--key", key]
        if bearer:
            cmd += ["-H", "Authorization: Bearer " + bearer]
        log_size = os.path.getsize(self.state["log"])
        result = subprocess.run(cmd + [self.url + endpoint], capture_output=True, text=True,
                                stdin=subprocess.DEVNULL)
        status = int(result.stdout or 0)
        text = open(out).read() if os.path.exists(out) else ""
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        reason = self._logged(agent, log_size) if status else self._tls_log(log_size)
        record = {
            "case": case, "method": method, "endpoint": endpoint, "http_status": status,
            "body": parsed, "logged_error": reason, "curl_exit": result.returncode,
            "curl_error": result.stderr.strip() or None,
        }
        if not 200 <= status < 300:
            self.records.append(record)
        return record

    def _logged(self, agent, offset):
        """The "error" step-ca logged for this request (the response never says)."""
        for _ in range(100):
            with open(self.state["log"], errors="replace") as f:
                f.seek(offset)
                for line in f:
                    if agent in line and line.startswith("{"):
                        try:
                            return json.loads(line).get("error")
                        except ValueError:
                            return line.strip()
            time.sleep(0.01)
        return None

    def _tls_log(self, offset):
        for _ in range(50):
            with open(self.state["log"], errors="replace") as f:
                f.seek(offset)
                lines = [l.strip() for l in f
                         if "TLS handshake error" in l or "panic serving" in l]
            if lines:
                return re.sub(r"^\S+ \S+ ", "", lines[-1])
            time.sleep(0.01)
        return None

    def csr(self, name, cn, sans):
        key, csr = self.path(name + ".key"), self.path(name + ".csr")
        san = ",".join("DNS:" + s for s in sans)
        run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", key, "-subj", "/CN=" + cn,
             "-addext", "subjectAltName=" + san, "-out", csr])
        return key, open(csr).read()

    def save_chain(self, name, response):
        path = self.path(name + ".crt")
        with open(path, "w") as f:
            f.write("".join(response["body"]["certChain"]))
        with open(self.path(name + ".leaf.crt"), "w") as f:
            f.write(response["body"]["crt"])
        return path


def run(cmd, input=None):
    result = subprocess.run(cmd, capture_output=True, text=True, input=input,
                            stdin=None if input is not None else subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def x509_field(path, option):
    return run(["openssl", "x509", "-in", path, "-noout", option]).strip()


def x509_time(path, option):
    # notAfter=Nov 29 17:19:19 2026 GMT
    text = x509_field(path, option).split("=", 1)[1]
    value = datetime.datetime.strptime(text, "%b %d %H:%M:%S %Y %Z")
    return value.replace(tzinfo=datetime.timezone.utc).timestamp()


def openssl_fingerprint(path):
    text = run(["openssl", "x509", "-in", path, "-noout", "-fingerprint", "-sha256"])
    return text.strip().split("=", 1)[1].replace(":", "").lower()


def verify_chain(root, chain_path):
    """openssl verify of the leaf, with the rest of the chain as untrusted."""
    with open(chain_path) as f:
        pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?",
                          f.read(), re.S)
    leaf = chain_path + ".leaf-only"
    rest = chain_path + ".untrusted"
    with open(leaf, "w") as f:
        f.write(pems[0])
    with open(rest, "w") as f:
        f.write("".join(pems[1:]))
    result = subprocess.run(["openssl", "verify", "-CAfile", root, "-untrusted", rest, leaf],
                            capture_output=True, text=True)
    return result.returncode == 0, (result.stdout + result.stderr).strip()


def sign_body(csr, token, **extra):
    body = {"csr": csr, "ott": token}
    body.update(extra)
    return body


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, ninja = sys.argv[1], sys.argv[2]
    need_programs()
    build_seconds = build_step_ca(tap, binary, ninja)

    work = tempfile.mkdtemp(prefix="stepca-test-")
    ca_dir = os.path.join(work, "ca")
    test_started = time.monotonic()

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    started = False
    try:
        state = stepca.start(ca_dir, binary, default_duration="24h",
                             short_duration=f"{SHORT_DURATION}s", renew_after_expiry="short")
        started = True
        tap.ok(True, f"step-ca healthy on {state['url']} {state['startup_seconds']:.3f} s "
                     f"after it was started (pid {state['pid']}, db {state['db']})")
        checks(Client(state, work), state)
    except SystemExit:
        raise
    except Exception as error:  # a broken step must not skip the clean-up
        import traceback
        tap.ok(False, "the test ran to the end", traceback.format_exc())
    finally:
        if started:
            stopped = stepca.stop(ca_dir)
            tap.ok(stopped["signal"] == "SIGTERM", "step-ca stopped by SIGTERM", stopped)
            if tap.failed:
                tap.diag("step-ca's log:\n" + stepca._tail(os.path.join(ca_dir, "step-ca.log"), 60))
        out_dir = os.environ.get("MUTUAL_TEST_OUTPUT_DIR")
        if out_dir and started:
            os.makedirs(out_dir, exist_ok=True)
            shutil.copy(os.path.join(ca_dir, "ca.json"), os.path.join(out_dir, "stepca-ca.json"))
            shutil.copy(os.path.join(ca_dir, "step-ca.log"), os.path.join(out_dir, "stepca.log"))
        shutil.rmtree(work, ignore_errors=True)
    tap.diag(f"build {build_seconds:.1f} s, test {time.monotonic() - test_started:.1f} s")
    return tap.done()


def checks(c, state):
    root = state["root"]
    admin, short = stepca.ADMIN, stepca.SHORT
    t0 = time.time()

    # Certificates that must expire during the test, made first so the wait is short.
    # bob: short@example.test's default lifetime (allowRenewalAfterExpiry: true).
    bob_key, bob_csr = c.csr("bob", "bob", ["bob.example.test"])
    token = stepca.mint_token(state["dir"], short, "bob", ["bob.example.test"])
    r = c.curl("sign (short)", "POST", "/1.0/sign", sign_body(bob_csr, token))
    tap.eq(r["http_status"], 201, "short@example.test signs bob's CSR")
    bob_crt = c.save_chain("bob", r)
    bob_life = x509_time(bob_crt, "-enddate") - time.time()
    tap.ok(SHORT_DURATION - 5 <= bob_life <= SHORT_DURATION + 1,
           f"short@example.test's certificate lives {SHORT_DURATION} s (it has {bob_life:.0f} s left)")
    tap.eq(x509_time(bob_crt, "-enddate") - x509_time(bob_crt, "-startdate"), SHORT_DURATION + 60.0,
           "and is backdated by one minute (notAfter - notBefore = lifetime + 1m)")
    # carol: admin@example.test (allowRenewalAfterExpiry: false), asking for a notAfter
    # 20 s away (its minimum duration is 1m, and the 1m backdate counts).
    carol_key, carol_csr = c.csr("carol", "carol", ["carol.example.test"])
    token = stepca.mint_token(state["dir"], admin, "carol", ["carol.example.test"])
    r = c.curl("sign with notAfter", "POST", "/1.0/sign",
               sign_body(carol_csr, token, notAfter="20s"))
    tap.eq(r["http_status"], 201, 'admin@example.test signs carol\'s CSR with "notAfter": "20s"')
    carol_crt = c.save_chain("carol", r)
    expiry = max(x509_time(bob_crt, "-enddate"), x509_time(carol_crt, "-enddate"))

    # Health, roots, bootstrap by fingerprint, provisioners.
    r = c.curl("health", "GET", "/health")
    tap.eq((r["http_status"], r["body"]), (200, {"status": "ok"}), 'GET /health is {"status":"ok"}')
    r = c.curl("roots", "GET", "/roots")
    # step-ca 0.19 answers GET /roots with 201 Created (and GET /root/SHA with 200).
    tap.eq(r["http_status"], 201, "GET /roots: 201 (sic)")
    crts = r["body"]["crts"] if r["http_status"] in (200, 201) else []
    tap.eq(len(crts), 1, "GET /roots returns one root")
    with open(c.path("roots-0.crt"), "w") as f:
        f.write(crts[0] if crts else "")
    tap.eq(openssl_fingerprint(c.path("roots-0.crt")), state["fingerprint"],
           "its SHA-256 fingerprint (openssl) is the one stepca.py printed")
    tap.eq(openssl_fingerprint(root), state["fingerprint"], "and that of the generated root")
    r = c.curl("bootstrap", "GET", "/root/" + state["fingerprint"], insecure=True)
    with open(c.path("bootstrap.crt"), "w") as f:
        f.write(r["body"]["ca"] if r["http_status"] == 200 else "")
    tap.ok(r["http_status"] == 200 and openssl_fingerprint(c.path("bootstrap.crt")) ==
           state["fingerprint"], "GET /root/FINGERPRINT without trust (bootstrap) returns the root")
    r = c.curl("bootstrap with an unknown fingerprint", "GET", "/root/" + "0" * 64, insecure=True)
    tap.eq((r["http_status"], r["body"]), (404, {"status": 404, "message": "The requested "
           "resource could not be found. Please see the certificate authority logs for more info."}),
           "GET /root/UNKNOWN is 404")

    r = c.curl("provisioners", "GET", "/provisioners")
    listed = {p["name"]: p for p in r["body"]["provisioners"]} if r["http_status"] == 200 else {}
    tap.eq(sorted(listed), [admin, short], "GET /provisioners lists both JWK provisioners")
    for p in state["provisioners"]:
        got = listed.get(p["name"], {})
        tap.ok(got.get("type") == "JWK" and got.get("key", {}).get("kid") == p["kid"] and
               got.get("encryptedKey", "").count(".") == 4,
               f"{p['name']}: type JWK, key id {p['kid']}, a compact-JWE encryptedKey")
    tap.eq(listed.get(admin, {}).get("claims", {}).get("defaultTLSCertDuration"), "24h0m0s",
           "admin@example.test's defaultTLSCertDuration is 24h")
    tap.eq({n: listed.get(n, {}).get("claims", {}).get("allowRenewalAfterExpiry") for n in listed},
           {admin: False, short: True}, "allowRenewalAfterExpiry is on short@example.test only")

    # The encryptedKey is a standard JWE: jwcrypto, an independent implementation,
    # decrypts it with the provisioner password, and the JWK inside is the key.
    for p in state["provisioners"]:
        listed_key = listed.get(p["name"], {}).get("key", {})
        compact = listed.get(p["name"], {}).get("encryptedKey", "")
        token = jwcrypto_jwe.JWE()
        token.deserialize(compact, key=jwcrypto_jwk.JWK.from_password(p["password"]))
        header = token.jose_header
        tap.eq({k: header.get(k) for k in ("alg", "enc", "cty", "p2c")},
               {"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "cty": "jwk+json", "p2c": 100000},
               f"{p['name']}: JWE header as `step` writes it")
        private = jwcrypto_jwk.JWK.from_json(token.payload)
        public = json.loads(private.export_public())
        tap.ok(private.has_private and all(public.get(k) == listed_key.get(k)
                                           for k in ("kty", "crv", "x", "y")),
               f"{p['name']}: jwcrypto decrypts it to the private half of the listed key")
        tap.eq(private.thumbprint(), listed_key.get("kid"),
               f"{p['name']}: the key id is the RFC 7638 thumbprint")
        _, ours = stepca.jwe_decrypt(compact, p["password"])
        tap.eq(json.loads(ours), json.loads(token.payload), f"{p['name']}: stepca.py decrypts the same")
        wrong = jwcrypto_jwe.JWE()
        try:
            wrong.deserialize(compact, key=jwcrypto_jwk.JWK.from_password("wrong password"))
            refused = False
        except Exception:
            refused = True
        tap.ok(refused, f"{p['name']}: a wrong password does not decrypt it")

    # Sign alice with admin@example.test: 24 h, chains to the root.
    alice_key, alice_csr = c.csr("alice", "alice", ["alice.example.test"])
    alice_token = stepca.mint_token(state["dir"], admin, "alice", ["alice.example.test"])
    header, claims = stepca.jwt_parts(alice_token)
    tap.eq((header["alg"], header["kid"], claims["iss"], claims["aud"], claims["sub"], claims["sans"]),
           ("ES256", state["provisioners"][0]["kid"], admin, state["url"] + "/1.0/sign", "alice",
            ["alice.example.test"]), "the token: ES256, kid, iss, aud, sub, sans")
    r = c.curl("sign", "POST", "/1.0/sign", sign_body(alice_csr, alice_token))
    tap.eq(r["http_status"], 201, "POST /1.0/sign with alice's CSR and a fresh token: 201")
    body = r["body"] if r["http_status"] == 201 else {}
    tap.eq(sorted(body), ["ca", "certChain", "crt", "tlsOptions"], "response: crt, ca, certChain, tlsOptions")
    alice_crt = c.save_chain("alice", r)
    good, text = verify_chain(root, alice_crt)
    tap.ok(good, "alice's certificate chains to the root (openssl verify)", text)
    tap.eq(x509_field(alice_crt, "-subject"), "subject=CN = alice", "subject CN=alice")
    tap.ok("DNS:alice.example.test" in run(["openssl", "x509", "-in", alice_crt, "-noout", "-ext",
                                            "subjectAltName"]), "SAN DNS:alice.example.test")
    eku = run(["openssl", "x509", "-in", alice_crt, "-noout", "-ext", "extendedKeyUsage"])
    tap.ok("TLS Web Client Authentication" in eku and "TLS Web Server Authentication" in eku,
           "EKU serverAuth and clientAuth", eku)
    left = x509_time(alice_crt, "-enddate") - time.time()
    tap.ok(24 * 3600 - 60 <= left <= 24 * 3600 + 1, f"24 h default lifetime ({left / 3600:.3f} h left)")
    tap.eq(x509_time(alice_crt, "-enddate") - x509_time(alice_crt, "-startdate"), 24 * 3600.0 + 60,
           "notBefore is backdated 1m")
    alice_serial = x509_field(alice_crt, "-serial")

    # Refusals of /1.0/sign, each recorded with the reason step-ca logged.
    r = c.curl("reused token", "POST", "/1.0/sign", sign_body(alice_csr, alice_token))
    tap.eq((r["http_status"], r["body"]), (401, UNAUTHORIZED), "the same token again: 401")
    tap.ok("token already used" in (r["logged_error"] or ""), "logged: token already used",
           r["logged_error"])

    def refused(case, token, want, logged, csr=alice_csr, **extra):
        r = c.curl(case, "POST", "/1.0/sign", sign_body(csr, token, **extra))
        tap.eq((r["http_status"], r["body"]), (want["status"], want), f"{case}: {want['status']}")
        tap.ok(logged in (r["logged_error"] or ""), f"{case}: logged “{logged}”", r["logged_error"])

    mint = lambda **kw: stepca.mint_token(state["dir"], kw.pop("provisioner", admin),
                                          kw.pop("subject", "alice"),
                                          kw.pop("sans", ["alice.example.test"]), **kw)
    refused("token for another subject", mint(subject="bob", sans=["bob.example.test"]),
            forbidden("certificate request does not contain the valid common name - got alice, want bob"),
            "certificate request does not contain the valid common name")
    refused("token SANs differ from the CSR's", mint(sans=["alice.example.test", "extra.example.test"]),
            forbidden("certificate request does not contain the valid DNS names - got "
                      "[alice.example.test], want [alice.example.test extra.example.test]"),
            "does not contain the valid DNS names")
    refused("malformed token", "not-a-token", UNAUTHORIZED, "error parsing token")
    refused("token signed by another key", mint(forge=True), UNAUTHORIZED, "error parsing jwk claims")
    refused("wrong audience", mint(audience="https://ca.wrong.example/1.0/sign"), UNAUTHORIZED,
            "provisioner not found or invalid audience")
    refused("unknown key id", mint(kid="no-such-key-id"), UNAUTHORIZED,
            "provisioner not found or invalid audience")
    refused("wrong issuer", mint(issuer="someone@example.test"), UNAUTHORIZED,
            "provisioner not found or invalid audience")
    refused("expired token", mint(not_before="-10m", ttl="5m"), UNAUTHORIZED,
            "token is expired (exp)")
    refused("token not yet valid (nbf 5 min ahead: clock skew)", mint(not_before="+5m"),
            UNAUTHORIZED, "token not valid yet (nbf)")
    refused("token issued in the future (iat 5 min ahead)", mint(iat="+5m"), UNAUTHORIZED,
            "token issued in the future (iat)")
    refused("token issued before the CA started", mint(iat="-1h"), UNAUTHORIZED,
            "token issued before the bootstrap of certificate authority")
    refused("duration above the provisioner's maximum",
            mint(provisioner=short), forbidden("requested duration of 1h1m0s is more than the "
            "authorized maximum certificate duration of 11m0s"),
            "is more than the authorized maximum", notAfter="1h")
    r = c.curl("sign body that is not JSON", "POST", "/1.0/sign", "not json")
    tap.eq((r["http_status"], r["body"]), (400, bad_request("error decoding json")),
           "sign: a body that is not JSON: 400")
    r = c.curl("CSR that is not a CSR", "POST", "/1.0/sign",
               sign_body("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                         mint()))
    tap.eq((r["http_status"], r["body"]), (400, bad_request("error decoding json")),
           "sign: a CSR that does not parse: 400 (the same message)")
    r = c.curl("skew within the 1 min leeway", "POST", "/1.0/sign",
               sign_body(alice_csr, mint(not_before="+30s")))
    tap.eq(r["http_status"], 201, "nbf 30 s ahead is accepted (1 min leeway)")

    # Renew over mutual TLS: a new serial, the same key, a new 24 h.
    r = c.curl("renew (mTLS)", "POST", "/1.0/renew", cert=alice_crt, key=alice_key)
    tap.eq(r["http_status"], 201, "POST /1.0/renew over mutual TLS: 201")
    renewed = c.save_chain("alice-renewed", r) if r["http_status"] == 201 else alice_crt
    tap.ok(x509_field(renewed, "-serial") != alice_serial, "the renewed certificate has a new serial")
    tap.eq(run(["openssl", "x509", "-in", renewed, "-noout", "-pubkey"]),
           run(["openssl", "x509", "-in", alice_crt, "-noout", "-pubkey"]), "and the same key")
    tap.ok(verify_chain(root, renewed)[0], "and chains to the root")
    tap.ok(x509_time(renewed, "-enddate") - time.time() > 24 * 3600 - 60, "and a fresh 24 h")
    r = c.curl("renew (mTLS, leaf only)", "POST", "/1.0/renew",
               cert=c.path("alice.leaf.crt"), key=alice_key)
    tap.eq(r["http_status"], 201, "renewal also works when the client sends its leaf alone")
    r = c.curl("renew without a client certificate", "POST", "/1.0/renew")
    tap.eq((r["http_status"], r["body"]), (400, bad_request("missing client certificate")),
        "POST /1.0/renew without a certificate or token: 400")
    # Renew with a token signed by the certificate's key (no mutual TLS).
    token = stepca.mint_renew_token(state["dir"], alice_crt, alice_key)
    r = c.curl("renew (token)", "POST", "/1.0/renew", bearer=token)
    tap.eq(r["http_status"], 201, "POST /1.0/renew with Authorization: Bearer x5cInsecure-token: 201")
    r = c.curl("renew token reused", "POST", "/1.0/renew", bearer=token)
    tap.eq((r["http_status"], r["body"]), (401, UNAUTHORIZED), "the same renew token again: 401")

    r = c.curl("renew token with a wrong audience", "POST", "/1.0/renew",
               bearer=stepca.mint_renew_token(state["dir"], alice_crt, alice_key,
                                              audience="https://ca.wrong.example/1.0/renew"))
    # step-ca 0.19 bug: it wraps a nil error (InternalServerErr(err) where err is nil),
    # and logging it panics: the HTTP/2 stream is reset, there is no HTTP response.
    tap.ok(r["http_status"] == 0 and "panic serving" in (r["logged_error"] or ""),
           "renew token with a wrong audience: no response, step-ca's handler panics", r)
    # A certificate from another CA: a self-signed one.
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", c.path("stranger.key"), "-subj", "/CN=stranger", "-days", "1",
         "-out", c.path("stranger.crt")])
    r = c.curl("renew (mTLS) with a certificate from another CA", "POST", "/1.0/renew",
               cert=c.path("stranger.crt"), key=c.path("stranger.key"))
    tap.ok(r["http_status"] == 0 and "unknown authority" in (r["logged_error"] or ""),
           "mutual TLS with a certificate from another CA fails in the handshake", r)
    r = c.curl("renew token for a certificate from another CA", "POST", "/1.0/renew",
               bearer=stepca.mint_renew_token(state["dir"], c.path("stranger.crt"),
                                              c.path("stranger.key")))
    tap.eq((r["http_status"], r["body"]), (401, {"status": 401, "message": "error validating renew token"}),
           "renew token for a certificate from another CA: 401 with its own message")
    tap.ok("certificate signed by unknown authority" in (r["logged_error"] or ""),
           "logged: certificate signed by unknown authority", r["logged_error"])

    # Wait for bob (short) and carol (admin) to expire, then renew them.
    wait = expiry - time.time() + 1.5
    tap.diag(f"waiting {max(wait, 0):.0f} s for bob's and carol's certificates to expire "
             f"({time.time() - t0:.0f} s into the checks)")
    if wait > 0:
        time.sleep(wait)
    r = c.curl("renew (mTLS) with an expired certificate", "POST", "/1.0/renew", cert=bob_crt, key=bob_key)
    tap.ok(r["http_status"] == 0 and r["curl_exit"] != 0,
           "mutual TLS with an expired certificate fails in the TLS handshake", r)
    tap.ok("certificate has expired" in (r["logged_error"] or ""),
           "step-ca logged: certificate has expired", r["logged_error"])
    r = c.curl("renew (token) after expiry, allowed", "POST", "/1.0/renew",
               bearer=stepca.mint_renew_token(state["dir"], bob_crt, bob_key))
    tap.eq(r["http_status"], 201,
           "renew token for bob's expired certificate: 201 (short@example.test allows it)")
    if r["http_status"] == 201:
        bob2 = c.save_chain("bob-renewed", r)
        left = x509_time(bob2, "-enddate") - time.time()
        tap.ok(SHORT_DURATION - 5 <= left <= SHORT_DURATION + 1,
               f"the renewed certificate lives {SHORT_DURATION} s again ({left:.0f} s left)")
        tap.ok(x509_field(bob2, "-serial") != x509_field(bob_crt, "-serial"), "with a new serial")
    r = c.curl("renew (token) after expiry, refused", "POST", "/1.0/renew",
               bearer=stepca.mint_renew_token(state["dir"], carol_crt, carol_key))
    tap.eq((r["http_status"], r["body"]), (401, UNAUTHORIZED),
           "renew token for carol's expired certificate: 401 (admin@example.test refuses)")
    tap.ok("certificate has expired" in (r["logged_error"] or ""), "logged: certificate has expired",
           r["logged_error"])
    r = c.curl("renew (mTLS) with an expired certificate, refusing provisioner", "POST",
               "/1.0/renew", cert=carol_crt, key=carol_key)
    tap.ok(r["http_status"] == 0 and r["curl_exit"] != 0, "mutual TLS with carol's: TLS failure too", r)

    out_dir = os.environ.get("MUTUAL_TEST_OUTPUT_DIR")
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "stepca-responses.json"), "w") as f:
            json.dump(c.records, f, indent=2)
            f.write("\n")
    tap.diag("responses other than 200/201:")
    for rec in c.records:
        tap.diag(json.dumps({k: rec[k] for k in ("case", "http_status", "body", "logged_error",
                                                  "curl_exit", "curl_error")}))


if __name__ == "__main__":
    sys.exit(main())

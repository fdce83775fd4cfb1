#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""stepca-client: mutualctl enroll and renew against a real step-ca, and against faults.

Usage: test-ca-client.py STEP_CA NINJA MUTUALCTL

Builds step-ca on demand (as test-stepca.py does), starts two CAs with stepca.py (one
whose short provisioner renews expired certificates, one that refuses), and checks
through mutualctl: bootstrap with the right and a wrong fingerprint; enrollment with a
pasted token and with the JWK provisioner password (P-256, RSA, Ed25519); renewal;
rekeying; renewal after expiry, allowed and refused. Then the faults, each leaving the
old identity intact and usable (same certificate and generation, its key still
matching): CA down, CA silent, 401, 500, malformed JSON, clock skew, a CA with an
untrusted TLS certificate, a wrong root at bootstrap, and certificates from another
root, for another subject and for another key, served by a small HTTPS server in this
test that listens on the CA's own address with a certificate under the CA's root.
A renewal killed at each step of the keyring write leaves exactly one complete
identity; a locked keyring is reported and changes nothing. A PKCS#12 output: written
at once and after renewals, opened by OpenSSL with the password the keyring keeps
(and not with another), its password item kept across renewals and deleted by
--no-outputs and with the identity; with the item gone, a renewal still replaces the
identity and reports the file's failure. Runs under MUTUAL_TEST_NEEDS=keyring; TAP output; the CAs are always stopped, and no
token, password or key may appear in anything mutualctl printed.
"""

import datetime
import fcntl
import http.server
import json
import os
import queue
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import stepca
    from taptest import Tap, build_step_ca
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
except ImportError as error:
    package = {"cryptography": "python3-cryptography"}.get(error.name.split(".")[0], error.name)
    print(f'Bail out! Python module {error.name} is missing; install the Debian package "{package}"')
    sys.exit(99)

SHORT_SECONDS = 15
# MutualCaError, in the order of mutual-ca-client.h.
CA_ERRORS = ["unreachable", "timed-out", "tls-failed", "fingerprint-mismatch", "unauthorized",
             "forbidden", "bad-request", "clock-skew", "server-error", "malformed",
             "rejected-certificate", "reenroll-needed", "no-provisioner", "unsupported",
             "no-profile", "busy"]


tap = Tap()


class Ctl:
    """mutualctl, with every output kept for the final check for secrets."""

    def __init__(self, path):
        self.path = path
        self.outputs = []
        self.secrets = []

    def __call__(self, *args, timeout=60, env=None):
        result = subprocess.run([self.path, *args, "--json"], capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, timeout=timeout,
                                env=dict(os.environ, **env) if env else None)
        self.outputs.append(result.stdout + result.stderr)
        try:
            body = json.loads(result.stdout) if result.stdout.strip() else None
        except ValueError:
            body = None
        return result.returncode, body, result.stderr.strip()

    def identity(self, id_):
        _, body, _ = self("list")
        for identity in (body or {}).get("identities", []):
            if identity["id"] == id_:
                return identity
        return None


def ca_error(body):
    error = (body or {}).get("error") or {}
    if error.get("domain") != "mutual-ca-error-quark":
        return f"{error.get('domain')}:{error.get('code')}"
    return CA_ERRORS[error["code"]]


def generation_of(ctl, id_, work):
    """The stored identity's certificate fingerprint, and whether its key still matches
    its certificate (read back through an export)."""
    identity = ctl.identity(id_)
    if identity is None:
        return None
    out = os.path.join(work, f"export-{id_}-{len(ctl.outputs)}.pem")
    rc, _, err = ctl("export", id_, "--format", "pem", "--out", out)
    if rc != 0:
        return (identity["sha256"], f"export failed: {err}")
    cert = subprocess.run(["openssl", "x509", "-noout", "-pubkey", "-in", out],
                          capture_output=True, text=True).stdout
    key = subprocess.run(["openssl", "pkey", "-pubout", "-in", out], capture_output=True,
                         text=True).stdout
    os.unlink(out)
    return (identity["sha256"], "key matches" if cert and cert == key else "key mismatch")


# ---------------------------------------------------------------------------------
# A fake CA on the real CA's address, with a TLS certificate under the real root.


def load_key(path, password=None):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=password)


def load_cert(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def make_cert(subject, public_key, issuer_cert, issuer_key, ca=False, ip=None, lifetime=3600):
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (x509.CertificateBuilder()
               .subject_name(name)
               .issuer_name(issuer_cert.subject if issuer_cert else name)
               .public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=1))
               .not_valid_after(now + datetime.timedelta(seconds=lifetime))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ip:
        import ipaddress
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class FakeCA:
    def __init__(self, state, work):
        self.state = state
        self.mode = "500"
        self.root = load_cert(state["root"])
        root_key = load_key(state["root_key"])
        self.intermediate = load_cert(state["intermediate"])
        self.intermediate_key = load_key(state["intermediate_key"],
                                         stepca.INTERMEDIATE_PASSWORD.encode())
        self.foreign_key = ec.generate_private_key(ec.SECP256R1())
        self.foreign_root = make_cert("Foreign Root CA", self.foreign_key.public_key(), None,
                                      self.foreign_key, ca=True)
        server_key = ec.generate_private_key(ec.SECP256R1())
        paths = {}
        for name, cert in [("trusted", make_cert("fake CA", server_key.public_key(), self.root,
                                                 root_key, ip=stepca.HOST)),
                           ("untrusted", make_cert("fake CA", server_key.public_key(),
                                                   self.foreign_root, self.foreign_key,
                                                   ip=stepca.HOST))]:
            paths[name] = os.path.join(work, f"fake-{name}.pem")
            with open(paths[name], "w") as f:
                f.write(pem(cert))
                f.write(server_key.private_bytes(serialization.Encoding.PEM,
                                                 serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()).decode())
        self.contexts = {}
        for name, path in paths.items():
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(path)
            context.load_verify_locations(state["root"])
            context.verify_mode = ssl.CERT_OPTIONAL
            self.contexts[name] = context
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body, date_offset=0):
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response_only(status)
                self.send_header("Date", self.date_time_string(time.time() + date_offset))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path.startswith("/root/"):
                    root = fake.foreign_root if fake.mode == "wrong-root" else fake.root
                    self.reply(200, {"ca": pem(root)})
                else:
                    self.reply(404, {"status": 404, "message": "not here"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                peer = self.connection.getpeercert(binary_form=True)
                public = (x509.load_der_x509_certificate(peer).public_key() if peer
                          else ec.generate_private_key(ec.SECP256R1()).public_key())
                mode = fake.mode
                if mode == "500":
                    self.reply(500, {"status": 500, "message": "The certificate authority "
                                     "encountered an Internal Server Error. Please see the "
                                     "certificate authority logs for more info."})
                elif mode == "malformed":
                    self.reply(201, '{"crt": "-----BEGIN CERTIFICATE-----\\nnot base64')
                elif mode == "skew":
                    self.reply(401, {"status": 401, "message": "The request lacked necessary "
                                     "authorization to be completed."}, date_offset=600)
                else:
                    if mode == "foreign-root":
                        leaf = make_cert("alice", public, fake.foreign_root, fake.foreign_key)
                        chain = [leaf, fake.foreign_root]
                    elif mode == "other-subject":
                        leaf = make_cert("mallory", public, fake.intermediate, fake.intermediate_key)
                        chain = [leaf, fake.intermediate]
                    else:  # other-key
                        other = ec.generate_private_key(ec.SECP256R1()).public_key()
                        leaf = make_cert("alice", other, fake.intermediate, fake.intermediate_key)
                        chain = [leaf, fake.intermediate]
                    self.reply(201, {"crt": pem(chain[0]), "ca": pem(chain[1]),
                                     "certChain": [pem(c) for c in chain]})

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

            def get_request(self):
                sock, address = self.socket.accept()
                context = fake.contexts["untrusted" if fake.mode == "untrusted" else "trusted"]
                return context.wrap_socket(sock, server_side=True), address

            def handle_error(self, request, client_address):
                pass

        self.server = Server((stepca.HOST, state["port"]), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------------------------


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, ninja, mutualctl = sys.argv[1:]
    for program, package in [("openssl", "openssl"), ("certtool", "gnutls-bin")]:
        if shutil.which(program) is None:
            tap.bail(f'{program} is not installed; install the Debian package "{package}"')
    build_step_ca(tap, binary, ninja)

    work = tempfile.mkdtemp(prefix="stepca-client-")
    ctl = Ctl(mutualctl)
    started = []

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)

    try:
        allowing = stepca.start(os.path.join(work, "ca1"), binary,
                                short_duration=f"{SHORT_SECONDS}s", renew_after_expiry="short")
        started.append(allowing["dir"])
        refusing = stepca.start(os.path.join(work, "ca2"), binary,
                                short_duration=f"{SHORT_SECONDS}s", renew_after_expiry="none")
        started.append(refusing["dir"])
        tap.ok(True, f"two step-ca started on {allowing['url']} and {refusing['url']}")
        checks(ctl, allowing, refusing, work, started)
    except SystemExit:
        raise
    except Exception:
        import traceback
        tap.ok(False, "the test ran to the end", traceback.format_exc())
    finally:
        for ca_dir in started:
            try:
                stepca.stop(ca_dir)
            except Exception as error:
                tap.diag(f"stopping {ca_dir}: {error}")
        out_dir = os.environ.get("MUTUAL_TEST_OUTPUT_DIR")
        if out_dir and tap.failed:
            os.makedirs(out_dir, exist_ok=True)
            for name in ("ca1", "ca2"):
                log = os.path.join(work, name, "step-ca.log")
                if os.path.exists(log):
                    shutil.copy(log, os.path.join(out_dir, f"stepca-client-{name}.log"))
        shutil.rmtree(work, ignore_errors=True)
    return tap.done()


def checks(ctl, ca, refusing, work, started):
    url, fp = ca["url"], ca["fingerprint"]
    admin, short = stepca.ADMIN, stepca.SHORT
    passwords = {}
    for name, password in stepca.PASSWORDS.items():
        passwords[name] = os.path.join(work, name + ".password")
        with open(passwords[name], "w") as f:
            f.write(password + "\n")
        ctl.secrets.append(password)
    ctl.secrets.append(stepca.INTERMEDIATE_PASSWORD)
    # Tokens minted in the CA's first second are refused (iat before its start).
    time.sleep(1.1)

    def token(state, provisioner, subject, sans, **kw):
        value = stepca.mint_token(state["dir"], provisioner, subject, sans, **kw)
        ctl.secrets.append(value)
        path = os.path.join(work, f"token-{len(ctl.secrets)}")
        with open(path, "w") as f:
            f.write(value + "\n")
        return value, path

    # Short-lived identities first, so that waiting for their expiry overlaps the rest.
    rc, bob, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--provisioner", short,
                       "--password-file", passwords[short], "--subject", "bob",
                       "--san", "bob.example.test")
    tap.eq(rc, 0, "enroll bob with short@example.test's password (renewal after expiry allowed)")
    rc, erin, err = ctl("enroll", "--ca-url", refusing["url"], "--fingerprint",
                        refusing["fingerprint"], "--provisioner", short,
                        "--password-file", passwords[short], "--subject", "erin")
    tap.eq(rc, 0, "enroll erin on the CA that refuses renewal after expiry")
    expiry = time.time() + SHORT_SECONDS
    bob_id = (bob or {}).get("identity", {}).get("id")
    erin_id = (erin or {}).get("identity", {}).get("id")

    # Bootstrap: a wrong fingerprint stores nothing.
    _, wrong_path = token(ca, admin, "zed", ["zed.example.test"])
    rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", "ab" * 32, "--token-file",
                        wrong_path, "--subject", "zed")
    tap.ok(rc == 5 and ca_error(body) == "fingerprint-mismatch" and "ab" * 32 in err,
           "bootstrap with a wrong fingerprint: fingerprint-mismatch, exit 5", (rc, body, err))
    tap.ok(all(i["label"] != "zed" for i in (ctl("list")[1] or {}).get("identities", [])),
           "and nothing is stored")

    # Enroll alice with a pasted token (its SANs come from the token).
    value, _ = token(ca, admin, "alice", ["alice.example.test"])
    rc, alice, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--token", value,
                         "--subject", "alice")
    tap.eq(rc, 0, "enroll alice with a pasted token")
    alice = alice or {}
    identity = alice.get("identity", {})
    alice_id = identity.get("id")
    tap.eq((identity.get("subject"), identity.get("issuer"), identity.get("profile"),
            identity.get("key_type")),
           ("alice", "Mutual Test Intermediate CA", "step-ca", "ECDSA P-256"),
           "alice: subject, issuer, profile step-ca, an ECDSA P-256 key")
    tap.eq((alice.get("ca") or {}).get("url"), url, "alice's CA profile has the URL")
    tap.eq((alice.get("ca") or {}).get("fingerprint"), fp, "and the root's fingerprint")
    lifetime = (datetime.datetime.fromisoformat(identity["not_after"].replace("Z", "+00:00")) -
                datetime.datetime.now(datetime.timezone.utc)).total_seconds() if identity else 0
    tap.ok(24 * 3600 - 120 < lifetime <= 24 * 3600 + 5, f"a 24 h certificate ({lifetime:.0f} s left)")
    out = os.path.join(work, "alice.pem")
    ctl("export", alice_id or "-", "--format", "pem", "--out", out)
    chain = open(out).read() if os.path.exists(out) else ""
    tap.ok("DNS:alice.example.test" in subprocess.run(
        ["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", out],
        capture_output=True, text=True).stdout, "its SAN is the token's: alice.example.test")
    tap.eq(chain.count("BEGIN CERTIFICATE"), 3, "the chain is kept with the root: leaf, intermediate, root")
    if os.path.exists(out):
        os.unlink(out)

    # Enroll with the JWK provisioner password, one key type each.
    for subject, key_type, want in [("carol", "p256", "ECDSA P-256"), ("dave", "rsa2048", "RSA"),
                                    ("frank", "ed25519", "Ed25519")]:
        rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--provisioner",
                            admin, "--password-file", passwords[admin], "--subject", subject,
                            "--san", f"{subject}.example.test", "--key-type", key_type)
        key = ((body or {}).get("identity") or {}).get("key_type", "")
        tap.ok(rc == 0 and key.startswith(want),
               f"enroll {subject} with the provisioner password, key {key_type}", (rc, body, err))

    rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--provisioner", admin,
                        "--password-file", passwords[short], "--subject", "gina")
    tap.ok(rc == 3 and (body or {}).get("error", {}).get("domain") == "mutual-error-quark" and
           "password" in err, "a wrong provisioner password: exit 3, bad password", (rc, body, err))
    rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--provisioner",
                        "nobody@example.test", "--password-file", passwords[admin],
                        "--subject", "gina")
    tap.ok(rc == 3 and ca_error(body) == "no-provisioner" and admin in err,
           "an unknown provisioner: no-provisioner, naming those there are", (rc, body, err))
    value, forged_path = token(ca, admin, "gina", ["gina"], forge=True)
    rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--token-file",
                        forged_path, "--subject", "gina")
    tap.ok(rc == 5 and ca_error(body) == "unauthorized" and "lacked necessary authorization" in err,
           "a token signed by another key: 401, unauthorized, with the CA's message", (rc, body, err))
    rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--token-file",
                        wrong_path, "--subject", "mallory")
    tap.ok(rc == 5 and ca_error(body) == "forbidden" and "common name" in err,
           "a token for another subject: 403, forbidden, with the CA's reason", (rc, body, err))

    # Renew and rekey.
    rc, body, err = ctl("renew", alice_id)
    tap.ok(rc == 0 and body and body.get("renewed") is False,
           "renew alice before it is due: nothing done", (rc, body, err))
    before = ctl.identity(alice_id)
    rc, body, err = ctl("renew", alice_id, "--force")
    after = (body or {}).get("identity") or {}
    tap.ok(rc == 0 and after.get("sha256") != before["sha256"] and after.get("id") == alice_id,
           "renew alice --force: a new certificate, same id", (rc, body, err))
    tap.eq((body or {}).get("previous", {}).get("generation"), 1, "the previous generation was 1")
    tap.eq(generation_of(ctl, alice_id, work), (after.get("sha256"), "key matches"),
           "the stored identity is the new one, and its key matches")
    public_before = export_public_key(ctl, alice_id, work)
    rc, body, err = ctl("renew", alice_id, "--rekey")
    tap.ok(rc == 0 and body.get("rekeyed") is True, "renew alice --rekey", (rc, body, err))
    public_after = export_public_key(ctl, alice_id, work)
    tap.ok(public_before and public_after and public_before != public_after,
           "rekeying changed the key")
    tap.eq(generation_of(ctl, alice_id, work)[1], "key matches", "and the new key matches")
    for id_, name in [(ctl_id(ctl, "dave"), "dave (RSA)"), (ctl_id(ctl, "frank"), "frank (Ed25519)")]:
        rc, body, err = ctl("renew", id_ or "-", "--force")
        tap.ok(rc == 0, f"renew {name} --force", (rc, body, err))

    # Post-renewal outputs: files for the tools that want them, and a command after.
    out_cert, out_key = os.path.join(work, "judy.crt"), os.path.join(work, "judy.key")
    hook_log = os.path.join(work, "hook.log")
    hook = f'echo "$MUTUAL_IDENTITY_ID $MUTUAL_CERT_FILE $MUTUAL_KEY_FILE" >> {hook_log}; exit 3'
    rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--provisioner", admin,
                        "--password-file", passwords[admin], "--subject", "judy",
                        "--out-cert", out_cert, "--out-key", out_key, "--exec", hook)
    judy_id = ((body or {}).get("identity") or {}).get("id")
    tap.ok(rc == 0 and body.get("hook_status") == 3 and body["ca"]["output_key"] == out_key,
           "enroll judy with output files and a command: the command's status is 3", (rc, body, err))

    def outputs_state():
        if not (os.path.exists(out_cert) and os.path.exists(out_key)):
            return None
        cert_key = subprocess.run(["openssl", "x509", "-noout", "-pubkey", "-in", out_cert],
                                  capture_output=True, text=True).stdout
        key = subprocess.run(["openssl", "pkey", "-pubout", "-in", out_key], capture_output=True,
                             text=True).stdout
        return (open(out_cert).read(), oct(os.stat(out_key).st_mode & 0o777),
                oct(os.stat(out_cert).st_mode & 0o777), bool(cert_key) and cert_key == key)
    first = outputs_state()
    tap.ok(first is not None and first[0].count("BEGIN CERTIFICATE") == 2 and first[1] == "0o600" and
           first[2] == "0o600" and first[3], "the files hold the certificate with its intermediate and "
           "the matching key, mode 0600", first and first[1:])
    rc, body, err = ctl("renew", judy_id or "-", "--force")
    second = outputs_state()
    hook_lines = open(hook_log).read().splitlines() if os.path.exists(hook_log) else []
    tap.ok(rc == 0 and body.get("hook_status") == 3 and second and second[0] != first[0] and second[3],
           "renew judy: the files are replaced with the new certificate, still matching", (rc, err))
    tap.eq(hook_lines, [f"{judy_id} {out_cert} {out_key}"] * 2,
           "the command ran after the enrollment and after the renewal, told the id and the files")

    # A command that never ends is stopped at its timeout with everything it started,
    # and the renewal records that it timed out; then one that ignores SIGTERM gets
    # SIGKILL. Each writes its shell's pid and its background child's pid first.
    pid_file = os.path.join(work, "kate.pids")
    endless = f'echo $$ > {pid_file}; sleep 1000 & echo $! >> {pid_file}; sleep 1000'
    started_at = time.monotonic()
    rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--provisioner", admin,
                        "--password-file", passwords[admin], "--subject", "kate",
                        "--exec", endless, "--exec-timeout", "2")
    took = time.monotonic() - started_at
    kate_id = ((body or {}).get("identity") or {}).get("id")
    tap.ok(rc == 0 and body.get("hook_timed_out") is True and body.get("hook_status") == 128 + 15 and
           body["ca"]["hook_timeout"] == 2 and 2 <= took < 6,
           f"enroll kate with a command that never ends: stopped after 2 s by SIGTERM ({took:.1f} s)",
           (rc, body, err))
    tap.ok(wait_gone(read_pids(pid_file)), "the command and the process it started are gone",
           read_pids(pid_file))

    # Changing the renewal afterwards: the command, keeping its timeout.
    before = ctl.identity(kate_id) or {}
    stubborn = f"trap '' TERM; {endless}"
    rc, body, err = ctl("set-renewal", kate_id or "-", "--exec", stubborn)
    identity = (body or {}).get("identity") or {}
    tap.ok(rc == 0 and body["ca"]["hook"] == stubborn and body["ca"]["hook_timeout"] == 2 and
           identity.get("sha256") == before.get("sha256") and
           body.get("generation") == body.get("previous_generation", -1) + 1,
           "set-renewal kate --exec: a new command, the same timeout and certificate, the next "
           "generation", (rc, body, err))
    tap.eq(generation_of(ctl, kate_id, work), (before.get("sha256"), "key matches"),
           "kate is stored once, with her key")

    # A renewal holds the identity while its command runs: set-renewal is refused then.
    renewing = subprocess.Popen([ctl.path, "renew", kate_id or "-", "--force", "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                text=True)
    started_at = time.monotonic()
    time.sleep(1.0)
    rc, body, err = ctl("set-renewal", kate_id or "-", "--renew-at", "75%")
    tap.ok(rc == 5 and ca_error(body) == "busy" and "being renewed" in err,
           "set-renewal while kate is being renewed: busy, exit 5", (rc, body, err))
    out, renew_err = renewing.communicate(timeout=60)
    took = time.monotonic() - started_at
    ctl.outputs.append(out + renew_err)
    body = json.loads(out) if out.strip() else {}
    tap.ok(renewing.returncode == 0 and body.get("hook_timed_out") is True and
           body.get("hook_status") == 128 + 9 and 7 <= took < 12,
           f"renew kate: the command ignores SIGTERM and gets SIGKILL 5 s later ({took:.1f} s)",
           (renewing.returncode, body, renew_err))
    tap.ok(wait_gone(read_pids(pid_file)), "again nothing of it is left", read_pids(pid_file))
    rc, body, err = ctl("status")
    mine = [i for i in (body or {}).get("identities", []) if i["identity"]["id"] == kate_id]
    tap.ok(mine and mine[0]["last_result"] == "ok" and mine[0]["hook_timed_out"] is True and
           mine[0]["hook_status"] == 128 + 9, "status: kate renewed, her command timed out", mine)

    # More changes: policy, files written at once, then nothing.
    rc, body, err = ctl("set-renewal", kate_id or "-", "--renew-at", "75%")
    tap.ok(rc == 0 and body["ca"]["renew_policy"] == "0.75" and body["ca"]["hook"] == stubborn,
           "set-renewal kate --renew-at 75%: the policy changes, the command stays", (rc, body, err))
    identity = (body or {}).get("identity") or {}
    if identity:
        lifetime = (iso(identity["not_after"]) - iso(identity["not_before"]))
        tap.ok(abs(iso(body["renew_at"]) - (iso(identity["not_before"]) + 0.75 * lifetime)) <= 1,
               "and the renewal is due three quarters into the lifetime", body.get("renew_at"))
    kate_cert, kate_key = os.path.join(work, "kate.crt"), os.path.join(work, "kate.key")
    rc, body, err = ctl("set-renewal", kate_id or "-", "--out-cert", kate_cert, "--out-key", kate_key)
    cert_pub = subprocess.run(["openssl", "x509", "-noout", "-pubkey", "-in", kate_cert],
                              capture_output=True, text=True).stdout if os.path.exists(kate_cert) else ""
    key_pub = subprocess.run(["openssl", "pkey", "-pubout", "-in", kate_key],
                             capture_output=True, text=True).stdout if os.path.exists(kate_key) else ""
    tap.ok(rc == 0 and body["ca"]["output_certificate"] == kate_cert and cert_pub and cert_pub == key_pub and
           oct(os.stat(kate_key).st_mode & 0o777) == "0o600",
           "set-renewal kate --out-cert --out-key: the files are written at once, matching, mode 0600",
           (rc, body, err))
    rc, body, err = ctl("set-renewal", kate_id or "-", "--no-outputs", "--no-exec")
    tap.ok(rc == 0 and body["ca"]["output_certificate"] is None and body["ca"]["output_key"] is None and
           body["ca"]["hook"] is None and body["ca"]["renew_policy"] == "0.75",
           "set-renewal kate --no-outputs --no-exec: no files, no command, the policy stays", (rc, body, err))
    rc, body, err = ctl("renew", kate_id or "-", "--force")
    tap.ok(rc == 0 and body.get("hook_status") is None, "and kate renews with no command", (rc, body, err))
    for args, why in [((), "nothing to change"), (("--no-exec", "--exec", "true"), "--no-exec with --exec"),
                      (("--no-outputs", "--out-cert", kate_cert), "--no-outputs with --out-cert"),
                      (("--renew-at", "3/2"), "a policy that is not one"),
                      (("--exec-timeout", "0"), "a zero timeout")]:
        rc, body, err = ctl("set-renewal", kate_id or "-", *args)
        tap.eq(rc, 2, f"set-renewal with {why}: usage error, exit 2")
    rc, body, err = ctl("set-renewal", "nobody-here", "--renew-at", "2/3")
    tap.ok(rc == 3 and "nobody-here" in err, "set-renewal of an unknown identity: exit 3", (rc, body, err))

    pkcs12_output(ctl, ca, kate_id, passwords[admin], work)

    # A renewal killed at each step of the keyring write: the next run finds exactly one
    # complete alice, the old one or the new one, and renews her again.
    for step in range(1, 5):
        before = generation_of(ctl, alice_id, work)
        rc, body, err = ctl("renew", alice_id, "--force", env={"MUTUAL_FAULT_INJECTION": f"write:{step}"})
        killed = rc == 86
        ids = [i["id"] for i in (ctl("list")[1] or {}).get("identities", [])]
        now = generation_of(ctl, alice_id, work)
        tap.ok(killed and ids.count(alice_id) == 1 and now is not None and now[1] == "key matches",
               f"renewal killed after step {step} of the keyring write: one complete alice, "
               f"{'the old' if now == before else 'the new'} one", (rc, err, ids, before, now))
        rc, body, err = ctl("renew", alice_id, "--force")
        tap.ok(rc == 0, f"and she renews again after the kill at step {step}", (rc, body, err))

    # Renewal after expiry.
    wait = expiry - time.time() + 1.5
    tap.diag(f"waiting {max(wait, 0):.0f} s for bob's and erin's certificates to expire")
    if wait > 0:
        time.sleep(wait)
    rc, body, err = ctl("renew", bob_id or "-")
    identity = (body or {}).get("identity") or {}
    tap.ok(rc == 0 and identity.get("state") != "expired",
           "bob expired: renewed with the x5c token (short@example.test allows it)", (rc, body, err))
    before = generation_of(ctl, erin_id, work)
    rc, body, err = ctl("renew", erin_id or "-")
    tap.ok(rc == 5 and ca_error(body) == "reenroll-needed" and "enroll again" in err,
           "erin expired, the CA refuses: reenroll-needed, exit 5", (rc, body, err))
    tap.eq(generation_of(ctl, erin_id, work), before, "erin is left as she was")

    # The agent renews ivan (15 s certificates, renewed 8 s before they expire) by
    # itself, twice in a row, each time before the certificate expired.
    rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--provisioner", short,
                        "--password-file", passwords[short], "--subject", "ivan", "--renew-at", "8s")
    ivan_id = ((body or {}).get("identity") or {}).get("id")
    tap.ok(rc == 0 and body["ca"]["renew_policy"] == "8s", "enroll ivan, to be renewed 8 s before expiry",
           (rc, body, err))
    carol_id = ctl_id(ctl, "carol")
    concurrent = None
    agent = subprocess.Popen([ctl.path, "agent", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True)
    renewals = []
    events = []
    deadline = time.time() + 45
    not_after = ctl.identity(ivan_id)["not_after"]
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in agent.stdout], daemon=True).start()
    try:
        while time.time() < deadline and len(renewals) < 2:
            try:
                event = json.loads(lines.get(timeout=max(0.1, deadline - time.time())))
            except queue.Empty:
                break
            events.append(event)
            if event["id"] == ivan_id and event["event"] == "renewed":
                expired_before = datetime.datetime.fromisoformat(
                    not_after.replace("Z", "+00:00")).timestamp() <= time.time()
                renewals.append(expired_before)
                not_after = ctl.identity(ivan_id)["not_after"]
                if len(renewals) == 1:
                    # mutualctl renew while the agent runs: the agent writes the state
                    # file after this, and must keep what renew recorded there.
                    concurrent = ctl("renew", carol_id or "-", "--force")
    finally:
        stop_agent(agent)
        agent_err = agent.stderr.read()
        ctl.outputs.append(json.dumps(events) + agent_err)
    tap.ok(len(renewals) == 2 and not any(renewals),
           "the agent renewed ivan by itself twice in a row, each time before expiry",
           (renewals, events[-10:], agent_err))
    tap.ok(not any(word in agent_err for word in ("WARNING", "CRITICAL", "system bus")),
           "the agent says nothing of the system bus it does not have (no logind here)", agent_err)
    tap.eq(concurrent and concurrent[0], 0, "mutualctl renew carol --force while the agent ran")
    rc, body, err = ctl("status")
    records = {i["identity"]["id"]: i for i in (body or {}).get("identities", [])}
    carol, ivan = records.get(carol_id) or {}, records.get(ivan_id) or {}
    tap.ok(carol.get("last_result") == "ok" and carol.get("last_attempt") and
           ivan.get("last_result") == "ok" and ivan.get("planned_by_agent"),
           "both records survive: carol's from mutualctl renew, ivan's from the agent",
           (carol, ivan))
    tap.eq(agent.returncode, 0, "the agent stops on SIGTERM with status 0")
    logind_resume(ctl, work)
    policy_replan(ctl, carol_id)

    rc, body, err = ctl("status")
    mine = [i for i in (body or {}).get("identities", []) if i["identity"]["id"] == ivan_id]
    tap.ok(mine and mine[0]["last_result"] == "ok" and mine[0]["ca_reachable"] is True and
           mine[0]["planned_by_agent"] and mine[0]["next_renewal"],
           "status: ivan's last attempt succeeded, the CA is reachable, the next renewal is planned",
           (rc, mine))
    erins = [i for i in (body or {}).get("identities", []) if i["identity"]["id"] == erin_id]
    tap.ok(rc == 1 and erins and erins[0]["reenroll_needed"] is True and erins[0]["next_renewal"] is None,
           "status: erin needs a new enrollment (exit 1), no renewal planned", (rc, erins))

    # Faults: alice against her CA's address.
    def fault(name, want_rc, want_error, *extra, text=None):
        before = generation_of(ctl, alice_id, work)
        started_at = time.monotonic()
        rc, body, err = ctl("renew", alice_id, "--force", *extra)
        took = time.monotonic() - started_at
        tap.ok(rc == want_rc and ca_error(body) == want_error and (text is None or text in err),
               f"{name}: {want_error}, exit {want_rc} ({took:.1f} s)", (rc, body, err))
        tap.eq(generation_of(ctl, alice_id, work), before,
               f"{name}: alice is intact, her key still matches")
        return err

    stepca.stop(ca["dir"])
    started.remove(ca["dir"])
    fault("CA down", 4, "unreachable", text="Connection refused")
    rc, body, err = ctl("status")
    mine = [i for i in (body or {}).get("identities", []) if i["identity"]["id"] == alice_id]
    tap.ok(rc == 1 and mine and mine[0]["last_result"] == "failed" and mine[0]["ca_reachable"] is False
           and mine[0]["last_error"]["code"] == CA_ERRORS.index("unreachable") and mine[0]["last_success"],
           "status records mutualctl renew too: alice's last attempt failed, the CA unreachable (exit 1)",
           (rc, mine))

    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    silent.bind((stepca.HOST, ca["port"]))
    silent.listen(8)
    try:
        fault("CA silent", 4, "timed-out", "--timeout", "2", text="2 seconds")
    finally:
        silent.close()

    fake = FakeCA(ca, work)
    try:
        for mode, rc_, error, text in [
                ("500", 5, "server-error", "Internal Server Error"),
                ("malformed", 5, "malformed", None),
                ("skew", 5, "clock-skew", "seconds ahead"),
                ("untrusted", 5, "tls-failed", "not issued under the pinned root"),
                ("foreign-root", 5, "rejected-certificate", "does not chain"),
                ("other-subject", 5, "rejected-certificate", "mallory"),
                ("other-key", 5, "rejected-certificate", "another key")]:
            fake.mode = mode
            message = fault(f"fake CA ({mode})", rc_, error, text=text)
            if mode == "untrusted":
                tap.ok("probe’s diagnosis" in message, "the TLS failure carries the probe's diagnosis",
                       message)
                tap.diag(message)
        fake.mode = "wrong-root"
        value, path = token(refusing, admin, "hank", ["hank"])
        rc, body, err = ctl("enroll", "--ca-url", url, "--fingerprint", fp, "--token-file", path,
                            "--subject", "hank")
        tap.ok(rc == 5 and ca_error(body) == "fingerprint-mismatch" and "not trusted" in err,
               "a CA that sends another root at bootstrap: fingerprint-mismatch", (rc, body, err))
    finally:
        fake.stop()

    # Last, as nothing unlocks the keyring again without a prompt: a keyring locked
    # before the renewal. It cannot read the key, says so, and changes nothing.
    summary = lambda identity: identity and (identity["sha256"], identity["not_after"])
    before = summary(ctl.identity(alice_id))
    subprocess.run(["secret-tool", "lock", "--collection=login"], capture_output=True, text=True)
    rc, body, err = ctl("renew", alice_id, "--force")
    tap.ok(rc == 4 and "locked" in err, "keyring locked: exit 4, the keyring is locked", (rc, body, err))
    tap.eq(summary(ctl.identity(alice_id)), before, "keyring locked: alice is still listed, unchanged")

    leaked = [s for s in ctl.secrets for out in ctl.outputs if s and s in out]
    tap.ok(not leaked, f"no token or password in anything mutualctl printed "
                       f"({len(ctl.outputs)} runs, {len(ctl.secrets)} secrets)")


def pkcs12_items(id_):
    """How many PKCS#12 passwords the keyring holds for the identity (the secrets that
    secret-tool prints stay in this process)."""
    out = subprocess.run(["secret-tool", "search", "--all", "xdg:schema", "io.github.mutual.OutputPassword",
                          "id", id_, "purpose", "pkcs12"], capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if line.startswith("["))


def pkcs12_contents(path, password_file):
    """(leaf SHA-256 fingerprint, number of certificates, friendly name, whether the key
    matches the leaf) of a PKCS#12 file, read by OpenSSL; None when it does not open."""
    def openssl(*args, data=None):
        return subprocess.run(["openssl", *args], input=data, capture_output=True, text=True)
    passin = ["-passin", f"file:{password_file}"]
    leaf = openssl("pkcs12", "-in", path, *passin, "-nokeys", "-clcerts")
    if leaf.returncode != 0 or "BEGIN CERTIFICATE" not in leaf.stdout:
        return None
    every = openssl("pkcs12", "-in", path, *passin, "-nokeys").stdout
    key = openssl("pkcs12", "-in", path, *passin, "-nocerts", "-nodes").stdout
    fingerprint = openssl("x509", "-noout", "-fingerprint", "-sha256", data=leaf.stdout).stdout
    cert_pub = openssl("x509", "-noout", "-pubkey", data=leaf.stdout).stdout
    key_pub = openssl("pkey", "-pubout", data=key).stdout
    friendly = [line.split(":", 1)[1].strip() for line in leaf.stdout.splitlines()
                if line.strip().startswith("friendlyName:")]
    return (fingerprint.strip().split("=", 1)[-1], every.count("BEGIN CERTIFICATE"),
            friendly[0] if friendly else None, bool(cert_pub) and cert_pub == key_pub)


def pkcs12_output(ctl, ca, kate_id, admin_password_file, work):
    """A PKCS#12 output, protected by a password the user chose and the keyring keeps."""
    secret = "p12-" + os.urandom(9).hex()
    ctl.secrets.append(secret)
    password_file = os.path.join(work, "p12.password")
    with open(password_file, "w") as f:
        f.write(secret + "\n")
    wrong_file = os.path.join(work, "p12-wrong.password")
    with open(wrong_file, "w") as f:
        f.write("not-" + secret + "\n")
    kate_p12 = os.path.join(work, "kate.p12")

    rc, body, err = ctl("set-renewal", kate_id or "-", "--out-p12", kate_p12, "--p12-password-file",
                        password_file)
    identity = (body or {}).get("identity") or {}
    tap.ok(rc == 0 and body["ca"]["output_pkcs12"] == kate_p12 and os.path.exists(kate_p12) and
           oct(os.stat(kate_p12).st_mode & 0o777) == "0o600",
           "set-renewal kate --out-p12 --p12-password-file: the file is written at once, mode 0600",
           (rc, body, err))
    first = pkcs12_contents(kate_p12, password_file)
    tap.eq(first, (identity.get("sha256"), 2, "kate", True),
           "the p12 file holds kate's certificate and intermediate, named kate, and her matching key")
    tap.eq(pkcs12_contents(kate_p12, wrong_file), None, "a wrong password does not open it")
    tap.eq(pkcs12_items(kate_id), 1, "the password is one item of its own in the keyring")

    # A change that cannot be saved (a renewal of kate holds her lock) keeps the password
    # stored before: the new one is stored only once the profile is.
    other_file = os.path.join(work, "p12-other.password")
    with open(other_file, "w") as f:
        f.write("other-" + secret + "\n")
    lock_dir = os.path.join(os.environ["XDG_RUNTIME_DIR"], "mutual")
    os.makedirs(lock_dir, mode=0o700, exist_ok=True)
    with open(os.path.join(lock_dir, f"renew-{kate_id}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rc, body, err = ctl("set-renewal", kate_id or "-", "--out-p12", kate_p12, "--p12-password-file",
                            other_file)
        fcntl.flock(lock, fcntl.LOCK_UN)
    kept = subprocess.run(["secret-tool", "lookup", "xdg:schema", "io.github.mutual.OutputPassword", "id",
                           kate_id, "purpose", "pkcs12"], capture_output=True, text=True).stdout.rstrip("\n")
    tap.ok(rc == 5 and "being renewed" in err and kept == secret and pkcs12_items(kate_id) == 1,
           "set-renewal --out-p12 refused while kate is renewed: the password stored before is kept",
           (rc, err, kept == secret))

    rc, body, err = ctl("set-renewal", kate_id or "-", "--out-p12", kate_p12)
    tap.ok(rc == 2 and "--p12-password-file" in err,
           "set-renewal --out-p12 with no password file and no terminal: usage error, exit 2", (rc, err))
    empty_file = os.path.join(work, "p12-empty.password")
    with open(empty_file, "w") as f:
        f.write("\n")
    rc, body, err = ctl("set-renewal", kate_id or "-", "--out-p12", kate_p12, "--p12-password-file", empty_file)
    tap.ok(rc == 2 and "empty" in err, "an empty p12 password is refused, exit 2", (rc, err))
    rc, body, err = ctl("set-renewal", kate_id or "-", "--p12-password-file", password_file)
    tap.eq(rc, 2, "--p12-password-file without --out-p12: usage error, exit 2")

    # The PEM outputs are set apart (as the GUI's Change… dialog does): the p12 stays.
    kate_cert = os.path.join(work, "kate-again.crt")
    rc, body, err = ctl("set-renewal", kate_id or "-", "--out-cert", kate_cert)
    tap.ok(rc == 0 and body["ca"]["output_certificate"] == kate_cert and
           body["ca"]["output_pkcs12"] == kate_p12, "set-renewal kate --out-cert keeps the p12 output",
           (rc, body, err))
    rc, body, err = ctl("status")
    mine = [i for i in (body or {}).get("identities", []) if i["identity"]["id"] == kate_id]
    tap.ok(mine and mine[0]["ca"]["output_pkcs12"] == kate_p12, "status --json shows the p12 output", mine)
    text = subprocess.run([ctl.path, "status"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    ctl.outputs.append(text.stdout + text.stderr)
    tap.ok(kate_p12 in text.stdout, "and so does status", text.stdout)

    rc, body, err = ctl("renew", kate_id or "-", "--force")
    renewed = ((body or {}).get("identity") or {}).get("sha256")
    second = pkcs12_contents(kate_p12, password_file)
    tap.ok(rc == 0 and renewed and renewed != identity.get("sha256") and second == (renewed, 2, "kate", True),
           "renew kate --force: the p12 file holds the new certificate and its key", (rc, err, second))
    tap.eq(pkcs12_items(kate_id), 1, "the password outlives the renewal, once")

    # The password deleted behind Mutual's back: the renewal is kept, the file's failure said.
    subprocess.run(["secret-tool", "clear", "xdg:schema", "io.github.mutual.OutputPassword", "id", kate_id,
                    "purpose", "pkcs12"], capture_output=True)
    before = pkcs12_contents(kate_p12, password_file)
    rc, body, err = ctl("renew", kate_id or "-", "--force")
    now = generation_of(ctl, kate_id, work)
    tap.ok(rc != 0 and "was renewed" in err and "PKCS#12" in err and now and now[0] != renewed and
           now[1] == "key matches",
           "renewal with the password gone: kate is renewed, the p12 file's failure is reported",
           (rc, err, now))
    tap.eq(pkcs12_contents(kate_p12, password_file), before, "and the file written before is left as it was")
    rc, body, err = ctl("status")
    mine = [i for i in (body or {}).get("identities", []) if i["identity"]["id"] == kate_id]
    tap.ok(mine and mine[0]["last_result"] == "failed" and "PKCS#12" in (mine[0]["last_error"] or {}).get(
           "message", ""), "status records the failed output", mine and mine[0].get("last_error"))

    # --no-outputs forgets the file and its password.
    rc, body, err = ctl("set-renewal", kate_id or "-", "--out-p12", kate_p12, "--p12-password-file",
                        password_file)
    tap.ok(rc == 0 and pkcs12_items(kate_id) == 1, "set-renewal --out-p12 again stores the password again",
           (rc, err))
    rc, body, err = ctl("set-renewal", kate_id or "-", "--no-outputs")
    tap.ok(rc == 0 and body["ca"]["output_pkcs12"] is None and body["ca"]["output_certificate"] is None and
           pkcs12_items(kate_id) == 0, "set-renewal kate --no-outputs: no p12 output, its password deleted",
           (rc, body, err))
    rc, body, err = ctl("renew", kate_id or "-", "--force")
    tap.eq(rc, 0, "and kate renews with no files")

    # Enrolling with a p12 output and a command: the command runs once the file is
    # written with the password given, which the enrollment keeps in the keyring
    # itself. Removing the identity deletes its password.
    lena_p12 = os.path.join(work, "lena.p12")
    seen_p12 = os.path.join(work, "lena-seen-by-hook.p12")
    rc, body, err = ctl("enroll", "--ca-url", ca["url"], "--fingerprint", ca["fingerprint"], "--provisioner",
                        stepca.ADMIN, "--password-file", admin_password_file, "--subject", "lena",
                        "--out-p12", lena_p12, "--p12-password-file", password_file,
                        "--exec", f'cp "$MUTUAL_PKCS12_FILE" {shlex.quote(seen_p12)}')
    lena = (body or {}).get("identity") or {}
    tap.ok(rc == 0 and body["ca"]["output_pkcs12"] == lena_p12 and
           pkcs12_contents(lena_p12, password_file) == (lena.get("sha256"), 2, "lena", True) and
           oct(os.stat(lena_p12).st_mode & 0o777) == "0o600",
           "enroll lena --out-p12: the p12 file is written at once, mode 0600", (rc, body, err))
    tap.ok(rc == 0 and body.get("hook_status") == 0 and
           pkcs12_contents(seen_p12, password_file) == (lena.get("sha256"), 2, "lena", True),
           "enroll lena --out-p12 --exec: the command found the p12 file written, and it opens with the password",
           (rc, body and body.get("hook_status"), err, os.path.exists(seen_p12)))
    tap.eq(pkcs12_items(lena.get("id", "-")), 1, "with its password in the keyring, once")
    rc, body, err = ctl("remove", lena.get("id", "-"), "--yes")
    tap.ok(rc == 0 and pkcs12_items(lena.get("id", "-")) == 0, "remove lena: her p12 password goes too",
           (rc, err))

    state = os.path.join(os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "mutual")
    found = []
    for folder, _, names in os.walk(state):
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                if secret.encode() in f.read():
                    found.append(name)
    leaked = [out for out in ctl.outputs if secret in out]
    tap.ok(not found and not leaked, "the p12 password is in no output and no state file",
           (found, len(leaked)))


def policy_replan(ctl, carol_id):
    """A running agent plans again when set-renewal changes an identity's policy, with
    the same certificate: carol (24 h) from 2/3 of her lifetime to 1 h before expiry."""
    agent = subprocess.Popen([ctl.path, "agent", "--json"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in agent.stdout], daemon=True).start()

    # The first plan of carol at least 3 h later than @after.
    def next_plan(seconds, after):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                event = json.loads(lines.get(timeout=max(0.1, deadline - time.time())))
            except queue.Empty:
                break
            if event["id"] == carol_id and event["event"] == "planned":
                when = datetime.datetime.fromisoformat(
                    event["next_renewal"].replace("Z", "+00:00")).timestamp()
                if when - after > 3 * 3600:
                    return when
        return None

    def planned_now():
        _, body, _ = ctl("status")
        for item in (body or {}).get("identities", []):
            if item["identity"]["id"] == carol_id and item.get("next_renewal"):
                return datetime.datetime.fromisoformat(
                    item["next_renewal"].replace("Z", "+00:00")).timestamp()
        return None

    try:
        # The agent that ran before planned carol at 2/3 of her lifetime already.
        before = planned_now()
        not_after = datetime.datetime.fromisoformat(
            ctl.identity(carol_id)["not_after"].replace("Z", "+00:00")).timestamp()
        rc, body, err = ctl("set-renewal", carol_id or "-", "--renew-at", "1h")
        after = next_plan(20, before or 0)
    finally:
        stop_agent(agent)
        agent_err = agent.stderr.read()
        ctl.outputs.append(agent_err)
    tap.ok(rc == 0 and before is not None and after is not None and
           -1000 < after - (not_after - 3600) <= 5,
           "set-renewal --renew-at 1h while the agent runs: it plans carol again, 1 h before expiry",
           (rc, err, before, after, not_after, agent_err[-500:]))


def stop_agent(agent):
    """SIGTERM, as systemd stops it; SIGKILL if it does not end."""
    agent.send_signal(signal.SIGTERM)
    try:
        agent.wait(timeout=10)
    except subprocess.TimeoutExpired:
        agent.kill()
        agent.wait()


def logind_resume(ctl, work):
    """A stand-in logind on a private bus given to the agent as its system bus: after
    PrepareForSleep(false), the agent re-plans at once."""
    try:
        from gi.repository import Gio, GLib
    except ImportError as error:
        tap.ok(False, "the stand-in logind needs GLib's Python bindings: install the Debian "
               "package \"python3-gi\"", str(error))
        return
    config = os.path.join(work, "system-bus.conf")
    with open(config, "w") as f:
        f.write('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" '
                '"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
                f'<busconfig><type>custom</type><listen>unix:dir={work}</listen><auth>EXTERNAL</auth>'
                '<policy context="default"><allow send_destination="*" eavesdrop="true"/>'
                '<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n')
    daemon = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
                              stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    agent = None
    try:
        address = daemon.stdout.readline().strip()
        bus = Gio.DBusConnection.new_for_address_sync(
            address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                      "RequestName", GLib.Variant("(su)", ("org.freedesktop.login1", 4)),
                      GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, -1, None)
        agent = subprocess.Popen([ctl.path, "agent"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL, text=True,
                                 env=dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address))
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in agent.stderr], daemon=True).start()
        woke = False
        said = []
        deadline = time.time() + 15
        while not woke and time.time() < deadline:
            # Until the agent has subscribed, the signal goes unheard: say it again.
            for sleeping in (True, False):
                bus.emit_signal(None, "/org/freedesktop/login1", "org.freedesktop.login1.Manager",
                                "PrepareForSleep", GLib.Variant("(b)", (sleeping,)))
            bus.flush_sync(None)
            try:
                while True:
                    line = lines.get(timeout=0.5)
                    said.append(line)
                    woke = woke or "woke up" in line
            except queue.Empty:
                pass
        tap.ok(woke, "the agent re-plans when logind says the system woke up", said[-5:])
    finally:
        if agent is not None:
            stop_agent(agent)
        daemon.terminate()
        daemon.wait()


def iso(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def read_pids(path):
    try:
        with open(path) as f:
            return [int(line) for line in f.read().split()]
    except (OSError, ValueError):
        return []


def wait_gone(pids, timeout=5.0):
    """Whether every process in pids has ended (a zombie counts as ended)."""
    if len(pids) < 2:
        return False
    deadline = time.time() + timeout
    while True:
        alive = []
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
        if not alive or time.time() > deadline:
            return not alive
        time.sleep(0.05)


def ctl_id(ctl, label):
    _, body, _ = ctl("list")
    for identity in (body or {}).get("identities", []):
        if identity["label"] == label:
            return identity["id"]
    return None


def export_public_key(ctl, id_, work):
    out = os.path.join(work, f"public-{len(ctl.outputs)}.pem")
    ctl("export", id_, "--format", "pem", "--out", out)
    key = subprocess.run(["openssl", "pkey", "-pubout", "-in", out], capture_output=True,
                         text=True).stdout if os.path.exists(out) else ""
    if os.path.exists(out):
        os.unlink(out)
    return key


if __name__ == "__main__":
    sys.exit(main())

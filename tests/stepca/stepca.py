#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real smallstep step-ca for Mutual's tests: PKI, configuration, process, tokens.

Library and command line. Everything lives in one state folder (--dir):

  stepca.py start --dir D --binary PATH [--default-duration 24h] [--short-duration 2m]
                  [--renew-after-expiry short|admin|both|none] [--db badger|none]
  stepca.py info  --dir D
  stepca.py token --dir D --provisioner NAME --subject CN [--san SAN]...
                  [--not-before DUR] [--ttl DUR] [--iat DUR] [--audience URL]
                  [--issuer ISS] [--kid KID] [--jti JTI] [--forge] [--password PW]
  stepca.py renew-token --dir D --cert PEM --key PEM [--ttl DUR] [--audience URL]
  stepca.py decrypt-jwe --password PW < compact-jwe
  stepca.py stop  --dir D

`start` prints (and keeps in D/state.json) a JSON object with the CA's URL, its root
fingerprint, the paths and the provisioners with their passwords. Durations are Go
durations ("24h", "90s", "1m30s"); relative times take a sign ("-10m", "+5m").

Only Debian packages are used: certtool (gnutls-bin) makes the PKI and
python3-cryptography does the JOSE work. Nothing here is Mutual code: the CA client
that Mutual will have is written separately and tested against this.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

HOST = "127.0.0.1"
ADMIN = "admin@example.test"
SHORT = "short@example.test"
# Chosen here; printed by `start`. A client decrypts the provisioner's encryptedKey
# with the provisioner password, exactly as `step ca token` does.
PASSWORDS = {
    ADMIN: "mutual-admin-provisioner-password",
    SHORT: "mutual-short-provisioner-password",
}
INTERMEDIATE_PASSWORD = "mutual-intermediate-key-password"
RENEW_TOKEN_ISSUER = "step-ca-client/1.0"
# What step's go.step.sm/crypto/jose.EncryptJWK uses.
PBES2_ALG = "PBES2-HS256+A128KW"
JWE_ENC = "A128GCM"
PBES2_ITERATIONS = 100000
PBES2_SALT_SIZE = 16


class StepCAError(Exception):
    pass


# ---------------------------------------------------------------------------------
# Encodings and durations


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    if isinstance(text, str):
        text = text.encode("ascii")
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def compact_json(value):
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text):
    """A Go duration ("24h", "1m30s", "-5m", "0") in seconds, as a float."""
    text = text.strip()
    sign = 1.0
    if text[:1] in "+-":
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:]
    if text == "0":
        return 0.0
    pos = 0
    total = 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos != len(text) or pos == 0:
        raise StepCAError(f"not a duration: {text!r} (write it like 24h, 90s, 1m30s)")
    return sign * total


def parse_time(text, now):
    """An absolute time: a signed duration relative to now, a Unix time or RFC 3339."""
    text = text.strip()
    if re.fullmatch(r"\d{9,}", text):
        return int(text)
    if "T" in text:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return int(value.timestamp())
    return int(now + parse_duration(text))


# ---------------------------------------------------------------------------------
# JOSE: JWK, JWE (PBES2-HS256+A128KW / A128GCM), JWS (ES256)


def ec_public_jwk(public_key, kid=None):
    numbers = public_key.public_numbers()
    jwk = {
        "use": "sig",
        "kty": "EC",
        "kid": kid,
        "crv": "P-256",
        "alg": "ES256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
    if kid is None:
        jwk["kid"] = jwk_thumbprint(jwk)
    return jwk


def ec_private_jwk(private_key):
    jwk = ec_public_jwk(private_key.public_key())
    jwk["d"] = b64url(private_key.private_numbers().private_value.to_bytes(32, "big"))
    return jwk


def jwk_thumbprint(jwk):
    """RFC 7638 SHA-256 thumbprint, the key id step gives JWK provisioners."""
    members = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode())
    return b64url(digest.digest())


def ec_key_from_jwk(jwk):
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise StepCAError("only EC P-256 JWKs are supported")
    x = int.from_bytes(b64url_decode(jwk["x"]), "big")
    y = int.from_bytes(b64url_decode(jwk["y"]), "big")
    public = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1())
    if "d" not in jwk:
        return public.public_key()
    d = int.from_bytes(b64url_decode(jwk["d"]), "big")
    return ec.EllipticCurvePrivateNumbers(d, public).private_key()


def _pbes2_kek(password, salt_input, iterations):
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA256(),
        length=16,
        salt=PBES2_ALG.encode("ascii") + b"\0" + salt_input,
        iterations=iterations,
    )
    return kdf.derive(password)


def jwe_encrypt(payload, password, content_type="jwk+json", iterations=PBES2_ITERATIONS):
    """Compact JWE, as step's EncryptJWK writes it (RFC 7516, RFC 7518 4.8 and 5.3)."""
    if isinstance(password, str):
        password = password.encode("utf-8")
    salt = os.urandom(PBES2_SALT_SIZE)
    header = {
        "alg": PBES2_ALG,
        "cty": content_type,
        "enc": JWE_ENC,
        "p2c": iterations,
        "p2s": b64url(salt),
    }
    protected = b64url(compact_json(header))
    cek = os.urandom(16)
    wrapped = aes_key_wrap(_pbes2_kek(password, salt, iterations), cek)
    iv = os.urandom(12)
    sealed = AESGCM(cek).encrypt(iv, payload, protected.encode("ascii"))
    return ".".join(
        [protected, b64url(wrapped), b64url(iv), b64url(sealed[:-16]), b64url(sealed[-16:])]
    )


def jwe_decrypt(compact, password):
    """Decrypts a compact PBES2-HS256+A128KW / A128GCM JWE. Returns (header, payload)."""
    if isinstance(password, str):
        password = password.encode("utf-8")
    parts = compact.strip().split(".")
    if len(parts) != 5:
        raise StepCAError("not a compact JWE (it needs five dot-separated parts)")
    protected, wrapped, iv, ciphertext, tag = parts
    header = json.loads(b64url_decode(protected))
    if header.get("alg") != PBES2_ALG or header.get("enc") != JWE_ENC:
        raise StepCAError(f"unsupported JWE alg/enc: {header.get('alg')}/{header.get('enc')}")
    iterations = int(header["p2c"])
    if not 1000 <= iterations <= 10_000_000:
        raise StepCAError(f"unreasonable PBES2 iteration count {iterations}")
    kek = _pbes2_kek(password, b64url_decode(header["p2s"]), iterations)
    try:
        cek = aes_key_unwrap(kek, b64url_decode(wrapped))
        payload = AESGCM(cek).decrypt(
            b64url_decode(iv), b64url_decode(ciphertext) + b64url_decode(tag),
            protected.encode("ascii"))
    except Exception as error:  # InvalidUnwrap, InvalidTag
        raise StepCAError("cannot decrypt the JWE: wrong password or damaged data") from error
    return header, payload


def jws_es256(private_key, header, claims):
    signing_input = b64url(compact_json(header)) + "." + b64url(compact_json(claims))
    der = private_key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def jwt_parts(token):
    """Header and claims of a JWS, unverified (for looking at what was sent)."""
    header, claims, _ = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(claims))


# ---------------------------------------------------------------------------------
# PKI with certtool


def _certtool(args, cwd):
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    try:
        result = subprocess.run(["certtool", *args], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except FileNotFoundError:
        raise StepCAError('certtool is missing: install the Debian package "gnutls-bin"')
    if result.returncode != 0:
        raise StepCAError(f"certtool {' '.join(args)} failed:\n{result.stderr}")


def make_pki(pki_dir):
    """Root (10 years) and intermediate (5 years), ECDSA P-256, made with certtool.
    The intermediate's key is written as encrypted PKCS #8 for --password-file."""
    os.makedirs(pki_dir, exist_ok=True)
    os.chmod(pki_dir, 0o700)
    paths = {name: os.path.join(pki_dir, file) for name, file in [
        ("root", "root_ca.crt"), ("root_key", "root_ca.key"),
        ("intermediate", "intermediate_ca.crt"),
        ("intermediate_key", "intermediate_ca.key"),
        ("intermediate_password_file", "intermediate_ca.password"),
    ]}
    # Activation an hour back: certificates that step-ca backdates stay inside.
    start = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1))
    activation = start.strftime("%Y-%m-%d %H:%M:%S")
    templates = {
        "root.tmpl": f'cn = "Mutual Test Root CA"\norganization = "Mutual tests"\n'
                     f'activation_date = "{activation}"\nexpiration_days = 3650\n'
                     'ca\ncert_signing_key\ncrl_signing_key\n',
        "intermediate.tmpl": f'cn = "Mutual Test Intermediate CA"\norganization = "Mutual tests"\n'
                             f'activation_date = "{activation}"\nexpiration_days = 1825\n'
                             'ca\npath_len = 0\ncert_signing_key\ncrl_signing_key\n',
    }
    for name, text in templates.items():
        with open(os.path.join(pki_dir, name), "w") as f:
            f.write(text)
    plain_key = os.path.join(pki_dir, "intermediate_ca.plain.key")
    keygen = ["--generate-privkey", "--key-type", "ecdsa", "--curve", "secp256r1", "--no-text"]
    _certtool(keygen + ["--outfile", paths["root_key"]], pki_dir)
    _certtool(["--generate-self-signed", "--load-privkey", paths["root_key"],
               "--template", "root.tmpl", "--outfile", paths["root"]], pki_dir)
    _certtool(keygen + ["--outfile", plain_key], pki_dir)
    _certtool(["--generate-certificate", "--load-privkey", plain_key,
               "--load-ca-certificate", paths["root"], "--load-ca-privkey", paths["root_key"],
               "--template", "intermediate.tmpl", "--outfile", paths["intermediate"]], pki_dir)
    with open(paths["intermediate_password_file"], "w") as f:
        f.write(INTERMEDIATE_PASSWORD + "\n")
    # Encrypted with openssl, not `certtool --to-p8`: GnuTLS leaves out the NULL
    # parameters of the hmacWithSHA256 AlgorithmIdentifier, and step-ca 0.19 (pemutil)
    # then fails with "asn1: syntax error: sequence truncated".
    try:
        result = subprocess.run(
            ["openssl", "pkcs8", "-topk8", "-in", plain_key, "-v2", "aes-256-cbc",
             "-v2prf", "hmacWithSHA256", "-iter", "100000",
             "-passout", "file:" + paths["intermediate_password_file"],
             "-out", paths["intermediate_key"]],
            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except FileNotFoundError:
        raise StepCAError('openssl is missing: install the Debian package "openssl"')
    if result.returncode != 0:
        raise StepCAError(f"openssl pkcs8 failed:\n{result.stderr}")
    os.unlink(plain_key)
    for path in paths.values():
        os.chmod(path, 0o600)
    return paths


def root_fingerprint(root_path):
    """SHA-256 of the root's DER, lowercase hex: what `step ca bootstrap` takes."""
    with open(root_path, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    return cert.fingerprint(hashes.SHA256()).hex()


# ---------------------------------------------------------------------------------
# Configuration


def _provisioner(name, password, claims):
    key = ec.generate_private_key(ec.SECP256R1())
    private_jwk = ec_private_jwk(key)
    public_jwk = {k: v for k, v in private_jwk.items() if k != "d"}
    return {
        "type": "JWK",
        "name": name,
        "key": public_jwk,
        "encryptedKey": jwe_encrypt(compact_json(private_jwk), password),
        "claims": claims,
    }


def _go_duration(seconds):
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + \
        (f"{secs}s" if secs else "")
    return text or "0s"


def make_config(state_dir, pki, port, default_duration="24h", short_duration="2m",
                renew_after_expiry="short", db="badger"):
    default_s = parse_duration(default_duration)
    short_s = parse_duration(short_duration)
    if short_s < 10:
        raise StepCAError("--short-duration must be at least 10s")
    after_expiry = {
        "short": {SHORT}, "admin": {ADMIN}, "both": {ADMIN, SHORT}, "none": set(),
    }[renew_after_expiry]
    # admin: a realistic 24 h profile, but a minimum of one minute so that a test can ask
    # for a certificate that expires soon (sign request "notAfter") without waiting.
    admin_claims = {
        "minTLSCertDuration": "1m",
        "maxTLSCertDuration": _go_duration(max(default_s, 24 * 3600)),
        "defaultTLSCertDuration": _go_duration(default_s),
        "allowRenewalAfterExpiry": ADMIN in after_expiry,
    }
    # short: certificates of a few minutes (or less), to watch renewal in real time.
    short_claims = {
        "minTLSCertDuration": "10s",
        "maxTLSCertDuration": _go_duration(max(short_s, 600)),
        "defaultTLSCertDuration": _go_duration(short_s),
        "allowRenewalAfterExpiry": SHORT in after_expiry,
    }
    provisioners = [
        _provisioner(ADMIN, PASSWORDS[ADMIN], admin_claims),
        _provisioner(SHORT, PASSWORDS[SHORT], short_claims),
    ]
    config = {
        "root": pki["root"],
        "federatedRoots": None,
        "crt": pki["intermediate"],
        "key": pki["intermediate_key"],
        "address": f"{HOST}:{port}",
        "insecureAddress": "",
        "dnsNames": [HOST, "localhost"],
        "logger": {"format": "json"},
        "db": None,
        "authority": {
            "provisioners": provisioners,
            "backdate": "1m0s",
        },
        "tls": {
            "minVersion": 1.2,
            "maxVersion": 1.3,
            "renegotiation": False,
        },
    }
    if db == "badger":
        config["db"] = {
            "type": "badgerv2",
            "dataSource": os.path.join(state_dir, "db"),
            "badgerFileLoadingMode": "",
        }
    elif db != "none":
        raise StepCAError(f"unknown --db {db!r} (badger or none)")
    else:
        del config["db"]
    return config


def _write_config(path, config):
    with open(path + ".tmp", "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    os.chmod(path + ".tmp", 0o600)
    os.replace(path + ".tmp", path)


# ---------------------------------------------------------------------------------
# Process


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _tls_context(root_path):
    ctx = ssl.create_default_context(cafile=root_path)
    ctx.check_hostname = True
    return ctx


def http_get_json(url, root_path, timeout=5.0):
    with urllib.request.urlopen(url, context=_tls_context(root_path), timeout=timeout) as r:
        return r.status, json.loads(r.read())


def _proc_state(pid):
    """'R', 'S', 'Z' ... from /proc, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def _proc_is_ours(pid, config_path):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except FileNotFoundError:
        return False
    return config_path.encode() in argv


def _alive(pid):
    state = _proc_state(pid)
    return state is not None and state not in ("Z", "X")


def _reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def state_path(state_dir):
    return os.path.join(state_dir, "state.json")


def load_state(state_dir):
    try:
        with open(state_path(state_dir)) as f:
            return json.load(f)
    except FileNotFoundError:
        raise StepCAError(f"no CA state in {state_dir}: run `stepca.py start --dir {state_dir}` first")


def default_binary():
    env = os.environ.get("STEP_CA")
    if env:
        return env
    root = os.environ.get("MUTUAL_BUILD_ROOT")
    if root:
        return os.path.join(root, "tests", "stepca", "step-ca")
    raise StepCAError("say where step-ca is: --binary PATH or STEP_CA=PATH "
                      "(build it with `ninja -C _build tests/stepca/step-ca`)")


def start(state_dir, binary=None, default_duration="24h", short_duration="2m",
          renew_after_expiry="short", db="badger", port=None, startup_timeout=30.0):
    """Makes the PKI and ca.json in state_dir, starts step-ca on 127.0.0.1 and waits
    until GET /health answers {"status":"ok"} over TLS verified against the root."""
    binary = os.path.abspath(binary or default_binary())
    if not os.access(binary, os.X_OK):
        raise StepCAError(f"{binary} is not an executable step-ca; build it with "
                          "`ninja -C _build tests/stepca/step-ca`")
    state_dir = os.path.abspath(state_dir)
    os.makedirs(state_dir, exist_ok=True)
    if os.path.exists(state_path(state_dir)):
        old = load_state(state_dir)
        if _alive(old["pid"]) and _proc_is_ours(old["pid"], old["config"]):
            raise StepCAError(f"a step-ca already runs from {state_dir} (pid {old['pid']})")
    pki = make_pki(os.path.join(state_dir, "pki"))
    steppath = os.path.join(state_dir, "steppath")
    os.makedirs(steppath, exist_ok=True)
    config_path = os.path.join(state_dir, "ca.json")
    log_path = os.path.join(state_dir, "step-ca.log")
    env = dict(os.environ, STEPPATH=steppath, STEPDEBUG="1")
    env.pop("STEP_CA_TOKEN", None)

    attempts = 1 if port else 5
    for attempt in range(attempts):
        chosen = port or free_port()
        config = make_config(state_dir, pki, chosen, default_duration, short_duration,
                             renew_after_expiry, db)
        _write_config(config_path, config)
        log = open(log_path, "ab")
        # Flags before the configuration file: after it, urfave/cli takes them for
        # arguments and step-ca exits 0 without serving.
        argv = [binary, "--password-file", pki["intermediate_password_file"], config_path]
        spawned = time.time()
        proc = subprocess.Popen(argv, cwd=state_dir, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, close_fds=True)
        log.close()
        url = f"https://{HOST}:{chosen}"
        deadline = spawned + startup_timeout
        healthy = None
        while time.time() < deadline:
            if proc.poll() is not None:
                break
            try:
                status, body = http_get_json(url + "/health", pki["root"], timeout=2.0)
                if status == 200 and body == {"status": "ok"}:
                    healthy = time.time()
                    break
            except (ConnectionError, urllib.error.URLError, socket.timeout, OSError):
                pass
            time.sleep(0.01)
        if healthy is not None:
            break
        if proc.poll() is None:
            proc.kill()
            proc.wait()
            raise StepCAError(f"step-ca did not become healthy in {startup_timeout:.0f} s; "
                              f"its log:\n{_tail(log_path)}")
        tail = _tail(log_path)
        if "address already in use" in tail and attempt + 1 < attempts:
            continue
        raise StepCAError(f"step-ca exited with status {proc.returncode} before it was "
                          f"healthy; its log ({log_path}):\n{tail}")

    provisioners = []
    for p in config["authority"]["provisioners"]:
        c = p["claims"]
        provisioners.append({
            "name": p["name"],
            "type": p["type"],
            "kid": p["key"]["kid"],
            "password": PASSWORDS[p["name"]],
            "min_duration": c["minTLSCertDuration"],
            "default_duration": c["defaultTLSCertDuration"],
            "max_duration": c["maxTLSCertDuration"],
            "allow_renewal_after_expiry": c["allowRenewalAfterExpiry"],
        })
    state = {
        "url": url,
        "host": HOST,
        "port": chosen,
        "sign_url": url + "/1.0/sign",
        "renew_url": url + "/1.0/renew",
        "fingerprint": root_fingerprint(pki["root"]),
        "pid": proc.pid,
        "dir": state_dir,
        "config": config_path,
        "log": log_path,
        "steppath": steppath,
        "binary": binary,
        "root": pki["root"],
        "root_key": pki["root_key"],
        "intermediate": pki["intermediate"],
        "intermediate_key": pki["intermediate_key"],
        "intermediate_password_file": pki["intermediate_password_file"],
        "intermediate_password": INTERMEDIATE_PASSWORD,
        "db": db,
        "provisioners": provisioners,
        "spawned_at": spawned,
        "healthy_at": healthy,
        "startup_seconds": round(healthy - spawned, 4),
    }
    with open(state_path(state_dir), "w") as f:
        json.dump(state, f, indent=2)
        f.write("\n")
    return state


def stop(state_dir, grace=10.0):
    """SIGTERM, then SIGKILL after `grace` seconds. Never signals a process that is not
    the step-ca started from this folder (its command line names this ca.json)."""
    state = load_state(state_dir)
    pid = state["pid"]
    if not _alive(pid) or not _proc_is_ours(pid, state["config"]):
        _reap(pid)
        return {"pid": pid, "stopped": True, "signal": None}
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + grace
    while time.time() < deadline:
        _reap(pid)
        if not _alive(pid):
            return {"pid": pid, "stopped": True, "signal": "SIGTERM"}
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    for _ in range(250):
        _reap(pid)
        if not _alive(pid):
            return {"pid": pid, "stopped": True, "signal": "SIGKILL"}
        time.sleep(0.02)
    raise StepCAError(f"step-ca (pid {pid}) survived SIGKILL")


# ---------------------------------------------------------------------------------
# Tokens


def provisioner_config(state_dir, name):
    with open(os.path.join(state_dir, "ca.json")) as f:
        config = json.load(f)
    for p in config["authority"]["provisioners"]:
        if p["name"] == name:
            return p
    names = ", ".join(p["name"] for p in config["authority"]["provisioners"])
    raise StepCAError(f"no provisioner {name!r} (there are: {names})")


def _wait_past_start(state):
    """step-ca refuses tokens whose iat (whole seconds) is before its start instant:
    a token made in the CA's first second must wait for the next one."""
    earliest = int(state["healthy_at"]) + 1
    while time.time() < earliest:
        time.sleep(max(0.0, earliest - time.time()) + 0.005)


def mint_token(state_dir, provisioner, subject, sans=None, not_before="0", ttl="5m",
               iat=None, audience=None, issuer=None, kid=None, jti=None, forge=False,
               password=None):
    """A one-time sign token, exactly as `step ca token` makes one: ES256 JWS with
    header kid = the provisioner's key id, and claims iss = provisioner name, aud =
    https://HOST:PORT/1.0/sign, sub = the CSR's common name, sans = its SANs, jti, nbf,
    exp, iat. The key comes from decrypting the provisioner's encryptedKey."""
    state = load_state(state_dir)
    p = provisioner_config(state_dir, provisioner)
    if password is None:
        password = PASSWORDS[provisioner]
    _, payload = jwe_decrypt(p["encryptedKey"], password)
    jwk = json.loads(payload)
    key = ec.generate_private_key(ec.SECP256R1()) if forge else ec_key_from_jwk(jwk)
    if iat is None:
        _wait_past_start(state)
    now = time.time()
    nbf = parse_time(not_before, now)
    claims = {
        "aud": audience or state["sign_url"],
        "exp": nbf + int(parse_duration(ttl)),
        "iat": parse_time(iat, now) if iat is not None else int(now),
        "iss": issuer or provisioner,
        "jti": jti or secrets.token_hex(32),
        "nbf": nbf,
        "sans": list(sans) if sans else [subject],
        "sub": subject,
    }
    header = {"alg": "ES256", "kid": kid or jwk["kid"], "typ": "JWT"}
    return jws_es256(key, header, claims)


def _load_pem_certs(path):
    with open(path, "rb") as f:
        data = f.read()
    return x509.load_pem_x509_certificates(data) if hasattr(
        x509, "load_pem_x509_certificates") else [
        x509.load_pem_x509_certificate(b"-----BEGIN CERTIFICATE-----" + block)
        for block in data.split(b"-----BEGIN CERTIFICATE-----")[1:]]


def mint_renew_token(state_dir, cert_path, key_path, ttl="5m", audience=None,
                     issuer=RENEW_TOKEN_ISSUER, not_before="0"):
    """The token that renews a certificate without mutual TLS, also after it expired
    (POST /1.0/renew with "Authorization: Bearer TOKEN"): ES256 signed by the
    certificate's key, header x5cInsecure = [leaf, intermediate] (base64 DER), sub = the
    certificate's CN, aud = https://HOST:PORT/1.0/renew, iss = step-ca-client/1.0."""
    state = load_state(state_dir)
    chain = _load_pem_certs(cert_path)
    if len(chain) == 1:
        chain += _load_pem_certs(state["intermediate"])
    with open(key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    _wait_past_start(state)
    cn = chain[0].subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    now = int(time.time())
    nbf = parse_time(not_before, now)
    claims = {
        "aud": audience or state["renew_url"],
        "exp": nbf + int(parse_duration(ttl)),
        "iat": now,
        "iss": issuer,
        "jti": secrets.token_hex(32),
        "nbf": nbf,
        "sub": cn,
    }
    header = {
        "alg": "ES256",
        "typ": "JWT",
        "x5cInsecure": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                        for c in chain],
    }
    return jws_es256(key, header, claims)


# ---------------------------------------------------------------------------------
# Command line


def _cmd_start(a):
    state = start(a.dir, a.binary, a.default_duration, a.short_duration,
                  a.renew_after_expiry, a.db, a.port)
    print(json.dumps(state, indent=2))


def _cmd_stop(a):
    print(json.dumps(stop(a.dir)))


def _cmd_info(a):
    state = load_state(a.dir)
    state["running"] = _alive(state["pid"]) and _proc_is_ours(state["pid"], state["config"])
    print(json.dumps(state, indent=2))


def _cmd_token(a):
    print(mint_token(a.dir, a.provisioner, a.subject, a.san, a.not_before, a.ttl, a.iat,
                     a.audience, a.issuer, a.kid, a.jti, a.forge, a.password))


def _cmd_renew_token(a):
    print(mint_renew_token(a.dir, a.cert, a.key, a.ttl, a.audience, a.issuer, a.not_before))


def _cmd_decrypt_jwe(a):
    compact = a.jwe if a.jwe else sys.stdin.read()
    password = a.password
    if a.password_file:
        with open(a.password_file) as f:
            password = f.read().rstrip("\r\n")
    if password is None:
        raise StepCAError("give --password or --password-file")
    header, payload = jwe_decrypt(compact, password)
    sys.stdout.write(payload.decode("utf-8") + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="stepca.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("start", help="make the PKI and ca.json, start step-ca, wait for /health")
    p.add_argument("--dir", required=True)
    p.add_argument("--binary", help="step-ca (default: $STEP_CA, or the build's)")
    p.add_argument("--default-duration", default="24h",
                   help="default certificate lifetime of admin@example.test")
    p.add_argument("--short-duration", default="2m",
                   help="default certificate lifetime of short@example.test")
    p.add_argument("--renew-after-expiry", default="short",
                   choices=["short", "admin", "both", "none"],
                   help="which provisioner gets allowRenewalAfterExpiry")
    p.add_argument("--db", default="badger", choices=["badger", "none"])
    p.add_argument("--port", type=int, help="default: a free port")
    p.set_defaults(func=_cmd_start)

    p = sub.add_parser("stop", help="stop the step-ca of this folder")
    p.add_argument("--dir", required=True)
    p.set_defaults(func=_cmd_stop)

    p = sub.add_parser("info", help="print the state of the CA of this folder")
    p.add_argument("--dir", required=True)
    p.set_defaults(func=_cmd_info)

    p = sub.add_parser("token", help="mint a one-time sign token (JWK provisioner)")
    p.add_argument("--dir", required=True)
    p.add_argument("--provisioner", default=ADMIN)
    p.add_argument("--subject", required=True, help="the CSR's common name")
    p.add_argument("--san", action="append", help="a SAN of the CSR (repeat); default: the subject")
    p.add_argument("--not-before", default="0", help="nbf: relative (-10m, +5m), Unix or RFC 3339")
    p.add_argument("--ttl", default="5m", help="exp - nbf")
    p.add_argument("--iat", help="iat, like --not-before (default: now, after the CA's start)")
    p.add_argument("--audience", help="aud (default: URL/1.0/sign)")
    p.add_argument("--issuer", help="iss (default: the provisioner's name)")
    p.add_argument("--kid", help="header kid (default: the provisioner's key id)")
    p.add_argument("--jti")
    p.add_argument("--forge", action="store_true", help="sign with a random key instead")
    p.add_argument("--password", help="provisioner password (default: the one chosen)")
    p.set_defaults(func=_cmd_token)

    p = sub.add_parser("renew-token", help="mint an x5cInsecure renew token for a certificate")
    p.add_argument("--dir", required=True)
    p.add_argument("--cert", required=True, help="PEM: the leaf (and its chain)")
    p.add_argument("--key", required=True, help="PEM: its private key, unencrypted")
    p.add_argument("--ttl", default="5m")
    p.add_argument("--not-before", default="0")
    p.add_argument("--audience")
    p.add_argument("--issuer", default=RENEW_TOKEN_ISSUER)
    p.set_defaults(func=_cmd_renew_token)

    p = sub.add_parser("decrypt-jwe", help="decrypt a PBES2 compact JWE (stdin or --jwe)")
    p.add_argument("--jwe")
    p.add_argument("--password")
    p.add_argument("--password-file")
    p.set_defaults(func=_cmd_decrypt_jwe)

    args = parser.parse_args(argv)
    try:
        args.func(args)
    except StepCAError as error:
        print(f"stepca.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-inspect.py MUTUALCTL SCHEMA
# Environment: MUTUAL_FIXTURES, the fixture PKI made by tests/fixtures/generate.sh.
#
# Cross-checks `mutualctl inspect --json` against the reference tools. For every
# certificate, private key and certificate request of the fixture PKI, each value that
# mutualctl decodes is compared with what openssl (package openssl) and certtool
# (package gnutls-bin) print about the same file, parsed from their text output.
# Nothing is compared with a stored copy of mutualctl's own output: a value that
# mutualctl gets wrong differs from at least one reference tool, and the test fails
# with the file, the field, mutualctl's value and the reference value.
#
# Every JSON document mutualctl writes is also validated against SCHEMA
# (data/json/mutualctl-inspect-1.schema.json), including those of --fields summary,
# of --chain --trust and of inputs that fail to parse.
#
# Output: TAP. Test points are numbered as they run and the plan comes last; the exit
# status is 0 unless the test cannot run at all ("Bail out!", 99).

import base64
import datetime
import hashlib
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

try:
    import jsonschema
except ImportError:
    print("Bail out! python3-jsonschema is not installed; install the Debian package "
          "python3-jsonschema")
    sys.exit(99)

SECRET = "challenge-secret"
PASSWORD = "fixture-pass"

# Files that hold no certificate, or hold one that no tool can read (they are checked
# as failing inputs below).
NOT_CERTIFICATE_FILES = {"empty.pem", "bad-base64.pem", "only-key.pem"}
EMPTY_PASSWORD_P12 = {"nopass.p12", "empty-password.p12"}


# TAP

class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0
        self.assertions = 0

    def point(self, ok, description, diagnostics=()):
        self.count += 1
        if not ok:
            self.failed += 1
        # A "#" would start a TAP directive: the description would end there.
        description = description.replace("#", "%23")
        print(f"{'ok' if ok else 'not ok'} {self.count} - {description}")
        for line in diagnostics:
            for part in str(line).splitlines() or [""]:
                print(f"#   {part}")
        sys.stdout.flush()

    def check(self, description, where):
        return Check(self, description, where)

    def finish(self):
        print(f"# {self.assertions} assertions in {self.count} test points, "
              f"{self.failed} failed")
        print(f"1..{self.count}")


def show(value):
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes):
        return value.hex()
    return repr(value)


class Check:
    """One test point: any number of comparisons, reported together. An exception in
    the body (a reference tool failing, a member missing) fails the point and says why,
    instead of ending the whole run."""

    def __init__(self, tap, description, where):
        self.tap = tap
        self.description = description
        self.where = where
        self.problems = []

    def __enter__(self):
        return self

    def __exit__(self, kind, value, trace):
        if kind is not None:
            if issubclass(kind, ToolError):
                self.problems.append(["reference tool failed: " + str(value)])
            else:
                here = [f for f in traceback.extract_tb(trace) if f.filename == __file__]
                self.problems.append([f"exception {kind.__name__}: {value}",
                                      f"(check-inspect.py line {here[-1].lineno})"])
        lines = []
        for problem in self.problems:
            lines += problem
        self.tap.point(not self.problems, self.description, lines)
        return True

    def equal(self, field, ours, source, theirs):
        """Compares mutualctl's value with the reference value, named by its source."""
        self.tap.assertions += 1
        if ours != theirs:
            self.problems.append([f"file:      {self.where}",
                                  f"field:     {field}",
                                  f"mutualctl: {show(ours)}",
                                  f"{source + ':':<10} {show(theirs)}"])

    def true(self, field, condition, message):
        self.tap.assertions += 1
        if not condition:
            self.problems.append([f"file:      {self.where}",
                                  f"field:     {field}",
                                  message])


# Running programs

class ToolError(Exception):
    pass


# mutualctl runs in the test's hardened environment (malloc checks, fatal GLib
# warnings), in English so that its text values can be compared. The reference tools
# are not under test: they run without the malloc checks, which only slow them down.
MUTUAL_ENV = dict(os.environ, LC_ALL="C.UTF-8", TZ="UTC")
MUTUAL_ENV.pop("LANGUAGE", None)
TOOL_ENV = {k: v for k, v in MUTUAL_ENV.items() if not k.startswith("MALLOC_")}


def run(argv, data=None):
    return subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=TOOL_ENV, stdin=None if data is not None else subprocess.DEVNULL)


def tool(argv, data=None, binary=False):
    """Runs a reference tool and returns its standard output; fails if the tool does."""
    result = run(argv, data)
    if result.returncode != 0:
        raise ToolError(f"{' '.join(argv)} exited with {result.returncode}: "
                        f"{result.stderr.decode(errors='replace').strip()[:500]}")
    return result.stdout if binary else result.stdout.decode()


# Parsing helpers

class Node:
    def __init__(self, text, depth):
        self.text = text
        self.depth = depth
        self.children = []

    def child(self, prefix):
        for node in self.children:
            if node.text.startswith(prefix):
                return node
        return None

    def children_with(self, prefix):
        return [node for node in self.children if node.text.startswith(prefix)]

    def value(self, prefix):
        node = self.child(prefix)
        return None if node is None else node.text[len(prefix):].strip()

    def all_text(self):
        return [self.text] + [text for node in self.children for text in node.all_text()]


def indent_tree(text, indent_char, stop=None):
    """Turns indented text into a tree: certtool indents with tabs, openssl with
    spaces. Only leading indentation counts ("Curve:\tSECP256R1" is one line)."""
    root = Node("", -1)
    stack = [root]
    for line in text.splitlines():
        if stop is not None and line.startswith(stop):
            break
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip(indent_char))
        node = Node(line.strip(), depth)
        while stack[-1].depth >= depth:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)
    return root


def parse_dn(text):
    """Parses an RFC 4514/2253 string into RDNs (as printed) of (type, value) pairs,
    undoing backslash escapes (\\, and \\XX hex bytes of UTF-8)."""
    rdns = [[]]
    i = 0
    n = len(text)
    if not text:
        return []
    while i < n:
        equals = text.index("=", i)
        attribute_type = text[i:equals].strip()
        i = equals + 1
        value = bytearray()
        while i < n and text[i] not in ",+":
            if text[i] == "\\":
                if re.match(r"[0-9A-Fa-f]{2}", text[i + 1:i + 3]):
                    value.append(int(text[i + 1:i + 3], 16))
                    i += 3
                else:
                    value += text[i + 1].encode()
                    i += 2
            else:
                value += text[i].encode()
                i += 1
        rdns[-1].append((attribute_type, value.decode()))
        if i < n:
            if text[i] == ",":
                rdns.append([])
            i += 1
    return rdns


def colon_hex(data):
    return ":".join(f"{b:02X}" for b in data)


def plain_hex(text):
    """Normalises hex in any of the tools' forms (colons, case, line breaks)."""
    return re.sub(r"[^0-9a-f]", "", text.lower())


def normal_ip(text):
    if "/" in text:
        address, mask = text.split("/", 1)
        return ipaddress.ip_network(f"{address}/{mask}", strict=False).with_prefixlen
    return ipaddress.ip_address(text).compressed


def utc(text, formats):
    text = " ".join(text.split())
    for form in formats:
        try:
            return datetime.datetime.strptime(text, form).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            pass
    raise ValueError(f"cannot parse the date {text!r}")


def iso(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


# Names the reference tools print, mapped to OIDs. A name missing here fails the
# comparison that needs it (as "unmapped"), so the tables grow with the fixtures.

OPENSSL_EXTENSIONS = {
    "X509v3 Subject Alternative Name": "2.5.29.17",
    "X509v3 Issuer Alternative Name": "2.5.29.18",
    "X509v3 Key Usage": "2.5.29.15",
    "X509v3 Extended Key Usage": "2.5.29.37",
    "X509v3 Basic Constraints": "2.5.29.19",
    "X509v3 Subject Key Identifier": "2.5.29.14",
    "X509v3 Authority Key Identifier": "2.5.29.35",
    "Authority Information Access": "1.3.6.1.5.5.7.1.1",
    "Subject Information Access": "1.3.6.1.5.5.7.1.11",
    "X509v3 CRL Distribution Points": "2.5.29.31",
    "X509v3 Freshest CRL": "2.5.29.46",
    "X509v3 Certificate Policies": "2.5.29.32",
    "X509v3 Name Constraints": "2.5.29.30",
    "X509v3 Policy Constraints": "2.5.29.36",
    "X509v3 Policy Mappings": "2.5.29.33",
    "X509v3 Inhibit Any Policy": "2.5.29.54",
    "X509v3 Private Key Usage Period": "2.5.29.16",
    "TLS Feature": "1.3.6.1.5.5.7.1.24",
    "CT Precertificate SCTs": "1.3.6.1.4.1.11129.2.4.2",
    "CT Precertificate Poison": "1.3.6.1.4.1.11129.2.4.3",
    "Netscape Cert Type": "2.16.840.1.113730.1.1",
    "Netscape Comment": "2.16.840.1.113730.1.13",
}

CERTTOOL_EXTENSIONS = {
    "Subject Alternative Name": "2.5.29.17",
    "Issuer Alternative Name": "2.5.29.18",
    "Key Usage": "2.5.29.15",
    "Key Purpose": "2.5.29.37",
    "Basic Constraints": "2.5.29.19",
    "Subject Key Identifier": "2.5.29.14",
    "Authority Key Identifier": "2.5.29.35",
    "Authority Information Access": "1.3.6.1.5.5.7.1.1",
    "Subject Information Access": "1.3.6.1.5.5.7.1.11",
    "CRL Distribution points": "2.5.29.31",
    "Certificate Policies": "2.5.29.32",
    "Name Constraints": "2.5.29.30",
    "Inhibit anyPolicy": "2.5.29.54",
    "Private Key Usage Period": "2.5.29.16",
    "TLS Features": "1.3.6.1.5.5.7.1.24",
    "CT Precertificate SCTs": "1.3.6.1.4.1.11129.2.4.2",
}

OPENSSL_PURPOSES = {
    "TLS Web Server Authentication": "1.3.6.1.5.5.7.3.1",
    "TLS Web Client Authentication": "1.3.6.1.5.5.7.3.2",
    "Code Signing": "1.3.6.1.5.5.7.3.3",
    "E-mail Protection": "1.3.6.1.5.5.7.3.4",
    "Time Stamping": "1.3.6.1.5.5.7.3.8",
    "OCSP Signing": "1.3.6.1.5.5.7.3.9",
    "Any Extended Key Usage": "2.5.29.37.0",
}

CERTTOOL_PURPOSES = {
    "TLS WWW Server": "1.3.6.1.5.5.7.3.1",
    "TLS WWW Client": "1.3.6.1.5.5.7.3.2",
    "Code signing": "1.3.6.1.5.5.7.3.3",
    "Email protection": "1.3.6.1.5.5.7.3.4",
    "Time stamping": "1.3.6.1.5.5.7.3.8",
    "OCSP signing": "1.3.6.1.5.5.7.3.9",
    "Any purpose": "2.5.29.37.0",
}

# The RFC 5280 / IANA short names of key purposes, as scripts use them.
PURPOSE_SHORT_NAMES = {
    "serverAuth": "1.3.6.1.5.5.7.3.1",
    "clientAuth": "1.3.6.1.5.5.7.3.2",
    "codeSigning": "1.3.6.1.5.5.7.3.3",
    "emailProtection": "1.3.6.1.5.5.7.3.4",
    "timeStamping": "1.3.6.1.5.5.7.3.8",
    "OCSPSigning": "1.3.6.1.5.5.7.3.9",
    "anyExtendedKeyUsage": "2.5.29.37.0",
}

KEY_USAGE_BITS = ["digitalSignature", "contentCommitment", "keyEncipherment",
                  "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign",
                  "encipherOnly", "decipherOnly"]

OPENSSL_KEY_USAGE = {
    "Digital Signature": "digitalSignature", "Non Repudiation": "contentCommitment",
    "Key Encipherment": "keyEncipherment", "Data Encipherment": "dataEncipherment",
    "Key Agreement": "keyAgreement", "Certificate Sign": "keyCertSign",
    "CRL Sign": "cRLSign", "Encipher Only": "encipherOnly", "Decipher Only": "decipherOnly",
}

CERTTOOL_KEY_USAGE = {
    "Digital signature": "digitalSignature", "Non repudiation": "contentCommitment",
    "Key encipherment": "keyEncipherment", "Data encipherment": "dataEncipherment",
    "Key agreement": "keyAgreement", "Certificate signing": "keyCertSign",
    "CRL signing": "cRLSign", "Key encipher only": "encipherOnly",
    "Key decipher only": "decipherOnly",
}

# mutualctl's English labels (the test runs it with LC_ALL=C.UTF-8).
MUTUAL_KEY_USAGE = {
    "Digital signature": "digitalSignature",
    "Content commitment (non-repudiation)": "contentCommitment",
    "Key encipherment": "keyEncipherment", "Data encipherment": "dataEncipherment",
    "Key agreement": "keyAgreement", "Certificate signing": "keyCertSign",
    "CRL signing": "cRLSign", "Encipher only": "encipherOnly", "Decipher only": "decipherOnly",
}

CERTTOOL_ATTRIBUTES = {
    "CN": "2.5.4.3", "C": "2.5.4.6", "L": "2.5.4.7", "ST": "2.5.4.8", "O": "2.5.4.10",
    "OU": "2.5.4.11", "UID": "0.9.2342.19200300.100.1.1", "DC": "0.9.2342.19200300.100.1.25",
    "EMAIL": "1.2.840.113549.1.9.1", "serialNumber": "2.5.4.5", "title": "2.5.4.12",
}

# Signature algorithms in GnuTLS's names (which certtool prints too).
OPENSSL_SIGNATURES = {
    "sha256WithRSAEncryption": "RSA-SHA256", "sha384WithRSAEncryption": "RSA-SHA384",
    "sha512WithRSAEncryption": "RSA-SHA512", "sha1WithRSAEncryption": "RSA-SHA1",
    "ecdsa-with-SHA256": "ECDSA-SHA256", "ecdsa-with-SHA384": "ECDSA-SHA384",
    "ecdsa-with-SHA512": "ECDSA-SHA512", "ecdsa-with-SHA1": "ECDSA-SHA1",
    "ED25519": "EdDSA-Ed25519", "ED448": "EdDSA-Ed448",
}

OPENSSL_KEY_FAMILIES = {
    "rsaEncryption": "RSA", "rsassaPss": "RSA-PSS", "id-ecPublicKey": "EC",
    "ED25519": "Ed25519", "ED448": "Ed448", "dsaEncryption": "DSA",
}
MUTUAL_KEY_FAMILIES = {
    "RSA": "RSA", "RSA-PSS": "RSA-PSS", "EC/ECDSA": "EC", "EdDSA (Ed25519)": "Ed25519",
    "EdDSA (Ed448)": "Ed448", "DSA": "DSA",
}
OPENSSL_CURVES = {"prime256v1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
CERTTOOL_CURVES = {"SECP256R1": "P-256", "SECP384R1": "P-384", "SECP521R1": "P-521",
                   "Ed25519": "Ed25519", "Ed448": "Ed448"}

ACCESS_METHODS = {"ocsp": "1.3.6.1.5.5.7.48.1", "caIssuers": "1.3.6.1.5.5.7.48.2",
                  "timeStamping": "1.3.6.1.5.5.7.48.3", "caRepository": "1.3.6.1.5.5.7.48.5"}
OPENSSL_ACCESS_METHODS = {"OCSP": "1.3.6.1.5.5.7.48.1", "CA Issuers": "1.3.6.1.5.5.7.48.2"}

OID_RE = re.compile(r"^[0-2](\.[0-9]+)+$")
UPN_OID = "1.3.6.1.4.1.311.20.2.3"


def mapped(table, name, what):
    if OID_RE.match(name):
        return name
    if name not in table:
        raise KeyError(f"the {what} name {name!r} is not in this test's table; add it")
    return table[name]


def oid_in_value(value):
    """mutualctl writes known OIDs as "Title (OID)" and others bare."""
    match = re.search(r"\(([0-2](?:\.[0-9]+)+)\)$", value)
    return match.group(1) if match else value


def openssl_render(data):
    """How openssl -text prints an extension it does not know: its bytes as text,
    anything unprintable as a dot."""
    return "".join(chr(b) if 32 <= b <= 126 else "." for b in data)


# The reference description of one certificate, from openssl and certtool

class CertificateReference:
    def __init__(self, pem, path):
        self.pem = pem
        self.path = path
        with open(path, "w") as f:
            f.write(pem)
        # The input itself, to compare mutualctl's re-encoding with.
        self.der = base64.b64decode("".join(pem.strip().splitlines()[1:-1]))
        x509 = ["openssl", "x509", "-in", path, "-noout"]

        # Each openssl run costs tens of milliseconds (configuration and providers):
        # two runs say everything. The first prints "name=value" lines, then the
        # subjectAltName extension as -ext shows it, then the public key as PEM.
        basic = tool(x509 + ["-serial", "-startdate", "-enddate", "-subject", "-issuer",
                             "-nameopt", "RFC2253,-esc_msb,-sname,oid",
                             "-fingerprint", "-sha256", "-ext", "subjectAltName", "-pubkey"])
        public = re.search(r"-----BEGIN PUBLIC KEY-----\n(.*?)-----END PUBLIC KEY-----", basic, re.S)
        if public is None:
            raise ToolError("openssl x509 -pubkey printed no public key")
        self.o_spki_sha256 = hashlib.sha256(base64.b64decode(public.group(1))).digest()
        basic = basic[:public.start()]
        san = re.search(r"^X509v3 Subject Alternative Name:.*?\n((?:[ \t].*\n?)*)", basic, re.M)
        self.o_san = san.group(1) if san else ""
        basic = basic[:san.start()] if san else basic
        self.o_basic = {}
        for line in basic.splitlines():
            key, _, value = line.partition("=")
            self.o_basic[key.lower()] = value.strip()
        self.o_text = tool(x509 + ["-text", "-nameopt", "RFC2253,-esc_msb",
                                   "-fingerprint", "-sha1"])
        self.o_sha1 = re.search(r"^sha1 Fingerprint=(.*)$", self.o_text, re.M | re.I).group(1).strip()
        self.o_tree = indent_tree(self.o_text, " ")

        self.c_text = tool(["certtool", "-i", "--infile", path])
        self.c_tree = indent_tree(self.c_text, "\t", stop="-----BEGIN")
        self.c_info = self.c_tree.child("X.509 Certificate Information:")
        self.c_other = self.c_tree.child("Other Information:")
        if self.c_info is None or self.c_other is None:
            raise ToolError("certtool -i printed no certificate information")

    # openssl -text sections
    def o_section(self, *path):
        node = self.o_tree
        for prefix in path:
            node = node.child(prefix) if node is not None else None
        return node

    def o_extensions(self):
        """[(oid, critical, node)] in certificate order, from openssl -text."""
        node = self.o_section("Certificate:", "Data:", "X509v3 extensions:")
        return openssl_extensions(node)

    def c_extensions(self):
        return certtool_extensions(self.c_info.child("Extensions:"))


def openssl_extensions(node):
    result = []
    for child in node.children if node is not None else []:
        match = re.match(r"^(.*?):( critical)?$", child.text)
        if match is None:
            raise ValueError(f"unexpected openssl extension line {child.text!r}")
        result.append((mapped(OPENSSL_EXTENSIONS, match.group(1), "openssl extension"),
                       match.group(2) is not None, child))
    return result


def certtool_extensions(node):
    result = []
    for child in node.children if node is not None else []:
        match = re.match(r"^(.*?) \((critical|not critical)\):$", child.text)
        if match is None:
            raise ValueError(f"unexpected certtool extension line {child.text!r}")
        name = match.group(1)
        unknown = re.match(r"^Unknown extension ([0-9.]+)$", name)
        oid = unknown.group(1) if unknown else mapped(CERTTOOL_EXTENSIONS, name,
                                                       "certtool extension")
        result.append((oid, match.group(2) == "critical", child))
    return result


def rdns_from_openssl_oid_form(text):
    # OpenSSL's RFC 2253 form reverses every attribute, so reversing the flat list
    # gives the DER order back, multi-valued RDNs included.
    return [[(t, v) for t, v in reversed(rdn)] for rdn in reversed(parse_dn(text))]


def rdns_from_certtool(text):
    # GnuTLS reverses the RDNs but keeps the attributes of one RDN in DER order.
    return [[(mapped(CERTTOOL_ATTRIBUTES, t, "certtool attribute"), v) for t, v in rdn]
            for rdn in reversed(parse_dn(text))]


def display_name(rdns, dn):
    """The name mutualctl's documentation promises: the last CN, else the first O,
    else the first attribute, else the whole name."""
    flat = [ava for rdn in rdns for ava in rdn]
    cns = [value for oid, value in flat if oid == "2.5.4.3"]
    if cns:
        return cns[-1]
    organisations = [value for oid, value in flat if oid == "2.5.4.10"]
    if organisations:
        return organisations[0]
    return flat[0][1] if flat else dn


# Extension values in a comparable form, one function per tool

def mutual_general_names(fields, prefix=""):
    names = []
    for field in fields:
        kind = field["id"][len(prefix):]
        value = field["value"]
        if kind == "ip":
            names.append(("IP", normal_ip(value)))
        elif kind == "otherName":
            match = re.match(r"^(.*) \(([0-9.]+)\)$", value) or re.match(r"^([0-9.]+): (.*)$", value)
            if match and OID_RE.match(match.group(2)):
                names.append(("otherName", match.group(2), match.group(1)))
            elif match:
                names.append(("otherName", match.group(1), match.group(2)))
            else:
                names.append(("otherName", value))
        else:
            names.append(({"dns": "DNS", "email": "email", "uri": "URI",
                           "directoryName": "DirName"}.get(kind, kind), value))
    return names


def openssl_general_name(entry):
    kind, _, value = entry.partition(":")
    kind = kind.strip()
    if kind == "IP Address" or kind == "IP":
        return ("IP", normal_ip(value))
    if kind == "othername":
        value = value.strip()
        if value.startswith("UPN::"):
            return ("otherName", UPN_OID, value[5:])
        return ("otherName", value)
    return (kind, value)


def openssl_general_names(text):
    entries = re.split(r", (?=(?:DNS|email|URI|IP Address|othername|DirName|Registered ID):)",
                       text.strip())
    return [openssl_general_name(entry) for entry in entries if entry]


CERTTOOL_NAME_KINDS = {"DNSname": "DNS", "RFC822Name": "email", "URI": "URI",
                       "IPAddress": "IP", "directoryName": "DirName"}


def certtool_general_name(text):
    kind, _, value = text.partition(": ")
    if kind == "User Principal Name":
        return ("otherName", UPN_OID, value)
    kind = CERTTOOL_NAME_KINDS.get(kind, kind)
    if kind == "IP":
        value = normal_ip(value)
    return (kind, value)


def mutual_fields(extension):
    return [] if extension is None else extension["fields"]


def mutual_purposes_from_fields(extension):
    return [oid_in_value(f["value"]) for f in extension["fields"] if f["id"] == "purpose"]


def mutual_key_usage(extension):
    # The field ids are the bits' RFC 5280 names; the values are for people.
    bits = [f["id"] for f in extension["fields"] if f["id"] in KEY_USAGE_BITS]
    for f in extension["fields"]:
        if f["id"] in KEY_USAGE_BITS and mapped(MUTUAL_KEY_USAGE, f["value"], "mutualctl key usage") != f["id"]:
            raise KeyError(f"key usage field {f['id']!r} is labelled {f['value']!r}")
    return bits


def in_bit_order(bits):
    return sorted(bits, key=KEY_USAGE_BITS.index)


def openssl_basic_constraints(node):
    if node is None:
        return None
    text = " ".join(node.all_text()[1:])
    ca = "CA:TRUE" in text
    match = re.search(r"pathlen:(\d+)", text)
    return (ca, int(match.group(1)) if match else None)


def certtool_basic_constraints(node):
    if node is None:
        return None
    ca = node.value("Certificate Authority (CA):") == "TRUE"
    pathlen = node.value("Path Length Constraint:")
    return (ca, int(pathlen) if pathlen is not None else None)


def mutual_basic_constraints(extension):
    if extension is None:
        return None
    fields = {f["id"]: f["value"] for f in extension["fields"]}
    ca = {"Yes": True, "No": False}[fields["ca"]]
    pathlen = fields.get("pathlen")
    return (ca, None if pathlen in (None, "Unlimited") else int(pathlen))


def mutual_policies(extension):
    result = []
    for field in extension["fields"]:
        if field["id"] == "policy":
            result.append(("policy", oid_in_value(field["value"])))
        else:
            result.append((field["id"], field["value"]))
    return result


def openssl_policies(node):
    result = []
    for policy in node.children:
        if policy.text.startswith("Policy:"):
            result.append(("policy", policy.text[len("Policy:"):].strip()))
        for qualifier in policy.children:
            if qualifier.text.startswith("CPS:"):
                result.append(("cps", qualifier.text[len("CPS:"):].strip()))
            elif qualifier.text.startswith("User Notice:"):
                text = qualifier.value("Explicit Text:")
                if text is not None:
                    result.append(("notice", text))
    return result


def certtool_policies(node):
    result = []
    for policy in node.children:
        result.append(("policy", policy.text.split(" ", 1)[0]))
        for qualifier in policy.children:
            if qualifier.text.startswith("Note:"):
                result.append(("notice", qualifier.text[len("Note:"):].strip()))
            elif qualifier.text.startswith("URI:"):
                result.append(("cps", qualifier.text[len("URI:"):].strip()))
    return result


def mutual_name_constraints(extension):
    result = []
    for field in extension["fields"]:
        which, kind = field["id"].split(".", 1)
        kind = {"dns": "DNS", "email": "email", "uri": "URI", "ip": "IP"}.get(kind, kind)
        value = normal_ip(field["value"]) if kind == "IP" else field["value"]
        result.append((which, kind, value))
    return result


def openssl_name_constraints(node):
    result = []
    for group in node.children:
        which = {"Permitted:": "permitted", "Excluded:": "excluded"}[group.text]
        for entry in group.children:
            kind, _, value = entry.text.partition(":")
            if kind == "IP":
                value = normal_ip(value)
            result.append((which, kind, value))
    return result


def certtool_name_constraints(node):
    result = []
    for group in node.children:
        which = {"Permitted:": "permitted", "Excluded:": "excluded"}[group.text]
        for entry in group.children:
            name = certtool_general_name(entry.text)
            result.append((which,) + name)
    return result


def mutual_tls_features(extension):
    result = []
    for field in extension["fields"]:
        value = field["value"]
        if value.startswith("status_request_v2"):
            result.append(17)
        elif value.startswith("status_request"):
            result.append(5)
        else:
            result.append(int(re.search(r"(\d+)$", value).group(1)))
    return result


def mutual_scts(extension):
    result = []
    for field in extension["fields"]:
        match = re.match(r"^Log ([0-9A-F:]+), v(\d+), (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC, (.*)$",
                         field["value"])
        if match is None:
            raise ValueError(f"unexpected SCT field {field['value']!r}")
        result.append({"log_id": plain_hex(match.group(1)), "version": int(match.group(2)),
                       "timestamp": utc(match.group(3), ["%Y-%m-%d %H:%M:%S"]),
                       "algorithm": match.group(4)})
    return result


def openssl_scts(node):
    result = []
    for sct in node.children_with("Signed Certificate Timestamp:"):
        values = {}
        for item in sct.children:
            key, _, value = item.text.partition(":")
            values[key.strip()] = " ".join([value.strip()] + [c.text for c in item.children])
        timestamp = re.sub(r"\.\d+", "", values["Timestamp"])
        result.append({"log_id": plain_hex(values["Log ID"]),
                       "version": int(re.match(r"v(\d+)", values["Version"]).group(1)),
                       "timestamp": utc(timestamp, ["%b %d %H:%M:%S %Y GMT"]),
                       "algorithm": mapped(OPENSSL_SIGNATURES, values["Signature"].split()[0],
                                           "openssl signature")})
    return result


def certtool_scts(node):
    result = []
    for sct in node.children_with("Signed Certificate Timestamp"):
        result.append({"log_id": plain_hex(sct.value("Log ID:")),
                       "version": int(sct.value("Version:")),
                       "timestamp": utc(sct.value("Time:"), ["%a, %b %d %H:%M:%S UTC %Y"]),
                       "algorithm": sct.value("Signature algorithm:")})
    return result


# Inputs

class Fixtures:
    def __init__(self, directory, work):
        self.directory = directory
        self.work = work
        self.password_file = os.path.join(work, "password")
        self.empty_password_file = os.path.join(work, "password-empty")
        with open(self.password_file, "w") as f:
            f.write(PASSWORD + "\n")
        with open(self.empty_password_file, "w") as f:
            f.write("\n")
        self.names = sorted(os.listdir(directory))
        self.cache = {}
        self.pem_cache = {}
        self.counter = 0

    def path(self, name):
        return os.path.join(self.directory, name)

    def password_for(self, name):
        return self.empty_password_file if name in EMPTY_PASSWORD_P12 else self.password_file

    def certificate_inputs(self):
        names = [n for n in self.names if n.endswith(".pem") and n not in NOT_CERTIFICATE_FILES
                 and not n.startswith("key-")]
        names += [n for n in self.names if n.endswith(".der") and not n.startswith("key-")
                  and n != "truncated.der"]
        names += [n for n in self.names if n.endswith(".p7b") or n.endswith(".p12")]
        return names

    def key_inputs(self):
        return [n for n in self.names if n.endswith(".key") or
                (n.startswith("key-") and (n.endswith(".pem") or n.endswith(".der"))) or
                n == "only-key.pem"]

    def request_inputs(self):
        return [n for n in self.names if n.endswith(".csr")]

    def reference_pems(self, name):
        """The certificates of a fixture file as PEM, extracted by openssl alone (the
        PEM blocks of a text file are cut out as they are)."""
        if name not in self.pem_cache:
            self.pem_cache[name] = self.extract_pems(name)
        return self.pem_cache[name]

    def extract_pems(self, name):
        path = self.path(name)
        if name.endswith(".p12"):
            command = ["openssl", "pkcs12", "-in", path, "-nokeys",
                       "-passin", "file:" + self.password_for(name)]
            result = run(command)
            if result.returncode != 0:
                # RC2-40 needs the legacy provider (openssl-legacy.p12).
                text = tool(command + ["-legacy"])
            else:
                text = result.stdout.decode()
        elif name.endswith(".p7b"):
            text = tool(["openssl", "pkcs7", "-inform", "DER", "-in", path, "-print_certs"])
        elif name.endswith(".der"):
            text = tool(["openssl", "x509", "-inform", "DER", "-in", path])
        else:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if "-----BEGIN PKCS7-----" in text:
                text = tool(["openssl", "pkcs7", "-in", path, "-print_certs"])
        return re.findall(r"-----BEGIN CERTIFICATE-----\n.*?-----END CERTIFICATE-----\n?",
                          text, re.S)

    def reference(self, pem):
        pem = pem if pem.endswith("\n") else pem + "\n"
        if pem not in self.cache:
            self.counter += 1
            path = os.path.join(self.work, f"certificate-{self.counter}.pem")
            self.cache[pem] = CertificateReference(pem, path)
        return self.cache[pem]


class Mutualctl:
    """Runs mutualctl and validates every JSON document it writes against the schema,
    each validation a test point of its own."""

    def __init__(self, program, schema, tap):
        self.program = program
        self.validator = jsonschema.Draft202012Validator(schema)
        self.tap = tap

    def run(self, arguments, cwd):
        argv = [self.program, "inspect"] + arguments
        result = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=MUTUAL_ENV)
        return result

    def inspect(self, arguments, cwd, where):
        result = self.run(["--json"] + arguments, cwd)
        shown = ["mutualctl", "inspect", "--json"] + [os.path.basename(a) for a in arguments]
        shown = " ".join(shown if len(shown) < 12 else shown[:10] + [f"… ({len(shown) - 10} more)"])
        with self.tap.check(f"schema: {shown}", where) as check:
            check.true("exit status", result.returncode in (0, 1, 3),
                       f"exit status {result.returncode}; standard error: "
                       f"{result.stderr.decode(errors='replace')[:2000]}")
            check.true("standard error", b"CRITICAL" not in result.stderr and
                       b"WARNING" not in result.stderr,
                       f"GLib warnings: {result.stderr.decode(errors='replace')[:2000]}")
            document = json.loads(result.stdout)
            errors = sorted(self.validator.iter_errors(document), key=lambda e: list(e.path))
            check.true("schema", not errors, "\n".join(explain(e) for e in errors[:10]))
            # The one rule JSON Schema cannot state: an unnamed extension's id is its OID.
            for certificate in all_described(document):
                for extension in certificate.get("extensions", []):
                    if OID_RE.match(extension["id"]):
                        check.equal("extensions[].id of an unnamed extension", extension["id"],
                                    "its oid", extension["oid"])
            return document, result
        return None, result


def explain(error):
    """The innermost reason of a schema error: under anyOf/oneOf the top error only
    says that no branch matched, and the branch that got deepest into the document is
    the one that was meant."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    where = "/".join(str(p) for p in error.absolute_path)
    return f"at /{where}: {error.message[:400]}"


def all_described(document):
    for entry in document.get("inputs", []):
        yield from entry.get("certificates", [])
        yield from entry.get("requests", [])


# The checks

def check_certificate(tap, ours, ref, where, now):
    o_ext = {oid: (critical, node) for oid, critical, node in ref.o_extensions()}
    c_ext = {oid: (critical, node) for oid, critical, node in ref.c_extensions()}
    our_ext = {e["oid"]: e for e in ours.get("extensions", [])}
    if "extensions" not in ours:
        raise KeyError("the certificate has no `extensions` member under --fields all")

    with tap.check(f"{where}: serial number", where) as check:
        value = int(ours["serial"].replace(":", ""), 16)
        check.equal("serial (as an integer)", hex(value), "openssl", hex(int(ref.o_basic["serial"], 16)))
        check.equal("serial (as an integer)", hex(value), "certtool",
                    hex(int(ref.c_info.value("Serial Number (hex):"), 16)))

    with tap.check(f"{where}: validity", where) as check:
        validity = ours["validity"]
        o_from = utc(ref.o_basic["notbefore"], ["%b %d %H:%M:%S %Y GMT"])
        o_until = utc(ref.o_basic["notafter"], ["%b %d %H:%M:%S %Y GMT"])
        dates = ref.c_info.child("Validity:")
        c_from = utc(dates.value("Not Before:"), ["%a %b %d %H:%M:%S UTC %Y"])
        c_until = utc(dates.value("Not After:"), ["%a %b %d %H:%M:%S UTC %Y"])
        check.equal("validity.not_before", iso(validity["not_before"]), "openssl", o_from)
        check.equal("validity.not_before", iso(validity["not_before"]), "certtool", c_from)
        check.equal("validity.not_after", iso(validity["not_after"]), "openssl", o_until)
        check.equal("validity.not_after", iso(validity["not_after"]), "certtool", c_until)
        lifetime = max(int((o_until - o_from).total_seconds()), 0)
        check.equal("validity.lifetime_seconds", validity["lifetime_seconds"], "openssl", lifetime)
        remaining = int((o_until - now).total_seconds())
        check.equal("validity.remaining_seconds (notAfter − now)", validity["remaining_seconds"],
                    "openssl", remaining)
        if now < o_from:
            states, elapsed = {"not-yet-valid"}, 0.0
        elif now > o_until:
            states, elapsed = {"expired"}, 1.0
        else:
            states = {"valid", "renew-soon", "expiring"}
            elapsed = 1.0 if lifetime == 0 else (now - o_from).total_seconds() / lifetime
        check.true("validity.state", validity["state"] in states,
                   f"mutualctl: {show(validity['state'])}, openssl's dates allow only "
                   f"{sorted(states)} at {now:%Y-%m-%dT%H:%M:%SZ}")
        check.true("validity.elapsed_fraction", abs(validity["elapsed_fraction"] - elapsed) < 1e-9,
                   f"mutualctl: {validity['elapsed_fraction']!r}, from openssl's dates: {elapsed!r}")

    with tap.check(f"{where}: fingerprints", where) as check:
        fingerprints = ours["fingerprints"]
        check.equal("fingerprints.sha256", fingerprints["sha256"], "openssl",
                    ref.o_basic["sha256 fingerprint"])
        check.equal("fingerprints.sha1", fingerprints["sha1"], "openssl", ref.o_sha1)
        fingerprint = ref.c_other.child("Fingerprint:")
        check.equal("fingerprints.sha256", plain_hex(fingerprints["sha256"]), "certtool",
                    fingerprint.value("sha256:"))
        check.equal("fingerprints.sha1", plain_hex(fingerprints["sha1"]), "certtool",
                    fingerprint.value("sha1:"))

    for member, line in (("subject", "Subject:"), ("issuer", "Issuer:")):
        with tap.check(f"{where}: {member} name", where) as check:
            name = ours[member]
            our_rdns = [[(a["oid"], a["value"]) for a in rdn] for rdn in name["rdns"]]
            o_rdns = rdns_from_openssl_oid_form(ref.o_basic[member])
            c_line = ref.c_info.value(line)
            c_rdns = rdns_from_certtool(c_line)
            check.equal(f"{member}.rdns (oid, value)", our_rdns, "openssl", o_rdns)
            check.equal(f"{member}.rdns (oid, value)", our_rdns, "certtool", c_rdns)
            check.equal(f"{member}.dn", name["dn"], "certtool", c_line)
            # The short names, where mutualctl has one, are OpenSSL's too (-sname).
            o_named = rdns_from_openssl_oid_form(ref.o_section("Certificate:", "Data:").value(line))
            our_types = [[a["type"] for a in rdn] for rdn in name["rdns"]]
            o_types = [[t for t, _ in rdn] for rdn in o_named]
            if len(o_types) == len(our_types):
                o_types = [[ours_type if OID_RE.match(ours_type) else o_type
                            for ours_type, o_type in zip(ours_rdn, o_rdn)]
                           for ours_rdn, o_rdn in zip(our_types, o_types)]
            check.equal(f"{member}.rdns[].type", our_types, "openssl", o_types)
            check.equal(f"{member}_name", ours[f"{member}_name"], "openssl",
                        display_name(o_rdns, ref.o_basic[member]))

    with tap.check(f"{where}: self-issued", where) as check:
        check.equal("self_issued", ours["self_issued"], "openssl",
                    ref.o_basic["subject"] == ref.o_basic["issuer"])

    with tap.check(f"{where}: version", where) as check:
        o_version = ref.o_section("Certificate:", "Data:").value("Version:")
        check.equal("version", ours["version"], "openssl", int(o_version.split()[0]))
        check.equal("version", ours["version"], "certtool", int(ref.c_info.value("Version:")))

    with tap.check(f"{where}: public key", where) as check:
        key = ours["public_key"]
        spki = ref.o_section("Certificate:", "Data:", "Subject Public Key Info:")
        algorithm = spki.child("Public Key Algorithm:")
        o_family = mapped(OPENSSL_KEY_FAMILIES, algorithm.text.split(":", 1)[1].strip(),
                          "openssl key algorithm")
        check.equal("public_key.algorithm (family)",
                    MUTUAL_KEY_FAMILIES.get(key["algorithm"], key["algorithm"]), "openssl", o_family)
        c_algorithm = ref.c_info.value("Subject Public Key Algorithm:")
        check.equal("public_key.algorithm", key["algorithm"], "certtool", c_algorithm)
        level = re.search(r"\((\d+) bits\)", ref.c_info.value("Algorithm Security Level:"))
        check.equal("public_key.bits", key["bits"], "certtool", int(level.group(1)))
        o_bits = re.search(r"Public-Key: \((\d+) bit\)", "\n".join(algorithm.all_text()))
        if o_bits:
            check.equal("public_key.bits", key["bits"], "openssl", int(o_bits.group(1)))
        modulus = ref.c_info.child("Algorithm Security Level:").child("Modulus (bits ")
        if modulus is not None:
            check.equal("public_key.bits (RSA modulus)", key["bits"], "certtool",
                        int(re.search(r"\d+", modulus.text).group(0)))
        o_curve = None
        texts = algorithm.all_text()
        nist = [t.split(":", 1)[1].strip() for t in texts if t.startswith("NIST CURVE:")]
        asn1 = [t.split(":", 1)[1].strip() for t in texts if t.startswith("ASN1 OID:")]
        if nist:
            o_curve = nist[0]
        elif asn1:
            o_curve = OPENSSL_CURVES.get(asn1[0], asn1[0])
        elif o_family in ("Ed25519", "Ed448"):
            o_curve = o_family
        check.equal("public_key.curve", key["curve"], "openssl", o_curve)
        c_curve = ref.c_info.child("Algorithm Security Level:").value("Curve:")
        check.equal("public_key.curve", key["curve"], "certtool",
                    None if c_curve is None else mapped(CERTTOOL_CURVES, c_curve, "certtool curve"))
        expected_type = {"RSA": f"RSA {o_bits.group(1) if o_bits else '?'} bits",
                         "EC": f"ECDSA {o_curve}",
                         "Ed25519": "Ed25519", "Ed448": "Ed448"}.get(o_family)
        check.equal("public_key.type", key["type"], "openssl", expected_type)
        check.equal("public_key.spki_sha256", key.get("spki_sha256"), "openssl",
                    colon_hex(ref.o_spki_sha256))
        check.equal("public_key.spki_sha256", plain_hex(key.get("spki_sha256", "")), "certtool",
                    ref.c_other.child("Public Key ID:").value("sha256:"))
        check.equal("public_key.spki_sha256_base64", key.get("spki_sha256_base64"), "certtool",
                    ref.c_other.child("Public Key PIN:").value("pin-sha256:"))

    with tap.check(f"{where}: signature algorithm", where) as check:
        o_signature = ref.o_section("Certificate:").value("Signature Algorithm:")
        check.equal("signature_algorithm", ours["signature_algorithm"], "openssl",
                    mapped(OPENSSL_SIGNATURES, o_signature, "openssl signature"))
        check.equal("signature_algorithm", ours["signature_algorithm"], "certtool",
                    ref.c_info.value("Signature Algorithm:"))

    with tap.check(f"{where}: PEM re-encoding", where) as check:
        body = ours["pem"].split("-----")[2]
        check.equal("pem (decoded)", base64.b64decode(body), "the input", ref.der)

    with tap.check(f"{where}: extension list (OIDs, critical flags, order)", where) as check:
        our_list = [(e["oid"], e["critical"]) for e in ours["extensions"]]
        check.equal("extensions[].oid, .critical", our_list, "openssl",
                    [(oid, critical) for oid, critical, _ in ref.o_extensions()])
        check.equal("extensions[].oid, .critical", our_list, "certtool",
                    [(oid, critical) for oid, critical, _ in ref.c_extensions()])

    def extension_point(oid, title):
        if oid in our_ext or oid in o_ext or oid in c_ext:
            return tap.check(f"{where}: {title}", where)
        return None

    point = extension_point("2.5.29.17", "subject alternative names")
    if point:
        with point as check:
            ours_names = mutual_general_names(mutual_fields(our_ext.get("2.5.29.17")))
            # The names -ext prints under "X509v3 Subject Alternative Name:", on one line.
            o_text = " ".join(line.strip() for line in ref.o_san.splitlines())
            check.equal("subjectAltName", ours_names, "openssl", openssl_general_names(o_text))
            node = c_ext.get("2.5.29.17", (None, Node("", 0)))[1]
            check.equal("subjectAltName", ours_names, "certtool",
                        [certtool_general_name(c.text) for c in node.children])
            for field in mutual_fields(our_ext.get("2.5.29.17")):
                if field["id"] == "ip":
                    check.equal("subjectAltName ip (RFC 5952 form)", field["value"],
                                "normalised", normal_ip(field["value"]))

    with tap.check(f"{where}: extended key usage", where) as check:
        top = ours["extended_key_usage"]
        top_oids = None if top is None else [mapped(PURPOSE_SHORT_NAMES, p, "purpose short name")
                                             for p in top]
        o_node = o_ext.get("2.5.29.37", (None, None))[1]
        o_oids = None if o_node is None else [
            mapped(OPENSSL_PURPOSES, p.strip(), "openssl purpose")
            for line in o_node.all_text()[1:] for p in line.split(",")]
        c_node = c_ext.get("2.5.29.37", (None, None))[1]
        c_oids = None if c_node is None else [
            mapped(CERTTOOL_PURPOSES, c.text.rstrip("."), "certtool purpose") for c in c_node.children]
        check.equal("extended_key_usage", top_oids, "openssl", o_oids)
        check.equal("extended_key_usage", top_oids, "certtool", c_oids)
        if "2.5.29.37" in our_ext:
            check.equal("extensions[extKeyUsage].fields", mutual_purposes_from_fields(our_ext["2.5.29.37"]),
                        "openssl", o_oids)

    point = extension_point("2.5.29.15", "key usage")
    if point:
        with point as check:
            ours_bits = mutual_key_usage(our_ext["2.5.29.15"])
            o_node = o_ext["2.5.29.15"][1]
            o_bits = [mapped(OPENSSL_KEY_USAGE, u.strip(), "openssl key usage")
                      for line in o_node.all_text()[1:] for u in line.split(",")]
            c_bits = [mapped(CERTTOOL_KEY_USAGE, c.text.rstrip("."), "certtool key usage")
                      for c in c_ext["2.5.29.15"][1].children]
            check.equal("keyUsage", ours_bits, "openssl", in_bit_order(o_bits))
            check.equal("keyUsage", ours_bits, "certtool", in_bit_order(c_bits))

    with tap.check(f"{where}: basic constraints", where) as check:
        o_bc = openssl_basic_constraints(o_ext.get("2.5.29.19", (None, None))[1])
        c_bc = certtool_basic_constraints(c_ext.get("2.5.29.19", (None, None))[1])
        ours_bc = mutual_basic_constraints(our_ext.get("2.5.29.19"))
        check.equal("basicConstraints (CA, pathlen)", ours_bc, "openssl", o_bc)
        check.equal("basicConstraints (CA, pathlen)", ours_bc, "certtool", c_bc)
        check.equal("is_ca", ours["is_ca"], "openssl", bool(o_bc and o_bc[0]))

    point = extension_point("2.5.29.14", "subject key identifier")
    if point:
        with point as check:
            value = plain_hex(our_ext["2.5.29.14"]["fields"][0]["value"])
            check.equal("subjectKeyIdentifier", value, "openssl",
                        plain_hex(" ".join(o_ext["2.5.29.14"][1].all_text()[1:])))
            check.equal("subjectKeyIdentifier", value, "certtool",
                        plain_hex(" ".join(c_ext["2.5.29.14"][1].all_text()[1:])))

    point = extension_point("2.5.29.35", "authority key identifier")
    if point:
        with point as check:
            fields = {f["id"]: f["value"] for f in our_ext["2.5.29.35"]["fields"]}
            value = plain_hex(fields.get("keyIdentifier", ""))
            o_lines = o_ext["2.5.29.35"][1].all_text()[1:]
            o_id = [line[len("keyid:"):] if line.startswith("keyid:") else line for line in o_lines
                    if re.match(r"^(keyid:)?[0-9A-F]{2}(:[0-9A-F]{2})*$", line)]
            check.equal("authorityKeyIdentifier.keyIdentifier", value, "openssl",
                        plain_hex("".join(o_id)))
            c_lines = [line for line in c_ext["2.5.29.35"][1].all_text()[1:]
                       if re.match(r"^[0-9a-f]+$", line)]
            check.equal("authorityKeyIdentifier.keyIdentifier", value, "certtool",
                        plain_hex("".join(c_lines)))

    point = extension_point("1.3.6.1.5.5.7.1.1", "authority information access")
    if point:
        with point as check:
            ours_aia = [(ACCESS_METHODS.get(f["id"], f["id"]), f["value"])
                        for f in our_ext["1.3.6.1.5.5.7.1.1"]["fields"]]
            o_aia = []
            for line in o_ext["1.3.6.1.5.5.7.1.1"][1].all_text()[1:]:
                method, _, location = line.partition(" - ")
                o_aia.append((mapped(OPENSSL_ACCESS_METHODS, method, "openssl access method"),
                              location[len("URI:"):] if location.startswith("URI:") else location))
            check.equal("authorityInfoAccess (method OID, URI)", ours_aia, "openssl", o_aia)
            c_aia = []
            method = None
            for line in c_ext["1.3.6.1.5.5.7.1.1"][1].all_text()[1:]:
                if line.startswith("Access Method:"):
                    method = line.split()[2]
                elif line.startswith("Access Location URI:"):
                    c_aia.append((method, line[len("Access Location URI:"):].strip()))
            check.equal("authorityInfoAccess (method OID, URI)", ours_aia, "certtool", c_aia)

    point = extension_point("2.5.29.31", "CRL distribution points")
    if point:
        with point as check:
            ours_dp = mutual_general_names(our_ext["2.5.29.31"]["fields"])
            o_dp = [openssl_general_name(line) for line in o_ext["2.5.29.31"][1].all_text()[1:]
                    if line != "Full Name:"]
            c_dp = [certtool_general_name(line) for line in c_ext["2.5.29.31"][1].all_text()[1:]]
            check.equal("cRLDistributionPoints", ours_dp, "openssl", o_dp)
            check.equal("cRLDistributionPoints", ours_dp, "certtool", c_dp)

    point = extension_point("2.5.29.32", "certificate policies")
    if point:
        with point as check:
            ours_policies = mutual_policies(our_ext["2.5.29.32"])
            check.equal("certificatePolicies", ours_policies, "openssl",
                        openssl_policies(o_ext["2.5.29.32"][1]))
            check.equal("certificatePolicies", ours_policies, "certtool",
                        certtool_policies(c_ext["2.5.29.32"][1]))

    point = extension_point("2.5.29.30", "name constraints")
    if point:
        with point as check:
            ours_nc = mutual_name_constraints(our_ext["2.5.29.30"])
            check.equal("nameConstraints", ours_nc, "openssl",
                        openssl_name_constraints(o_ext["2.5.29.30"][1]))
            check.equal("nameConstraints", ours_nc, "certtool",
                        certtool_name_constraints(c_ext["2.5.29.30"][1]))

    point = extension_point("1.3.6.1.5.5.7.1.24", "TLS feature")
    if point:
        with point as check:
            ours_features = mutual_tls_features(our_ext["1.3.6.1.5.5.7.1.24"])
            o_features = [{"status_request": 5, "status_request_v2": 17}.get(t.strip(), None)
                          or int(t) for line in o_ext["1.3.6.1.5.5.7.1.24"][1].all_text()[1:]
                          for t in line.split(",")]
            c_features = [int(re.search(r"\((\d+)\)$", line).group(1))
                          for line in c_ext["1.3.6.1.5.5.7.1.24"][1].all_text()[1:]]
            check.equal("tlsFeature (TLS extension numbers)", ours_features, "openssl", o_features)
            check.equal("tlsFeature (TLS extension numbers)", ours_features, "certtool", c_features)

    point = extension_point("1.3.6.1.4.1.11129.2.4.2", "signed certificate timestamps")
    if point:
        with point as check:
            ours_scts = mutual_scts(our_ext["1.3.6.1.4.1.11129.2.4.2"])
            o_scts = openssl_scts(o_ext["1.3.6.1.4.1.11129.2.4.2"][1])
            c_scts = certtool_scts(c_ext["1.3.6.1.4.1.11129.2.4.2"][1])
            check.equal("SCT count", len(ours_scts), "openssl", len(o_scts))
            check.equal("SCT count", len(ours_scts), "certtool", len(c_scts))
            for index, (mine, theirs_o, theirs_c) in enumerate(zip(ours_scts, o_scts, c_scts)):
                for item in ("log_id", "version", "timestamp", "algorithm"):
                    check.equal(f"ctSCTList[{index}].{item}", mine[item], "openssl", theirs_o[item])
                    check.equal(f"ctSCTList[{index}].{item}", mine[item], "certtool", theirs_c[item])

    for extension in ours["extensions"]:
        if not OID_RE.match(extension["id"]):
            continue
        oid = extension["oid"]
        with tap.check(f"{where}: unknown extension {oid}", where) as check:
            fields = {f["id"]: f["value"] for f in extension["fields"]}
            value = bytes.fromhex(plain_hex(fields.get("value", "")))
            c_node = c_ext[oid][1]
            check.equal(f"{oid} value", value.hex(), "certtool",
                        plain_hex(c_node.value("Hexdump:")))
            o_node = o_ext[oid][1]
            check.equal(f"{oid} value (as openssl prints unknown bytes)", openssl_render(value),
                        "openssl", " ".join(o_node.all_text()[1:]))
            check.equal(f"{oid} critical", extension["critical"], "openssl", o_ext[oid][0])
            check.equal(f"{oid} critical", extension["critical"], "certtool", c_ext[oid][0])


def summary_members_match(tap, full, summary, where):
    with tap.check(f"{where}: --fields summary holds the summary members of --fields all",
                   where) as check:
        expected = {k: v for k, v in full.items()
                    if k not in ("version", "extensions", "signature_algorithm", "pem")}
        # Two runs can straddle a second: leave out what depends on "now".
        trimmed = {}
        for name, document in (("full", expected), ("summary", summary)):
            copy = json.loads(json.dumps(document))
            for member in ("remaining_seconds", "elapsed_fraction", "state"):
                copy["validity"].pop(member, None)
            trimmed[name] = copy
        check.equal("certificate members", sorted(summary.keys()), "--fields all",
                    sorted(expected.keys()))
        check.equal("certificate (summary)", trimmed["summary"], "--fields all", trimmed["full"])


def check_certificate_file(tap, fixtures, mutualctl, name):
    arguments = ["--fields", "all"]
    if name.endswith(".p12"):
        arguments += ["--password-file", fixtures.password_for(name)]
    document, result = mutualctl.inspect(arguments + [name], fixtures.directory, name)
    summary, _ = mutualctl.inspect(["--fields", "summary"] + arguments[2:] + [name],
                                   fixtures.directory, name)
    if document is None:
        tap.point(False, f"{name}: mutualctl wrote no JSON", [result.stderr.decode(errors="replace")])
        return

    entry = document["inputs"][0]
    certificates = entry.get("certificates", [])
    pems = []
    with tap.check(f"{name}: certificates found", name) as check:
        pems = fixtures.reference_pems(name)
        check.true("certificates", len(pems) > 0, "the reference tools found no certificate")
        check.equal("number of certificates", len(certificates), "openssl", len(pems))
        check.true("error", "error" not in entry, f"mutualctl failed: {entry.get('error')}")
        expected_format = ("PKCS#12" if name.endswith(".p12") else "PKCS#7" if name.endswith(".p7b")
                           else "DER" if name.endswith(".der") else "PEM")
        check.equal("inputs[0].format", entry.get("format"), "file type", expected_format)

    now = iso(document["now"])
    problems = False
    for index, (ours, pem) in enumerate(zip(certificates, pems)):
        where = f"{name}[{index + 1}] ({ours.get('subject_name')})"
        try:
            ref = fixtures.reference(pem)
        except (ToolError, ValueError) as error:
            tap.point(False, f"{where}: reference tools", [str(error)])
            continue
        try:
            check_certificate(tap, ours, ref, where, now)
        except Exception as error:  # A broken structure: say where, go on with the next.
            tap.point(False, f"{where}: certificate checks stopped", [repr(error)])
        nb = utc(ref.o_basic["notbefore"], ["%b %d %H:%M:%S %Y GMT"])
        na = utc(ref.o_basic["notafter"], ["%b %d %H:%M:%S %Y GMT"])
        problems = problems or now < nb or now > na
        if summary is not None and index < len(summary["inputs"][0].get("certificates", [])):
            summary_members_match(tap, ours, summary["inputs"][0]["certificates"][index], where)

    # Certificates out of their validity make problems_found true, and so do unusable
    # identities (a key found with its certificate). Whether an identity is usable is
    # cross-checked with openssl verify in check_embedded_keys().
    unusable = [i["subject_name"] for i in document["identities"] if not i["usable"]]
    with tap.check(f"{name}: exit status and problems_found", name) as check:
        check.equal("problems_found", document["problems_found"],
                    "openssl's dates" + (f" + unusable identities {unusable}" if unusable else ""),
                    problems or bool(unusable))
        check.equal("exit status", result.returncode, "problems_found", 1 if problems or unusable else 0)


def public_key_reference(fixtures, name, key_pem=None):
    """The SHA-256 of the key's SubjectPublicKeyInfo and openssl's view of its size."""
    # -pubout writes the SubjectPublicKeyInfo as PEM, -text_pub describes it.
    argv = ["openssl", "pkey", "-pubout", "-text_pub"]
    if key_pem is None:
        argv += ["-in", fixtures.path(name), "-passin", "file:" + fixtures.password_file]
        if name.endswith(".der"):
            argv += ["-inform", "DER"]
        text = tool(argv)
    else:
        text = tool(argv, key_pem.encode())
    public = re.search(r"-----BEGIN PUBLIC KEY-----\n(.*?)-----END PUBLIC KEY-----", text, re.S)
    spki = base64.b64decode(public.group(1))
    bits = re.search(r"Public-Key: \((\d+) bit\)", text)
    curve = re.search(r"NIST CURVE: (\S+)", text)
    return hashlib.sha256(spki).digest(), int(bits.group(1)) if bits else None, \
        curve.group(1) if curve else None


def check_key_file(tap, fixtures, mutualctl, name):
    document, result = mutualctl.inspect(["--password-file", fixtures.password_file, name],
                                         fixtures.directory, name)
    if document is None:
        return
    entry = document["inputs"][0]
    with tap.check(f"{name}: private key", name) as check:
        keys = entry.get("private_keys", [])
        check.equal("number of private keys", len(keys), "the file", 1)
        check.equal("number of certificates", len(entry.get("certificates", [])), "the file", 0)
        key = keys[0]
        digest, o_bits, o_curve = public_key_reference(fixtures, name)
        check.equal("private_keys[0].spki_sha256", key["spki_sha256"], "openssl", colon_hex(digest))
        if o_bits is not None:
            check.equal("private_keys[0].bits", key["bits"], "openssl", o_bits)

        with open(fixtures.path(name), "rb") as f:
            data = f.read()
        if name.endswith(".der"):
            encrypted = run(["openssl", "pkcs8", "-inform", "DER", "-nocrypt", "-in",
                             fixtures.path(name), "-out", os.devnull]).returncode != 0
        else:
            encrypted = b"ENCRYPTED" in data
        argv = ["certtool", "-k", "--infile", fixtures.path(name)]
        if name.endswith(".der"):
            argv.append("--inder")
        if encrypted:
            # Given a password for a plain key, certtool encrypts it instead of describing it.
            argv += ["--password", PASSWORD]
        # certtool prints the private key too: only the lines below are looked at.
        c_tree = indent_tree(tool(argv), "\t", stop="-----BEGIN")
        info = c_tree.child("Public Key Info:")
        c_bits = int(re.search(r"\((\d+) bits\)", info.value("Key Security Level:")).group(1))
        check.equal("private_keys[0].bits", key["bits"], "certtool", c_bits)
        check.equal("private_keys[0].spki_sha256", plain_hex(key["spki_sha256"]), "certtool",
                    c_tree.child("Public Key ID:").value("sha256:"))
        c_algorithm = info.value("Public Key Algorithm:")
        c_curve = c_tree.value("curve:")
        expected_type = {"RSA": f"RSA {c_bits} bits", "EdDSA (Ed25519)": "Ed25519",
                         "EC/ECDSA": f"ECDSA {CERTTOOL_CURVES.get(c_curve, c_curve)}"}.get(c_algorithm)
        check.equal("private_keys[0].type", key["type"], "certtool", expected_type)
        if o_curve is not None:
            check.equal("private_keys[0].type", key["type"], "openssl", f"ECDSA {o_curve}")

        # The encoding, as the file and openssl tell it.
        if name.endswith(".der"):
            expected_format = "PKCS#8 (encrypted)" if encrypted else "PKCS#8"
            check.equal("inputs[0].format", entry["format"], "openssl", "PKCS#8")
        else:
            label = re.search(rb"-----BEGIN (.*?)-----", data).group(1).decode()
            expected_format = {"PRIVATE KEY": "PKCS#8", "ENCRYPTED PRIVATE KEY": "PKCS#8 (encrypted)",
                               "RSA PRIVATE KEY": "PKCS#1", "EC PRIVATE KEY": "SEC1"}[label]
            if b"Proc-Type: 4,ENCRYPTED" in data:
                expected_format += " (OpenSSL encryption)"
            check.equal("inputs[0].format", entry["format"], "the file", "PEM")
        check.equal("private_keys[0].format", key["format"], "the file", expected_format)


def check_embedded_keys(tap, fixtures, mutualctl, name):
    """Keys inside PKCS#12 files and mixed PEM bundles, and the client identity each
    makes with its certificate."""
    arguments = ["--fields", "summary", "--chain", "--trust", "root-ca.pem"]
    if name.endswith(".p12"):
        arguments += ["--password-file", fixtures.password_for(name)]
    document, _ = mutualctl.inspect(arguments + [name], fixtures.directory, name)
    if document is None:
        return
    with tap.check(f"{name}: private key inside", name) as check:
        if name.endswith(".p12"):
            command = ["openssl", "pkcs12", "-in", fixtures.path(name), "-nocerts", "-nodes",
                       "-passin", "file:" + fixtures.password_for(name)]
            result = run(command)
            text = result.stdout.decode() if result.returncode == 0 else tool(command + ["-legacy"])
        else:
            with open(fixtures.path(name)) as f:
                text = f.read()
        pems = re.findall(r"-----BEGIN PRIVATE KEY-----\n.*?-----END PRIVATE KEY-----\n", text, re.S)
        keys = document["inputs"][0].get("private_keys", [])
        check.equal("number of private keys", len(keys), "openssl", len(pems))
        for index, (key, pem) in enumerate(zip(keys, pems)):
            digest, bits, _ = public_key_reference(fixtures, name, pem)
            check.equal(f"private_keys[{index}].spki_sha256", key["spki_sha256"], "openssl",
                        colon_hex(digest))
            check.equal(f"private_keys[{index}].bits", key["bits"], "openssl", bits)

    with tap.check(f"{name}: client identity, against openssl verify", name) as check:
        # The certificate a key belongs to is the one whose public key openssl finds
        # equal to the key's; openssl verify then says whether the pair's chain works
        # for a TLS client, the other certificates of the file being untrusted.
        pems = fixtures.reference_pems(name)
        references = [fixtures.reference(pem) for pem in pems]
        expected = []
        for pem in re.findall(r"-----BEGIN PRIVATE KEY-----\n.*?-----END PRIVATE KEY-----\n", text, re.S):
            digest, _, _ = public_key_reference(fixtures, name, pem)
            owners = [i for i, ref in enumerate(references) if ref.o_spki_sha256 == digest]
            if owners:
                expected.append((owners[0], digest))
        identities = document["identities"]
        check.equal("number of identities", len(identities), "openssl", len(expected))
        for identity, (owner, digest) in zip(identities, expected):
            leaf = references[owner]
            check.equal("identities[].certificate_sha256", identity["certificate_sha256"], "openssl",
                        leaf.o_basic["sha256 fingerprint"])
            check.equal("identities[].key_spki_sha256", identity["key_spki_sha256"], "openssl",
                        colon_hex(digest))
            untrusted = os.path.join(fixtures.work, "untrusted.pem")
            with open(untrusted, "w") as f:
                f.write("".join(ref.pem for i, ref in enumerate(references) if i != owner))
            verified = run(["openssl", "verify", "-CAfile", fixtures.path("root-ca.pem"),
                            "-untrusted", untrusted, "-purpose", "sslclient", leaf.path])
            check.equal("identities[].usable", identity["usable"], "openssl verify",
                        verified.returncode == 0)


def secret_forms(secret):
    """The ways a secret could leak into text: as is, in hex, and in base64 at each of
    the three alignments it can have inside a longer base64 text."""
    raw = secret.encode()
    forms = {secret, secret.upper(), raw.hex(), raw.hex().upper(), colon_hex(raw),
             colon_hex(raw).lower(), " ".join(f"{b:02x}" for b in raw)}
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        # Leave out the characters that also depend on the neighbouring bytes.
        start = (shift * 4 + 2) // 3 + (1 if shift else 0)
        stable = encoded[start:len(encoded) - 4]
        if len(stable) >= 8:
            forms.add(stable)
    return forms


def check_request_file(tap, fixtures, mutualctl, name):
    der = not open(fixtures.path(name), "rb").read().startswith(b"-----")
    inform = ["-inform", "DER"] if der else []
    document, _ = mutualctl.inspect(["--fields", "all", name], fixtures.directory, name)
    mutualctl.inspect(["--fields", "summary", name], fixtures.directory, name)
    if document is None:
        return
    entry = document["inputs"][0]
    req = ["openssl", "req", "-in", fixtures.path(name), "-noout"] + inform
    o_text = tool(req + ["-text", "-nameopt", "RFC2253,-esc_msb"])
    o_tree = indent_tree(o_text, " ")
    o_subject = tool(req + ["-subject", "-nameopt", "RFC2253,-esc_msb,-sname,oid"]).split("=", 1)[1].strip()
    c_argv = ["certtool", "--crq-info", "--infile", fixtures.path(name)] + (["--inder"] if der else [])
    c_tree = indent_tree(tool(c_argv), "\t", stop="-----BEGIN")
    c_info = c_tree.child("PKCS #10 Certificate Request Information:")
    data = o_tree.child("Certificate Request:").child("Data:")
    attributes = data.child("Attributes:")
    o_exts = openssl_extensions(attributes.child("Requested Extensions:") if attributes else None)
    c_exts = certtool_extensions(c_info.child("Attributes:").child("Extensions:")
                                 if c_info.child("Attributes:") else None)

    with tap.check(f"{name}: request found", name) as check:
        check.equal("number of requests", len(entry.get("requests", [])), "the file", 1)
    ours = entry["requests"][0]

    with tap.check(f"{name}: subject", name) as check:
        our_rdns = [[(a["oid"], a["value"]) for a in rdn] for rdn in ours["subject"]["rdns"]]
        check.equal("subject.rdns", our_rdns, "openssl", rdns_from_openssl_oid_form(o_subject))
        check.equal("subject.rdns", our_rdns, "certtool", rdns_from_certtool(c_info.value("Subject:")))
        check.equal("subject.dn", ours["subject"]["dn"], "certtool", c_info.value("Subject:"))
        check.equal("subject_name", ours["subject_name"], "openssl",
                    display_name(rdns_from_openssl_oid_form(o_subject), o_subject))

    with tap.check(f"{name}: public key", name) as check:
        public = tool(req + ["-pubkey"], binary=True)
        spki = tool(["openssl", "pkey", "-pubin", "-outform", "DER"], public, binary=True)
        check.equal("public_key.spki_sha256", ours["public_key"]["spki_sha256"], "openssl",
                    colon_hex(hashlib.sha256(spki).digest()))
        check.equal("public_key.spki_sha256", plain_hex(ours["public_key"]["spki_sha256"]), "certtool",
                    c_tree.child("Other Information:").child("Public Key ID:").value("sha256:"))
        check.equal("public_key.algorithm", ours["public_key"]["algorithm"], "certtool",
                    c_info.value("Subject Public Key Algorithm:"))
        bits = re.search(r"Public-Key: \((\d+) bit\)", o_text)
        check.equal("public_key.bits", ours["public_key"]["bits"], "openssl", int(bits.group(1)))

    with tap.check(f"{name}: signature", name) as check:
        verified = run(req + ["-verify"])
        output = (verified.stdout + verified.stderr).decode()
        check.equal("signature_valid", ours["signature_valid"], "openssl",
                    verified.returncode == 0 and "verify OK" in output)

    with tap.check(f"{name}: challenge password", name) as check:
        o_challenge = attributes.value("challengePassword") if attributes else None
        if o_challenge is not None:
            o_challenge = o_challenge.lstrip(":").strip()
        c_challenge = c_info.child("Attributes:").value("Challenge password:") \
            if c_info.child("Attributes:") else None
        check.equal("challenge_password_present", ours["challenge_password_present"], "openssl",
                    o_challenge is not None)
        check.equal("challenge_password_present", ours["challenge_password_present"], "certtool",
                    c_challenge is not None)
        if name.startswith("request-p256") or name.startswith("request-new-header"):
            # Without the secret in the file, the leak check would prove nothing.
            check.equal("the fixture's challenge password", SECRET, "openssl", o_challenge)

    with tap.check(f"{name}: requested extensions", name) as check:
        our_list = [(e["oid"], e["critical"]) for e in ours["extensions"]]
        check.equal("extensions[].oid, .critical", our_list, "openssl",
                    [(oid, critical) for oid, critical, _ in o_exts])
        check.equal("extensions[].oid, .critical", our_list, "certtool",
                    [(oid, critical) for oid, critical, _ in c_exts])
        our_ext = {e["oid"]: e for e in ours["extensions"]}
        o_ext = {oid: node for oid, _, node in o_exts}
        c_ext = {oid: node for oid, _, node in c_exts}
        if "2.5.29.17" in our_ext or "2.5.29.17" in o_ext:
            names = mutual_general_names(our_ext["2.5.29.17"]["fields"])
            check.equal("subjectAltName", names, "openssl",
                        openssl_general_names(" ".join(o_ext["2.5.29.17"].all_text()[1:])))
            check.equal("subjectAltName", names, "certtool",
                        [certtool_general_name(c.text) for c in c_ext["2.5.29.17"].children])
        if "2.5.29.37" in our_ext or "2.5.29.37" in o_ext:
            purposes = mutual_purposes_from_fields(our_ext["2.5.29.37"])
            check.equal("extKeyUsage", purposes, "openssl",
                        [mapped(OPENSSL_PURPOSES, p.strip(), "openssl purpose")
                         for line in o_ext["2.5.29.37"].all_text()[1:] for p in line.split(",")])
            check.equal("extKeyUsage", purposes, "certtool",
                        [mapped(CERTTOOL_PURPOSES, c.text.rstrip("."), "certtool purpose")
                         for c in c_ext["2.5.29.37"].children])


def check_no_leak(tap, fixtures, mutualctl, name, argument_sets):
    """The challenge password of a request must not reach mutualctl's output in any
    form. This runs whether or not the JSON could be parsed."""
    with tap.check(f"{name}: the challenge password appears nowhere in mutualctl's output",
                   name) as check:
        secrets = {SECRET}
        for request in [n for n in fixtures.request_inputs()
                        if any(n in arguments for arguments in argument_sets)]:
            inform = [] if open(fixtures.path(request), "rb").read().startswith(b"-----") \
                else ["-inform", "DER"]
            text = tool(["openssl", "req", "-in", fixtures.path(request), "-noout", "-text"] + inform)
            match = re.search(r"challengePassword\s*:(.*)$", text, re.M)
            if match:
                secrets.add(match.group(1).strip())
        for arguments in argument_sets:
            shown = " ".join(os.path.basename(a) for a in arguments)
            shown = shown if len(shown) < 100 else shown[:100] + "…"
            result = mutualctl.run(arguments, fixtures.directory)
            check.true("output", len(result.stdout) > 0, f"mutualctl inspect {shown} wrote nothing")
            for stream, output in (("standard output", result.stdout),
                                   ("standard error", result.stderr)):
                text = output.decode(errors="replace")
                flat = re.sub(r"\s+", "", text)
                for secret in secrets:
                    for form in secret_forms(secret):
                        check.true(f"{stream} of mutualctl inspect {shown}",
                                   form not in text and form.replace(" ", "") not in flat,
                                   f"the secret {secret!r} leaks as {form!r}")


VERIFY_CASES = [
    # (inputs, leaf, purpose): verified with --trust root-ca.pem and openssl verify
    # -CAfile root-ca.pem, the other inputs being untrusted intermediates.
    (["client-p256.pem", "intermediate-ca.pem"], "client-p256.pem", "client"),
    (["client-rsa2048.pem", "intermediate-ca.pem"], "client-rsa2048.pem", "client"),
    (["client-rsa4096.pem", "intermediate-ca.pem"], "client-rsa4096.pem", "client"),
    (["client-p384.pem", "intermediate-ca.pem"], "client-p384.pem", "client"),
    (["client-ed25519.pem", "intermediate-ca.pem"], "client-ed25519.pem", "client"),
    (["unicode.pem", "intermediate-ca.pem"], "unicode.pem", "client"),
    (["shortlived-24h.pem", "intermediate-ca.pem"], "shortlived-24h.pem", "client"),
    (["expired.pem", "intermediate-ca.pem"], "expired.pem", "client"),
    (["not-yet-valid.pem", "intermediate-ca.pem"], "not-yet-valid.pem", "client"),
    (["wrong-eku.pem", "intermediate-ca.pem"], "wrong-eku.pem", "client"),
    (["no-digitalsignature.pem", "intermediate-ca.pem"], "no-digitalsignature.pem", "client"),
    (["bad-signature.pem", "intermediate-ca.pem"], "bad-signature.pem", "client"),
    (["unknown-ext.pem", "intermediate-ca.pem"], "unknown-ext.pem", "client"),
    (["ca-flag-missing-leaf.pem", "ca-flag-missing-intermediate.pem"], "ca-flag-missing-leaf.pem",
     "client"),
    (["self-signed.pem"], "self-signed.pem", "client"),
    (["foreign-client.pem", "foreign-ca.pem"], "foreign-client.pem", "client"),
    (["broken-chain.pem"], "client-p256.pem", "client"),
    (["client-rsa2048-fullchain.pem"], "client-rsa2048.pem", "client"),
    (["server.pem"], "server.pem", "server"),
    (["server.pem"], "server.pem", "client"),
]

# What mutualctl calls the first error openssl reports (X509_V_ERR_* numbers).
OPENSSL_ERROR_KINDS = {
    2: {"missing-issuer"}, 7: {"bad-signature"}, 9: {"not-yet-valid"}, 10: {"expired"},
    18: {"untrusted-root"}, 19: {"untrusted-root"}, 20: {"missing-issuer"},
    24: {"not-a-ca"}, 26: {"wrong-purpose", "key-usage"}, 34: {"other"}, 79: {"not-a-ca"},
}


def openssl_verify(fixtures, leaf_ref, others, purpose):
    argv = ["openssl", "verify", "-CAfile", fixtures.path("root-ca.pem"),
            "-purpose", "sslclient" if purpose == "client" else "sslserver"]
    if others:
        untrusted = os.path.join(fixtures.work, "untrusted.pem")
        with open(untrusted, "w") as f:
            f.write("".join(p if p.endswith("\n") else p + "\n" for p in others))
        argv += ["-untrusted", untrusted]
    result = run(argv + [leaf_ref.path])
    return result.returncode == 0, (result.stdout + result.stderr).decode()


def check_verification(tap, fixtures, mutualctl, inputs, leaf, purpose):
    # With the leaf's key among the inputs, mutualctl also checks the pair as a client
    # identity: usable exactly when openssl verifies the chain for a TLS client.
    key = leaf[:-len(".pem")] + ".key"
    if key in fixtures.names:
        inputs = inputs + [key]
    where = " + ".join(inputs)
    arguments = ["--chain", "--trust", "root-ca.pem", "--purpose", purpose] + inputs
    document, _ = mutualctl.inspect(arguments, fixtures.directory, where)
    if document is None:
        return
    with tap.check(f"{where}: chain of {leaf} for TLS {purpose}s, against openssl verify",
                   where) as check:
        leaf_pem = fixtures.reference_pems(leaf)[0]
        leaf_ref = fixtures.reference(leaf_pem)
        leaf_sha256 = leaf_ref.o_basic["sha256 fingerprint"]
        others = []
        for name in inputs:
            if not name.endswith(".key"):
                others += [p for p in fixtures.reference_pems(name) if p.strip() != leaf_pem.strip()]
        verified, output = openssl_verify(fixtures, leaf_ref, others, purpose)
        chains = [c for c in document["chains"] if c["links"][0]["sha256"] == leaf_sha256]
        check.equal("chains with this leaf", len(chains), "openssl", 1)
        chain = chains[0]
        check.equal("chains[].trusted", chain["trusted"], "openssl verify", verified)
        if key in inputs:
            identities = [i for i in document["identities"] if i["certificate_sha256"] == leaf_sha256]
            check.equal("identities with this certificate", len(identities), "the inputs", 1)
            client_verified = verified if purpose == "client" else \
                openssl_verify(fixtures, leaf_ref, others, "client")[0]
            check.equal("identities[].usable", identities[0]["usable"],
                        "openssl verify -purpose sslclient", client_verified)
        match = re.search(r"error (\d+) at (\d+) depth lookup: (.*)", output)
        if not verified and match:
            code, depth = int(match.group(1)), int(match.group(2))
            kinds = OPENSSL_ERROR_KINDS.get(code)
            check.true("chains[].problems", kinds is not None,
                       f"openssl error {code} ({match.group(3)}) is not in this test's table")
            errors = [(p["kind"], p["link"]) for p in chain["problems"] if p["severity"] == "error"]
            # "other" is GnuTLS's verdict on the whole chain (link -1).
            found = [(kind, link) for kind, link in errors
                     if kind in (kinds or ()) and (link == depth or (kind == "other" and link == -1))]
            check.true("chains[].problems", bool(found),
                       f"mutualctl: {errors}; openssl: error {code} at depth {depth} "
                       f"({match.group(3)}), expected one of {sorted(kinds or ())} at link {depth}")


def check_failing_inputs(tap, fixtures, mutualctl):
    cases = [
        # (arguments, expected domain, expected code)
        (["truncated.der"], "mutual-error-quark", 4),
        (["bad-base64.pem"], "mutual-error-quark", 4),
        (["not-a-cert.txt"], "mutual-error-quark", 4),
        (["empty.pem"], "mutual-error-quark", 4),
        (["key-pkcs8-encrypted.der"], "mutual-error-quark", 5),
        (["--password-file", fixtures.password_file, "empty-password.p12"], "mutual-error-quark", 6),
        (["does-not-exist.pem"], "g-io-error-quark", 1),
    ]
    for arguments, domain, code in cases:
        name = arguments[-1]
        document, result = mutualctl.inspect(arguments, fixtures.directory, name)
        if document is None:
            continue
        with tap.check(f"{name}: reported as an input error", name) as check:
            entry = document["inputs"][0]
            check.equal("exit status", result.returncode, "expected", 3)
            check.equal("inputs[0].error.domain", entry.get("error", {}).get("domain"), "expected", domain)
            check.equal("inputs[0].error.code", entry.get("error", {}).get("code"), "expected", code)

    # The reference tool rejects the damaged files too: they are broken, not exotic.
    with tap.check("truncated.der, bad-base64.pem: openssl rejects them as well", "fixtures") as check:
        check.true("truncated.der", run(["openssl", "x509", "-inform", "DER", "-noout", "-in",
                                         fixtures.path("truncated.der")]).returncode != 0,
                   "openssl x509 reads truncated.der")
        check.true("bad-base64.pem", run(["openssl", "crl2pkcs7", "-nocrl", "-certfile",
                                          fixtures.path("bad-base64.pem")]).returncode != 0,
                   "openssl crl2pkcs7 reads all of bad-base64.pem")

    # Everything at once: every input in one document, with chains.
    everything = ["--password-file", fixtures.password_file, "--chain", "--trust", "root-ca.pem"] + \
        [n for n in fixtures.names if not n.startswith(".")]
    mutualctl.inspect(everything, fixtures.directory, "all fixtures")
    check_no_leak(tap, fixtures, mutualctl, "all fixtures at once",
                  [everything, ["--json"] + everything])


def main():
    if len(sys.argv) != 3:
        print("Bail out! usage: check-inspect.py MUTUALCTL SCHEMA")
        return 99
    program, schema_path = sys.argv[1], sys.argv[2]
    for name, package in (("openssl", "openssl"), ("certtool", "gnutls-bin")):
        if shutil.which(name) is None:
            print(f"Bail out! {name} is not installed; install the Debian package {package}")
            return 99
    directory = os.environ.get("MUTUAL_FIXTURES")
    if not directory or not os.path.isfile(os.path.join(directory, "client-p256.pem")):
        print("Bail out! MUTUAL_FIXTURES does not name the fixture PKI "
              "(tests/fixtures/generate.sh)")
        return 99

    tap = Tap()
    with open(schema_path) as f:
        schema = json.load(f)
    with tap.check("the schema is a valid JSON Schema 2020-12", schema_path) as check:
        check.equal("$schema", schema.get("$schema"), "expected",
                    "https://json-schema.org/draft/2020-12/schema")
        jsonschema.Draft202012Validator.check_schema(schema)

    with tempfile.TemporaryDirectory(prefix="check-inspect-") as work:
        fixtures = Fixtures(directory, work)
        mutualctl = Mutualctl(program, schema, tap)
        for name in fixtures.certificate_inputs():
            check_certificate_file(tap, fixtures, mutualctl, name)
        for name in fixtures.key_inputs():
            check_key_file(tap, fixtures, mutualctl, name)
        for name in [n for n in fixtures.names if n.endswith(".p12")] + ["bundle-mixed.pem"]:
            check_embedded_keys(tap, fixtures, mutualctl, name)
        for name in fixtures.request_inputs():
            check_no_leak(tap, fixtures, mutualctl, name, [
                [name], ["--fields", "summary", name], ["--json", name],
                ["--json", "--fields", "summary", name],
                ["--chain", "--trust", "root-ca.pem", name],
                ["--json", "--chain", "--trust", "root-ca.pem", name]])
            check_request_file(tap, fixtures, mutualctl, name)
        for inputs, leaf, purpose in VERIFY_CASES:
            check_verification(tap, fixtures, mutualctl, inputs, leaf, purpose)
        check_failing_inputs(tap, fixtures, mutualctl)

    tap.finish()
    # Failures are in the TAP stream ("not ok"); a non-zero status would make meson
    # report an error of the harness instead of the failed test points.
    return 0


if __name__ == "__main__":
    sys.exit(main())

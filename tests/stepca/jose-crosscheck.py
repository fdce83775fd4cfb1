#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""JOSE objects made and checked by jwcrypto (python3-jwcrypto), an implementation
independent of Mutual's, for test-jose.

  jose-crosscheck.py jwe PASSWORD < PAYLOAD         compact PBES2-HS256+A128KW/A128GCM JWE
  jose-crosscheck.py jwk                            a new private EC P-256 JWK, with kid
  jose-crosscheck.py verify TOKEN < KEY             verify a compact JWS with a JWK or a
                                                    PEM public key; print its header and
                                                    claims as one JSON object
"""

import json
import sys

from jwcrypto import jwe, jwk, jws


def main(argv):
    if argv[1:2] == ["jwe"]:
        header = {"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", "cty": "jwk+json"}
        token = jwe.JWE(sys.stdin.buffer.read(), protected=json.dumps(header))
        token.add_recipient(jwk.JWK.from_password(argv[2]))
        print(token.serialize(compact=True))
    elif argv[1:2] == ["jwk"]:
        key = jwk.JWK.generate(kty="EC", crv="P-256")
        private = json.loads(key.export_private())
        private["kid"] = key.thumbprint()
        print(json.dumps(private))
    elif argv[1:2] == ["verify"]:
        data = sys.stdin.buffer.read()
        key = jwk.JWK.from_pem(data) if data.startswith(b"-----") else jwk.JWK.from_json(data)
        token = jws.JWS()
        token.allowed_algs = ["ES256", "ES384", "RS256", "EdDSA"]
        token.deserialize(argv[2], key=key)
        print(json.dumps({"header": token.jose_header, "claims": json.loads(token.payload)}))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The keys API's schemas."""

from marshmallow import Schema, fields


class PublicKeySchema(Schema):
    kty = fields.String(metadata={"example": "OKP"})
    crv = fields.String(metadata={"example": "Ed25519"})
    x = fields.String(metadata={"description": "the public key, base64url"})
    kid = fields.String(metadata={"description": "the key's id: its RFC 7638 thumbprint"})
    alg = fields.String(metadata={"example": "EdDSA"})
    use = fields.String(metadata={"example": "sig"})


class JwksSchema(Schema):
    keys = fields.List(fields.Nested(PublicKeySchema), required=True)


class SigningKeySchema(Schema):
    kid = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    signs_from = fields.DateTime(dump_only=True, metadata={"description": "when it begins to sign tokens"})
    retired_at = fields.DateTime(dump_only=True, allow_none=True,
                                 metadata={"description": "when the next key took over"})
    state = fields.String(dump_only=True, metadata={
        "description": "next (published, not signing yet), signing, retired (published for the tokens it "
                       "signed), withdrawn (no longer published)"})

"""Ed25519 keys and signatures (the `cryptography` package): the organisation signs pack.json
with its private key; desktops hold only the public key, as one line of base64."""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["Ed25519PrivateKey", "Ed25519PublicKey", "SigningKeyError", "generate", "load_private_key",
           "load_public_key", "public_key_text", "sign", "verify"]


class SigningKeyError(ValueError):
    """A key that cannot be read; the message says so plainly."""


def generate() -> tuple[bytes, str]:
    """A new key pair: the private key as PEM (PKCS#8, unencrypted: keep it 0600, offline) and
    the public key as base64 of its 32 raw bytes (what desktops are configured with)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return pem, public_key_text(key.public_key())


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"The signing key is not an unencrypted PEM private key ({exc}).") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("The signing key is not an Ed25519 key.")
    return key


def load_public_key(text: str) -> Ed25519PublicKey:
    """From base64 of the 32 raw bytes, or a PEM public key."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise SigningKeyError("The public key is not an Ed25519 key.")
            return key
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error) as exc:
        raise SigningKeyError(f"The public key is not valid ({exc}).") from None


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The signature file's bytes: base64 of the 64-byte signature, one line."""
    return base64.b64encode(key.sign(data)) + b"\n"


def verify(key: Ed25519PublicKey, data: bytes, signature_file: bytes) -> bool:
    try:
        key.verify(base64.b64decode(signature_file.strip(), validate=True), data)
        return True
    except (InvalidSignature, ValueError, binascii.Error):
        return False

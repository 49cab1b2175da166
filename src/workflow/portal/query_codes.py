"""Query codes (查询码): the applicant's password for following a case.

A code is 16 characters of Crockford's base 32 (80 random bits), shown once. The store
keeps a salted SHA-256 digest, not argon2: argon2's cost protects secrets people choose,
which an attacker can enumerate; 80 random bits cannot be enumerated even at a trillion
SHA-256 digests a second (about 19,000 years for half the space), so a slow hash would
add nothing but tens of milliseconds and 64 MiB to every lookup, a lever for exhausting
the server. Lookups compare digests in constant time and are rate-limited per address.

The code is also kept *sealed* with a key derived from the submission token, a random
value only the submitting browser holds (in its form): a retried or double-clicked
submission shows that browser its code again, and nothing else can unseal it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 16
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_DUMMY_SALT = "0" * 32


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """The code as people read it: four groups of four."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(given: str) -> str:
    """What someone typed, as a code: case, spaces and hyphens ignored, O read as 0."""
    return "".join(given.split()).replace("-", "").upper().translate(_READS_AS)


def new_salt() -> str:
    return secrets.token_hex(16)


def digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise(code)}".encode()).hexdigest()


def matches(given: str, salt: str | None, stored: str | None) -> bool:
    """Whether ``given`` is the code; as long to answer for a missing code as for a wrong
    one (a dummy digest is computed and compared)."""
    computed = digest(given[:64], salt or _DUMMY_SALT)
    expected = stored or "0" * 64
    return hmac.compare_digest(computed, expected) and stored is not None


def new_token() -> str:
    """The hidden submission token of a form (192 random bits)."""
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    return hashlib.sha256(f"submission:{token}".encode()).hexdigest()


def _sealing_key(token: str) -> Fernet:
    key = hashlib.sha256(f"seal:{token}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(code: str, token: str) -> str:
    return _sealing_key(token).encrypt(code.encode()).decode()


def unseal(sealed: str | None, token: str) -> str | None:
    if sealed is None:
        return None
    try:
        return _sealing_key(token).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None

"""Session tokens (signed, expiring JWTs) and API keys (random secrets stored as hashes)."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import jwt

API_KEY_PREFIX = "tsk_"
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class SessionClaims:
    user_id: int
    tenant_id: int | None


class InvalidToken(Exception):
    pass


def issue_session_token(
    secret: str, user_id: int, tenant_id: int | None, ttl_seconds: int, now: float | None = None
) -> str:
    issued = int(now if now is not None else time.time())
    claims = {"sub": str(user_id), "tid": tenant_id, "iat": issued, "exp": issued + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def read_session_token(secret: str, token: str) -> SessionClaims:
    try:
        claims = jwt.decode(token, secret, algorithms=[_ALGORITHM], options={"require": ["exp"]})
        return SessionClaims(user_id=int(claims["sub"]), tenant_id=claims.get("tid"))
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise InvalidToken(str(exc)) from exc


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def api_key_hash(key: str) -> str:
    # API keys carry 256 bits of randomness, so a fast hash is safe here and keeps lookups cheap.
    return hashlib.sha256(key.encode()).hexdigest()

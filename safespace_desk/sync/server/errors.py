"""Errors the server answers with: always a 4xx with a code a desk can act on and a sentence a person
can read. Nothing in them ever quotes what a desk sent."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, expected_seq: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.expected_seq = expected_seq


def unauthorised(message: str = "This desk is not enrolled with this server (unknown token).") -> ApiError:
    return ApiError(401, "unknown_token", message)


def revoked() -> ApiError:
    return ApiError(401, "revoked", "This desk was removed from the hub; a manager can enrol it again.")


def forbidden(code: str, message: str) -> ApiError:
    return ApiError(403, code, message)


def conflict(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)


def unprocessable(code: str, message: str) -> ApiError:
    return ApiError(422, code, message)


def not_found(code: str, message: str) -> ApiError:
    return ApiError(404, code, message)


def gone(code: str, message: str) -> ApiError:
    return ApiError(410, code, message)

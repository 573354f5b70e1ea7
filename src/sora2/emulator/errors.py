"""OpenAI-style errors: `{"error": {"message", "type", "param", "code"}}` with the status the real API used."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class EmulatorError(Exception):
    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",  # noqa: A002
                 param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def quoted_choices(values: Sequence[str], conjunction: str) -> str:
    """'a', 'b', and 'c' — the way OpenAI's validator lists allowed values."""
    quoted = [f"'{value}'" for value in values]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} {conjunction} {quoted[1]}"
    return ", ".join(quoted[:-1]) + f", {conjunction} {quoted[-1]}"


def invalid_value(param: str, value: object, allowed: Sequence[str]) -> EmulatorError:
    return EmulatorError(400, f"Invalid value: '{value}'. Supported values are: {quoted_choices(allowed, 'and')}.",
                         param=param, code="invalid_value")


def invalid_type(param: str, expected: str, got: object) -> EmulatorError:
    message = f"Invalid type for '{param}': expected {expected}, but got {json_type_name(got)} instead."
    return EmulatorError(400, message, param=param, code="invalid_type")


def missing_parameter(param: str) -> EmulatorError:
    return EmulatorError(400, f"Missing required parameter: '{param}'.", param=param,
                         code="missing_required_parameter")


def unknown_parameter(param: str) -> EmulatorError:
    return EmulatorError(400, f"Unrecognized request argument supplied: {param}", param=param,
                         code="unknown_parameter")


def video_not_found(video_id: str) -> EmulatorError:
    return EmulatorError(404, f"Video with id '{video_id}' not found.", param="video_id", code="not_found")


def json_type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else "an unknown type"

"""Gateway error strings unwrapped to the upstream's own message.

LiteLLM (and relays built like it) wrap the upstream error in their own: `litellm.BadRequestError:
OpenAIException - {"error": {"message": "Invalid size", ...}}. Received Model Group=veo-3.1\nAvailable Model Group
Fallbacks=None`. Users should read "Invalid size", not the gateway's plumbing.
"""

from __future__ import annotations

import json
import re

# "litellm.BadRequestError: ", "OpenAIException - ", "APIError: " ... (several may be stacked)
_PREFIX = re.compile(r"^\s*(?:litellm\.)?[A-Za-z_]*(?:Error|Exception)\s*(?::|-)\s*")
# Trailers gateways append after the upstream message.
_TRAILERS = ("Received Model Group=", "Available Model Group Fallbacks=", "LiteLLM Retried:",
             "LiteLLM Max Retries:", "No fallback model group found", "Error doing the fallback")
_MESSAGE_KEYS = ("message", "detail", "error", "msg")
MAX_DEPTH = 5


def _message_in(value: object) -> str | None:
    """The human message of a parsed error body (`{"error": {"message": ...}}`, `{"detail": ...}`, a string)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return _message_in(value[0])
    if isinstance(value, dict):
        for key in _MESSAGE_KEYS:
            if key in value and (found := _message_in(value[key])):
                return found
    return None


def _embedded_json_message(text: str) -> str | None:
    decoder = json.JSONDecoder()
    for start in (i for i, char in enumerate(text) if char == "{"):
        try:
            parsed, _ = decoder.raw_decode(text[start:])
        except ValueError:
            continue
        found = _message_in(parsed)
        if found:
            return found
    return None


def _strip(text: str) -> str:
    for trailer in _TRAILERS:
        index = text.find(trailer)
        if index >= 0:
            text = text[:index]
    previous = None
    while previous != text:
        previous, text = text, _PREFIX.sub("", text, count=1)
    return text.strip()


def unwrap_gateway_message(message: str) -> str:
    text = message
    for _ in range(MAX_DEPTH):
        inner = _embedded_json_message(text)
        if inner is None or inner == text:
            break
        text = inner
    cleaned = _strip(text)
    return cleaned or message.strip()

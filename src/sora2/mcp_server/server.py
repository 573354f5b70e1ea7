"""The MCP server class: agent-readable argument errors and tidy tool descriptions."""

from __future__ import annotations

import inspect
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError

MESSAGES = {"missing": "is required", "int_parsing": "must be a whole number", "int_type": "must be a whole number",
            "string_type": "must be text", "bool_parsing": "must be true or false", "bool_type": "must be true or false",
            "list_type": "must be a list", "extra_forbidden": "is not an argument of this tool"}


def argument_errors(tool: str, error: ValidationError) -> str:
    """One short line an agent can act on: which argument, what is wrong (no input dump, no links)."""
    parts = []
    for item in error.errors(include_url=False)[:5]:
        field = ".".join(str(p) for p in item["loc"]) or "arguments"
        text = MESSAGES.get(item["type"]) or item["msg"].replace("Input should be", "must be").replace(
            "String should have", "must have").replace("List should have", "must have")
        parts.append(f"{field} {text}")
    return f"Invalid arguments for {tool}: " + "; ".join(parts) + "."


class StudioMCPServer(MCPServer):
    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(argument_errors(name, exc.__cause__)) from exc.__cause__
            raise


def tidy_descriptions(mcp: MCPServer) -> None:
    """Docstrings become descriptions: one paragraph each, without the source's indentation and line breaks."""
    for tool in mcp._tool_manager.list_tools():  # noqa: SLF001  (the SDK has no public setter)
        paragraphs = inspect.cleandoc(tool.description or "").split("\n\n")
        tool.description = "\n\n".join(" ".join(p.split()) for p in paragraphs)

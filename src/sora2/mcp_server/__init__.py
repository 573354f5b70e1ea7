"""The MCP server: the studio's tools for AI agents, over streamable HTTP at /mcp and over stdio (`sora2 mcp`).

Every tool goes through the REST API with the caller's own bearer token (in-process for HTTP, over the network for
stdio), so permissions, validation and error messages are the REST API's, in one place.
"""

"""Personal API tokens: named, scoped, optionally expiring bearer tokens for scripts, the CLI and MCP agents."""

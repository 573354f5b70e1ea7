"""The HTTP shell: what every request passes through around its route — trusted proxies' forwarded headers
(`proxy`), the input boundary (`inputs`, and `bodies` for routes that read their body), security headers
(`headers`), the one JSON error shape and the path-only access log (`handlers`) — and the health routes."""

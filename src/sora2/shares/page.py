"""The share page's HTML: the web UI's index.html with a server-written head, so chat apps and social sites
(which run no JavaScript) show a preview: title, description, the thumbnail and the MP4 (OpenGraph, Twitter)."""

from __future__ import annotations

from html import escape
from pathlib import Path

FALLBACK_BODY = """<body style="font-family:sans-serif;background:#121212;color:#eee;padding:2rem">
<main><h1>{title}</h1>{player}</main></body>"""


def meta_tags(*, title: str, description: str, page_url: str, image_url: str | None, video_url: str | None,
              width: int | None, height: int | None) -> str:
    tags = [("property", "og:type", "video.other" if video_url else "website"), ("property", "og:title", title),
            ("property", "og:description", description), ("property", "og:url", page_url),
            ("property", "og:site_name", "Sora2 Studio"), ("name", "robots", "noindex"),
            ("name", "twitter:card", "summary_large_image" if image_url else "summary"),
            ("name", "twitter:title", title), ("name", "twitter:description", description)]
    if image_url:
        tags += [("property", "og:image", image_url), ("name", "twitter:image", image_url)]
    if video_url:
        tags += [("property", "og:video", video_url), ("property", "og:video:secure_url", video_url),
                 ("property", "og:video:type", "video/mp4")]
        if width and height:
            tags += [("property", "og:video:width", str(width)), ("property", "og:video:height", str(height))]
    lines = [f'<meta {attr}="{escape(key)}" content="{escape(value)}" />' for attr, key, value in tags]
    lines.append(f'<meta name="description" content="{escape(description)}" />')
    return "\n    ".join(lines)


def render(index: Path, *, title: str, head: str, video_url: str | None) -> str:
    """index.html with this page's title and tags; without a built UI, a bare page with a native player."""
    if index.exists():
        html = index.read_text(encoding="utf-8")
        html = html.replace("<title>Sora2 Studio</title>", f"<title>{escape(title)}</title>", 1)
        return html.replace("</head>", f"    {head}\n  </head>", 1)
    player = f'<video controls playsinline src="{escape(video_url)}" style="max-width:100%"></video>' if video_url else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>\n    {head}'
            f"</head>{FALLBACK_BODY.format(title=escape(title), player=player)}</html>")

"""Template and context in, PDF bytes out (WeasyPrint, in-process).

Resources resolve against ``settings.BASE_DIR``; only ``file:`` URLs inside
it and ``data:`` URLs are fetched, never anything over the network.
"""

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class LocalFetcher(URLFetcher):
    """Fetches ``data:`` URLs and files under BASE_DIR; refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file":
            root = Path(settings.BASE_DIR).resolve()
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_relative_to(root):
                raise ValueError(f"Refused a file outside the project: {url}")
        return super().fetch(url, headers)


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    html = HTML(
        string=render_html(template_name, context),
        base_url=str(settings.BASE_DIR) + "/",
        url_fetcher=LocalFetcher(),
    )
    return html.write_pdf()

"""The one PDF renderer: HTML in, A4 PDF bytes out (WeasyPrint).

Documents inline their CSS and use the system's fonts (CJK included), so the
renderer never fetches a URL: a template that tries to load one fails loudly
instead of leaking a request or hanging on the network.
"""


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"a PDF may not load {url!r}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import: only where a PDF is made

    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()

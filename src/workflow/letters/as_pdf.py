"""HTML document -> PDF with WeasyPrint, fonts embedded (subset).

WeasyPrint finds fonts through fontconfig. Without a Chinese font every character
would print as an empty box, so a missing CJK font is an error before rendering.
Subsetting the large CJK fonts needs HarfBuzz's subset library (Debian:
libharfbuzz-subset0); without it a letter takes seconds instead of milliseconds.
The document may load nothing from outside: every URL is refused.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from workflow.errors import LetterError

_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_CJK_FILES = ("*CJK*", "*cjk*", "wqy*", "*SourceHan*", "*FangSong*", "*simfang*", "*simsun*")
NO_CJK_FONT = (
    "cannot make a PDF letter: no Chinese (CJK) font is installed, the text would print as "
    "empty boxes; install one, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or "
    "`dnf install google-noto-serif-cjk-fonts` (Fedora), then try again"
)


@cache
def cjk_font_available() -> bool:
    """Whether fontconfig knows a font covering Chinese (checked once per process)."""
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            found = subprocess.run(
                [fc_list, ":lang=zh", "family"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            return bool(found.stdout.strip())
    for directory in _FONT_DIRS:
        root = Path(directory).expanduser()
        if root.is_dir() and any(next(root.rglob(pattern), None) for pattern in _CJK_FILES):
            return True
    return False


def _refuse_url(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise LetterError(f"a letter may not load {url!r}")


def pdf_document(html: str) -> bytes:
    """The PDF of a complete HTML document (as ``as_html.html_document`` writes it)."""
    if not cjk_font_available():
        raise LetterError(NO_CJK_FONT)
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError as error:  # pragma: no cover - a missing dependency or system library
        raise LetterError(f"cannot make a PDF letter: WeasyPrint is unusable: {error}") from None
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_url)
    pdf = document.write_pdf()
    if not isinstance(pdf, bytes):  # pragma: no cover
        raise LetterError("WeasyPrint returned no PDF")
    return pdf

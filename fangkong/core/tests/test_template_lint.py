"""Templates hold no inline script and no inline event handler: the Content-Security-Policy
allows scripts only from the app's own files, so either would silently stop working."""

import re
from pathlib import Path

import fangkong

ROOT = Path(fangkong.__file__).parent
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def templates() -> list[Path]:
    found = sorted(ROOT.glob("**/templates/**/*.html"))
    assert len(found) > 50
    return found


def problems(text: str) -> list[str]:
    found = []
    for m in SCRIPT.finditer(text):
        if m.group(2).strip():
            found.append(f"inline <script>: {m.group(0)[:60]!r}")
        if "src=" not in m.group(1):
            found.append(f"<script> without src: {m.group(0)[:60]!r}")
    found += [f"event handler attribute: {m.group(0)[-60:]!r}" for m in HANDLER.finditer(text)]
    found += [f"style attribute: {m.group(0)[-60:]!r}" for m in STYLE_ATTR.finditer(text)]
    found += [f"<style> block at {m.start()}" for m in STYLE_BLOCK.finditer(text)]
    found += [f"javascript: URL: {m.group(0)!r}" for m in JS_URL.finditer(text)]
    return found


def test_the_lint_finds_what_it_looks_for():
    assert problems('<button onclick="go()">x</button>')
    assert problems("<select name=s\n  onchange='this.form.submit()'>")
    assert problems("<script>alert(1)</script>")
    assert problems('<script type="module">\nimport "x";\n</script>')
    assert problems('<span style="width:5%"></span>')
    assert problems("<style>p{}</style>")
    assert problems('<a href="javascript:void(0)">x</a>')
    assert not problems('<script src="/static/x.js" defer></script>')
    assert not problems('<button data-confirm="on=1" class="online">x</button>')


def test_no_template_has_inline_script_handlers_or_styles():
    found = {
        str(path.relative_to(ROOT)): p
        for path in templates()
        if (p := problems(path.read_text(encoding="utf-8")))
    }
    assert found == {}

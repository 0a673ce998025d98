"""Production's static files are minified before they are hashed and compressed (issue 12
item 17); the timed check on a slow network is the browser test in
checkpoints/tests/test_browser_slow_network.py."""

from __future__ import annotations

from django.core.files.base import ContentFile

from fangkong.core.staticstorage import MinifiedCompressedManifestStorage, minified

SCRIPT = """/*! licence kept */
// a comment that goes
function add(first, second) {
    /* and another */
    return first + second;
}
"""


def test_scripts_and_stylesheets_are_minified_licences_kept() -> None:
    small = minified("checkpoints/scan.js", SCRIPT)
    assert small is not None
    assert "/*! licence kept */" in small
    assert "a comment that goes" not in small and "and another" not in small
    assert "return first+second" in small
    css = minified("fangkong/app.css", "/* note */\n.card {  padding : 1rem ;\n}\n")
    assert css == ".card{padding:1rem}"


def test_minified_files_and_other_files_are_left_alone() -> None:
    assert minified("django_htmx/htmx-2.min.js", SCRIPT) is None
    assert minified("fangkong/favicon.svg", "<svg/>") is None


def test_the_storage_writes_the_minified_text_even_after_the_file_was_read(tmp_path) -> None:
    storage = MinifiedCompressedManifestStorage(location=tmp_path)
    content = ContentFile(SCRIPT.encode())
    content.read()  # the manifest step reads a file to hash it before saving a copy
    storage._save("scan.js", content)
    saved = (tmp_path / "scan.js").read_text()
    assert saved.startswith("/*! licence kept */") and "return first+second" in saved

"""Arabic is the first language: every string is translated and the compiled catalogue matches the source."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_arabic_string_is_translated() -> None:
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def _translation(entry: polib._BaseEntry) -> str | tuple[str, ...]:
    """The msgstr, or the plural forms in order (a plural entry's msgstr is empty)."""
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int))
    return str(entry.msgstr)


def test_compiled_catalogue_is_current() -> None:
    source = {
        (e.msgctxt, e.msgid): _translation(e)
        for e in polib.pofile(str(PO))
        if (e.msgstr or any(e.msgstr_plural.values())) and not e.obsolete
    }
    compiled = {(e.msgctxt, e.msgid): _translation(e) for e in polib.mofile(str(MO)) if e.msgid}
    assert source == compiled, "run: manage.py compilemessages -l ar"


def test_source_strings_are_all_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages over a scratch copy of the sources finds nothing that the committed catalogue lacks."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "tests", "static", "*.mo")
    for name in ("config", "erp", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "makemessages", "-l", "ar", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.django.local"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(copy / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    new = [e.msgid for e in fresh.untranslated_entries()]
    assert not new, f"strings missing from locale/ar (run makemessages and translate): {new}"

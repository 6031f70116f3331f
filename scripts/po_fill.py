"""Fill empty Vietnamese entries of locale/vi from a {msgid: msgstr} module.

Usage: python scripts/po_fill.py TRANSLATIONS.py  (a file defining VI and PLURAL)
Prints the msgids still untranslated; the i18n test fails while any remain.
"""

import runpy
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale/vi/LC_MESSAGES/django.po"


def main(path: str) -> None:
    data = runpy.run_path(path)
    po = polib.pofile(str(PO))
    for entry in po:
        if entry.msgid_plural and entry.msgid in data.get("PLURAL", {}):
            # Vietnamese has one plural form (nplurals=1).
            entry.msgstr_plural = {0: data["PLURAL"][entry.msgid][0]}
        elif entry.msgid in data.get("VI", {}):
            entry.msgstr = data["VI"][entry.msgid]
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata_is_fuzzy = False
    po.header = "Vietnamese catalogue of the emulation bloc portal."
    po.metadata["Project-Id-Version"] = "emulation-bloc-portal"
    po.metadata["Language-Team"] = "Vietnamese"
    po.metadata["Language"] = "vi"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    for entry in po.untranslated_entries():
        print("untranslated:", entry.msgid)


if __name__ == "__main__":
    main(sys.argv[1])

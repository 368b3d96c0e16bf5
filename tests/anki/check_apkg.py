"""Imports an .apkg made by `rapport export quiz --format apkg` with Anki's own library (PyPI
`anki`), twice, and prints what the collection holds as JSON: note count after each import,
note types with their fields, decks, and the fields and tags of every note by GUID."""
import json
import os
import sys
import tempfile

from anki.collection import Collection
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest


def import_package(col, path):
    options = ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False, with_deck_configs=False)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=path, options=options))


def main(path):
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        import_package(col, path)
        first = col.note_count()
        import_package(col, path)
        second = col.note_count()
        types = {}
        for nt in col.models.all():
            if nt["name"].startswith("Rapport"):
                types[nt["name"]] = [f["name"] for f in nt["flds"]]
        notes = {}
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            notes[note.guid] = {
                "type": note.note_type()["name"],
                "fields": dict(note.items()),
                "tags": note.tags,
                "deck": col.decks.name(note.cards()[0].did),
            }
        decks = sorted(d.name for d in col.decks.all_names_and_ids())
        col.close()
    print(json.dumps({"first": first, "second": second, "types": types, "decks": decks, "notes": notes}))


if __name__ == "__main__":
    main(sys.argv[1])

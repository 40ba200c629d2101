"""NAV intake: what ``ekspertrapport check`` and ``ekspertrapport measures export`` are built from.

Data flow, one stage per module:

```
paths → discover   (which files, which are skipped and why; symlink loops, special files)
      → signature  (does the file carry our signature/fingerprint, does it verify, the locked payload)
      → document   (ekspertrapport.document.document_from_path) → lint (ekspertrapport.lint.Linter)
      → completeness (approval statement, causes, measures with responsible party, period, parties)
      → ekspertrapport.check (verdict per file, parallel batch) → output (table / csv / json)
tables   (measures tables in others' reports: Markdown, Word, PDF)
measures (measures export, one row per measure of each report version)
```
"""


def strip_path(message: str, path: object) -> str:
    """A reader's message without its leading «path: » (the intake rows show the path in their own column)."""
    for prefix in (f"{path}: ", f"{path}:"):
        if message.startswith(prefix):
            return message[len(prefix):].strip()
    return message

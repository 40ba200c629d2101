"""Output formats for lint results: ``text`` (people), ``json`` (the contract), ``sarif`` (CI, editors).

Each module has ``render(results, ...) -> str``; the Word-comment annotator (``docx_comments``) is added
by the Word issue.
"""

FORMATS = ("text", "json", "sarif")

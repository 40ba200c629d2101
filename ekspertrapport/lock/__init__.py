"""Worker approval that locks a report: keys, approval, signed recipient copies, audit log, verification.

Layout (one stage per module):

- :mod:`.keys`     the expert's signing key and certificate (PKCS#12), created or loaded;
- :mod:`.state`    per-report lock state (approved versions) and the state directory beside the source;
- :mod:`.audit`    the append-only, hash-chained audit log;
- :mod:`.payload`  what a locked file carries: canonical content, approval, version, recipient;
- :mod:`.sign`     PAdES certification signature (DocMDP: no changes) with pyHanko;
- :mod:`.docx`     the employer's Word copy: read-only protection and custom properties;
- :mod:`.manifest` manifest.json of a locked output folder;
- :mod:`.approve`  the workflow: lint → approval record → render → sign → manifest → move into place;
- :mod:`.verify`   checking a locked PDF, Word copy or manifest.

Nothing is imported here, so that ``render`` can ask :mod:`.state` whether a report is locked without
loading the PDF signer.
"""

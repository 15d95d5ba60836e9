"""Paper back to data: ``auditpack scan`` reads filled, scanned or photographed forms into answers files.

A page is found by its QR code (:mod:`auditpack.scan_code`), put straight by its four corner marks,
and each box of its layout (``NAME.layout.json``, written by the build from the PDF itself) is
measured. What the reader is sure of becomes an answers file in the online form's export format, so
``auditpack collate`` counts it as it counts any other response; what it is not sure of goes to an
offline review page, and nothing is guessed.

Modules, in the order a page passes through them: :mod:`.layouts` (what was printed where),
:mod:`.images` (pages from PDFs, TIFFs and photos), :mod:`.locate` (code, marks, straightening),
:mod:`.boxes` (ink in each box and writing area), :mod:`.decide` (answers and doubts per question),
:mod:`.assemble` (pages into respondents), :mod:`.output` (answers files, review page, decisions).
"""

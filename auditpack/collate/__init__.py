"""``auditpack collate``: from answered questionnaires to a collation report and a draft action plan.

Data flows one way, as in the build: **read** every input file into answers checked against the
questionnaire (:mod:`.readers`, with one module per format: :mod:`.pdf_form`, :mod:`.online_export`,
:mod:`.tally_csv`) -> **tally** them into counts and findings (:mod:`.tally`) -> **render** the report
as a web page, a PDF and CSV files (:mod:`.report`) -> **write** them. :mod:`.cli` is the command.

Inputs are untrusted: each file is either counted whole or skipped whole with a reason a person
can act on, and one bad file never stops the others being counted.
"""

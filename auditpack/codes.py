"""Every kind of problem auditpack reports, with a stable code and name: ``AP104 unknown-role``.

Editors and CI match problems by code (``auditpack check --format json``), so a code keeps its
meaning for good: a new kind of problem gets a new number, and a number that is no longer used is
retired, never reused. ``docs/errors.md`` lists this table; ``python -m auditpack.codes`` writes it.

Numbers by what they are about: AP0xx a file that cannot be read, AP1xx a programme's content,
AP2xx site_config.yml, AP3xx schools (``--school``, ``packs``), AP4xx the command's own inputs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    number: str
    name: str
    summary: str
    """What the problem is, for the list of codes."""
    unreadable: bool = False
    """The file could not be read at all: checking the rest of its programme would only report
    the keys it holds as missing."""
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


# --- AP0xx: a file that cannot be read ---------------------------------------------------------
YAML_SYNTAX = Code("AP001", "yaml-syntax", "the file is not valid YAML (a stray ':', a tab, a quote never closed)",
                   unreadable=True)
CONTROL_CHARACTER = Code("AP002", "control-character", "the file holds a control character YAML refuses",
                         unreadable=True)
NOT_UTF8 = Code("AP003", "not-utf8", "the file is not saved as UTF-8 text (for example UTF-16)", unreadable=True)
CANNOT_READ = Code("AP004", "cannot-read", "the file could not be opened or read", unreadable=True)
FILE_TOO_LARGE = Code("AP005", "file-too-large", "the file is larger than a content file can be", unreadable=True)
TOO_MANY_VALUES = Code("AP006", "too-many-values",
                       "the file expands to too many values or too much text, through aliases", unreadable=True)
TOO_DEEP = Code("AP007", "too-deep", "the values are nested too deeply", unreadable=True)
NOT_A_FILE = Code("AP008", "not-a-file", "a name ending in .yml is not a regular file", unreadable=True)
LINK_OUTSIDE = Code("AP009", "link-outside", "a content file links to a file outside its programme folder",
                    unreadable=True)
PROGRAMME_TOO_LARGE = Code("AP010", "programme-too-large", "a programme folder holds too much YAML altogether",
                           unreadable=True)
EMPTY_FILE = Code("AP011", "empty-file", "the file is empty")
ONLY_COMMENTS = Code("AP012", "only-comments", "the file holds only comments")
UNSUPPORTED_TAG = Code("AP013", "unsupported-tag", "a YAML tag ('!name') is used")
MERGE_KEY = Code("AP014", "merge-key", "a YAML merge key ('<<') is used")
KEY_NOT_TEXT = Code("AP015", "key-not-text", "a key is a list or a block instead of plain text")
DUPLICATE_KEY = Code("AP016", "duplicate-key", "a key is set twice in one block")
INVALID_CHARACTER = Code("AP017", "invalid-character", "a value holds an invisible or invalid character")
BAD_TRANSLATION_FILE = Code("AP018", "bad-translation-file", "a translation file (.po) is not valid PO syntax")

# --- AP1xx: a programme's content --------------------------------------------------------------
NO_PROGRAMMES = Code("AP100", "no-programmes", "the content folder holds no programme folders")
MISSING_PROGRAMME_FILE = Code("AP101", "missing-programme-file", "a programme folder has no programme.yml")
UNKNOWN_KEY = Code("AP102", "unknown-key", "a key (or setting) that is not allowed there, often misspelt")
MISSING_KEY = Code("AP103", "missing-key", "a required key is missing")
UNKNOWN_ROLE = Code("AP104", "unknown-role", "a role id that the programme does not declare")
UNKNOWN_PATHWAY = Code("AP105", "unknown-pathway", "a pathway id that the programme does not declare")
UNKNOWN_QUESTIONNAIRE = Code("AP106", "unknown-questionnaire",
                             "a questionnaire id that the programme does not declare")
UNKNOWN_GUIDANCE = Code("AP107", "unknown-guidance", "a guidance note id that the programme does not declare")
UNKNOWN_COMPONENT = Code("AP108", "unknown-component", "a component id that the programme does not declare")
UNKNOWN_SECTION = Code("AP109", "unknown-section", "a section id that the questionnaire does not have")
DUPLICATE_ID = Code("AP110", "duplicate-id", "an id used twice where each must be different")
STAGE_ORDER = Code("AP111", "stage-order", "stages not numbered 1, 2, 3... in the order written")
RESERVED_ID = Code("AP112", "reserved-id", "an id that Windows reserves as a device name (con, nul...)")
DUPLICATE_PROGRAMME = Code("AP113", "duplicate-programme", "two programme folders use the same programme id")
PROGRAMME_TWICE = Code("AP114", "programme-twice", "the 'programme' block is set in two files")
NOT_A_MAPPING = Code("AP115", "not-a-mapping", "a content file is not a set of 'key: value' blocks")
NOT_A_LIST = Code("AP116", "not-a-list", "a top-level list (stages, roles...) is not written as a list")
INVALID_ID = Code("AP117", "invalid-id", "an id that is not lower-case letters, digits and single hyphens")
UNKNOWN_VALUE = Code("AP118", "unknown-value", "a value that is not one of the allowed choices")
TOO_LONG = Code("AP119", "too-long", "a text is longer than allowed")
EMPTY_VALUE = Code("AP120", "empty-value", "a value is empty")
ENTRY_COUNT = Code("AP121", "entry-count", "a list has too few or too many entries")
OUT_OF_RANGE = Code("AP122", "out-of-range", "a number is too small or too large")
WRONG_TYPE = Code("AP123", "wrong-type", "a value of the wrong kind: text, a number, a date, a list or a block")
DATE_OUT_OF_RANGE = Code("AP124", "date-out-of-range", "a 'published' date the site and PDFs cannot be stamped with")
INCOMPLETE_DOCUMENT = Code("AP125", "incomplete-document", "a document lacks what its kind needs")
DUPLICATE_DOCUMENT = Code("AP126", "duplicate-document", "a document kind listed twice in one stage")
SCALE_ORDER = Code("AP127", "scale-order", "scale values not distinct and ascending")
CHANGELOG_VERSION = Code("AP128", "changelog-version", "the newest changelog entry is not the programme's version")
INVALID_VALUE = Code("AP129", "invalid-value", "a value that is not valid for another reason")
SCALE_POINT = Code("AP130", "scale-point", "a scale point lacks what its scale kind needs (a 'value' or a 'code')")
SCALE_CODE = Code("AP131", "scale-code", "two scale points share a code, or a code is the don't-know answer 'dk'")
JUDGEMENT = Code("AP132", "judgement", "a strength and need rule that does not fit the questionnaire's scale")
UNKNOWN_ITEM = Code("AP133", "unknown-item",
                    "an audience words a statement its questionnaire (or its own sections) does not have")
RECORD_CHOICES = Code("AP134", "record-choices", "a 'choice' record column without choices, or choices on another kind")
DUPLICATE_RECORD_COLUMN = Code("AP135", "duplicate-record-column", "two record columns of one form share an id")
TOO_MANY_RECORD_COLUMNS = Code("AP136", "too-many-record-columns",
                               "more record columns, or text columns, than a form's page has room for")

# AP17x: recommended but missing. Warnings: check and build say so, and the exit status stays 0.
MISSING_SUMMARY = Code("AP170", "missing-summary", "the programme has no 'summary' for its home page and covers",
                       severity="warning")
MISSING_PUBLISHER = Code("AP171", "missing-publisher", "the programme names no 'publisher'", severity="warning")
MISSING_LICENCE = Code("AP172", "missing-licence", "the programme has no 'licence' saying who may copy it",
                       severity="warning")
MISSING_DATE = Code("AP173", "missing-date",
                    "the programme has no 'published' date and no changelog entry to take one from",
                    severity="warning")
MISSING_SHORT_TITLE = Code("AP174", "missing-short-title",
                           "a long programme title without a 'short_title' for page headers", severity="warning")
MISSING_ROLE_DESCRIPTION = Code("AP175", "missing-role-description", "a role has no 'description'",
                                severity="warning")
MISSING_PATHWAY_DESCRIPTION = Code("AP176", "missing-pathway-description", "a pathway has no 'description'",
                                   severity="warning")
MISSING_OUTCOME = Code("AP177", "missing-outcome", "a stage has no 'outcome'", severity="warning")
MISSING_GLYPH = Code("AP178", "missing-glyph", "a character no packaged typeface has: it would print as an empty box",
                     severity="warning")
MISSING_TRANSLATION_FILE = Code("AP180", "missing-translation-file",
                                "a language listed in 'translations' has no translation file", severity="warning")
UNTRANSLATED = Code("AP181", "untranslated", "a text has no translation in a listed language", severity="warning")
STALE_TRANSLATION = Code("AP182", "stale-translation",
                         "a translation was written for an earlier wording of its text", severity="warning")
BAD_TRANSLATIONS = Code("AP183", "bad-translations", "the 'translations' list names a language twice, or the "
                        "programme's own")
BAD_LANGUAGE_TAG = Code("AP184", "bad-language-tag", "a language is not written as a language tag (cy, en-GB, pt-BR)")
BAD_BILINGUAL_FIRST = Code("AP185", "bad-bilingual-first",
                           "'bilingual_first' names a language the programme is not written or translated in")

# --- AP2xx: site_config.yml ------------------------------------------------------------------
UNKNOWN_LANGUAGE = Code("AP200", "unknown-language", "a site language the theme has no words for")
OUTPUT_FOLDER = Code("AP201", "output-folder", "an output folder that is not a folder of its own in the project")
LOW_CONTRAST = Code("AP202", "low-contrast", "a brand colour without 4.5:1 contrast on white")
UNUSABLE_LOGO = Code("AP203", "unusable-logo", "the logo cannot be used: missing, not an image, too large, unsafe")

# --- AP3xx: schools --------------------------------------------------------------------------
NO_SCHOOL_LETTERS = Code("AP300", "no-school-letters", "a school name without letters or digits")
CHOOSE_PROGRAMME = Code("AP301", "choose-programme",
                        "the programme a school's packs are for is not given (with several) or not known")
NO_HEADER = Code("AP302", "no-header", "the schools file has no header row")
UNKNOWN_COLUMN = Code("AP303", "unknown-column", "the schools file names a column auditpack does not know")
REPEATED_COLUMN = Code("AP304", "repeated-column", "the schools file names a column twice")
MISSING_COLUMN = Code("AP305", "missing-column", "the schools file lacks a required column")
EXTRA_CELLS = Code("AP306", "extra-cells", "a row has more cells than the header names columns")
SAME_FOLDER = Code("AP307", "same-folder", "two schools would be written to the same folder")
UNUSABLE_FOLDER_NAME = Code("AP308", "unusable-folder-name", "a school's name cannot be a folder name")
NOT_REPLACED = Code("AP309", "not-replaced", "a school's folder is not auditpack's to replace")
NOT_WRITTEN = Code("AP310", "not-written", "a school's packs could not be written")
SCHOOL_LANGUAGE = Code("AP311", "school-language",
                       "a school's packs are asked for in a language their programme is not published in")

# --- AP4xx: the command's own inputs ---------------------------------------------------------
INVALID_EPOCH = Code("AP400", "invalid-epoch", "SOURCE_DATE_EPOCH is not a time output can be stamped with")
NOT_A_VERSION = Code("AP401", "not-a-version", "'diff' was given neither a content folder nor a git revision")
FOLDER_EXISTS = Code("AP402", "folder-exists", "'new' was given the id of a programme that already exists")

CODES: tuple[Code, ...] = tuple(value for value in globals().values() if isinstance(value, Code))
"""Every code, in number order."""


def codes_page() -> str:
    """docs/errors.md: how problems are reported, and the table of codes (a test checks that the
    page in the repository is this text)."""
    rows = [f"| {c.number} | `{c.name}` | {c.severity} | {c.summary} |" for c in CODES]
    return PAGE.format(rows="\n".join(rows))


PAGE = """\
# Problems and their codes

<!-- Written by `python -m auditpack.codes > docs/errors.md` from auditpack/codes.py; do not edit by hand. -->

Every problem auditpack finds in a project (content, `site_config.yml`, a school file or a
schools CSV) has a stable **code** and **name**, such as `AP104 unknown-role`. A code keeps its
meaning for good: a new kind of problem gets a new number, and a number no longer used is retired,
never reused. Scripts, editors and CI can match on the code; the wording of messages may improve.

## As text (the default)

`auditpack check` prints each problem for people, on stderr:

```text
content/mini/stages.yml:33:9: 'owners': unknown role 'staf' (expected one of: advisor, lead, staff)
            owners: [staf]
            ^
    hint: did you mean 'staff'?
1 problem found; nothing was written.
```

## As JSON, for editors and CI

`auditpack check --format json` (or `python build.py check --format json`) prints one JSON
document on stdout instead, whether or not there are problems. The exit status is the same as with
text: 0 no problems, 1 problems, 2 a mistake in the command.

```json
{{
  "version": 1,
  "problems": [
    {{
      "code": "AP104",
      "name": "unknown-role",
      "severity": "error",
      "file": "content/mini/stages.yml",
      "line": 33,
      "column": 9,
      "message": "'owners': unknown role 'staf'",
      "expected": "one of: advisor, lead, staff",
      "choices": ["advisor", "lead", "staff"],
      "hint": "did you mean 'staff'?"
    }}
  ],
  "summary": {{"errors": 1, "warnings": 0, "programmes": null}}
}}
```

- `version`: the shape of the document; it changes only if a field changes meaning or goes away.
- `problems`: every problem (text shows the first 200), sorted by file, line and column.
  - `code`, `name`: from the table below. `severity`: `error` or `warning`.
  - `file`: relative to the project folder (`/`-separated) when the file is inside it; otherwise
    as given, which may be an option or variable: `--school`, `SOURCE_DATE_EPOCH`.
  - `line`, `column`: 1-based, counted in characters; `null` when the problem is with the whole file.
  - `message`: what is wrong, in words. `expected`: what was expected, in words, or `null`.
  - `choices`: the valid values when the problem is a value outside a known set (may be empty).
  - `hint`: what to do about it, or `null`.
- `summary`: the count of `errors` and `warnings`, and the number of `programmes` checked
  (`null` when problems stopped the check).

The text is escaped JSON (ASCII only), so any character from the content, however odd, arrives
as it was written and none can act on a terminal. Problems that are not about the project's files
(a file that cannot be written, an interruption) are printed as text on stderr as usual.

## Codes

AP0xx: a file that cannot be read as it is. AP1xx: a programme's content. AP2xx: `site_config.yml`.
AP3xx: schools (`--school`, `--school-file`, `packs --schools`). AP4xx: the command's own inputs.

| Code | Name | Severity | Problem |
|---|---|---|---|
{rows}
"""


if __name__ == "__main__":
    sys.stdout.write(codes_page())

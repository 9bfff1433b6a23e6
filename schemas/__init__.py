"""The document kinds and what they share; the folder keeps its name, but it holds more than schemas.

Each kind is one module here (meeting_minutes, branch_manual, policy, certificate, commendation):
its marshmallow Schema (which also lays out its batch sheet and web form), ID, TITLE, SUMMARY, ORDER,
FILENAME, NUMBERING, its context() for the Word template and its warnings; its example is
examples/<id>.json and its template templates/docx/<id>.docx. service/catalog.py finds every module with an ID, so a new kind is a new
module (see docs/architecture.md). The shared pieces, by concern:

- checks.py      single-value checks: length limits, validators, character classes, phone and number shapes
- fields.py      the Chinese-speaking fields and BaseSchema the kinds are made of
- problems.py    cross-field problems, raised as marshmallow's nested errors
- numbering.py   how a kind's documents are numbered (机关代字〔年份〕序号号)
- validation.py  validate(): the loaded data, or the errors with their paths in form order
- official.py    the 公文 kinds' shared fields and context, taken from the organisation profile
- profile.py     the organisation profile (profile.toml: the packaged default)
"""

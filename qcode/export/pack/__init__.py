"""Offline work packages: a coder's share of a project in one file, and her work merged back.

`build` writes a package (documents with their units, the codebook, the coder's assignments, her
codings, memo entries and log); `load` makes a new local project from one; `merge` brings a
package's codings, memo entries and events into a project by identity — UUIDs, and document
hashes for the texts — never by name or id. `archive` is the file itself: a zip whose manifest
lists a SHA-256 for every member, all checked before anything is written.
"""

"""Raw wire text -> front-matter Markdown.

Pure text functions live in `decode` (bytes -> text), `structure` (text -> parts), `dates`,
`quotes`, `tags` and `writer`; only `decode` and `importer` touch files. Nothing is imported
here so that loading one stage never drags in the others.
"""

"""Local preview: `sitegen serve` builds, serves, watches and live-reloads the site.

`server` serves the output folder, `watch` turns file-system noise into settled batches,
`livereload` pushes reloads and errors to the browser, `app` wires them to `build_site`.
"""

from sitegen.serve.app import Preview, serve

__all__ = ["Preview", "serve"]

"""What a rebuild keeps between builds (`<site>/.sitegen-cache/`), stored as data, never code."""

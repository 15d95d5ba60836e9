"""Renderers: pure functions from the model to text (Markdown, HTML) and from HTML to PDF bytes."""

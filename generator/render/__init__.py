"""Render: pure functions from the fact base to the site's files (pages, figures, data).

Nothing here touches the disk except reading the generator's own static assets; `write.py`
alone writes `site_src/`.
"""

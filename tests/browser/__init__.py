"""End to end: the whole app (pages, task consumer, sources) in a real browser, not one package."""

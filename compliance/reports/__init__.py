"""PDF reports for legal counsel: rendered from templates, PDF/A-3 with their data, signed."""

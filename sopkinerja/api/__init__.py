"""The API for other systems (/api/v1/, django-ninja): token-authenticated reads of the organisation,
performance data, runs, documents and SOPs, and writes through the same services as the pages.
docs/api.md says how to use it."""

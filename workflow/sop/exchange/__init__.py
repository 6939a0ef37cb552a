"""SOP import and export: the open JSON format (json_format), its schema check (schema) and the
Excel workbook (excel). The browser, the commands and the seed loader all go through these."""

"""The provincial office's reports: figures computed from the database, as tables, charts
and downloads."""

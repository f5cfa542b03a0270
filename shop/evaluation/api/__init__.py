"""The evaluation API under /api/v1/evaluation: councils (councils.py), members' score sheets
and the council's result (scoring.py), the province's decisions and their annex
(decisions.py). Every route calls the same services as the office's pages."""

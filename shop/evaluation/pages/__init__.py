"""The evaluation's screens, under /office/evaluation/ for the office and its councils and
under /coop/evaluation/ for producers. Councils and their members (councils.py), scoring
on a tablet (scoring.py), the council's result (results.py) and the province's decision with
its preview and annex (decisions.py) share base.py; every write calls the same services as
the API."""

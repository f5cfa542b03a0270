"""Tables of the evaluation cycle, one module per stage (``shop.models`` imports them all).

- ``sheets``: the score sheets as data (``CriteriaSheet`` → ``Criterion`` → ``CriterionOption``);
- ``registrations``: rounds, the products entered in them and their dossiers;
- ``scoring``: councils, their members and the score sheets they sign;
- ``results``: each registration's result, and the province's decision on a round.

Points are integers; means are kept in hundredths of a point (integer arithmetic).
"""

"""A minimal django-oscar 4.2.1 shop for the peer benchmark (bench/oscar/compare.py).

Runs only inside the virtualenv that bench/oscar/install.py makes under var/bench-oscar/.
"""

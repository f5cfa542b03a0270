"""Planning a location's stock: ``low_stock`` (thresholds and reorder suggestions from
sales) and ``fairs`` (what is left at the end of a trade fair, and where it goes back).
"""

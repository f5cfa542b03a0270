"""Online orders: checkout, routing to the locations that fulfil them, reservations, tracking."""

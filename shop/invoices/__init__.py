"""Vietnamese e-invoices: issued after the sale, from a queue in the database, through a provider."""

"""Settlement statements: what each producer is owed for a month of sales."""

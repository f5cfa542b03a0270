"""E-invoice providers behind one interface: one module each (Viettel SInvoice first)."""

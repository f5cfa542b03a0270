"""Payment providers behind one interface: Stripe cards, VietQR bank transfer, cash on delivery."""

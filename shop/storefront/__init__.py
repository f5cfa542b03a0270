"""The online storefront: carts, shipping fees, approximate prices, and the tourist's pages."""

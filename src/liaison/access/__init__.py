"""Who may do what: parties, principals, roles, API tokens and the visibility policy."""

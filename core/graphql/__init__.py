"""GraphQL building blocks that core and plugins share."""

"""Members, comments and moderation: the discussion under each article."""

"""What editors publish: articles, their authors, topics and site-wide texts."""

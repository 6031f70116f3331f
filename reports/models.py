"""Reports models arrive with their issue (see README, "Layout")."""

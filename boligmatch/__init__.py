"""boligmatch package."""

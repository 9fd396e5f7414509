"""One module per command-line command; `boligmatch.cli` registers them."""

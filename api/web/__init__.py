"""Server-rendered web pages for allocation staff, housing associations and planners."""

"""`./pycnb bench`: pycnb (A) against the Dockerfile a user would write (B) and the bare install (C)."""

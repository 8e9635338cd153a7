"""The only layer that knows HTTP and the command line."""

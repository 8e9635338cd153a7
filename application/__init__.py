"""The application service: the only place that builds, loads and saves deals."""

"""Post-run checks of a Locust run: response-time/failure thresholds and audit completeness."""

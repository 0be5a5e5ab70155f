"""The only package importing fhir.resources (R4B, wire-compatible with R4 for these resources)."""

"""One decision as an OCDS record: its releases and its compiled release, in one document."""

"""Repository scripts (not part of the library): the compliance report and the checkov scan."""

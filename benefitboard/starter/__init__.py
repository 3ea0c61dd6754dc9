"""``python -m benefitboard init``: a starter workspace config guessed from a company's files."""

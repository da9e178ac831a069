"""Clean-up of generated statements before code generation."""

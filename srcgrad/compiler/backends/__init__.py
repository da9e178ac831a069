"""From statements to running code: Python source via astor (codegen)."""

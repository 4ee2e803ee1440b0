"""What users pass in: the props' values, rules and checks."""

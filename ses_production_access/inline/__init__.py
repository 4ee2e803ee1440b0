"""The handler's code as templates carry it, and as the commands load it."""

"""SesProductionAccess and what it puts in a stack: the shared function, the watcher, their IAM."""

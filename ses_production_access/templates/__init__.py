"""CloudFormation templates written without cdk deploy: the plain template and the
StackSet's member template."""

"""The ses-production-access command: standard library and boto3 only (aws-cdk-lib only
for 'template')."""

"""Deploy-time contract tests: the synthesized handler, run like Lambda runs it, against
local stand-ins for SES v2 and CloudFormation's pre-signed response URL (issue 3)."""

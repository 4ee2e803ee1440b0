"""What differs across the supported aws-cdk-lib releases (README "Supported versions"), in
one place: each newer API is used where the installed release has it, and an older
release gets the same template by an older means wherever CloudFormation allows it.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk
from aws_cdk import CfnResource
from aws_cdk import aws_lambda as lambda_
from constructs import IConstruct


def newest_runtime(names: tuple[str, ...]) -> lambda_.Runtime:
    """The first of ``names`` (``lambda_.Runtime`` attributes, newest first) that the
    installed aws-cdk-lib offers."""
    for name in names:
        runtime = getattr(lambda_.Runtime, name, None)
        if isinstance(runtime, lambda_.Runtime):
            return runtime
    raise ImportError(
        f"aws-cdk-lib {aws_cdk_lib_version()} offers none of the Lambda runtimes "
        f"{', '.join(names)}: install a newer aws-cdk-lib (see the README's Supported versions)."
    )


def aws_cdk_lib_version() -> str:
    from importlib.metadata import version

    return version("aws-cdk-lib")


def add_resource_dependency(resource: CfnResource, target: CfnResource) -> None:
    """``resource`` DependsOn ``target``: add_resource_dependency (aws-cdk-lib 2.262) where
    add_dependency, its older name, is deprecated."""
    getattr(resource, "add_resource_dependency", resource.add_dependency)(target)


# Validations.acknowledge and Acknowledgment (aws-cdk-lib 2.252), read by cdk-nag 3.x.
HAS_VALIDATIONS = hasattr(aws_cdk, "Acknowledgment")


def acknowledge(construct: IConstruct, rules: Mapping[str, str]) -> None:
    """Acknowledge findings (rule id -> reason) of a validation plugin (cdk-nag 3.x) on
    ``construct``, in one jsii call. Before Validations there is nowhere to: cdk-nag 3.x,
    which needs 2.257, cannot run there either."""
    if HAS_VALIDATIONS and rules:
        aws_cdk.Validations.of(construct).acknowledge(
            *(aws_cdk.Acknowledgment(id=rule, reason=reason) for rule, reason in rules.items())
        )

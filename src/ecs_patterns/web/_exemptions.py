"""Why parts of FargateWebService are exempt from particular rules: the reasons, as data.

Each resource gets one ``exempt(resource, ...)`` call with the exemptions below; reasons that
depend on props are small functions. The compliance report (``docs/compliance.md``) quotes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core._compliance import Exemption

__all__ = [
    "PLAIN_HTTP_LISTENER",
    "REDIRECT_LISTENER",
    "TEST_LISTENER_PLAIN_HTTP",
    "access_log_bucket",
    "load_balancer",
    "long_deregistration_delay",
    "open_security_group",
]

# The compliance rules a plain-HTTP listener fails (no ACM certificate, no redirect to HTTPS).
_PLAIN_HTTP_LISTENER_RULES = tuple(
    f"{pack}-{rule}"
    for rule in ("ELBv2ACMCertificateRequired", "ALBHttpToHttpsRedirection")
    for pack in ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
)

# --- load balancer --------------------------------------------------------------------------

_NO_WAF = Exemption(
    nag=["NIST.800.53.R5-ALBWAFEnabled", "PCI.DSS.321-ALBWAFEnabled"],
    reason="The web ACL was turned off explicitly with waf=False (announced by the "
    "ecs-patterns:NoWaf warning), for a load balancer filtered upstream (e.g. by "
    "CloudFront with WAF) or reachable only from trusted networks.",
)
_NO_DELETION_PROTECTION = Exemption(
    nag=[
        "NIST.800.53.R5-ELBDeletionProtectionEnabled",
        "HIPAA.Security-ELBDeletionProtectionEnabled",
    ],
    reason="Deletion protection was turned off explicitly with deletion_protection=False "
    "(announced by the ecs-patterns:NoDeletionProtection warning), e.g. for a "
    "short-lived environment.",
)


_DELETION_PROTECTION_AFTER_CREATE = Exemption(
    nag=[
        "NIST.800.53.R5-ELBDeletionProtectionEnabled",
        "HIPAA.Security-ELBDeletionProtectionEnabled",
    ],
    reason="Deletion protection is off until a later deploy sets deletion_protection=True "
    "(announced at synthesis): CloudFormation cannot delete a protected load balancer, so with "
    "protection at create a failed first create would end in ROLLBACK_FAILED and need manual "
    "cleanup before a retry.",
)


def load_balancer(*, waf: bool, deletion_protection: bool | None) -> tuple[Exemption, ...]:
    """The load balancer: safe defaults turned off explicitly, and deletion protection left off
    for the first create (``deletion_protection=None``)."""
    return (
        *(() if waf else (_NO_WAF,)),
        *(
            ()
            if deletion_protection is True
            else (_NO_DELETION_PROTECTION,)
            if deletion_protection is False
            else (_DELETION_PROTECTION_AFTER_CREATE,)
        ),
    )


def access_log_bucket(*, expiry_days: int, noncurrent_days: int) -> tuple[Exemption, ...]:
    """The ALB access-log bucket: no server access logs, SSE-S3 and no replication."""
    return (
        Exemption(
            nag=[
                "AwsSolutions-S1",
                "NIST.800.53.R5-S3BucketLoggingEnabled",
                "HIPAA.Security-S3BucketLoggingEnabled",
                "PCI.DSS.321-S3BucketLoggingEnabled",
            ],
            reason="This bucket only receives ALB access logs from the ELB log delivery "
            "service; logging it to another bucket would need that bucket logged in "
            "turn. Public access is blocked, TLS is enforced, versioning keeps deleted "
            f"logs for {noncurrent_days} days, and object-level access can be "
            "audited with CloudTrail data events.",
        ),
        Exemption(
            nag=[
                "NIST.800.53.R5-S3DefaultEncryptionKMS",
                "HIPAA.Security-S3DefaultEncryptionKMS",
                "PCI.DSS.321-S3DefaultEncryptionKMS",
            ],
            reason="ALB access log delivery supports only SSE-S3 (Amazon S3 managed keys) on "
            "the destination bucket; SSE-KMS is not supported, so the bucket is encrypted with "
            "SSE-S3.",
        ),
        Exemption(
            nag=[
                "NIST.800.53.R5-S3BucketReplicationEnabled",
                "HIPAA.Security-S3BucketReplicationEnabled",
                "PCI.DSS.321-S3BucketReplicationEnabled",
            ],
            reason="Access logs are operational records of one regional load balancer, kept "
            f"for {expiry_days} days with versioning and a retain-on-delete "
            "policy; cross-region replication would need a second bucket in another "
            "region, which belongs to the account's log archive, not to one service.",
        ),
        Exemption(
            checkov=["CKV_AWS_18"],
            reason="This bucket only receives ALB access logs from the ELB log delivery service; "
            "server access logging on it would need another bucket, itself logged in turn. "
            "Public access is blocked, TLS is enforced and versions are kept; object-level "
            "access can be audited with CloudTrail data events.",
        ),
    )


def long_deregistration_delay(delay_s: float) -> Exemption:
    """A target group whose deregistration delay was raised above the library's target."""
    return Exemption(
        nag=["EcsPatterns-DeregistrationDelay"],
        reason=f"The deregistration delay was raised explicitly to {delay_s:g} s with "
        "deregistration_delay (announced by the ecs-patterns:LongDeregistrationDelay "
        "warning), for requests or connections that take longer to drain.",
    )


REDIRECT_LISTENER = Exemption(
    nag=[
        "NIST.800.53.R5-ELBv2ACMCertificateRequired",
        "HIPAA.Security-ELBv2ACMCertificateRequired",
        "PCI.DSS.321-ELBv2ACMCertificateRequired",
    ],
    reason="This port-80 listener only answers with a permanent redirect to HTTPS on 443 "
    "(which uses the ACM certificate); it forwards nothing to the targets.",
)

PLAIN_HTTP_LISTENER = (
    Exemption(
        nag=_PLAIN_HTTP_LISTENER_RULES,
        reason="Plain HTTP was chosen explicitly with allow_plain_http=True (announced by the "
        "ecs-patterns:PlainHttp warning), for traffic whose TLS ends before this load "
        "balancer or for a non-production environment without real data.",
    ),
    Exemption(
        checkov=["CKV_AWS_2", "CKV_AWS_103"],
        reason="Plain HTTP on port 80 was chosen explicitly with allow_plain_http=True "
        "(announced by the ecs-patterns:PlainHttp warning), for traffic whose TLS ends before "
        "this load balancer or for a non-production environment without real data.",
    ),
)
"""The production listener with ``allow_plain_http=True``."""

TEST_LISTENER_PLAIN_HTTP = (
    Exemption(
        nag=_PLAIN_HTTP_LISTENER_RULES,
        reason="The blue/green test listener follows the production listener, which serves "
        "plain HTTP because allow_plain_http=True was chosen explicitly (announced by "
        "the ecs-patterns:PlainHttp warning).",
    ),
    Exemption(
        checkov=["CKV_AWS_2", "CKV_AWS_103"],
        reason="The blue/green test listener follows the production listener, which serves "
        "plain HTTP because allow_plain_http=True was chosen explicitly (announced by "
        "the ecs-patterns:PlainHttp warning); it admits only the clients test_listener_cidrs "
        "names (by default the production listener's, and nobody when production is open to "
        "any IPv4 client).",
    ),
)
"""The blue/green test listener with ``allow_plain_http=True``."""


def open_security_group(
    *, ports: Sequence[int], port_80: bool, https: bool, reaches: str = "the tasks' port"
) -> tuple[Exemption, ...]:
    """The security group of an internet-facing load balancer open to any IPv4 client on
    ``ports``; ``port_80`` when the production listener ports are among them; ``reaches``
    says what the load balancer may connect to."""
    return (
        Exemption(
            nag=["AwsSolutions-EC23"],
            reason="This is the security group of an internet-facing load balancer: it admits "
            f"any IPv4 client on the listener ports ({', '.join(map(str, ports))}) only, "
            f"and the load balancer reaches nothing but {reaches}.",
        ),
        *(
            (
                Exemption(
                    checkov=["CKV_AWS_260"],
                    reason=(
                        "Port 80 is open to any IPv4 client only for the listener that answers "
                        "with a permanent redirect to HTTPS on 443; it forwards nothing to the "
                        "tasks."
                    )
                    if https
                    else (
                        "Plain HTTP on port 80 was chosen explicitly with allow_plain_http=True "
                        "(announced by the ecs-patterns:PlainHttp warning) for this "
                        "internet-facing load balancer."
                    ),
                ),
            )
            if port_80
            else ()
        ),
    )

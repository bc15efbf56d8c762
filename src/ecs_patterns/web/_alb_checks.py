"""Checks of load-balancer settings shared by LoadBalancerOptions and SharedIngressProps.

Both structs describe a hardened Application Load Balancer (one service's own, or the shared
ingress); their common fields are checked here, once, so the two forms refuse the same values
with the same words.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import weakref
from collections.abc import Mapping, Sequence

from aws_cdk import Stack

from ..core._errors import Problem
from ..core._validation import Checks, is_token
from ._waf import WAF_MANAGED_RULE_GROUPS, WAF_RULE_ACTIONS, WafRuleAction

__all__ = [
    "certificate_arn",
    "check_certificate_arn",
    "check_clients",
    "check_waf",
    "is_ipv4_cidr",
    "region_problems",
]

# An ACM certificate ARN (any partition); the region is checked against the stack's at
# construction, where the stack is known.
_ACM_ARN_RE = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+")
_CERTIFICATE_ARNS: weakref.WeakKeyDictionary[object, str | None] = weakref.WeakKeyDictionary()


def certificate_arn(certificate: object) -> str | None:
    """The certificate's ARN as a string (a token string when unresolved), read once per object.

    None without a certificate, or for a Python implementation of ``ICertificate`` that holds
    no ARN: nothing to judge then. Cached because each read is a jsii round trip and both the
    props and the service check it.
    """
    if certificate is None:
        return None
    with contextlib.suppress(KeyError, TypeError):  # TypeError: not weak-referenceable
        return _CERTIFICATE_ARNS[certificate]
    value = getattr(certificate, "certificate_arn", None)
    arn = value if isinstance(value, str) else None
    with contextlib.suppress(TypeError):
        _CERTIFICATE_ARNS[certificate] = arn
    return arn


def is_ipv4_cidr(cidr: str) -> bool:
    """An IPv4 network written address/prefix with the host bits zero (tokens pass)."""
    if is_token(cidr):
        return True
    if "/" not in cidr:
        return False
    try:
        ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        return False
    return True


def check_certificate_arn(checks: Checks, prop: str, certificate: object) -> None:
    """An ALB listener takes ACM certificates: the ARN must be an ACM certificate ARN."""
    arn = certificate_arn(certificate)
    if arn is None:
        return
    checks.check(
        is_token(arn) or _ACM_ARN_RE.fullmatch(arn) is not None,
        prop,
        arn,
        "an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID): an ALB "
        "listener takes ACM certificates, and this library only those",
        "Import the certificate from ACM with acm.Certificate.from_certificate_arn(...) "
        "of its ACM ARN (request or import it into ACM in the stack's region first).",
    )


def check_clients(
    checks: Checks, ingress_cidrs: Sequence[str] | None, ingress_prefix_lists: Sequence[str]
) -> None:
    """Client CIDRs (IPv4, host bits zero, at least one entry when given) and prefix lists."""
    if ingress_cidrs is not None:
        cidrs = list(ingress_cidrs)
        checks.check(
            bool(cidrs) or bool(ingress_prefix_lists),
            "ingress_cidrs",
            cidrs,
            "at least one CIDR or prefix list",
            "List the client networks, e.g. ['10.0.0.0/8'], or leave ingress_cidrs unset.",
        )
        for cidr in cidrs:
            checks.check(
                is_ipv4_cidr(cidr),
                "ingress_cidrs",
                cidr,
                "IPv4 CIDRs such as '203.0.113.0/24'",
                "Write each entry as address/prefix with the host bits zero.",
            )
    for prefix_list in ingress_prefix_lists:
        checks.check(
            is_token(prefix_list) or prefix_list.startswith("pl-"),
            "ingress_prefix_lists",
            prefix_list,
            "managed prefix list ids ('pl-...')",
            "Pass the prefix list id, e.g. prefix_list.prefix_list_id.",
        )


def check_waf(
    checks: Checks,
    *,
    waf: bool,
    web_acl_arn: str | None,
    waf_rule_overrides: Mapping[str, Mapping[str, WafRuleAction]],
) -> None:
    """A regional WAFv2 web ACL ARN only with ``waf``; overrides only of the created ACL."""
    if web_acl_arn is not None:
        checks.check(
            waf,
            "web_acl_arn",
            web_acl_arn,
            "only with waf=True",
            "Drop web_acl_arn, or keep waf=True to associate it.",
        )
        checks.check(
            is_token(web_acl_arn) or ":global/webacl/" not in web_acl_arn,
            "web_acl_arn",
            web_acl_arn,
            "a REGIONAL web ACL (.../regional/webacl/...); this is a CLOUDFRONT-scope web "
            "ACL, which WAF cannot associate with a load balancer",
            "Create or pick a web ACL with Scope REGIONAL in the load balancer's region, or "
            "leave web_acl_arn unset for a new one.",
        )
        checks.check(
            is_token(web_acl_arn) or ":wafv2:" in web_acl_arn,
            "web_acl_arn",
            web_acl_arn,
            "a regional WAFv2 web ACL ARN (arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/...)",
            "Pass the ARN of a REGIONAL web ACL in the load balancer's region.",
        )
    for group, rules in waf_rule_overrides.items():
        checks.check(
            group in WAF_MANAGED_RULE_GROUPS,
            "waf_rule_overrides",
            group,
            "a managed rule group of the created web ACL: " + ", ".join(WAF_MANAGED_RULE_GROUPS),
            "Override rules of those groups only; for other rule groups, manage your own web "
            "ACL and pass web_acl_arn.",
        )
        for rule, action in rules.items():
            checks.check(
                bool(rule) and action in WAF_RULE_ACTIONS,
                "waf_rule_overrides",
                f"{group}: {rule!r}: {action!r}",
                "a rule name and an action: " + ", ".join(repr(a) for a in WAF_RULE_ACTIONS),
                f"Write e.g. {{{group!r}: {{'SizeRestrictions_BODY': 'count'}}}}.",
            )
    if waf_rule_overrides:
        checks.check(
            waf and web_acl_arn is None,
            "waf_rule_overrides",
            sorted(waf_rule_overrides),
            "only with a web ACL the library creates (waf=True, no web_acl_arn)",
            "Drop waf_rule_overrides, or change the rules in the web ACL you pass.",
        )


def _region_of(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None


def region_problems(stack: Stack, arns: Sequence[tuple[str, str | None]]) -> list[Problem]:
    """ARNs of another region than the stack, by prop: the deploy would fail on them.

    An ALB takes ACM certificates and regional web ACLs of its own region only. Checked when
    both the ARN and the stack's region are literals (an imported certificate, an env-bound
    stack); tokens are left to CloudFormation.
    """
    region = stack.region
    if is_token(region):
        return []
    problems: list[Problem] = []
    for prop, arn in arns:
        what = prop.split(".")[-1].split("[")[0].replace("_arn", "").replace("_", " ")
        what = what.removesuffix("s") if what == "certificates" else what
        if not isinstance(arn, str) or is_token(arn):
            continue
        arn_region = _region_of(arn)
        if arn_region is not None and arn_region != region:
            problems.append(
                Problem(
                    prop=prop,
                    value=arn,
                    allowed=f"an ARN in the stack's region {region} (this one is in "
                    f"{arn_region}): a load balancer uses certificates and web ACLs of its "
                    "own region only",
                    fix=f"Use the {what} of {region}, or deploy the stack to {arn_region}.",
                )
            )
    return problems

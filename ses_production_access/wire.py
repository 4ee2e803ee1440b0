"""The names the library and the handler (``lambda/index.py``) share on the wire, once.

Standard library only: the commands import it without aws-cdk-lib. The handler, which must
stay self-contained (it ships inline in the template), mirrors each value under the same
name; ``tests/wire/test_wire.py`` keeps the two equal. Patterns are matched whole
(``re.fullmatch``).
"""

from __future__ import annotations

import re

# The handler's code: CloudFormation writes ZipFile code to index.py, so the handler
# string must be index.*.
HANDLER_MODULE = "index"
HANDLER_FILE = f"{HANDLER_MODULE}.py"
HANDLER_FUNCTION = "handler"

# The handler's optional features: `FEATURE = "name"` opens a region of index.py and
# `FEATURE = ""` closes it.
FEATURE_EVENTS = "events"  # the status event's sending, and the bus, topic and prefix settings
FEATURE_NOTIFY = "notify"  # the status event on a central bus after each answer (needs events)
FEATURE_WATCH = "watch"  # the scheduled watcher (needs events)
FEATURE_VALIDATE = "validate"  # deploy-time checks of values that were tokens at synth
FEATURE_COMMANDS = "commands"  # what only the command line reads (the findings' advice)
FEATURES = (
    FEATURE_EVENTS, FEATURE_NOTIFY, FEATURE_WATCH, FEATURE_VALIDATE,
    FEATURE_COMMANDS,
)
# What a feature's code calls in another feature.
NEEDS = {FEATURE_NOTIFY: FEATURE_EVENTS, FEATURE_WATCH: FEATURE_EVENTS}

# Resource properties: what the construct writes, what the handler reads.
PROP_REGION = "Region"
PROP_MAIL_TYPE = "MailType"
PROP_WEBSITE_URL = "WebsiteURL"
PROP_CONTACT_LANGUAGE = "ContactLanguage"
PROP_USE_CASE_DESCRIPTION = "UseCaseDescription"
PROP_CONTACTS = "AdditionalContactEmailAddresses"
PROP_FAIL_ON_DENIED = "FailOnDenied"
PROP_WHEN_NOT_READY = "WhenNotReady"
PROP_REPORT_ONLY = "ReportOnly"
PROP_STATUS_BUS_ARN = "StatusBusArn"
PROP_PARAMETER_PREFIX = "ParameterPrefix"
PROP_TOPIC_ARN = "TopicArn"
# The properties the handler reads only with its events feature (the status event sent).
EVENTS_PROPERTIES = (PROP_STATUS_BUS_ARN, PROP_PARAMETER_PREFIX, PROP_TOPIC_ARN)
# Changes at every synthesis so that each deployment reads SES again; the handler ignores it.
PROP_SYNTHESIZED_AT = "SynthesizedAt"

# Values, as the SES v2 API spells them.
MAIL_TYPES = ("MARKETING", "TRANSACTIONAL")
CONTACT_LANGUAGES = ("EN", "JA")
WHEN_NOT_READY = ("SUBMIT", "HOLD", "FAIL")
PRODUCTION = "PRODUCTION"
PENDING_REVIEW = "PENDING_REVIEW"
DENIED = "DENIED"
SANDBOX = "SANDBOX"
SANDBOX_STATUSES = (PRODUCTION, PENDING_REVIEW, DENIED, SANDBOX)
ABSENT = "NONE"  # a member GetAccount did not return
# How a boolean property is written (fail_on_denied, report_only).
FLAG_TRUE = "true"
FLAG_FALSE = "false"

# Data keys: the custom resource's attributes (Fn::GetAtt), in the handler's order.
DATA_KEYS = (
    "SandboxStatus",
    "ProductionAccessEnabled",
    "ReviewStatus",
    "CaseId",
    "MaxSendRate",
    "Max24HourSend",
    "SendingEnabled",
    "EnforcementStatus",
    "Ready",
    "ReadinessFindings",
)

# The status event (EventBridge PutEvents), from a deployment and from the watcher alike.
EVENT_SOURCE = "ses-production-access"
EVENT_DETAIL_TYPE = "SES Production Access Status"

# The watcher's schedule input: {WATCH_KEY: {WATCH_REGIONS: [...], PROP_PARAMETER_PREFIX:
# ..., PROP_TOPIC_ARN: ..., PROP_STATUS_BUS_ARN: ...}}.
WATCH_KEY = "SesProductionAccessWatch"
WATCH_REGIONS = "Regions"
WATCH_INTERVAL = "IntervalMinutes"  # the schedule's rate
WATCH_TIME = "Time"  # when EventBridge scheduled the run (its envelope's time)

# Patterns. [0-9], not \d: "\d" matches any Unicode digit (Arabic-Indic, fullwidth, ...).
REGION_PATTERN = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
# RFC 5322 dot-atom: atext runs joined by single dots.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LOCAL_PART_PATTERN = re.compile(rf"{_ATEXT}(\.{_ATEXT})*")
# RFC 1123 label: 1 to 63 letters, digits and "-", with no "-" first or last.
LABEL_PATTERN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# White space, controls, format characters (zero-width, bidirectional overrides),
# surrogates, private-use and unassigned code points: invisible in a console or a form.
INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")
TOPIC_ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:sns:[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?"
)
EVENT_BUS_ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:events:[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:event-bus/[A-Za-z0-9._/-]{1,256}"
)
# SSM parameter names: at most 1011 characters, the Region's name last; the handler
# accepts a prefix of at most 901 (its PARAMETER_PREFIX_PATTERN encodes that length).
PARAMETER_PREFIX_PATTERN = re.compile(r"/[A-Za-z0-9_.\-/]{0,900}")
WATCH_PARAMETER_PREFIX_MAX_LENGTH = 901

# Limits: SES v2 PutAccountDetails as botocore models it; RFC 5321 and 1035.
WEBSITE_URL_MAX_LENGTH = 1000
USE_CASE_DESCRIPTION_MAX_LENGTH = 5000
CONTACT_ADDRESSES_MAX = 4
CONTACT_ADDRESS_MIN_LENGTH = 6
CONTACT_ADDRESS_MAX_LENGTH = 254
# RFC 5321: a local part (before the "@") of at most 64 octets.
CONTACT_LOCAL_PART_MAX_LENGTH = 64
HOST_NAME_MAX_LENGTH = 253
# Names that never resolve on the public internet, so a reviewer could never open them
# (RFC 2606, 6761, 6762, 7686, 8375; ICANN's .internal).
LOCAL_TOP_LEVEL_DOMAINS = (
    "localhost", "local", "localdomain", "internal", "invalid", "test", "example", "onion",
)
LOCAL_DOMAIN_SUFFIXES = (".home.arpa",)

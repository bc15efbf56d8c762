"""Alarm notification plumbing, shared by every construct that notifies: see ``core._notify``."""

from __future__ import annotations

from ..core._notify import TopicTarget, alarm_topic, allow_alarm_publishing, allow_rule_publishing

__all__ = ["TopicTarget", "alarm_topic", "allow_alarm_publishing", "allow_rule_publishing"]

"""Probes with logic of their own (one function per catalogue signal that needs code)."""

from __future__ import annotations

"""Fraud scoring."""

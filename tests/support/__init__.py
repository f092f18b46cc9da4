"""Helpers shared by the contract and end-to-end tests."""
